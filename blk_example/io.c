// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a request. queue_rq starts it and defers it to the work item
 * in its pdu; the work handler serves it from the store under store_mutex
 * and hands it to blk_mq_complete_request(); .complete ends it with the
 * status the handler recorded. drivers/block/loop.c has the same shape.
 *
 * Batching: queue_rq puts the request on its hardware queue's pending
 * list, and a work handler serves everything on that list, in order, under
 * one hold of store_mutex. blk-mq dispatches in batches and says so with
 * bd->last: only the last request of a batch queues its work, so the
 * worker is woken once, after the whole batch is listed, and the submitter
 * and the worker switch once per batch instead of once per request. When a
 * batch ends early without a last request, blk-mq calls .commit_rqs, which
 * queues the hardware queue's own kick work instead. Either way a work item
 * is queued after every listed request, so each is served by a work item
 * that runs after it was listed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/ktime.h>
#include <linux/llist.h>

#include "blk_example.h"
#include "trace.h"

/*
 * How long one work item drains a hardware queue before it queues the
 * queue's kick work and lets the CPU's other work items run (blkex_drain()).
 */
#define BLKEX_DRAIN_NS		NSEC_PER_MSEC

/*
 * Stamps for the blkex_rq_stages event, each taken just before the event
 * whose place it marks fires (the last one in .complete, before
 * blkex_rq_complete). trace_blkex_rq_stages_enabled() is a static key,
 * as the trace_*() calls are: while the event is off, queue_rq only
 * clears the queued stamp, and a request without it is stamped no further
 * and fires no event, so a request queued before the event was enabled
 * cannot report stages it was not stamped for.
 */
static void blkex_stamp_queued(struct blkex_cmd *cmd)
{
	if (trace_blkex_rq_stages_enabled()) {
		memset(cmd->stamp, 0, sizeof(cmd->stamp));
		cmd->stamp[BLKEX_STAMP_QUEUED] = ktime_get_ns();
	} else {
		cmd->stamp[BLKEX_STAMP_QUEUED] = 0;
	}
}

static bool blkex_stamping(const struct blkex_cmd *cmd)
{
	return trace_blkex_rq_stages_enabled() &&
	       cmd->stamp[BLKEX_STAMP_QUEUED];
}

static void blkex_stamp(struct blkex_cmd *cmd, enum blkex_stamp at)
{
	if (blkex_stamping(cmd))
		cmd->stamp[at] = ktime_get_ns();
}

/*
 * Fire blkex_rq_stages for a request stamped since it was queued; @end is
 * the stamp taken where blkex_rq_complete fires, 0 if none was. A stage
 * whose event did not fire (no lock for a flush, none of the store for a
 * request failed by fault injection) ends where the one before it did.
 */
static void blkex_trace_stages(struct request *rq, struct blkex_cmd *cmd,
			       u64 end)
{
	u64 *t = cmd->stamp;
	int i;

	if (!end)
		return;
	for (i = BLKEX_STAMP_WORK; i < BLKEX_NR_STAMPS; i++)
		if (!t[i])
			t[i] = t[i - 1];
	trace_blkex_rq_stages(rq, cmd->status, t, end,
			      atomic_inc_return(&cmd->queue->stages_seq));
}

/*
 * Copy a read or write request between its pages and the store, or
 * through the write cache (cache.c) on a disk that has one.
 */
static blk_status_t blkex_rw(struct blkex_dev *dev, struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	bool write = op_is_write(req_op(rq));
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	blk_status_t status = BLK_STS_OK;
	struct req_iterator iter;
	struct bio_vec bv;

	/* The block layer checks bios against capacity; check again anyway. */
	if (!blkex_store_in_range(dev, pos, blk_rq_bytes(rq)))
		return BLK_STS_IOERR;

	blkex_stamp(cmd, BLKEX_STAMP_LOCKED);
	trace_blkex_rq_locked(rq);
	if (unlikely(blkex_cache_on(&dev->cache))) {
		if (blkex_cache_rw(dev, rq, pos))
			status = BLK_STS_IOERR;
	} else {
		rq_for_each_segment(bv, rq, iter) {
			/*
			 * Only a sparse store's write fails, for want of
			 * memory: the request fails, and the disk goes on
			 * serving the others.
			 */
			if (unlikely(blkex_store_copy_bvec(dev, &bv, pos, write))) {
				pr_err_ratelimited("%s: write at sector %llu + %u failed: no memory left for the sparse store\n",
						   dev->name, (u64)blk_rq_pos(rq),
						   blk_rq_sectors(rq));
				status = BLK_STS_IOERR;
				break;
			}
			pos += bv.bv_len;
		}
	}
	blkex_stamp(cmd, BLKEX_STAMP_COPIED);
	trace_blkex_rq_copied(rq, status);

	return status;
}

