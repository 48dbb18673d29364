// SPDX-License-Identifier: GPL-2.0
/*
 * The setters and getters of the checked module parameters (param.h):
 * each setter refuses a bad value with -EINVAL and one message naming
 * the parameter, so that insmod fails before anything is made.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "param.h"

/* struct blkex_uparam's setter and getter (param.h). */
static int blkex_uparam_set(const char *str, const struct kernel_param *kp)
{
	struct blkex_uparam *p = kp->arg;
	u64 v;

	if (kstrtoull(str, 0, &v)) {
		pr_err("%s=%s is not a number in [%llu, %llu]\n",
		       kp->name, str, p->min, p->max);
		return -EINVAL;
	}
	if (v < p->min || v > p->max) {
		pr_err("%s=%llu is out of range [%llu, %llu]\n",
		       kp->name, v, p->min, p->max);
		return -EINVAL;
	}
	if (p->pow2 && !is_power_of_2(v)) {
		pr_err("%s=%llu is not a power of two\n", kp->name, v);
		return -EINVAL;
	}
	p->val = v;
	return 0;
}

static int blkex_uparam_get(char *buf, const struct kernel_param *kp)
{
	const struct blkex_uparam *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%llu\n", p->val);
}

const struct kernel_param_ops blkex_uparam_ops = {
	.set = blkex_uparam_set,
	.get = blkex_uparam_get,
};

/* "a, b, c": @names for a message that says what a setting accepts. */
void blkex_names_list(char *buf, size_t size, const char * const *names,
		      unsigned int nr_names)
{
	unsigned int i;
	int len = 0;

	buf[0] = '\0';
	for (i = 0; i < nr_names; i++)
		len += scnprintf(buf + len, size - len, "%s%s",
				 i ? ", " : "", names[i]);
}

/* struct blkex_eparam's setter and getter (param.h). */
static int blkex_eparam_set(const char *str, const struct kernel_param *kp)
{
	struct blkex_eparam *p = kp->arg;
	char names[80];
	int i;

	i = __sysfs_match_string(p->names, p->nr_names, str);
	if (i >= 0) {
		p->val = i;
		return 0;
	}
	blkex_names_list(names, sizeof(names), p->names, p->nr_names);
	pr_err("%s=%s is not one of %s\n", kp->name, str, names);
	return -EINVAL;
}

static int blkex_eparam_get(char *buf, const struct kernel_param *kp)
{
	const struct blkex_eparam *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%s\n", p->names[p->val]);
}

const struct kernel_param_ops blkex_eparam_ops = {
	.set = blkex_eparam_set,
	.get = blkex_eparam_get,
};
