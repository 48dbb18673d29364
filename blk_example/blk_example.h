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
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#define BLKEX_NAME		"blkex"

/* One disk: its store, the lock that guards it and its blk-mq plumbing. */
struct blkex_dev {
	int index;			/* N in /dev/blkexN */
	void *store;			/* zero-filled, virtually contiguous */
	u64 store_bytes;		/* size of @store, the disk's capacity */
	struct mutex store_mutex;	/* serialises every access to @store */
	struct workqueue_struct *wq;	/* runs blkex_cmd.work */
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
};

/* The per-request pdu (tag_set.cmd_size): the deferred work and its result. */
struct blkex_cmd {
	struct work_struct work;	/* queued by queue_rq, runs the copy */
	blk_status_t status;		/* set by the work, used by .complete */
};

/* Load-time configuration, validated once in main.c. */
struct blkex_config {
	u64 num_sectors;		/* capacity in 512-byte sectors */
	unsigned int logical_block_size;
	unsigned int hw_queues;		/* blk-mq hardware queues */
	unsigned int queue_depth;	/* tags per hardware queue */
	unsigned int wq_flags;		/* alloc_workqueue() flags */
};

/* io.c */
extern const struct blk_mq_ops blkex_mq_ops;

/* store.c */
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes);
void blkex_store_free(struct blkex_dev *dev);
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len);
void blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv,
			   u64 pos, bool write);

#endif /* _BLKEX_H */