/*
 * Discard and write-zeroes: a RAM disk has nothing to unmap, and a
 * discarded range must not keep its data, so both zero the range. Neither
 * carries pages; the range is the request's position and size.
 */
static blk_status_t blkex_zero(struct blkex_dev *dev, struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;

	if (!blkex_store_in_range(dev, pos, blk_rq_bytes(rq)))
		return BLK_STS_IOERR;

	blkex_stamp(cmd, BLKEX_STAMP_LOCKED);
	trace_blkex_rq_locked(rq);
	if (unlikely(blkex_cache_on(&dev->cache)))
		blkex_cache_zero(dev, pos, blk_rq_bytes(rq));
	blkex_store_zero(dev, pos, blk_rq_bytes(rq));
	blkex_stamp(cmd, BLKEX_STAMP_COPIED);
	trace_blkex_rq_copied(rq, BLK_STS_OK);

	return BLK_STS_OK;
}

/*
 * A flush on a disk with a write cache: every dirty block to the store.
 * The write-back is its copy stage, between blkex_rq_locked and
 * blkex_rq_copied, so the stages event shows what a flush costs.
 */
static blk_status_t blkex_flush(struct blkex_dev *dev, struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	blk_status_t status;

	blkex_stamp(cmd, BLKEX_STAMP_LOCKED);
	trace_blkex_rq_locked(rq);
	status = blkex_cache_flush(dev) ? BLK_STS_IOERR : BLK_STS_OK;
	blkex_stamp(cmd, BLKEX_STAMP_COPIED);
	trace_blkex_rq_copied(rq, status);
	return status;
}

/*
 * Serve one request; the caller holds store_mutex. Fault injection has its
 * say first: a failed request leaves the store as it was, and a hung one is
 * marked for blkex_serve_batch() to drop.
 */
