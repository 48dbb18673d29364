/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters that check their value when it is set (param.c): a
 * number with a range, or one of a list of names. Shared by main.c and
 * fault.c.
 */
#ifndef _BLKEX_PARAM_H
#define _BLKEX_PARAM_H

#include <linux/moduleparam.h>
#include <linux/types.h>

/*
 * A numeric module parameter with its valid range (param.c). The setter
 * rejects anything outside it with -EINVAL and one message naming the
 * parameter.
 */
struct blkex_uparam {
	u64 val;
	u64 min;
	u64 max;
	bool pow2;		/* must also be a power of two */
};

extern const struct kernel_param_ops blkex_uparam_ops;

/*
 * A module parameter that takes one of a fixed list of names (param.c);
 * @val is the index of the name given. The setter rejects any other
 * string with -EINVAL and one message listing the names.
 */
struct blkex_eparam {
	const char * const *names;
	unsigned int nr_names;
	unsigned int val;
};

extern const struct kernel_param_ops blkex_eparam_ops;
void blkex_names_list(char *buf, size_t size, const char * const *names,
		      unsigned int nr_names);

#endif /* _BLKEX_PARAM_H */
