// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection, in the spirit of null_blk's: make chosen requests fail,
 * slow every request down, or drop requests so that .timeout has to end
 * them. The module parameters set what each disk starts with; the
 * attributes of its configfs directory (configfs.c) change it at run time:
 *
 *   badblocks      "+START-END" adds a range of sectors (both ends included),
 *                  "-START-END" makes those sectors good again (a range
 *                  partly cleared is split), "clear" removes all; reads
 *                  list the bad runs, one START-END a line, as many as fit
 *                  in a page (debugfs lists them all)
 *   fail_nth       fail every Nth request (0: off)
 *   fail_permille  fail this many requests in 1000, at random (0: off)
 *   fail_dir       which requests the three above apply to: read, write, rw
 *   delay_us       added service time per request, in microseconds, as
 *                  null_blk's completion_nsec (for requests started after
 *                  the write)
 *   hang_next      drop the next N read or write requests (any direction)
 *   stats          read-only counts: failed, hung, timed_out (hung requests
 *                  ended by .timeout), rearmed (timers .timeout rearmed
 *                  for requests still being served)
 *
 * configfs, not debugfs, because a kernel in lockdown (Secure Boot) refuses
 * to open any writable debugfs file. /sys/kernel/debug/blk_example/blkexN/
 * keeps read-only copies of the same files while the disk is powered on.
 *
 * The work handler asks blkex_fault_decide() about each request under
 * store_mutex, before anything is copied; the attribute writers change
 * the settings under the same mutex, after the whole value has been
 * checked (by the module parameter's own check, param.c), so a request
 * sees either the old settings or the new ones and a bad value changes
 * nothing.
 *
 * Bad sectors live in the kernel's own table, struct badblocks
 * (block/badblocks.c, md's and null_blk's): a page of 512 entries of at
 * most 512 sectors each, kept sorted and merged by the library. It has its
 * own seqlock, but every change and every lookup here is made under
 * store_mutex as the other settings are, which is also what lets the
 * readers walk the table directly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/configfs.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blk_example.h"
#include "fault.h"
#include "param.h"

/* Bounds that keep a setting meaningful and a worker from sleeping for long. */
#define BLKEX_MAX_FAIL_NTH	1000000
#define BLKEX_MAX_DELAY_US	10000000
#define BLKEX_MAX_HANG		1024
/* Longest value an attribute takes: two 20-digit sectors, a sign and a dash. */
#define BLKEX_KNOB_LEN		48
/* Ranges the badblocks parameter takes; more can be added through configfs. */
#define BLKEX_PARAM_BADBLOCKS	64
/* The most bad sectors the kernel's table can hold, also in one range. */
#define BLKEX_MAX_BAD_SECTORS	(MAX_BADBLOCKS * BB_MAX_LEN)

/* A bad-block range, in 512-byte sectors, both ends included. */
struct blkex_badrange {
	sector_t start;
	sector_t end;
};

static const char * const blkex_fault_dir_names[] = {
	[BLKEX_FAULT_READ]	= "read",
	[BLKEX_FAULT_WRITE]	= "write",
	[BLKEX_FAULT_RW]	= "rw",
};

/* The load-time settings every disk starts with. */
static struct blkex_badrange g_bad[BLKEX_PARAM_BADBLOCKS];
static unsigned int g_nr_bad;
static struct blkex_eparam g_fail_dir = {
	.names = blkex_fault_dir_names,
	.nr_names = ARRAY_SIZE(blkex_fault_dir_names),
	.val = BLKEX_FAULT_RW,
};

static struct blkex_uparam g_fail_nth = { .max = BLKEX_MAX_FAIL_NTH };
module_param_cb(fail_nth, &blkex_uparam_ops, &g_fail_nth, 0444);
MODULE_PARM_DESC(fail_nth, "Fail every Nth request that fail_dir selects, 0 to 1000000; 0 is off. Default: 0");

static struct blkex_uparam g_fail_permille = { .max = 1000 };
module_param_cb(fail_permille, &blkex_uparam_ops, &g_fail_permille, 0444);
MODULE_PARM_DESC(fail_permille, "Fail this many in 1000 of the requests that fail_dir selects, at random, 0 to 1000. Default: 0");

static struct blkex_uparam g_delay_us = { .max = BLKEX_MAX_DELAY_US };
/* No parameter: the range of the configfs attribute alone. */
static struct blkex_uparam g_hang_next = { .max = BLKEX_MAX_HANG };
module_param_cb(delay_us, &blkex_uparam_ops, &g_delay_us, 0444);
MODULE_PARM_DESC(delay_us, "Added service time per request in microseconds, 0 to 10000000 (10 s): a request is served no sooner than this after it was started. Default: 0");

/*
 * "START-END" or "START": one range of sectors. Numbers are decimal or
 * 0x-prefixed hex; the range must not be empty or reversed. Nothing is
 * checked against a capacity here, which the caller knows.
 */
static int blkex_parse_range(const char *str, struct blkex_badrange *r)
{
	char buf[BLKEX_KNOB_LEN];
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
		memcpy(g_bad, bad, n * sizeof(bad[0]));
		g_nr_bad = n;
	}
out_free_bad:
	kfree(bad);
	return ret;
}

