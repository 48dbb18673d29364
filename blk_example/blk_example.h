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
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#define BLKEX_NAME		"blkex"

/*
 * Planted bugs, for tests/debug/planted only. `make test-debug` builds the
 * module once with each of these defined (KCFLAGS=-DBLKEX_PLANT_...) and
 * runs a test case on the debug kernel, to prove that the kernel reports
 * the class of bug each one stands for. Never define them otherwise.
 *   BLKEX_PLANT_SLEEP_IN_ATOMIC  store_mutex taken under a spinlock (io.c)
 *   BLKEX_PLANT_SHORT_STORE      a store one sector short of the disk (store.c)
 *   BLKEX_PLANT_LEAK             teardown forgets the queue array (main.c)
 *   BLKEX_PLANT_DRAIN_DELAY      a 50 ms busy wait after each batch (io.c)
 *   BLKEX_PLANT_UNBOUNDED_DRAIN  a drain runs until its list is empty (io.c)
 *   BLKEX_PLANT_NO_EXIT_FLUSH    .exit_request leaves a queued work item
 *                                in the request it frees (io.c)
 */

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
	struct work_struct kick;	/* queued by .commit_rqs */
	struct blkex_dev *dev;
};

/* Which CPU a percpu workqueue runs a request's work on (work_cpu=). */
enum blkex_work_cpu {
	BLKEX_WORK_LOCAL,		/* the submitter's */
	BLKEX_WORK_NEXT,		/* the next online CPU */
	BLKEX_WORK_AUTO,		/* next while requests overlap, else local */
};

/* Which requests error injection applies to (fail_dir=). */
enum blkex_fault_dir {
	BLKEX_FAULT_READ,
	BLKEX_FAULT_WRITE,		/* writes, discards, write-zeroes */
	BLKEX_FAULT_RW,
};

/* What the work handler does with a request, as fault injection decides. */
enum blkex_fault_act {
	BLKEX_FAULT_PASS,		/* serve it */
	BLKEX_FAULT_FAIL,		/* end it with BLK_STS_IOERR, store untouched */
	BLKEX_FAULT_HANG,		/* never complete it: .timeout will */
};

#define BLKEX_MAX_BADBLOCKS	8

/* A bad-block range, in 512-byte sectors, both ends included. */
struct blkex_badrange {
	sector_t start;
	sector_t end;
};

struct blkex_dev;

/* A debugfs knob of one disk: what its file's i_private points to. */
struct blkex_fault_file {
	struct blkex_dev *dev;
	const struct blkex_fault_knob *knob;
};

#define BLKEX_FAULT_KNOBS	5

/*
 * Error, delay and hang injection for one disk (fault.c). Set from the
 * module parameters when the disk is made and through debugfs after; every
 * field is read and written under store_mutex except @delay_us, which
 * queue_rq reads, and the atomic counts, which .timeout updates.
 */
struct blkex_fault {
	struct blkex_badrange bad[BLKEX_MAX_BADBLOCKS];
	unsigned int nr_bad;
	u32 fail_nth;			/* fail every Nth request; 0: off */
	u32 fail_permille;		/* fail this many in 1000 at random */
	u32 delay_us;			/* service delay per request */
	u32 hang_next;			/* drop the next N data requests */
	u32 dir;			/* enum blkex_fault_dir */
	u64 nth_count;			/* requests counted for @fail_nth */
	u64 nr_failed;			/* requests ended by injection */
	u64 nr_hung;			/* requests dropped by @hang_next */
	atomic64_t nr_timed_out;	/* requests ended by .timeout */
	atomic64_t nr_rearmed;		/* timers .timeout rearmed */
	struct dentry *debugfs;		/* blk_example/blkexN */
	struct blkex_fault_file files[BLKEX_FAULT_KNOBS];
};

/* One disk: its store, the lock that guards it and its blk-mq plumbing. */
struct blkex_dev {
	int index;			/* N in /dev/blkexN */
	void *store;			/* zero-filled, virtually contiguous */
	u64 store_bytes;		/* size of @store, the disk's capacity */
	struct mutex store_mutex;	/* serialises every access to @store */
	struct workqueue_struct *wq;	/* runs the work items; shared */
	enum blkex_work_cpu work_cpu;
	struct blkex_queue *queues;	/* one per hardware queue */
	unsigned int nr_queues;		/* of @queues, as blk-mq made them */
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	struct blkex_fault fault;	/* guarded by store_mutex */
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
};

/*
 * A numeric module parameter with its valid range (main.c). The setter
 * rejects anything outside it with -EINVAL and one message naming the
 * parameter.
 */
struct blkex_uparam {
	u64 val;
	u64 min;
	u64 max;
	bool pow2;		/* must also be a power of two */
};

extern const struct kernel_param_ops blkex_uparam_ops;

/*
 * A module parameter that takes one of a fixed list of names (main.c);
 * @val is the index of the name given. The setter rejects any other
 * string with -EINVAL and one message listing the names.
 */
struct blkex_eparam {
	const char * const *names;
	unsigned int nr_names;
	unsigned int val;
};

extern const struct kernel_param_ops blkex_eparam_ops;
void blkex_names_list(char *buf, size_t size, const char * const *names,
		      unsigned int nr_names);

/* io.c */
extern const struct blk_mq_ops blkex_mq_ops;
void blkex_kick_work(struct work_struct *work);

/* store.c */
int blkex_store_check_total(unsigned int nr_stores, u64 bytes);
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes);
void blkex_store_free(struct blkex_dev *dev);
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len);
void blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv,
			   u64 pos, bool write);
void blkex_store_zero(struct blkex_dev *dev, u64 pos, u64 len);

/* fault.c, or do-nothing stubs when built with BLKEX_FAULT_INJECTION=n */
#ifdef BLKEX_FAULT_INJECTION
void blkex_fault_module_init(void);
void blkex_fault_module_exit(void);
int blkex_fault_check_params(u64 nr_sectors);
void blkex_fault_add_dev(struct blkex_dev *dev);
void blkex_fault_del_dev(struct blkex_dev *dev);
enum blkex_fault_act blkex_fault_decide(struct blkex_dev *dev,
					struct request *rq);
void blkex_fault_stamp(struct blkex_dev *dev, struct blkex_cmd *cmd);
void blkex_fault_wait(u64 until_ns);
void blkex_fault_timed_out(struct blkex_dev *dev, bool ended);
#else
static inline void blkex_fault_module_init(void) {}
static inline void blkex_fault_module_exit(void) {}
static inline int blkex_fault_check_params(u64 nr_sectors) { return 0; }
static inline void blkex_fault_add_dev(struct blkex_dev *dev) {}
static inline void blkex_fault_del_dev(struct blkex_dev *dev) {}
static inline enum blkex_fault_act blkex_fault_decide(struct blkex_dev *dev,
						      struct request *rq)
{
	return BLKEX_FAULT_PASS;
}

static inline void blkex_fault_stamp(struct blkex_dev *dev,
				     struct blkex_cmd *cmd) {}
static inline void blkex_fault_wait(u64 until_ns) {}
static inline void blkex_fault_timed_out(struct blkex_dev *dev, bool ended) {}
#endif

#endif /* _BLKEX_H */