static blk_status_t blkex_serve(struct blkex_dev *dev, struct blkex_cmd *cmd)
{
	struct request *rq = blk_mq_rq_from_pdu(cmd);

	switch (blkex_fault_decide(dev, rq)) {
	case BLKEX_FAULT_PASS:
		break;
	case BLKEX_FAULT_FAIL:
		return BLK_STS_IOERR;
	case BLKEX_FAULT_HANG:
		cmd->hang = true;
		return BLK_STS_IOERR;
	}

	switch (req_op(rq)) {
	case REQ_OP_READ:
		return blkex_rw(dev, rq);
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		/* Zoned: the write pointer check, and where an append goes. */
		if (dev->zoned) {
			blk_status_t ret = blkex_zoned_write(dev, rq);

			if (ret != BLK_STS_OK)
				return ret;
		} else if (req_op(rq) == REQ_OP_ZONE_APPEND) {
			return BLK_STS_NOTSUPP;
		}
		return blkex_rw(dev, rq);
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_RESET_ALL:
	case REQ_OP_ZONE_OPEN:
	case REQ_OP_ZONE_CLOSE:
	case REQ_OP_ZONE_FINISH:
		return blkex_zoned_mgmt(dev, rq);
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		return blkex_zero(dev, rq);
	case REQ_OP_FLUSH:
		/* Without a write cache there is nothing to flush. */
		if (blkex_cache_on(&dev->cache))
			return blkex_flush(dev, rq);
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

/* The latest time a request of @batch may be served at (delay_us). */
static u64 blkex_batch_due(struct llist_node *batch)
{
	struct blkex_cmd *cmd;
	u64 due = 0;

	llist_for_each_entry(cmd, batch, node)
		due = max(due, cmd->delay_until);
	return due;
}

/* A batch taken off the list, oldest first, its service begun. */
static struct llist_node *blkex_batch_start(struct llist_node *batch)
{
	struct blkex_cmd *cmd;

	batch = llist_reverse_order(batch);
	llist_for_each_entry(cmd, batch, node) {
		blkex_stamp(cmd, BLKEX_STAMP_WORK);
		trace_blkex_rq_work_start(blk_mq_rq_from_pdu(cmd));
	}
	return batch;
}

/* Serve each request of a started batch; the caller holds store_mutex. */
static void blkex_batch_serve(struct blkex_dev *dev, struct llist_node *batch)
{
	struct blkex_cmd *cmd;

	lockdep_assert_held(&dev->store_mutex);
	llist_for_each_entry(cmd, batch, node)
		cmd->status = blkex_serve(dev, cmd);
}

/*
 * Complete a served batch, store_mutex dropped; returns how many were
 * completed. A completed request may be reused at once: read next first.
 * A request hung by fault injection is handed to .timeout instead: from
 * the moment its state says DROPPED, .timeout may end it and the tag may
 * be reused, so its next pointer is read before and it is touched no more.
 */
static int blkex_batch_complete(struct llist_node *batch)
{
	struct blkex_cmd *cmd, *next;
	int nr = 0;

	llist_for_each_entry_safe(cmd, next, batch, node) {
		if (cmd->hang) {
			atomic_set_release(&cmd->state, BLKEX_CMD_DROPPED);
		} else if (unlikely(cmd->due_ns) && blkex_shape_hold(cmd)) {
			/* Not due yet: its timer completes it (profile.c). */
		} else {
			blk_mq_complete_request(blk_mq_rq_from_pdu(cmd));
			nr++;
		}
	}
	return nr;
}

/*
 * Serve a batch taken off a pending list, oldest request first, as a work
 * item does: sleep an injected delay, copy under store_mutex, complete.
 */
static void blkex_serve_batch(struct blkex_dev *dev, struct llist_node *batch)
{
	batch = blkex_batch_start(batch);
	/* delay_us: the service time injected, outside the lock. */
	blkex_fault_wait(blkex_batch_due(batch));

	mutex_lock(&dev->store_mutex);
	blkex_batch_serve(dev, batch);
	mutex_unlock(&dev->store_mutex);

	blkex_batch_complete(batch);
}

static void blkex_queue_drain(struct blkex_queue *bq, int cpu,
			      struct work_struct *work);

/*
 * Serve everything on a hardware queue's pending list. Requests the
 * submitter adds while a batch is served are taken too, before the worker
 * goes back to sleep, but for BLKEX_DRAIN_NS at most: a submitter that
 * keeps the list full would otherwise keep this work item running, and on
 * a percpu workqueue every other work item of that CPU's pool (other
 * disks' drains, mm_percpu_wq, lru_add_drain_all()) waits behind a worker
 * that never sleeps. Kernels before 6.5 do not demote such a work item to
 * CPU-intensive. Past the budget the hardware queue's kick work is queued
 * again, behind whatever waits on this CPU, and this one returns.
 */
static void blkex_drain(struct blkex_queue *bq)
{
	u64 until = ktime_get_ns() + BLKEX_DRAIN_NS;
	struct llist_node *batch;

	/*
	 * From here a new request queues a work item again. The xchg in
	 * llist_del_all() orders this before the list is taken: a request
	 * that found drain_queued still set was listed before, and is in
	 * the batch.
	 */
	atomic_set(&bq->drain_queued, 0);
	while ((batch = llist_del_all(&bq->pending))) {
		blkex_serve_batch(bq->dev, batch);
		if (ktime_get_ns() >= until) {
			if (!llist_empty(&bq->pending))
				blkex_queue_drain(bq, raw_smp_processor_id(),
						  &bq->kick);
			return;
		}
	}
}

/*
 * A request's own work item. Its request may already have been served by
 * an earlier work item, and may even be free or in use again: only the
 * requests taken off the list are touched.
 */
static void blkex_work(struct work_struct *work)
{
	struct blkex_cmd *cmd = container_of(work, struct blkex_cmd, work);

	blkex_drain(cmd->queue);
}

/* The hardware queue's work item, queued by .commit_rqs. */
void blkex_kick_work(struct work_struct *work)
{
	blkex_drain(container_of(work, struct blkex_queue, kick));
}

/*
 * work_cpu=auto: how many lone requests (none other in flight on the queue)
 * in a row before the work stays on the submitter's CPU, and how often a
 * run of lone requests still tries the next CPU.
 */
#define BLKEX_AUTO_SETTLE	32
#define BLKEX_AUTO_PROBE	1024

/*
 * Where to queue a batch's work. On the submitter's CPU the worker wakes
 * with lag to spare and preempts the submitter at its next preemption
 * point: a lone request is served at once, with no IPI, but at depth the
 * submitter never gets to queue a second request before the first is
 * served, so requests never overlap and every one pays two context
 * switches. On the next CPU the submitter keeps submitting while the
 * worker drains what has accumulated, but a lone request pays for waking
 * an idle CPU and for the IPI back.
 *
 * work_cpu=auto hands off to the next CPU as soon as requests overlap and
 * stays there until BLKEX_AUTO_SETTLE lone requests in a row say the
 * queue runs one request at a time; then it serves locally. Serving
 * locally hides depth (see above), so every BLKEX_AUTO_PROBE-th lone
 * request is handed off anyway: if the submitter has more to send, the
 * next request overlaps and auto switches. The count is a per-queue hint,
 * updated without a lock; a lost update only delays a switch. The CPU is
 * a hint too: if it goes offline the workqueue still runs the work.
 *
 * On a poll queue auto always hands off: the submitter stays on its CPU
 * polling (blkex_poll()), and a worker woken there would preempt it to do
 * what it is spinning to do. On the next CPU the worker only backs the
 * poller up. docs/bench/2026-12-03-poll-queues.md has the measurement.
 */
static int blkex_work_cpu(struct blkex_queue *bq, bool alone)
{
	int cpu = raw_smp_processor_id();
	unsigned int run;

	switch (bq->dev->work_cpu) {
	case BLKEX_WORK_LOCAL:
		return cpu;
	case BLKEX_WORK_AUTO:
		if (!alone || bq->polled) {
			WRITE_ONCE(bq->alone_run, 0);
			break;
		}
		run = READ_ONCE(bq->alone_run) + 1;
		WRITE_ONCE(bq->alone_run, run);
		if (run > BLKEX_AUTO_SETTLE && run % BLKEX_AUTO_PROBE)
			return cpu;
		break;
	case BLKEX_WORK_NEXT:
		break;
	}
	cpu = cpumask_next(cpu, cpu_online_mask);
	return cpu < nr_cpu_ids ? cpu : cpumask_first(cpu_online_mask);
}

/*
 * Queue @work to drain @bq's pending list, unless a work item already
 * queued will: it has not started draining yet (drain_queued is still set),
 * so it takes what was listed before this call. Without this check every
 * dispatch batch would queue a work item of its own, and at depth most of
 * them would run only to find the list empty. The atomic xchg orders the
 * caller's llist_add() before the test.
 */
static void blkex_queue_drain(struct blkex_queue *bq, int cpu,
			      struct work_struct *work)
{
	if (!atomic_xchg(&bq->drain_queued, 1))
		queue_work_on(cpu, bq->dev->wq, work);
}

static blk_status_t blkex_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct blkex_queue *bq = hctx->driver_data;
	struct request *rq = bd->rq;
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	bool alone;

	cmd->queue = bq;
	cmd->hang = false;
	atomic_set(&cmd->state, BLKEX_CMD_QUEUED);
	blk_mq_start_request(rq);
	blkex_fault_stamp(bq->dev, cmd);
	/* latency_profile, mbps, iops: when it may complete (profile.c). */
	cmd->due_ns = unlikely(READ_ONCE(bq->dev->shape.on)) ?
		      blkex_shape_due(bq->dev, rq) : 0;
	/* Before the list: from there a worker may finish it on another CPU. */
	blkex_stamp_queued(cmd);
	trace_blkex_rq_queued(rq);
	alone = atomic_inc_return(&bq->inflight) == 1;
	llist_add(&cmd->node, &bq->pending);
	if (bd->last)
		blkex_queue_drain(bq, blkex_work_cpu(bq, alone), &cmd->work);

	return BLK_STS_OK;
}

/*
 * io_uring IOPOLL (fio --hipri) on a poll queue: the submitter spins here
 * for its completions instead of sleeping. It serves the hardware queue's
 * pending list itself, as a work item would, so a polled request need not
 * wait for a worker to be woken and scheduled. queue_rq still queued a
 * work item for every request: the poller and the worker claim requests
 * from the same list with llist_del_all(), so each request is served and
 * completed exactly once, by whichever comes first, and a work item that
 * finds the list empty does nothing (as it does when another work item's
 * drain got there first). The poller's completion goes through
 * blk_mq_complete_request() too, which for a polled request (REQ_POLLED)
 * runs .complete at once on this CPU.
 *
 * The block layer polls under rcu_read_lock() (iocb_bio_iopoll()), so this
 * must not sleep: store_mutex is only tried, and a poller that finds it
 * held leaves the list to the worker that holds it or to the next poll.
 * A batch with injected delay (delay_us) not yet due is put back for the
 * worker, which sleeps the delay; the kick work item is queued in case the
 * work item that was due to drain it ran meanwhile and found nothing.
 * A sparse store may have to allocate a page to serve a write, which can
 * sleep in reclaim: its requests are all left to the worker, which
 * completes polled requests as well.
 */
static int blkex_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	struct blkex_queue *bq = hctx->driver_data;
	struct blkex_dev *dev = bq->dev;
	struct llist_node *batch, *last;
	u64 due;

	if (dev->store_kind == BLKEX_STORE_SPARSE ||
	    llist_empty(&bq->pending) || !mutex_trylock(&dev->store_mutex))
		return 0;
	batch = llist_del_all(&bq->pending);
	if (!batch)
		goto out_unlock;
	due = blkex_batch_due(batch);
	if (due && due > ktime_get_ns()) {
		mutex_unlock(&dev->store_mutex);
		for (last = batch; last->next; last = last->next)
			;
		llist_add_batch(batch, last, &bq->pending);
		blkex_queue_drain(bq, raw_smp_processor_id(), &bq->kick);
		return 0;
	}
	batch = blkex_batch_start(batch);
	blkex_batch_serve(dev, batch);
	mutex_unlock(&dev->store_mutex);
	return blkex_batch_complete(batch);

out_unlock:
	mutex_unlock(&dev->store_mutex);
	return 0;
}

