/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shaping a disk's completions (profile.c): a recorded latency profile that
 * each request's service time is drawn from, and bandwidth (mbps) and IOPS
 * (iops) caps. Part of struct blkex_dev; io.c asks blkex_shape_due() at
 * queue_rq when, and only when, any of the three is set.
 */
#ifndef _BLKEX_PROFILE_H
#define _BLKEX_PROFILE_H

#include <linux/blk-mq.h>
#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "param.h"

struct blkex_cmd;
struct blkex_dev;

struct blkex_profile;

/*
 * @profile is replaced under store_mutex and read under RCU; @mbps and
 * @iops are written under store_mutex and read locklessly; @next_free_ns
 * is the rate limit's clock, under @lock. @on is the one test queue_rq
 * makes: any of the three set.
 */
struct blkex_shape {
	struct blkex_profile __rcu *profile;
	u32 mbps;			/* MiB/s, 0: no limit */
	u32 iops;			/* requests/s, 0: no limit */
	bool on;
	spinlock_t lock;		/* guards @next_free_ns */
	u64 next_free_ns;		/* ktime ns the cap's next slot starts */
};

extern struct blkex_uparam blkex_param_mbps;
extern struct blkex_uparam blkex_param_iops;
ssize_t blkex_shape_profile_show(struct blkex_dev *dev, char *page);
int blkex_shape_profile_set(struct blkex_dev *dev, const char *page,
			    size_t count, const char *who);
void blkex_shape_set(struct blkex_dev *dev, size_t offset, u32 v);
int blkex_shape_check_params(u32 delay_us);
int blkex_shape_init_dev(struct blkex_dev *dev);
void blkex_shape_exit_dev(struct blkex_dev *dev);
bool blkex_shape_has_profile(struct blkex_dev *dev);
u64 blkex_shape_due(struct blkex_dev *dev, struct request *rq);
void blkex_shape_init_cmd(struct blkex_cmd *cmd);
bool blkex_shape_hold(struct blkex_cmd *cmd);

#endif /* _BLKEX_PROFILE_H */
