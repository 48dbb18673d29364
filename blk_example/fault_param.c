// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection's module parameters: the settings every disk starts
 * with (fault.c copies them into a new disk), each refused at load when
 * bad, by param.c's checks. configfs.c checks a disk's attributes against
 * the same structs, so an attribute takes what its parameter takes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fault.h"
#include "param.h"

/* Bounds that keep a setting meaningful and a worker from sleeping for long. */
#define BLKEX_MAX_FAIL_NTH	1000000
#define BLKEX_MAX_DELAY_US	10000000
/* Ranges the badblocks parameter takes; more can be added through configfs. */
#define BLKEX_PARAM_BADBLOCKS	64

static const char * const blkex_fault_dir_names[] = {
	[BLKEX_FAULT_READ]	= "read",
	[BLKEX_FAULT_WRITE]	= "write",
	[BLKEX_FAULT_RW]	= "rw",
};

/* The load-time settings every disk starts with. */
struct blkex_badrange blkex_param_bad[BLKEX_PARAM_BADBLOCKS];
unsigned int blkex_param_nr_bad;
struct blkex_eparam blkex_param_fail_dir = {
	.names = blkex_fault_dir_names,
	.nr_names = ARRAY_SIZE(blkex_fault_dir_names),
	.val = BLKEX_FAULT_RW,
};

struct blkex_uparam blkex_param_fail_nth = { .max = BLKEX_MAX_FAIL_NTH };
module_param_cb(fail_nth, &blkex_uparam_ops, &blkex_param_fail_nth, 0444);
MODULE_PARM_DESC(fail_nth, "Fail every Nth request that fail_dir selects, 0 to 1000000; 0 is off. Default: 0");

struct blkex_uparam blkex_param_fail_permille = { .max = 1000 };
module_param_cb(fail_permille, &blkex_uparam_ops, &blkex_param_fail_permille, 0444);
MODULE_PARM_DESC(fail_permille, "Fail this many in 1000 of the requests that fail_dir selects, at random, 0 to 1000. Default: 0");

struct blkex_uparam blkex_param_delay_us = { .max = BLKEX_MAX_DELAY_US };
module_param_cb(delay_us, &blkex_uparam_ops, &blkex_param_delay_us, 0444);
MODULE_PARM_DESC(delay_us, "Added service time per request in microseconds, 0 to 10000000 (10 s): a request is served no sooner than this after it was started. Default: 0");

/*
 * badblocks=START-END[,START-END...]: the whole list is parsed into a copy
 * and replaces the old one only when every range is good.
 */
static int blkex_badblocks_set(const char *str, const struct kernel_param *kp)
{
	struct blkex_badrange *bad;	/* too big for the stack */
	char *list, *cur, *tok;
	unsigned int n = 0;
	int ret = 0;

	bad = kcalloc(BLKEX_PARAM_BADBLOCKS, sizeof(*bad), GFP_KERNEL);
	if (!bad)
		return -ENOMEM;
	list = kstrdup(str, GFP_KERNEL);
	if (!list) {
		ret = -ENOMEM;
		goto out_free_bad;
	}
	cur = strim(list);
	while ((tok = strsep(&cur, ",")) && *tok) {
		if (n == BLKEX_PARAM_BADBLOCKS) {
			pr_err("%s=%s: more than %d ranges\n", kp->name, str,
			       BLKEX_PARAM_BADBLOCKS);
			ret = -EINVAL;
			break;
		}
		if (blkex_parse_range(tok, &bad[n])) {
			pr_err("%s=%s: '%s' is not a sector range START-END\n",
			       kp->name, str, tok);
			ret = -EINVAL;
			break;
		}
		n++;
	}
	if (!ret && tok && !*tok && cur) {
		pr_err("%s=%s: empty range in the list\n", kp->name, str);
		ret = -EINVAL;
	}
	kfree(list);
	if (!ret) {
		memcpy(blkex_param_bad, bad, n * sizeof(bad[0]));
		blkex_param_nr_bad = n;
	}
out_free_bad:
	kfree(bad);
	return ret;
}

static int blkex_badblocks_get(char *buf, const struct kernel_param *kp)
{
	int i, len = 0;

	for (i = 0; i < blkex_param_nr_bad; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%llu-%llu",
				 i ? "," : "", (u64)blkex_param_bad[i].start,
				 (u64)blkex_param_bad[i].end);
	return len + scnprintf(buf + len, PAGE_SIZE - len, "\n");
}

static const struct kernel_param_ops blkex_badblocks_ops = {
	.set = blkex_badblocks_set,
	.get = blkex_badblocks_get,
};

module_param_cb(badblocks, &blkex_badblocks_ops, NULL, 0444);
MODULE_PARM_DESC(badblocks, "Bad sector ranges START-END[,START-END...], at most 64, both ends included and inside the disk, together at most the 512 entries of 512 sectors of the kernel's bad-block table: requests that fail_dir selects and that touch one fail. Default: none");

module_param_cb(fail_dir, &blkex_eparam_ops, &blkex_param_fail_dir, 0444);
MODULE_PARM_DESC(fail_dir, "Requests that badblocks, fail_nth and fail_permille apply to: read, write (also discard and write-zeroes) or rw. Default: rw");

/* delay_us=, for the check that refuses it with latency_profile=. */
u32 blkex_fault_default_delay_us(void)
{
	return blkex_param_delay_us.val;
}
