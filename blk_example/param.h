/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Settings that check their value when it is set (param.c): a number with
 * a range, or one of a list of names. Each kind has one check, used by
 * the module parameter's setter and by the disks' configfs attributes
 * (configfs.c) alike. Shared by main.c, configfs.c and fault.c.
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
int blkex_uparam_check(const struct blkex_uparam *p, const char *who,
		       const char *name, const char *str, u64 *v);

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
int blkex_eparam_check(const struct blkex_eparam *p, const char *who,
		       const char *name, const char *str, unsigned int *v);
void blkex_names_list(char *buf, size_t size, const char * const *names,
		      unsigned int nr_names);

/*
 * A range of 512-byte sectors, both ends included: what the badblocks
 * parameter (fault.c) and attribute (configfs.c) take, parsed by
 * blkex_parse_range() (param.c) from "START-END" or "START".
 */
struct blkex_badrange {
	sector_t start;
	sector_t end;
};

int blkex_parse_range(const char *str, struct blkex_badrange *r);

/*
 * pr_err() under one rate limit shared by every refused write (param.c):
 * a user's writes come at any rate, a module parameter only at load.
 */
bool blkex_err_ratelimit(void);

#define blkex_err(fmt, ...)					\
	do {							\
		if (blkex_err_ratelimit())			\
			pr_err(fmt, ##__VA_ARGS__);		\
	} while (0)

#endif /* _BLKEX_PARAM_H */