/* A dispatch batch ended before a request marked last: serve what it left. */
static void blkex_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct blkex_queue *bq = hctx->driver_data;

	blkex_queue_drain(bq, blkex_work_cpu(bq, false), &bq->kick);
}

static void blkex_complete_rq(struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u64 end = blkex_stamping(cmd) ? ktime_get_ns() : 0;

	trace_blkex_rq_complete(rq, cmd->status);
	blkex_trace_stages(rq, cmd, end);
	atomic_dec(&cmd->queue->inflight);
	blk_mq_end_request(rq, cmd->status);
}

/*
 * The block layer's timer found a request in flight for longer than
 * io_timeout. Only a request that fault injection dropped is ended here,
 * with BLK_STS_TIMEOUT as null_blk does (the submitter sees -ETIMEDOUT):
 * no work item will ever look at it again, and the cmpxchg makes sure
 * .timeout ends it once. Any other request is still on
 * a pending list or being served, and its work item will complete it; to
 * end it here would let the tag be reused while it is still listed, so
 * its timer is rearmed instead.
 */
static enum blk_eh_timer_return blkex_timeout_rq(struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blkex_dev *dev = cmd->queue->dev;

	if (atomic_cmpxchg_acquire(&cmd->state, BLKEX_CMD_DROPPED,
				   BLKEX_CMD_TIMED_OUT) != BLKEX_CMD_DROPPED) {
		blkex_fault_timed_out(dev, false);
		return BLK_EH_RESET_TIMER;
	}

	pr_info_ratelimited("%s: request at sector %llu + %u timed out\n",
			    dev->name, (u64)blk_rq_pos(rq),
			    blk_rq_sectors(rq));
	blkex_fault_timed_out(dev, true);
	cmd->status = BLK_STS_TIMEOUT;
	blk_mq_complete_request(rq);
	return BLK_EH_DONE;
}

