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
#include <linux/configfs.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "cache.h"
#include "fault.h"
#include "param.h"
#include "profile.h"
#include "zoned.h"

#define BLKEX_NAME		"blkex"

/*
 * Per hardware queue: the requests queue_rq has started and whose service
 * has not begun. Whichever work item runs first takes them all.
 */
struct blkex_queue {
	struct llist_head pending;	/* of blkex_cmd.node */
	atomic_t drain_queued;		/* a work item will drain @pending */
	atomic_t inflight;		/* started and not yet completed */
	atomic_t stages_seq;		/* blkex_rq_stages events emitted */
	unsigned int alone_run;		/* work_cpu=auto: lone requests in a row */
	bool polled;			/* a poll queue (HCTX_TYPE_POLL) */
	struct work_struct kick;	/* queued by .commit_rqs */
	struct blkex_dev *dev;
};

/* Which CPU a percpu workqueue runs a request's work on (work_cpu=). */
enum blkex_work_cpu {
	BLKEX_WORK_LOCAL,		/* the submitter's */
	BLKEX_WORK_NEXT,		/* the next online CPU */
	BLKEX_WORK_AUTO,		/* next while requests overlap, else local */
};

/* What holds a disk's data (store=, store.c). */
enum blkex_store_kind {
	BLKEX_STORE_FLAT,		/* one vmalloc'd buffer, all of it */
	BLKEX_STORE_SPARSE,		/* a page per 4 KiB, made on first write */
	BLKEX_STORE_NONE,		/* no data: writes dropped, reads zero */
};

/*
 * A disk's geometry and workqueue: the module parameters' values when the
 * disk is made, then what its configfs directory sets while it is powered
 * off. Guarded by blkex_lock.
 */
struct blkex_config {
	u64 num_sectors;		/* capacity in 512-byte sectors */
	u64 logical_block_size;
	u64 hw_queues;			/* 0: one per possible CPU */
	u64 poll_queues;		/* HCTX_TYPE_POLL queues; 0: none */
	u64 queue_depth;
	u64 wq_mode;			/* index in blkex_wq_mode_names */
	u64 work_cpu;			/* enum blkex_work_cpu */
	u64 cache_size;			/* MiB of write cache; 0: none */
	u64 cache_loss;			/* enum blkex_cache_loss */
	u64 cache_seed;			/* 0: a fresh seed each cut */
	u64 store;			/* enum blkex_store_kind */
	/* Zoned mode (zoned.c), null_blk's names and units. */
	u64 zoned;			/* 0 or 1 */
	u64 zone_size;			/* MiB, a power of two */
	u64 zone_capacity;		/* MiB; 0: zone_size */
	u64 zone_nr_conv;
	u64 zone_max_open;		/* 0: no limit */
	u64 zone_max_active;		/* 0: no limit */
	u64 zone_append_max_sectors;	/* 0: emulated by the block layer */
};

/*
 * One disk: its settings, its store, the lock that guards it and, while it
 * is powered on, its blk-mq plumbing. It lives from mkdir (or load, for
 * the parameters' disks) to rmdir (or unload); the store outlives power
 * cycles, so the data does too.
 */
struct blkex_dev {
	int index;			/* N in /dev/blkexN */
	char name[DISK_NAME_LEN];	/* blkexN, also while powered off */
	struct config_group group;	/* its configfs directory */
	struct blkex_config cfg;
	void *store;			/* flat: zero-filled, virtually contiguous */
	u64 store_bytes;		/* the store's capacity; 0: none made */
	unsigned int store_kind;	/* enum blkex_store_kind of the store */
	unsigned int store_budget;	/* sparse: pages before a memory check */
	struct xarray store_pages;	/* sparse: page index -> struct page */
	unsigned long store_nr_pages;	/* sparse: pages in @store_pages */
	struct mutex store_mutex;	/* serialises every access to @store */
	struct workqueue_struct *wq;	/* runs the work items; shared */
	enum blkex_work_cpu work_cpu;
	struct blkex_queue *queues;	/* one per hardware queue */
	unsigned int nr_queues;		/* of @queues, as blk-mq made them */
	unsigned int nr_poll_queues;	/* the last of @queues: polled */
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;		/* NULL while powered off */
	struct blkex_fault fault;	/* guarded by store_mutex */
	struct blkex_cache cache;	/* guarded by store_mutex */
	struct blkex_shape shape;	/* latency_profile, mbps, iops */
	struct blkex_zoned *zoned;	/* zoned.c; NULL: not zoned */
};

