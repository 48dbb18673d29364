// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection, in the spirit of null_blk's: make chosen requests fail,
 * slow every request down, or drop requests so that .timeout has to end
 * them. The module parameters set what each disk starts with; the files in
 * /sys/kernel/debug/blk_example/blkexN/ change it at run time:
 *
 *   badblocks      "+START-END" adds a range of sectors (both ends included),
 *                  "-START-END" makes those sectors good again (a range
 *                  partly cleared is split), "clear" removes all; reads
 *                  list the bad runs, one START-END a line
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
 * The work handler asks blkex_fault_decide() about each request under
 * store_mutex, before anything is copied; the debugfs writers change the
 * settings under the same mutex, after the whole value has been checked,
 * so a request sees either the old settings or the new ones and a bad
 * value changes nothing.
 *
 * Bad sectors live in the kernel's own table, struct badblocks
 * (block/badblocks.c, md's and null_blk's): a page of 512 entries of at
 * most 512 sectors each, kept sorted and merged by the library. It has its
 * own seqlock, but every change and every lookup here is made under
 * store_mutex as the other settings are, which is also what lets the
 * debugfs reader walk the table directly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "blk_example.h"
#include "fault.h"
#include "param.h"

/* Bounds that keep a setting meaningful and a worker from sleeping for long. */
#define BLKEX_MAX_FAIL_NTH	1000000
#define BLKEX_MAX_DELAY_US	10000000
#define BLKEX_MAX_HANG		1024
/* Longest value a knob accepts: two 20-digit sectors, a sign and a dash. */
#define BLKEX_KNOB_LEN		48
/* Ranges the badblocks parameter takes; more can be added through debugfs. */
#define BLKEX_PARAM_BADBLOCKS	64
/* The most bad sectors the kernel's table can hold, also in one range. */
#define BLKEX_MAX_BAD_SECTORS	(MAX_BADBLOCKS * BB_MAX_LEN)

/* A bad-block range, in 512-byte sectors, both ends included. */
struct blkex_badrange {
	sector_t start;
	sector_t end;
};

/*
 * The messages of refused debugfs writes share one rate limit: a script
 * that loops writing a bad value must not flood the log, yet each of a
 * user's deliberate bad writes should say why it was refused, so the burst
 * is large (pr_err_ratelimited()'s 10 per call site swallowed the messages
 * of a quick run of bad writes).
 */
static DEFINE_RATELIMIT_STATE(blkex_knob_rs, 5 * HZ, 100);

