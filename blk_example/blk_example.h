/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk_example: a blk-mq RAM disk whose requests are served by deferred work.
 *
 * queue_rq starts the request and queues the work item embedded in its pdu;
 * the work handler copies between the request's pages and the store under
 * store_mutex and completes the request with blk_mq_complete_request().
 */
#ifndef _BLKEX_H
#define _BLKEX_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#define BLKEX_NAME		"blkex"

/*
 * Per hardware queue: the requests queue_rq has started and whose service
 * has not begun. Whichever work item runs first takes them all.
 */
struct blkex_queue {
	struct llist_head pending;	/* of blkex_cmd.node */
	atomic_t inflight;		/* started and not yet completed */
	struct blkex_dev *dev;
};

/* Which CPU a percpu workqueue runs a request's work on (work_cpu=). */
enum blkex_work_cpu {
	BLKEX_WORK_LOCAL,		/* the submitter's */
	BLKEX_WORK_NEXT,		/* the next online CPU */
	BLKEX_WORK_AUTO,		/* local when idle, next at depth */
};

/* One disk: its store, the lock that guards it and its blk-mq plumbing. */
struct blkex_dev {
	int index;			/* N in /dev/blkexN */
	void *store;			/* zero-filled, virtually contiguous */
	u64 store_bytes;		/* size of @store, the disk's capacity */
	struct mutex store_mutex;	/* serialises every access to @store */
	struct workqueue_struct *wq;	/* runs blkex_cmd.work */
	enum blkex_work_cpu work_cpu;
	struct blkex_queue *queues;	/* one per hardware queue */
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
};

/* The per-request pdu (tag_set.cmd_size): the deferred work and its result. */
struct blkex_cmd {
	struct work_struct work;	/* queued by queue_rq, serves the queue */
	struct llist_node node;		/* on blkex_queue.pending */
	struct blkex_queue *queue;	/* the hardware queue it belongs to */
	blk_status_t status;		/* set by the work, used by .complete */
};

/* io.c */
extern const struct blk_mq_ops blkex_mq_ops;

/* store.c */
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes);
void blkex_store_free(struct blkex_dev *dev);
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len);
void blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv,
			   u64 pos, bool write);
void blkex_store_zero(struct blkex_dev *dev, u64 pos, u64 len);

#endif /* _BLKEX_H */
