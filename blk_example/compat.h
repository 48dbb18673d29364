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
	/* Zoned mode (zoned.c); the rest is read only when @zoned. */
	bool zoned;
	unsigned int chunk_sectors;		/* the zone size */
	unsigned int max_zone_append_sectors;	/* 0: emulated */
	unsigned int max_open_zones;		/* 0: no limit */
	unsigned int max_active_zones;		/* 0: no limit */
};

/*
 * Zoned block devices: from 6.11 a zoned disk says so in its queue limits
 * (BLK_FEAT_ZONED, with chunk_sectors, max_zone_append_sectors and the
 * open and active limits) and the block layer's zone write plugging
 * orders writes and emulates zone append when the driver gives no append
 * limit. Before (6.1) the driver marks the disk host-managed with
 * disk_set_zoned(), sets each limit with its setter, needs the mq-deadline
 * elevator to serialise each zone's writes, and must serve zone append
 * itself. zoned.c refuses zoned=1 on a kernel with neither API.
 */
#if defined(BLKEX_HAVE_BLK_FEAT_ZONED) && defined(BLKEX_HAVE_ALLOC_DISK_LIMITS)
#define BLKEX_ZONED_API		1
#elif defined(BLKEX_HAVE_DISK_SET_ZONED_MODEL) && !defined(BLKEX_HAVE_ALLOC_DISK_LIMITS)
#define BLKEX_ZONED_API		1
#else
#define BLKEX_ZONED_API		0
#endif

#ifdef BLKEX_HAVE_ZONE_APPEND_EMULATION
#define BLKEX_HAVE_ZONE_APPEND_EMULATION_ON	1
#else
#define BLKEX_HAVE_ZONE_APPEND_EMULATION_ON	0
#endif

/*
 * The block layer reads the zones (.report_zones) and sets up its own zone
 * state; called before add_disk(), capacity and zoned limits set.
 */
static inline int blkex_revalidate_zones(struct gendisk *disk)
{
#if !IS_ENABLED(CONFIG_BLK_DEV_ZONED) || !BLKEX_ZONED_API
	return -EOPNOTSUPP;
#elif defined(BLKEX_HAVE_REVALIDATE_ZONES_CB)
	return blk_revalidate_disk_zones(disk, NULL);
#else
	return blk_revalidate_disk_zones(disk);
#endif
}

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

#if BLKEX_ZONED_API
	if (bl->zoned) {
		lim.features |= BLK_FEAT_ZONED;
		lim.chunk_sectors = bl->chunk_sectors;
		lim.max_zone_append_sectors = bl->max_zone_append_sectors;
		lim.max_open_zones = bl->max_open_zones;
		lim.max_active_zones = bl->max_active_zones;
	}
#endif
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
#if BLKEX_ZONED_API && IS_ENABLED(CONFIG_BLK_DEV_ZONED)
	if (bl->zoned) {
		disk_set_zoned(disk, BLK_ZONED_HM);
		blk_queue_flag_set(QUEUE_FLAG_ZONE_RESETALL, disk->queue);
		blk_queue_required_elevator_features(disk->queue,
						     ELEVATOR_F_ZBD_SEQ_WRITE);
		blk_queue_chunk_sectors(disk->queue, bl->chunk_sectors);
		blk_queue_max_zone_append_sectors(disk->queue,
						  bl->max_zone_append_sectors);
		disk_set_max_open_zones(disk, bl->max_open_zones);
		disk_set_max_active_zones(disk, bl->max_active_zones);
	}
#endif
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