static int blkex_badblocks_get(char *buf, const struct kernel_param *kp)
{
	int i, len = 0;

	for (i = 0; i < g_nr_bad; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%llu-%llu",
				 i ? "," : "", (u64)g_bad[i].start,
				 (u64)g_bad[i].end);
	return len + scnprintf(buf + len, PAGE_SIZE - len, "\n");
}

static const struct kernel_param_ops blkex_badblocks_ops = {
	.set = blkex_badblocks_set,
	.get = blkex_badblocks_get,
};

module_param_cb(badblocks, &blkex_badblocks_ops, NULL, 0444);
MODULE_PARM_DESC(badblocks, "Bad sector ranges START-END[,START-END...], at most 64, both ends included and inside the disk, together at most the 512 entries of 512 sectors of the kernel's bad-block table: requests that fail_dir selects and that touch one fail. Default: none");

module_param_cb(fail_dir, &blkex_eparam_ops, &g_fail_dir, 0444);
MODULE_PARM_DESC(fail_dir, "Requests that badblocks, fail_nth and fail_permille apply to: read, write (also discard and write-zeroes) or rw. Default: rw");

/*
 * The next run of bad sectors in @bb from entry *@i on, as [*@start,
 * *@end): the library keeps entries of at most 512 sectors, so one range
 * added as a whole may lie in several adjacent entries, and is shown
 * whole. The entry format is the one md writes to disk (BB_OFFSET,
 * BB_LEN in <linux/badblocks.h>). The caller holds whatever lock every
 * change of @bb is made under.
 */
static bool blkex_bad_next(const struct badblocks *bb, int *i,
			   sector_t *start, sector_t *end)
{
	const u64 *p = bb->page;

	if (*i >= bb->count)
		return false;
	*start = BB_OFFSET(p[*i]);
	*end = *start + BB_LEN(p[*i]);
	while (++*i < bb->count && BB_OFFSET(p[*i]) <= *end)
		*end = max_t(sector_t, *end, BB_OFFSET(p[*i]) + BB_LEN(p[*i]));
	return true;
}

/*
 * Mark @r bad, all of it or fail: badblocks_set() adds what fits when the
 * table runs full and may report success for a part (6.12), so the result
 * is checked against the table. -ENOSPC: @r is not all bad, though part of
 * it may be.
 *
 * The range goes in at most BB_MAX_LEN sectors a call, lowest first:
 * 6.1's badblocks_set() cuts a longer range into entries that it inserts
 * each before the one made last, which leaves the table out of order (its
 * lookups and this check then miss sectors; the soak's 65536-sector range
 * was refused).
 */
static int blkex_bad_add(struct badblocks *bb, const struct blkex_badrange *r)
{
	sector_t s = r->start, start, end;
	int i = 0, n;

	if (r->end - r->start >= BLKEX_MAX_BAD_SECTORS)
		return -ENOSPC;
	do {
		n = min_t(u64, r->end - s, BB_MAX_LEN - 1) + 1;
		if (badblocks_set(bb, s, n, 1))
			return -ENOSPC;
		s += n;
	} while (s && s - 1 < r->end);
	while (blkex_bad_next(bb, &i, &start, &end))
		if (start <= r->start && end > r->end)
			return 0;
	return -ENOSPC;
}

/*
 * Make @r good again. Clearing the middle of a range splits it, which
 * takes one more entry: in a full table 6.1's badblocks_clear() refuses
 * and 6.12's skips that part in silence, so the result is checked with a
 * lookup. -ENOSPC: some of @r is still bad. Sectors that were not bad
 * are no error, as in md and null_blk.
 */
