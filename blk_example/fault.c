// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection, in the spirit of null_blk's: make chosen requests fail,
 * slow every request down, or drop requests so that .timeout has to end
 * them. This file decides (blkex_fault_decide(), under store_mutex, before
 * any copy) and records: the bad-block table, the counts, read-only debugfs
 * copies (lockdown refuses writable debugfs files). Disks start with
 * fault_param.c's settings; configfs.c owns the attributes, checks a value
 * whole, sets it by blkex_fault_set()/_bad_*() under that mutex: old or new.
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
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/seq_file.h>

#include "blk_example.h"
#include "fault.h"
#include "param.h"

/* The most bad sectors the kernel's table can hold, also in one range. */
#define BLKEX_MAX_BAD_SECTORS	(MAX_BADBLOCKS * BB_MAX_LEN)

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

	for (i = 0; i < blkex_param_nr_bad; i++) {
		if (blkex_param_bad[i].end >= nr_sectors) {
			pr_err("badblocks=%llu-%llu is beyond the last sector %llu\n",
			       (u64)blkex_param_bad[i].start, (u64)blkex_param_bad[i].end,
			       nr_sectors - 1);
			return -EINVAL;
		}
	}
	if (!blkex_param_nr_bad)
		return 0;
	ret = badblocks_init(&bb, 1);
	if (ret)
		return ret;
	for (i = 0; i < blkex_param_nr_bad; i++) {
		if (blkex_bad_add(&bb, &blkex_param_bad[i])) {
			pr_err("badblocks: the ranges up to %llu-%llu need more than the %lu entries of at most %d sectors of the kernel's bad-block table\n",
			       (u64)blkex_param_bad[i].start, (u64)blkex_param_bad[i].end,
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
 * A knob's new value, checked whole by configfs.c: @offset is that of a
 * u32 member of struct blkex_fault. Under store_mutex, so a request sees
 * the old settings or the new ones; a new fail_nth counts from zero.
 */
int blkex_fault_set(struct blkex_dev *dev, size_t offset, u32 v)
{
	mutex_lock(&dev->store_mutex);
	if (offset == offsetof(struct blkex_fault, delay_us) && v &&
	    blkex_shape_has_profile(dev)) {
		mutex_unlock(&dev->store_mutex);
		blkex_err("%s: delay_us=%u with a latency_profile: the profile already says each request's service time; empty latency_profile first\n",
			  dev->name, v);
		return -EINVAL;
	}
	WRITE_ONCE(*(u32 *)((char *)&dev->fault + offset), v);
	if (offset == offsetof(struct blkex_fault, fail_nth))
		dev->fault.nth_count = 0;
	mutex_unlock(&dev->store_mutex);
	return 0;
}

/* Up to @size bytes of "START-END" lines, whole lines only. */
int blkex_fault_bad_print(struct blkex_dev *dev, char *buf, size_t size)
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

/*
 * Mark @r bad (@add) or good again, all of it or -ENOSPC: the table may
 * then have changed in part. configfs.c has checked @r against the disk.
 */
int blkex_fault_bad_change(struct blkex_dev *dev, bool add,
			   const struct blkex_badrange *r)
{
	int ret;

	mutex_lock(&dev->store_mutex);
	if (add)
		ret = blkex_bad_add(&dev->fault.bb, r);
	else
		ret = blkex_bad_remove(&dev->fault.bb, r);
	mutex_unlock(&dev->store_mutex);
	return ret;
}

/* Every range good again, or -EIO with the count of entries left in *@left. */
int blkex_fault_bad_clear(struct blkex_dev *dev, int *left)
{
	int ret;

	mutex_lock(&dev->store_mutex);
	ret = blkex_bad_clear_all(&dev->fault.bb);
	*left = dev->fault.bb.count;
	mutex_unlock(&dev->store_mutex);
	return ret;
}

int blkex_fault_stats_print(struct blkex_dev *dev, char *buf, size_t size)
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

/* debugfs: read-only copies, which a kernel in lockdown still opens. */
static int blkex_dir_seq_show(struct seq_file *m, void *v)
{
	const struct blkex_dev *dev = m->private;

	seq_printf(m, "%s\n",
		   blkex_param_fail_dir.names[READ_ONCE(dev->fault.dir)]);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(blkex_dir_seq);

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

	blkex_fault_stats_print(m->private, buf, sizeof(buf));
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

/* A disk that powers on: its debugfs errors are not the disk's. */
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
	debugfs_create_file("fail_dir", 0400, dir, dev, &blkex_dir_seq_fops);
	debugfs_create_file("badblocks", 0400, dir, dev,
			    &blkex_badblocks_seq_fops);
	debugfs_create_file("stats", 0400, dir, dev, &blkex_stats_seq_fops);
	blkex_store_debugfs(dev, dir);
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
	for (i = 0; i < blkex_param_nr_bad; i++)
		WARN_ON_ONCE(blkex_bad_add(&f->bb, &blkex_param_bad[i]));
	f->fail_nth = blkex_param_fail_nth.val;
	f->fail_permille = blkex_param_fail_permille.val;
	f->delay_us = blkex_param_delay_us.val;
	f->dir = blkex_param_fail_dir.val;
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