/*
 * Which CPUs submit to which hardware queue: the default map takes the
 * first queues, the poll map (io_uring IOPOLL) the last nr_poll_queues,
 * each spread over every CPU; the read map has none, so reads share the
 * default queues. With one map this is the mapping blk-mq makes itself.
 */
static void blkex_map_queues(struct blk_mq_tag_set *set)
{
	struct blkex_dev *dev = set->driver_data;
	unsigned int nr[HCTX_MAX_TYPES] = {
		[HCTX_TYPE_DEFAULT]	= dev->nr_queues - dev->nr_poll_queues,
		[HCTX_TYPE_POLL]	= dev->nr_poll_queues,
	};
	unsigned int i, offset = 0;

	for (i = 0; i < set->nr_maps; i++) {
		struct blk_mq_queue_map *map = &set->map[i];

		map->nr_queues = nr[i];
		map->queue_offset = offset;
		offset += nr[i];
		if (nr[i])
			blk_mq_map_queues(map);
	}
}

/*
 * The hardware queue's own state. The array is sized from the tag set's
 * nr_hw_queues, which blk-mq may have cut down to nr_cpu_ids (main.c).
 */
static int blkex_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int hctx_idx)
{
	struct blkex_dev *dev = data;
	struct blkex_queue *bq = &dev->queues[hctx_idx];

	/* The poll map's queues are the last ones (blkex_map_queues()). */
	bq->polled = hctx_idx >= dev->nr_queues - dev->nr_poll_queues;
	hctx->driver_data = bq;
	return 0;
}