static int blkex_bad_remove(struct badblocks *bb,
			    const struct blkex_badrange *r)
{
	sector_t s = r->start, first;
	int n, sectors;

	/* badblocks_clear() counts in an int; no run is longer than this. */
	do {
		n = min_t(u64, r->end - s, BLKEX_MAX_BAD_SECTORS - 1) + 1;
		badblocks_clear(bb, s, n);
		if (badblocks_check(bb, s, n, &first, &sectors))
			return -ENOSPC;
		s += n;
	} while (s && s - 1 < r->end);
	return 0;
}

/*
 * Entry by entry: a whole entry is cleared without a split. Every call
 * must take at least one entry away, so the loop runs at most
 * MAX_BADBLOCKS times: a call that fails, or that returns 0 with the count
 * unchanged (6.1's badblocks_clear() did, on a table its badblocks_set()
 * had left out of order, and the loop spun under store_mutex until the
 * soft-lockup watchdog fired), ends it with -EIO and the table as it is.
 */
static int blkex_bad_clear_all(struct badblocks *bb)
{
	int count;

	while ((count = bb->count)) {
		if (badblocks_clear(bb, BB_OFFSET(bb->page[0]),
				    BB_LEN(bb->page[0])) ||
		    bb->count >= count)
			return -EIO;
	}
	return 0;
}

/*
 * The load-time ranges must lie inside the disk; num_sectors may come
 * after badblocks on the command line, so this runs once both are known.
 * They must also fit in the table together, which only the library knows
 * (it merges and splits): they are tried on a table of this call's own,
 * so that every disk can then take them without an error.
 */
int blkex_fault_check_params(u64 nr_sectors)
{
	struct badblocks bb;
	int i, ret;

	for (i = 0; i < g_nr_bad; i++) {
		if (g_bad[i].end >= nr_sectors) {
			pr_err("badblocks=%llu-%llu is beyond the last sector %llu\n",
			       (u64)g_bad[i].start, (u64)g_bad[i].end,
			       nr_sectors - 1);
			return -EINVAL;
		}
	}
	if (!g_nr_bad)
		return 0;
	ret = badblocks_init(&bb, 1);
	if (ret)
		return ret;
	for (i = 0; i < g_nr_bad; i++) {
		if (blkex_bad_add(&bb, &g_bad[i])) {
			pr_err("badblocks: the ranges up to %llu-%llu need more than the %lu entries of at most %d sectors of the kernel's bad-block table\n",
			       (u64)g_bad[i].start, (u64)g_bad[i].end,
			       MAX_BADBLOCKS, BB_MAX_LEN);
			ret = -EINVAL;
			break;
		}
	}
	badblocks_exit(&bb);
	return ret;
}

/*
 * The verdict on one request; the caller holds store_mutex. Only requests
 * that address sectors are considered: a failed or hung flush would hold
 * up the flush machinery rather than test the user's code.
 */
enum blkex_fault_act blkex_fault_decide(struct blkex_dev *dev,
					struct request *rq)
{
	struct blkex_fault *f = &dev->fault;
	enum blkex_fault_dir dir;
	sector_t first_bad;
	int bad_sectors;

	lockdep_assert_held(&dev->store_mutex);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		dir = BLKEX_FAULT_READ;
		break;
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		dir = BLKEX_FAULT_WRITE;
		break;
	default:
		return BLKEX_FAULT_PASS;
	}

	if (f->hang_next && req_op(rq) != REQ_OP_DISCARD &&
	    req_op(rq) != REQ_OP_WRITE_ZEROES) {
		f->hang_next--;
		f->nr_hung++;
		return BLKEX_FAULT_HANG;
	}

	if (f->dir != BLKEX_FAULT_RW && f->dir != dir)
		return BLKEX_FAULT_PASS;
	if (blk_rq_sectors(rq) &&
	    badblocks_check(&f->bb, blk_rq_pos(rq), blk_rq_sectors(rq),
			    &first_bad, &bad_sectors))
		goto fail;
	if (f->fail_nth && ++f->nth_count % f->fail_nth == 0)
		goto fail;
	if (f->fail_permille &&
	    get_random_u32_below(1000) < f->fail_permille)
		goto fail;
	return BLKEX_FAULT_PASS;

fail:
	f->nr_failed++;
	return BLKEX_FAULT_FAIL;
}