#define blkex_knob_err(fmt, ...)				\
	do {							\
		if (__ratelimit(&blkex_knob_rs))		\
			pr_err(fmt, ##__VA_ARGS__);		\
	} while (0)

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
 */
static int blkex_bad_add(struct badblocks *bb, const struct blkex_badrange *r)
{
	sector_t start, end;
	int i = 0;

	if (r->end - r->start >= BLKEX_MAX_BAD_SECTORS)
		return -ENOSPC;
	if (badblocks_set(bb, r->start, r->end - r->start + 1, 1))
		return -ENOSPC;
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

/* Entry by entry: a whole entry is cleared without a split. */
static void blkex_bad_clear_all(struct badblocks *bb)
{
	while (bb->count) {
		if (WARN_ON_ONCE(badblocks_clear(bb, BB_OFFSET(bb->page[0]),
						 BB_LEN(bb->page[0]))))
			break;
	}
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

/* Count what .timeout did: ended a dropped request or rearmed its timer. */
void blkex_fault_timed_out(struct blkex_dev *dev, bool ended)
{
	atomic64_inc(ended ? &dev->fault.nr_timed_out : &dev->fault.nr_rearmed);
}

/*
 * The debugfs knobs that hold one u32 in struct blkex_fault: a number up to
 * @max or, when @names is set, one of those names (its index is the value).
 */
struct blkex_fault_knob {
	const char *name;
	size_t offset;
	u32 max;
	const char * const *names;
};

static const struct blkex_fault_knob blkex_fault_knobs[BLKEX_FAULT_KNOBS] = {
	{ "fail_nth", offsetof(struct blkex_fault, fail_nth), BLKEX_MAX_FAIL_NTH },
	{ "fail_permille", offsetof(struct blkex_fault, fail_permille), 1000 },
	{ "delay_us", offsetof(struct blkex_fault, delay_us), BLKEX_MAX_DELAY_US },
	{ "hang_next", offsetof(struct blkex_fault, hang_next), BLKEX_MAX_HANG },
	{ "fail_dir", offsetof(struct blkex_fault, dir),
	  ARRAY_SIZE(blkex_fault_dir_names) - 1, blkex_fault_dir_names },
};

static u32 *blkex_knob_ptr(struct blkex_fault_file *ff)
{
	return (u32 *)((char *)&ff->dev->fault + ff->knob->offset);
}

/* @str as the knob's value: its name's index, or a number up to @max. */
static int blkex_knob_parse(const struct blkex_fault_knob *knob,
			    const char *str, u32 *v)
{
	int i;

	if (!knob->names)
		return kstrtou32(str, 0, v) || *v > knob->max ? -EINVAL : 0;
	i = __sysfs_match_string(knob->names, knob->max + 1, str);
	if (i < 0)
		return -EINVAL;
	*v = i;
	return 0;
}

static ssize_t blkex_knob_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct blkex_fault_file *ff = file->private_data;
	u32 v = READ_ONCE(*blkex_knob_ptr(ff));
	char buf[16];
	int len;

	if (ff->knob->names)
		len = scnprintf(buf, sizeof(buf), "%s\n", ff->knob->names[v]);
	else
		len = scnprintf(buf, sizeof(buf), "%u\n", v);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * Copy a value written to a knob into @buf, without the trailing newline.
 * A value must come whole, in one write() at offset 0: the second part of
 * a value split across writes would otherwise be taken as a value of its
 * own, so a write past the start is refused, and a successful one moves
 * the offset. A value with a NUL in it would be parsed up to the NUL and
 * the rest ignored, and anything longer than a knob can hold would be cut
 * short: both are refused too.
 */
static int blkex_knob_copy(struct blkex_dev *dev, const char *name, char *buf,
			   size_t size, const char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	if (*ppos) {
		blkex_knob_err("%s: %s: a value must be written whole, in one write at offset 0\n",
			       dev->disk->disk_name, name);
		return -EINVAL;
	}
	if (count >= size) {
		blkex_knob_err("%s: %s: a %zu-byte value is too long\n",
			       dev->disk->disk_name, name, count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (memchr(buf, '\0', count)) {
		blkex_knob_err("%s: %s: the value has a NUL byte in it\n",
			       dev->disk->disk_name, name);
		return -EINVAL;
	}
	buf[count] = '\0';
	strim(buf);
	return 0;
}

/* The whole value is checked before anything changes. */
static ssize_t blkex_knob_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct blkex_fault_file *ff = file->private_data;
	struct blkex_dev *dev = ff->dev;
	const struct blkex_fault_knob *knob = ff->knob;
	char buf[BLKEX_KNOB_LEN], names[80], *val;
	u32 v;
	int ret;

	ret = blkex_knob_copy(dev, knob->name, buf, sizeof(buf), ubuf, count,
			      ppos);
	if (ret)
		return ret;
	val = strim(buf);
	if (blkex_knob_parse(knob, val, &v)) {
		if (knob->names) {
			blkex_names_list(names, sizeof(names), knob->names,
					 knob->max + 1);
			blkex_knob_err("%s: %s=%s is not one of %s\n",
				       dev->disk->disk_name, knob->name,
				       val, names);
		} else {
			blkex_knob_err("%s: %s=%s is not a number in [0, %u]\n",
				       dev->disk->disk_name, knob->name,
				       val, knob->max);
		}
		return -EINVAL;
	}

	mutex_lock(&dev->store_mutex);
	WRITE_ONCE(*blkex_knob_ptr(ff), v);
	if (knob->offset == offsetof(struct blkex_fault, fail_nth))
		dev->fault.nth_count = 0;
	mutex_unlock(&dev->store_mutex);
	*ppos += count;
	return count;
}

static const struct file_operations blkex_knob_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= blkex_knob_read,
	.write	= blkex_knob_write,
	.llseek	= default_llseek,
};

/* One "START-END" line per run of bad sectors, both ends included. */
static int blkex_badblocks_show(struct seq_file *m, void *v)
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

static int blkex_badblocks_open(struct inode *inode, struct file *file)
{
	return single_open(file, blkex_badblocks_show, inode->i_private);
}

/* Add (+START-END), make good (-START-END) or clear all bad ranges. */
static int blkex_badblocks_change(struct blkex_dev *dev, char *val)
{
	struct badblocks *bb = &dev->fault.bb;
	sector_t capacity = get_capacity(dev->disk);
	struct blkex_badrange r;
	int ret;

	if (!strcmp(val, "clear")) {
		mutex_lock(&dev->store_mutex);
		blkex_bad_clear_all(bb);
		mutex_unlock(&dev->store_mutex);
		return 0;
	}
	if ((val[0] != '+' && val[0] != '-') || blkex_parse_range(val + 1, &r)) {
		blkex_knob_err("%s: badblocks: '%s' is not +START-END, -START-END or clear\n",
			       dev->disk->disk_name, val);
		return -EINVAL;
	}
	if (r.end >= capacity) {
		blkex_knob_err("%s: badblocks: %llu-%llu is beyond the last sector %llu\n",
			       dev->disk->disk_name, (u64)r.start,
			       (u64)r.end, (u64)capacity - 1);
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
		blkex_knob_err("%s: badblocks: +%llu-%llu does not fit in the bad-block table (%lu entries of at most %d sectors): not added, or only in part\n",
			       dev->disk->disk_name, (u64)r.start,
			       (u64)r.end, MAX_BADBLOCKS, BB_MAX_LEN);
	else if (ret)
		blkex_knob_err("%s: badblocks: -%llu-%llu would split a range in a full bad-block table (%lu entries): not removed, or only in part\n",
			       dev->disk->disk_name, (u64)r.start,
			       (u64)r.end, MAX_BADBLOCKS);
	return ret;
}

static ssize_t blkex_badblocks_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct blkex_dev *dev = ((struct seq_file *)file->private_data)->private;
	char buf[BLKEX_KNOB_LEN];
	int ret;

	ret = blkex_knob_copy(dev, "badblocks", buf, sizeof(buf), ubuf, count,
			      ppos);
	if (ret)
		return ret;
	ret = blkex_badblocks_change(dev, strim(buf));
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations blkex_badblocks_fops = {
	.owner		= THIS_MODULE,
	.open		= blkex_badblocks_open,
	.read		= seq_read,
	.write		= blkex_badblocks_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static ssize_t blkex_stats_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct blkex_dev *dev = file->private_data;
	char buf[128];
	u64 failed, hung;
	int len;

	mutex_lock(&dev->store_mutex);
	failed = dev->fault.nr_failed;
	hung = dev->fault.nr_hung;
	mutex_unlock(&dev->store_mutex);
	len = scnprintf(buf, sizeof(buf),
			"failed %llu\nhung %llu\ntimed_out %lld\nrearmed %lld\n",
			failed, hung, atomic64_read(&dev->fault.nr_timed_out),
			atomic64_read(&dev->fault.nr_rearmed));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations blkex_stats_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= blkex_stats_read,
	.llseek	= default_llseek,
};

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
 * Give a new disk the load-time settings and its debugfs directory. The
 * disk works without debugfs, so its errors are not the disk's.
 */
void blkex_fault_add_dev(struct blkex_dev *dev)
{
	struct blkex_fault *f = &dev->fault;
	struct dentry *dir;
	int i;

	/*
	 * The disk is live: requests may be deciding already. The ranges
	 * fit: blkex_fault_check_params() tried them on an empty table.
	 */
	mutex_lock(&dev->store_mutex);
	for (i = 0; i < g_nr_bad; i++)
		WARN_ON_ONCE(blkex_bad_add(&f->bb, &g_bad[i]));
	f->fail_nth = g_fail_nth.val;
	f->fail_permille = g_fail_permille.val;
	WRITE_ONCE(f->delay_us, g_delay_us.val);
	f->dir = g_fail_dir.val;
	mutex_unlock(&dev->store_mutex);

	dir = debugfs_create_dir(dev->disk->disk_name, blkex_debugfs_root);
	f->debugfs = dir;
	for (i = 0; i < BLKEX_FAULT_KNOBS; i++) {
		f->files[i].dev = dev;
		f->files[i].knob = &blkex_fault_knobs[i];
		debugfs_create_file(blkex_fault_knobs[i].name, 0600, dir,
				    &f->files[i], &blkex_knob_fops);
	}
	debugfs_create_file("badblocks", 0600, dir, dev, &blkex_badblocks_fops);
	debugfs_create_file("stats", 0400, dir, dev, &blkex_stats_fops);
}

/*
 * The bad-block table, before the disk is live: requests consult it from
 * the first, and it takes a page.
 */
int blkex_fault_init_dev(struct blkex_dev *dev)
{
	return badblocks_init(&dev->fault.bb, 1);
}

/* After del_gendisk(): no request consults the table any more. */
void blkex_fault_exit_dev(struct blkex_dev *dev)
{
	badblocks_exit(&dev->fault.bb);
}

/* Waits for any debugfs reader or writer still in one of the files. */
void blkex_fault_del_dev(struct blkex_dev *dev)
{
	debugfs_remove_recursive(dev->fault.debugfs);
	dev->fault.debugfs = NULL;
}
