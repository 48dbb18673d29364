// SPDX-License-Identifier: GPL-2.0
/*
 * Checked settings (param.h): a number with a range, or one of a list of
 * names. One check per kind serves both the module parameter's setter,
 * which refuses a bad value so that insmod fails before anything is made,
 * and a disk's configfs attribute (configfs.c): the same rules and
 * the same message, the latter prefixed with the disk's name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/string.h>
#include <linux/types.h>

#include "param.h"

/*
 * The messages of refused writes share one rate limit: a script that loops
 * writing a bad value must not flood the log, yet each of a user's
 * deliberate bad writes should say why it was refused, so the burst is
 * large (pr_err_ratelimited()'s 10 per call site swallowed the messages of
 * a quick run of bad writes). Module parameters go through it too; at
 * load time there is only ever one message.
 */
static DEFINE_RATELIMIT_STATE(blkex_err_rs, 5 * HZ, 100);

bool blkex_err_ratelimit(void)
{
	return __ratelimit(&blkex_err_rs);
}

/*
 * @str as a value of @p, or -EINVAL and one message "WHONAME=STR ...";
 * @who is "" for a module parameter and "blkexN: " for a disk's setting.
 * A trailing newline is allowed, as kstrtoull() allows it.
 */
int blkex_uparam_check(const struct blkex_uparam *p, const char *who,
		       const char *name, const char *str, u64 *v)
{
	if (kstrtoull(str, 0, v)) {
		blkex_err("%s%s=%s is not a number in [%llu, %llu]\n",
			  who, name, str, p->min, p->max);
		return -EINVAL;
	}
	if (*v < p->min || *v > p->max) {
		blkex_err("%s%s=%llu is out of range [%llu, %llu]\n",
			  who, name, *v, p->min, p->max);
		return -EINVAL;
	}
	if (p->pow2 && !is_power_of_2(*v)) {
		blkex_err("%s%s=%llu is not a power of two\n", who, name, *v);
		return -EINVAL;
	}
	return 0;
}

/* struct blkex_uparam's setter and getter (param.h). */
static int blkex_uparam_set(const char *str, const struct kernel_param *kp)
{
	struct blkex_uparam *p = kp->arg;
	u64 v;
	int ret;

	ret = blkex_uparam_check(p, "", kp->name, str, &v);
	if (!ret)
		p->val = v;
	return ret;
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

/*
 * @str as one of @p's names (its index in *@v), or -EINVAL and one message
 * listing them; @who as for blkex_uparam_check(). A trailing newline is
 * allowed, as __sysfs_match_string() allows it.
 */
int blkex_eparam_check(const struct blkex_eparam *p, const char *who,
		       const char *name, const char *str, unsigned int *v)
{
	char names[80];
	int i;

	i = __sysfs_match_string(p->names, p->nr_names, str);
	if (i >= 0) {
		*v = i;
		return 0;
	}
	blkex_names_list(names, sizeof(names), p->names, p->nr_names);
	blkex_err("%s%s=%s is not one of %s\n", who, name, str, names);
	return -EINVAL;
}

/* struct blkex_eparam's setter and getter (param.h). */
static int blkex_eparam_set(const char *str, const struct kernel_param *kp)
{
	struct blkex_eparam *p = kp->arg;
	unsigned int v;
	int ret;

	ret = blkex_eparam_check(p, "", kp->name, str, &v);
	if (!ret)
		p->val = v;
	return ret;
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

/*
 * "START-END" or "START": one range of sectors (param.h). Numbers are
 * decimal or 0x-prefixed hex; the range must not be empty or reversed.
 * Nothing is checked against a capacity here, which the caller knows.
 */
int blkex_parse_range(const char *str, struct blkex_badrange *r)
{
	char buf[48];		/* two 20-digit sectors and a dash */
	char *end;
	u64 start, last;

	if (strscpy(buf, str, sizeof(buf)) < 0)
		return -EINVAL;
	end = strchr(buf, '-');
	if (end)
		*end++ = '\0';
	if (kstrtou64(buf, 0, &start))
		return -EINVAL;
	last = start;
	if (end && kstrtou64(end, 0, &last))
		return -EINVAL;
	if (last < start)
		return -EINVAL;
	r->start = start;
	r->end = last;
	return 0;
}