/*
 * delay_us, as null_blk's completion_nsec: a request is not served before
 * delay_us has passed since queue_rq started it. queue_rq stamps the time;
 * the worker sleeps, outside store_mutex, until the latest stamp of its
 * batch. Requests in flight together wait together, not one after the
 * other, so at any depth the latency grows by about delay_us.
 */
void blkex_fault_stamp(struct blkex_dev *dev, struct blkex_cmd *cmd)
{
	u32 us = READ_ONCE(dev->fault.delay_us);

	cmd->delay_until = us ? ktime_get_ns() + (u64)us * NSEC_PER_USEC : 0;
}

void blkex_fault_wait(u64 until_ns)
{
	u64 now = ktime_get_ns();
	unsigned long us;

	if (until_ns <= now)
		return;
	/*
	 * Not fsleep(): its slack of up to the delay again would double the
	 * delay on an idle machine, where timers fire late in their range.
	 */
	us = div_u64(until_ns - now, NSEC_PER_USEC);
	usleep_range(us, us + us / 32 + 1);
}

/* delay_us=, for the check that refuses it with latency_profile=. */
u32 blkex_fault_default_delay_us(void)
{
	return g_delay_us.val;
}

/* Count what .timeout did: ended a dropped request or rearmed its timer. */
void blkex_fault_timed_out(struct blkex_dev *dev, bool ended)
{
	atomic64_inc(ended ? &dev->fault.nr_timed_out : &dev->fault.nr_rearmed);
}

/* One attribute of a u32 knob: its name, member and check. */
struct blkex_knob {
	const char *name;
	size_t offset;			/* in struct blkex_fault */
	const struct blkex_uparam *range;
	const struct blkex_eparam *names;	/* instead of @range */
};

/*
 * The attributes that hold one u32 in struct blkex_fault, each checked by
 * its module parameter's check: a number in @range or one of @names.
 */
static ssize_t blkex_knob_show(struct config_item *item, char *page,
			       const struct blkex_knob *knob)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	u32 v = READ_ONCE(*(u32 *)((char *)&dev->fault + knob->offset));

	if (knob->names)
		return sysfs_emit(page, "%s\n", knob->names->names[v]);
	return sysfs_emit(page, "%u\n", v);
}

static ssize_t blkex_knob_store(struct config_item *item, const char *page,
				size_t count, const struct blkex_knob *knob)
{
	const char *name = knob->name;
	size_t offset = knob->offset;
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_KNOB_LEN], who[DISK_NAME_LEN + 2];
	unsigned int e;
	u64 v;
	int ret;

	ret = blkex_cfs_value(dev, name, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	snprintf(who, sizeof(who), "%s: ", dev->name);
	if (knob->names) {
		ret = blkex_eparam_check(knob->names, who, name, buf, &e);
		v = e;
	} else {
		ret = blkex_uparam_check(knob->range, who, name, buf, &v);
	}
	if (ret)
		return ret;

	mutex_lock(&dev->store_mutex);
	if (offset == offsetof(struct blkex_fault, delay_us) && v &&
	    blkex_shape_has_profile(dev)) {
		mutex_unlock(&dev->store_mutex);
		blkex_err("%sdelay_us=%llu with a latency_profile: the profile already says each request's service time; empty latency_profile first\n",
			  who, v);
		return -EINVAL;
	}
	WRITE_ONCE(*(u32 *)((char *)&dev->fault + offset), v);
	if (offset == offsetof(struct blkex_fault, fail_nth))
		dev->fault.nth_count = 0;
	mutex_unlock(&dev->store_mutex);
	return count;
}

