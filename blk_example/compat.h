/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows kernel versions. The BLKEX_HAVE_* macros come
 * from feature probes in Kbuild that look at the headers being built
 * against, so a distribution backport is followed without version checks.
 */
#ifndef _BLKEX_COMPAT_H
#define _BLKEX_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/workqueue.h>

/* The queue limits the driver sets, whatever API the kernel offers. */
struct blkex_limits {
	unsigned int logical_block_size;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_discard_sectors;	/* 0: no discard */
	unsigned int max_write_zeroes_sectors;	/* 0: no write-zeroes */
	bool write_cache;			/* a volatile cache, and FUA */
};

#ifdef BLKEX_HAVE_MQ_F_SHOULD_MERGE
#define BLKEX_MQ_F_MERGE	BLK_MQ_F_SHOULD_MERGE
#else
/* Merging became unconditional when the flag was removed (6.14). */
#define BLKEX_MQ_F_MERGE	0
#endif

/*
 * WQ_PERCPU says a workqueue is bound to CPUs, which is still the default
 * when it is not given; upstream is making unbound the default, and a
 * percpu flavour must then say so (backported to Debian's 6.12).
 */
#ifdef BLKEX_HAVE_WQ_PERCPU
#define BLKEX_WQ_PERCPU		WQ_PERCPU
#else
#define BLKEX_WQ_PERCPU		0
#endif

/*
 * blk_mq_alloc_disk() takes the queue limits from 6.9 on; before that they
 * were set one by one on the allocated queue. The discard limit a driver
 * gives is max_hw_discard_sectors in struct queue_limits (the block layer
 * derives max_discard_sectors from it) and went through
 * blk_queue_max_discard_sectors() before. Both return an ERR_PTR on
 * failure. Disks are non-rotational by default once limits carry features
 * (6.11); before that the driver says so with QUEUE_FLAG_NONROT. A write
 * cache with FUA is the features BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA from
 * 6.11 on, blk_queue_write_cache() before.
 */
static inline struct gendisk *blkex_alloc_disk(struct blk_mq_tag_set *set,
					       const struct blkex_limits *bl,
					       void *queuedata)
{
	struct gendisk *disk;
#ifdef BLKEX_HAVE_ALLOC_DISK_LIMITS
	struct queue_limits lim = {
		.logical_block_size	= bl->logical_block_size,
		.physical_block_size	= bl->logical_block_size,
		.io_min			= bl->logical_block_size,
		.max_hw_sectors		= bl->max_hw_sectors,
		.max_segments		= bl->max_segments,
		.max_hw_discard_sectors	= bl->max_discard_sectors,
		.max_write_zeroes_sectors = bl->max_write_zeroes_sectors,
		.discard_granularity	= bl->logical_block_size,
#ifdef BLKEX_HAVE_BLK_FEAT
		.features		= bl->write_cache ?
					  BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA : 0,
#endif
	};

	disk = blk_mq_alloc_disk(set, &lim, queuedata);
#else
	disk = blk_mq_alloc_disk(set, queuedata);
	if (IS_ERR(disk))
		return disk;
	blk_queue_logical_block_size(disk->queue, bl->logical_block_size);
	blk_queue_physical_block_size(disk->queue, bl->logical_block_size);
	blk_queue_io_min(disk->queue, bl->logical_block_size);
	blk_queue_max_hw_sectors(disk->queue, bl->max_hw_sectors);
	blk_queue_max_segments(disk->queue, bl->max_segments);
	/* 6.1 has no setter for the granularity; brd sets it the same way. */
	disk->queue->limits.discard_granularity = bl->logical_block_size;
	blk_queue_max_discard_sectors(disk->queue, bl->max_discard_sectors);
	blk_queue_max_write_zeroes_sectors(disk->queue,
					   bl->max_write_zeroes_sectors);
#endif
#ifndef BLKEX_HAVE_BLK_FEAT
	if (!IS_ERR(disk)) {
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
		blk_queue_write_cache(disk->queue, bl->write_cache,
				      bl->write_cache);
	}
#endif
	return disk;
}

#endif /* _BLKEX_COMPAT_H */