/*
 * A request's work item is set up once, when blk-mq allocates the request:
 * for the tag set, and again for an I/O scheduler's pool each time a
 * scheduler is set or nr_requests changes under one. queue_rq points the
 * request at its hardware queue.
 */
static int blkex_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, unsigned int numa_node)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, blkex_work);
	cmd->queue = NULL;
	cmd->status = BLK_STS_OK;
	cmd->delay_until = 0;
	atomic_set(&cmd->state, BLKEX_CMD_QUEUED);
	memset(cmd->stamp, 0, sizeof(cmd->stamp));
	blkex_shape_init_cmd(cmd);
	return 0;
}

/*
 * blk-mq is about to free the request, and with it the work item in its
 * pdu. A request is often completed by another work item's drain while its
 * own work item is still queued (blkex_queue_drain() lets one queued item
 * serve many requests), and the block layer's freeze before a free waits
 * for requests, not for work items: an I/O scheduler's pool is freed on
 * every scheduler switch, when nr_requests grows under a scheduler, and in
 * del_gendisk(). Wait here for the work item to have run. Cancelling it
 * instead would leave drain_queued set with no work item to clear it, and
 * every later request of the queue would wait forever. The queue is frozen
 * or dying, so a work item that runs now finds its list empty. The freeze
 * waited for requests held by their timers too (profile.c): none is
 * pending, and hrtimer_cancel() waits for a callback still running.
 */
static void blkex_exit_request(struct blk_mq_tag_set *set, struct request *rq,
			       unsigned int hctx_idx)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);

	flush_work(&cmd->work);
	hrtimer_cancel(&cmd->timer);
}

const struct blk_mq_ops blkex_mq_ops = {
	.queue_rq	= blkex_queue_rq,
	.commit_rqs	= blkex_commit_rqs,
	.complete	= blkex_complete_rq,
	.timeout	= blkex_timeout_rq,
	.poll		= blkex_poll,
	.map_queues	= blkex_map_queues,
	.init_hctx	= blkex_init_hctx,
	.init_request	= blkex_init_request,
	.exit_request	= blkex_exit_request,
};