#define BLKEX_KNOB_ATTR(NAME, FIELD, RANGE, NAMES)			\
static const struct blkex_knob blkex_knob_##NAME = {			\
	#NAME, offsetof(struct blkex_fault, FIELD), RANGE, NAMES,	\
};									\
static ssize_t blkex_fault_##NAME##_show(struct config_item *item,	\
					 char *page)			\
{									\
	return blkex_knob_show(item, page, &blkex_knob_##NAME);	\
}									\
static ssize_t blkex_fault_##NAME##_store(struct config_item *item,	\
					  const char *page, size_t count)\
{									\
	return blkex_knob_store(item, page, count, &blkex_knob_##NAME);\
}									\
CONFIGFS_ATTR(blkex_fault_, NAME)

BLKEX_KNOB_ATTR(fail_nth, fail_nth, &g_fail_nth, NULL);
BLKEX_KNOB_ATTR(fail_permille, fail_permille, &g_fail_permille, NULL);
BLKEX_KNOB_ATTR(delay_us, delay_us, &g_delay_us, NULL);
BLKEX_KNOB_ATTR(hang_next, hang_next, &g_hang_next, NULL);
BLKEX_KNOB_ATTR(fail_dir, dir, NULL, &g_fail_dir);

/* Up to @size bytes of "START-END" lines, whole lines only. */
static int blkex_badblocks_print(struct blkex_dev *dev, char *buf, size_t size)
{
	sector_t start, end;
	int i = 0, len = 0, n;

	mutex_lock(&dev->store_mutex);
	while (blkex_bad_next(&dev->fault.bb, &i, &start, &end)) {
		n = snprintf(buf + len, size - len, "%llu-%llu\n",
			     (u64)start, (u64)end - 1);
		if (n >= size - len) {
			buf[len] = '\0';
			break;
		}
		len += n;
	}
	mutex_unlock(&dev->store_mutex);
	return len;
}

/* As many runs as fit in the page configfs gives; debugfs has them all. */
static ssize_t blkex_fault_badblocks_show(struct config_item *item, char *page)
{
	return blkex_badblocks_print(blkex_dev_from_item(item), page, PAGE_SIZE);
}

/* Add (+START-END), make good (-START-END) or clear all bad ranges. */
static int blkex_badblocks_change(struct blkex_dev *dev, char *val)
{
	struct badblocks *bb = &dev->fault.bb;
	sector_t capacity = READ_ONCE(dev->cfg.num_sectors);
	struct blkex_badrange r;
	int ret, left;

	if (!strcmp(val, "clear")) {
		mutex_lock(&dev->store_mutex);
		ret = blkex_bad_clear_all(bb);
		left = bb->count;
		mutex_unlock(&dev->store_mutex);
		if (ret)
			blkex_err("%s: badblocks: clear: the bad-block table did not give up an entry; %d left\n",
				  dev->name, left);
		return ret;
	}
	if ((val[0] != '+' && val[0] != '-') || blkex_parse_range(val + 1, &r)) {
		blkex_err("%s: badblocks: '%s' is not +START-END, -START-END or clear\n",
			  dev->name, val);
		return -EINVAL;
	}
	if (r.end >= capacity) {
		blkex_err("%s: badblocks: %llu-%llu is beyond the last sector %llu\n",
			  dev->name, (u64)r.start, (u64)r.end, (u64)capacity - 1);
		return -EINVAL;
	}

	mutex_lock(&dev->store_mutex);
	if (val[0] == '+')
		ret = blkex_bad_add(bb, &r);
	else
		ret = blkex_bad_remove(bb, &r);
	mutex_unlock(&dev->store_mutex);

	/* The table may have changed in part: the message says so. */
	if (ret && val[0] == '+')
		blkex_err("%s: badblocks: +%llu-%llu does not fit in the bad-block table (%lu entries of at most %d sectors): not added, or only in part\n",
			  dev->name, (u64)r.start, (u64)r.end, MAX_BADBLOCKS,
			  BB_MAX_LEN);
	else if (ret)
		blkex_err("%s: badblocks: -%llu-%llu would split a range in a full bad-block table (%lu entries): not removed, or only in part\n",
			  dev->name, (u64)r.start, (u64)r.end, MAX_BADBLOCKS);
	return ret;
}

static ssize_t blkex_fault_badblocks_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_KNOB_LEN];
	int ret;

	ret = blkex_cfs_value(dev, "badblocks", page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = blkex_badblocks_change(dev, buf);
	return ret ?: count;
}

CONFIGFS_ATTR(blkex_fault_, badblocks);

static int blkex_stats_print(struct blkex_dev *dev, char *buf, size_t size)
{
	u64 failed, hung;

	mutex_lock(&dev->store_mutex);
	failed = dev->fault.nr_failed;
	hung = dev->fault.nr_hung;
	mutex_unlock(&dev->store_mutex);
	return scnprintf(buf, size,
			 "failed %llu\nhung %llu\ntimed_out %lld\nrearmed %lld\n",
			 failed, hung, atomic64_read(&dev->fault.nr_timed_out),
			 atomic64_read(&dev->fault.nr_rearmed));
}

