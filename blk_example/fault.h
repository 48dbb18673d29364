/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection (fault.c, fault_param.c): its types, and its entry points
 * or, when the module is built with BLKEX_FAULT_INJECTION=n, do-nothing
 * stubs in their place, as null_blk does for its optional features, so
 * that the call sites in main.c and io.c carry no #ifdef. struct
 * blkex_fault is defined either way: it is part of struct blkex_dev.
 * configfs.c's fault attributes, which call the setters below, are left
 * out of that build.
 */
#ifndef _BLKEX_FAULT_H
#define _BLKEX_FAULT_H

#include <linux/atomic.h>
#include <linux/badblocks.h>
#include <linux/blk-mq.h>
#include <linux/types.h>

#include "param.h"

struct blkex_cmd;
struct blkex_dev;
struct dentry;

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

/*
 * Error, delay and hang injection for one disk (fault.c). Set from the
 * module parameters when the disk is made and through configfs after; every
 * field is read and written under store_mutex except @delay_us, which
 * queue_rq reads, and the atomic counts, which .timeout updates.
 */
struct blkex_fault {
	struct badblocks bb;		/* bad sectors, the kernel's table */
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
	struct dentry *debugfs;		/* blk_example/blkexN, read-only */
};

#ifdef BLKEX_FAULT_INJECTION
/* fault_param.c: the settings a disk starts with, and their checks. */
extern struct blkex_uparam blkex_param_fail_nth;
extern struct blkex_uparam blkex_param_fail_permille;
extern struct blkex_uparam blkex_param_delay_us;
extern struct blkex_eparam blkex_param_fail_dir;
extern struct blkex_badrange blkex_param_bad[];
extern unsigned int blkex_param_nr_bad;

/* fault.c */
void blkex_fault_module_init(void);
void blkex_fault_module_exit(void);
int blkex_fault_check_params(u64 nr_sectors);
int blkex_fault_init_dev(struct blkex_dev *dev);
void blkex_fault_exit_dev(struct blkex_dev *dev);
void blkex_fault_add_dev(struct blkex_dev *dev);
void blkex_fault_del_dev(struct blkex_dev *dev);
enum blkex_fault_act blkex_fault_decide(struct blkex_dev *dev,
					struct request *rq);
void blkex_fault_stamp(struct blkex_dev *dev, struct blkex_cmd *cmd);
void blkex_fault_wait(u64 until_ns);
void blkex_fault_timed_out(struct blkex_dev *dev, bool ended);
/* What configfs.c's attributes call, with values it has checked. */
int blkex_fault_set(struct blkex_dev *dev, size_t offset, u32 v);
int blkex_fault_bad_change(struct blkex_dev *dev, bool add,
			   const struct blkex_badrange *r);
int blkex_fault_bad_clear(struct blkex_dev *dev, int *left);
int blkex_fault_bad_print(struct blkex_dev *dev, char *buf, size_t size);
int blkex_fault_stats_print(struct blkex_dev *dev, char *buf, size_t size);
u32 blkex_fault_default_delay_us(void);
#else
static inline void blkex_fault_module_init(void) {}
static inline void blkex_fault_module_exit(void) {}
static inline int blkex_fault_check_params(u64 nr_sectors) { return 0; }
static inline int blkex_fault_init_dev(struct blkex_dev *dev) { return 0; }
static inline void blkex_fault_exit_dev(struct blkex_dev *dev) {}
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
static inline u32 blkex_fault_default_delay_us(void) { return 0; }
#endif

#endif /* _BLKEX_FAULT_H */
