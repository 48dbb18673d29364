/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A volatile write cache in front of the store (cache.c), with null_blk's
 * cache_size and a power cut that loses what no flush wrote back, all of it
 * or, past null_blk, a random part or a torn part (cache_loss).
 */
#ifndef _BLKEX_CACHE_H
#define _BLKEX_CACHE_H

#include <linux/types.h>

#include "param.h"

struct blkex_cache_slot;
struct blkex_dev;
struct dentry;
struct request;

/* Why blocks went to the store, for the blkex_cache_writeback event. */
#define BLKEX_WB_FLUSH		0	/* REQ_OP_FLUSH */
#define BLKEX_WB_FUA		1	/* a REQ_FUA write, written through */
#define BLKEX_WB_EVICT		2	/* the oldest block, to make room */
#define BLKEX_WB_CUT		3	/* the survivors of a power cut */

/* What a power cut does with the blocks no flush wrote back (cache_loss=). */
enum blkex_cache_loss {
	BLKEX_CACHE_LOSS_ALL,		/* all are lost, as null_blk's */
	BLKEX_CACHE_LOSS_RANDOM,	/* each one written back or lost */
	BLKEX_CACHE_LOSS_TORN,		/* as random; a survivor may be cut short */
};

/*
 * What the cache has done, kept across power cycles (so the last cut's
 * numbers can be read once the disk is back on) and read under
 * store_mutex.
 */
struct blkex_cache_stats {
	u64 flushes;			/* REQ_OP_FLUSH requests served */
	u64 fua_writes;			/* REQ_FUA writes served */
	u64 writebacks;			/* blocks written back to the store */
	u64 evictions;			/* of those, to make room */
	u64 cut_dirty;			/* last cut: dirty blocks it found */
	u64 cut_lost;			/* last cut: blocks lost whole */
	u64 cut_torn;			/* last cut: blocks written back in part */
	u64 cut_seed;			/* last cut: the seed it used */
	u64 cuts;			/* power cuts with a cache */
};

/*
 * A disk's cache while it is powered on with cache_size > 0: @nr_slots
 * blocks of PAGE_SIZE in @data, found by store page through @hash, dirty
 * ones on @lru oldest first. @nr_slots is 0 while there is no cache.
 * Everything is guarded by store_mutex.
 */
struct blkex_cache {
	unsigned int nr_slots;
	unsigned int nr_dirty;		/* slots in use, all dirty */
	unsigned int hash_bits;
	u64 bytes;			/* the disk's capacity at power on */
	u32 lbs;			/* logical_block_size: what torn keeps */
	u32 loss;			/* enum blkex_cache_loss */
	u64 seed;			/* cache_seed; 0: a fresh one each cut */
	dev_t devt;			/* for the tracepoint after del_gendisk */
	void *data;			/* nr_slots * PAGE_SIZE */
	struct blkex_cache_slot *slots;
	struct hlist_head *hash;	/* 1 << hash_bits buckets */
	struct list_head lru;		/* dirty slots, oldest first */
	struct list_head free;		/* unused slots */
	struct blkex_cache_stats stats;
};

extern struct blkex_uparam blkex_param_cache_size;
extern struct blkex_eparam blkex_param_cache_loss;
extern struct blkex_uparam blkex_param_cache_seed;

static inline bool blkex_cache_on(const struct blkex_cache *c)
{
	return c->nr_slots;
}

int blkex_cache_power_on(struct blkex_dev *dev);
void blkex_cache_add_dev(struct blkex_dev *dev, dev_t devt,
			 struct dentry *dir);
void blkex_cache_power_off(struct blkex_dev *dev);
void blkex_cache_free(struct blkex_dev *dev);
int blkex_cache_rw(struct blkex_dev *dev, struct request *rq, u64 pos);
void blkex_cache_zero(struct blkex_dev *dev, u64 pos, u64 len);
int blkex_cache_flush(struct blkex_dev *dev);
int blkex_cache_stats_print(struct blkex_dev *dev, char *buf, size_t size);

#endif /* _BLKEX_CACHE_H */