/* Where a request is, for .timeout to know whether it may end it. */
enum blkex_cmd_state {
	BLKEX_CMD_QUEUED,		/* a work item will complete it */
	BLKEX_CMD_DROPPED,		/* hung on purpose: only .timeout ends it */
	BLKEX_CMD_TIMED_OUT,		/* .timeout has taken it */
};

/*
 * Where a request's stages begin, for the blkex_rq_stages event (io.c,
 * trace.h): taken only while that event is enabled, in ktime ns, 0 when not
 * taken. The event's last stage ends when it fires, in .complete.
 */
enum blkex_stamp {
	BLKEX_STAMP_QUEUED,		/* with blkex_rq_queued */
	BLKEX_STAMP_WORK,		/* with blkex_rq_work_start */
	BLKEX_STAMP_LOCKED,		/* with blkex_rq_locked */
	BLKEX_STAMP_COPIED,		/* with blkex_rq_copied */
	BLKEX_NR_STAMPS,
};

/*
 * The per-request pdu (tag_set.cmd_size): the deferred work and its result.
 * @work may still be queued after its request was served by another work
 * item's drain; .exit_request flushes it before blk-mq frees the pdu.
 */
struct blkex_cmd {
	struct work_struct work;	/* queued by queue_rq, serves the queue */
	struct llist_node node;		/* on blkex_queue.pending */
	struct blkex_queue *queue;	/* the hardware queue it belongs to */
	blk_status_t status;		/* set by the work, used by .complete */
	bool hang;			/* the work handler drops it */
	u64 delay_until;		/* ktime ns not to serve it before */
	atomic_t state;			/* enum blkex_cmd_state */
	u64 stamp[BLKEX_NR_STAMPS];	/* enum blkex_stamp */
	u64 due_ns;			/* ktime ns to complete at; 0: now */
	struct hrtimer timer;		/* holds it until @due_ns (profile.c) */
};

/* main.c */
extern struct mutex blkex_lock;
extern struct blkex_uparam blkex_param_num_sectors;
extern struct blkex_uparam blkex_param_logical_block_size;
extern struct blkex_uparam blkex_param_hw_queues;
extern struct blkex_uparam blkex_param_poll_queues;
extern struct blkex_uparam blkex_param_queue_depth;
extern struct blkex_eparam blkex_param_wq_mode;
extern struct blkex_eparam blkex_param_work_cpu;
extern struct blkex_eparam blkex_param_store;
struct blkex_dev *blkex_dev_alloc(void);
void blkex_dev_free(struct blkex_dev *dev);
int blkex_dev_power_on(struct blkex_dev *dev);
void blkex_dev_power_off(struct blkex_dev *dev);

/* configfs.c: main.c's one registration point, at init and exit. */
int blkex_configfs_init(unsigned int nr_devices);
void blkex_configfs_exit(void);

static inline struct blkex_dev *blkex_dev_from_item(struct config_item *item)
{
	return container_of(to_config_group(item), struct blkex_dev, group);
}

/* io.c */
extern const struct blk_mq_ops blkex_mq_ops;
void blkex_kick_work(struct work_struct *work);

/* store.c */
struct dentry;
int blkex_store_check_total(unsigned int nr_stores, u64 bytes);
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes);
void blkex_store_free(struct blkex_dev *dev);
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len);
int blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv,
			  u64 pos, bool write);
void blkex_store_zero(struct blkex_dev *dev, u64 pos, u64 len);
int blkex_store_write(struct blkex_dev *dev, u64 pos, const void *buf,
		      size_t len);
void blkex_store_read(struct blkex_dev *dev, u64 pos, void *buf, size_t len);
u64 blkex_store_resident(const struct blkex_dev *dev);
void blkex_store_debugfs(struct blkex_dev *dev, struct dentry *dir);

#endif /* _BLKEX_H */