static ssize_t blkex_fault_stats_show(struct config_item *item, char *page)
{
	return blkex_stats_print(blkex_dev_from_item(item), page, PAGE_SIZE);
}

CONFIGFS_ATTR_RO(blkex_fault_, stats);

static struct configfs_attribute *blkex_fault_attr_list[] = {
	&blkex_fault_attr_badblocks,
	&blkex_fault_attr_fail_nth,
	&blkex_fault_attr_fail_permille,
	&blkex_fault_attr_fail_dir,
	&blkex_fault_attr_delay_us,
	&blkex_fault_attr_hang_next,
	&blkex_fault_attr_stats,
	NULL,
};

static_assert(ARRAY_SIZE(blkex_fault_attr_list) == BLKEX_FAULT_NR_ATTRS + 1);

struct configfs_attribute **blkex_fault_attrs(void)
{
	return blkex_fault_attr_list;
}

/*
 * debugfs: read-only copies, for the tools that read them there. A kernel
 * in lockdown opens read-only debugfs files and refuses writable ones.
 */
static ssize_t blkex_dir_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct blkex_dev *dev = file->private_data;
	const char *name = blkex_fault_dir_names[READ_ONCE(dev->fault.dir)];
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%s\n", name);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations blkex_dir_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= blkex_dir_read,
	.llseek	= default_llseek,
};

/* One "START-END" line per run of bad sectors, all of them. */
static int blkex_badblocks_seq_show(struct seq_file *m, void *v)
{
	struct blkex_dev *dev = m->private;
	sector_t start, end;
	int i = 0;

	mutex_lock(&dev->store_mutex);
	while (blkex_bad_next(&dev->fault.bb, &i, &start, &end))
		seq_printf(m, "%llu-%llu\n", (u64)start, (u64)end - 1);
	mutex_unlock(&dev->store_mutex);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(blkex_badblocks_seq);

static int blkex_stats_seq_show(struct seq_file *m, void *v)
{
	char buf[128];

	blkex_stats_print(m->private, buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(blkex_stats_seq);

static struct dentry *blkex_debugfs_root;

void blkex_fault_module_init(void)
{
	blkex_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void blkex_fault_module_exit(void)
{
	debugfs_remove_recursive(blkex_debugfs_root);
}

/*
 * The debugfs directory of a disk that powers on. The disk works without
 * debugfs, so its errors are not the disk's.
 */
void blkex_fault_add_dev(struct blkex_dev *dev)
{
	struct blkex_fault *f = &dev->fault;
	struct dentry *dir;

	dir = debugfs_create_dir(dev->name, blkex_debugfs_root);
	f->debugfs = dir;
	debugfs_create_u32("fail_nth", 0400, dir, &f->fail_nth);
	debugfs_create_u32("fail_permille", 0400, dir, &f->fail_permille);
	debugfs_create_u32("delay_us", 0400, dir, &f->delay_us);
	debugfs_create_u32("hang_next", 0400, dir, &f->hang_next);
	debugfs_create_file("fail_dir", 0400, dir, dev, &blkex_dir_fops);
	debugfs_create_file("badblocks", 0400, dir, dev,
			    &blkex_badblocks_seq_fops);
	debugfs_create_file("stats", 0400, dir, dev, &blkex_stats_seq_fops);
}

/*
 * A new disk's table and the load-time settings, before the disk is ever
 * live. The ranges fit: blkex_fault_check_params() tried them on an empty
 * table.
 */
int blkex_fault_init_dev(struct blkex_dev *dev)
{
	struct blkex_fault *f = &dev->fault;
	int i, ret;

	ret = badblocks_init(&f->bb, 1);
	if (ret)
		return ret;
	for (i = 0; i < g_nr_bad; i++)
		WARN_ON_ONCE(blkex_bad_add(&f->bb, &g_bad[i]));
	f->fail_nth = g_fail_nth.val;
	f->fail_permille = g_fail_permille.val;
	f->delay_us = g_delay_us.val;
	f->dir = g_fail_dir.val;
	return 0;
}

/* When the disk is freed: no request consults the table any more. */
void blkex_fault_exit_dev(struct blkex_dev *dev)
{
	badblocks_exit(&dev->fault.bb);
}

/* Waits for any debugfs reader still in one of the files. */
void blkex_fault_del_dev(struct blkex_dev *dev)
{
	debugfs_remove_recursive(dev->fault.debugfs);
	dev->fault.debugfs = NULL;
}
