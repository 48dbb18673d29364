/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zoned mode (zoned.c): the disk split into zones of zone_size MiB, the
 * first zone_nr_conv conventional, the rest sequential-write-required, each
 * with a write pointer and a condition, as null_blk's zoned mode and with
 * its settings' names. The zones' state is guarded by store_mutex: the
 * work handler serves zone operations, writes and zone appends under it,
 * as it serves every other request.
 */
#ifndef _BLKEX_ZONED_H
#define _BLKEX_ZONED_H

#include <linux/blkdev.h>
#include <linux/types.h>

#include "param.h"

struct blkex_dev;
struct blkex_limits;

struct blkex_zone {
	sector_t start;
	sector_t len;
	sector_t capacity;		/* writable sectors from @start */
	sector_t wp;			/* write pointer */
	enum blk_zone_type type;
	enum blk_zone_cond cond;
};

/*
 * The zones of a disk and the open and active zone accounting of the ZBC
 * and ZNS zone resource model. Kept across power cycles with the store, so
 * that the write pointers keep matching the data, and made again (the
 * sequential zones emptied and zeroed) when the geometry changes.
 */
struct blkex_zoned {
	struct blkex_zone *zones;
	unsigned int nr_zones;
	unsigned int nr_conv;
	unsigned int zone_shift;	/* log2 of the zone size in sectors */
	unsigned int max_open;		/* 0: no limit */
	unsigned int max_active;	/* 0: no limit */
	unsigned int nr_imp_open;
	unsigned int nr_exp_open;
	unsigned int nr_closed;
	unsigned int imp_close_zno;	/* where to look for one to close */
	/* The geometry the zones were made for. */
	u64 num_sectors;
	u64 zone_size;
	u64 zone_capacity;
};

extern struct blkex_uparam blkex_param_zoned;
extern struct blkex_uparam blkex_param_zone_size;
extern struct blkex_uparam blkex_param_zone_capacity;
extern struct blkex_uparam blkex_param_zone_nr_conv;
extern struct blkex_uparam blkex_param_zone_max_open;
extern struct blkex_uparam blkex_param_zone_max_active;
extern struct blkex_uparam blkex_param_zone_append_max_sectors;

void blkex_zoned_init_config(struct blkex_dev *dev);
int blkex_zoned_setup(struct blkex_dev *dev, struct blkex_limits *lim);
int blkex_zoned_register(struct blkex_dev *dev, struct gendisk *disk);
void blkex_zoned_free(struct blkex_dev *dev);
blk_status_t blkex_zoned_write(struct blkex_dev *dev, struct request *rq);
blk_status_t blkex_zoned_mgmt(struct blkex_dev *dev, struct request *rq);
int blkex_zoned_report(struct gendisk *disk, sector_t sector,
		       unsigned int nr_zones, report_zones_cb cb, void *data);

#endif /* _BLKEX_ZONED_H */
