// SPDX-License-Identifier: GPL-2.0
/*
 * Zoned mode: the zone model of null_blk's drivers/block/null_blk/zoned.c
 * (conventional and sequential-write-required zones, write pointers, the
 * zone conditions and the open and active zone limits of ZBC and ZNS),
 * served the way this driver serves everything: by the work handler,
 * under store_mutex, completed through blk_mq_complete_request(). A zone
 * append takes the write pointer when its work item serves it, not when
 * it was queued, so appends queued on several hardware queues complete in
 * whatever order their workers take store_mutex, as on a ZNS SSD.
 *
 * The settings have null_blk's names and units (zone_size and
 * zone_capacity in MiB). Each is checked alone when it is set (param.c)
 * and all together at power on (blkex_zoned_check()), where the message
 * names the setting at fault and nothing changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "blk_example.h"
#include "compat.h"
#include "trace.h"
#include "zoned.h"

#define BLKEX_MIB_SECTORS	(SZ_1M >> SECTOR_SHIFT)
/* 64 GiB zones at most: chunk_sectors is an unsigned int of sectors. */
#define BLKEX_MAX_ZONE_MIB	65536
/* More zones than this is a disk of a petabyte of 1 MiB zones. */
#define BLKEX_MAX_ZONES		BIT(30)

struct blkex_uparam blkex_param_zoned = { .val = 0, .min = 0, .max = 1 };
module_param_cb(zoned, &blkex_uparam_ops, &blkex_param_zoned, 0444);
MODULE_PARM_DESC(zoned, "1: a host-managed zoned disk of zone_size zones (null_blk's zoned mode), 0: a regular disk. Default: 0");

struct blkex_uparam blkex_param_zone_size = {
	.val = 256, .min = 1, .max = BLKEX_MAX_ZONE_MIB, .pow2 = true,
};
module_param_cb(zone_size, &blkex_uparam_ops, &blkex_param_zone_size, 0444);
MODULE_PARM_DESC(zone_size, "Zone size in MiB, a power of two from 1 to 65536, at most the disk's size. Default: 256");

struct blkex_uparam blkex_param_zone_capacity = {
	.val = 0, .min = 0, .max = BLKEX_MAX_ZONE_MIB,
};
module_param_cb(zone_capacity, &blkex_uparam_ops, &blkex_param_zone_capacity, 0444);
MODULE_PARM_DESC(zone_capacity, "Writable MiB of each sequential zone, at most zone_size; 0 means zone_size. Default: 0");

struct blkex_uparam blkex_param_zone_nr_conv = {
	.val = 0, .min = 0, .max = BLKEX_MAX_ZONES,
};
module_param_cb(zone_nr_conv, &blkex_uparam_ops, &blkex_param_zone_nr_conv, 0444);
MODULE_PARM_DESC(zone_nr_conv, "Conventional zones at the start of the disk, fewer than its zones. Default: 0");

struct blkex_uparam blkex_param_zone_max_open = {
	.val = 0, .min = 0, .max = BLKEX_MAX_ZONES,
};
module_param_cb(zone_max_open, &blkex_uparam_ops, &blkex_param_zone_max_open, 0444);
MODULE_PARM_DESC(zone_max_open, "Zones open at once, at most the sequential zones and zone_max_active; 0: no limit. Default: 0");

struct blkex_uparam blkex_param_zone_max_active = {
	.val = 0, .min = 0, .max = BLKEX_MAX_ZONES,
};
module_param_cb(zone_max_active, &blkex_uparam_ops, &blkex_param_zone_max_active, 0444);
MODULE_PARM_DESC(zone_max_active, "Zones open or closed at once, at most the sequential zones; 0: no limit. Default: 0");

struct blkex_uparam blkex_param_zone_append_max_sectors = {
	.val = 2048, .min = 0, .max = U32_MAX,
};
module_param_cb(zone_append_max_sectors, &blkex_uparam_ops,
		&blkex_param_zone_append_max_sectors, 0444);
MODULE_PARM_DESC(zone_append_max_sectors, "Largest zone append in sectors, cut down to the zone capacity and 2048; 0: the block layer emulates zone append with writes (kernels with zone write plugging only). Default: 2048");

/* A new disk's zoned settings: the module parameters'. */
void blkex_zoned_init_config(struct blkex_dev *dev)
{
	dev->cfg.zoned = blkex_param_zoned.val;
	dev->cfg.zone_size = blkex_param_zone_size.val;
	dev->cfg.zone_capacity = blkex_param_zone_capacity.val;
	dev->cfg.zone_nr_conv = blkex_param_zone_nr_conv.val;
	dev->cfg.zone_max_open = blkex_param_zone_max_open.val;
	dev->cfg.zone_max_active = blkex_param_zone_max_active.val;
	dev->cfg.zone_append_max_sectors = blkex_param_zone_append_max_sectors.val;
}

/*
 * The settings together, before anything is made: a smaller last zone is
 * allowed (as null_blk allows it) unless the zones have a capacity below
 * their size, which no real device has. A limit equal to the sequential
 * zones cannot be reached and is passed on as no limit.
 */
static int blkex_zoned_check(const struct blkex_dev *dev, u64 *nr_zones)
{
	const struct blkex_config *cfg = &dev->cfg;
	u64 zone_sectors = cfg->zone_size * BLKEX_MIB_SECTORS;
	u64 nr, seq;

	if (!IS_ENABLED(CONFIG_BLK_DEV_ZONED) || !BLKEX_ZONED_API) {
		blkex_err("%s: zoned=1: this kernel has no zoned block device support the driver knows\n",
			  dev->name);
		return -EINVAL;
	}
	if (zone_sectors > cfg->num_sectors) {
		blkex_err("%s: zone_size=%llu MiB is larger than the disk (num_sectors=%llu)\n",
			  dev->name, cfg->zone_size, cfg->num_sectors);
		return -EINVAL;
	}
	if (cfg->zone_capacity > cfg->zone_size) {
		blkex_err("%s: zone_capacity=%llu MiB is larger than zone_size=%llu MiB\n",
			  dev->name, cfg->zone_capacity, cfg->zone_size);
		return -EINVAL;
	}
	if (cfg->zone_capacity && cfg->zone_capacity != cfg->zone_size &&
	    cfg->num_sectors % zone_sectors) {
		blkex_err("%s: zone_capacity=%llu MiB below zone_size needs num_sectors=%llu to be a multiple of the zone size (%llu sectors)\n",
			  dev->name, cfg->zone_capacity, cfg->num_sectors,
			  zone_sectors);
		return -EINVAL;
	}
	nr = DIV_ROUND_UP_ULL(cfg->num_sectors, zone_sectors);
	if (nr > BLKEX_MAX_ZONES) {
		blkex_err("%s: zone_size=%llu MiB makes %llu zones, more than %lu\n",
			  dev->name, cfg->zone_size, nr, BLKEX_MAX_ZONES);
		return -EINVAL;
	}
	if (cfg->zone_nr_conv >= nr) {
		blkex_err("%s: zone_nr_conv=%llu leaves no sequential zone of the disk's %llu zones\n",
			  dev->name, cfg->zone_nr_conv, nr);
		return -EINVAL;
	}
	seq = nr - cfg->zone_nr_conv;
	if (cfg->zone_max_active > seq) {
		blkex_err("%s: zone_max_active=%llu is more than the %llu sequential zones\n",
			  dev->name, cfg->zone_max_active, seq);
		return -EINVAL;
	}
	if (cfg->zone_max_open > seq) {
		blkex_err("%s: zone_max_open=%llu is more than the %llu sequential zones\n",
			  dev->name, cfg->zone_max_open, seq);
		return -EINVAL;
	}
	if (cfg->zone_max_active && cfg->zone_max_open > cfg->zone_max_active) {
		blkex_err("%s: zone_max_open=%llu is more than zone_max_active=%llu\n",
			  dev->name, cfg->zone_max_open, cfg->zone_max_active);
		return -EINVAL;
	}
	if (!cfg->zone_append_max_sectors && !BLKEX_HAVE_ZONE_APPEND_EMULATION_ON) {
		blkex_err("%s: zone_append_max_sectors=0: this kernel cannot emulate zone append (no zone write plugging)\n",
			  dev->name);
		return -EINVAL;
	}
	*nr_zones = nr;
	return 0;
}

/* Lay out fresh zones: conventional ones first, then empty sequential ones. */
static void blkex_zoned_layout(struct blkex_zoned *zd, u64 num_sectors,
			       sector_t zone_sectors, sector_t capacity)
{
	sector_t sector = 0;
	unsigned int i;

	for (i = 0; i < zd->nr_zones; i++, sector += zone_sectors) {
		struct blkex_zone *zone = &zd->zones[i];

		zone->start = sector;
		zone->len = min_t(u64, zone_sectors, num_sectors - sector);
		if (i < zd->nr_conv) {
			zone->capacity = zone->len;
			zone->wp = zone->start + zone->len;
			zone->type = BLK_ZONE_TYPE_CONVENTIONAL;
			zone->cond = BLK_ZONE_COND_NOT_WP;
		} else {
			zone->capacity = min(zone->len, capacity);
			zone->wp = zone->start;
			zone->type = BLK_ZONE_TYPE_SEQWRITE_REQ;
			zone->cond = BLK_ZONE_COND_EMPTY;
		}
	}
}

/*
 * Back from power off with the same geometry: the write pointers still
 * match the store, and the zones that were open are closed, as a drive
 * closes them when it loses power.
 */
static void blkex_zoned_power_cycle(struct blkex_zoned *zd)
{
	unsigned int i;

	zd->nr_imp_open = 0;
	zd->nr_exp_open = 0;
	zd->nr_closed = 0;
	for (i = zd->nr_conv; i < zd->nr_zones; i++) {
		struct blkex_zone *zone = &zd->zones[i];

		if (zone->cond == BLK_ZONE_COND_IMP_OPEN ||
		    zone->cond == BLK_ZONE_COND_EXP_OPEN ||
		    zone->cond == BLK_ZONE_COND_CLOSED) {
			if (zone->wp == zone->start) {
				zone->cond = BLK_ZONE_COND_EMPTY;
			} else {
				zone->cond = BLK_ZONE_COND_CLOSED;
				zd->nr_closed++;
			}
		}
	}
	zd->imp_close_zno = zd->nr_conv;
}

/*
 * At power on, the store made: check the zoned settings, make or keep the
 * zones and fill in the zoned queue limits. A disk that is not zoned drops
 * any zones of an earlier power cycle. New zones on an old store zero the
 * sequential zones, so that nothing above a write pointer reads as data.
 * On failure nothing has changed.
 */
int blkex_zoned_setup(struct blkex_dev *dev, struct blkex_limits *lim)
{
	const struct blkex_config *cfg = &dev->cfg;
	sector_t zone_sectors = cfg->zone_size * BLKEX_MIB_SECTORS;
	u64 capacity_mib = cfg->zone_capacity ?: cfg->zone_size;
	struct blkex_zoned *zd = dev->zoned;
	unsigned int lbs_sectors = cfg->logical_block_size >> SECTOR_SHIFT;
	u64 nr_zones, seq, append, conv;
	int ret;

	lockdep_assert_held(&blkex_lock);
	if (!cfg->zoned) {
		blkex_zoned_free(dev);
		return 0;
	}
	ret = blkex_zoned_check(dev, &nr_zones);
	if (ret)
		return ret;

	if (zd && zd->num_sectors == cfg->num_sectors &&
	    zd->zone_size == cfg->zone_size &&
	    zd->zone_capacity == capacity_mib &&
	    zd->nr_conv == cfg->zone_nr_conv) {
		blkex_zoned_power_cycle(zd);
	} else {
		zd = kzalloc(sizeof(*zd), GFP_KERNEL);
		if (!zd)
			return -ENOMEM;
		zd->zones = kvcalloc(nr_zones, sizeof(*zd->zones), GFP_KERNEL);
		if (!zd->zones) {
			kfree(zd);
			return -ENOMEM;
		}
		zd->nr_zones = nr_zones;
		zd->nr_conv = cfg->zone_nr_conv;
		zd->zone_shift = ilog2(zone_sectors);
		zd->num_sectors = cfg->num_sectors;
		zd->zone_size = cfg->zone_size;
		zd->zone_capacity = capacity_mib;
		zd->imp_close_zno = zd->nr_conv;
		blkex_zoned_layout(zd, cfg->num_sectors, zone_sectors,
				   capacity_mib * BLKEX_MIB_SECTORS);
		/* Powered off: no request can be in the store. */
		conv = (u64)zd->nr_conv * zone_sectors;
		mutex_lock(&dev->store_mutex);
		blkex_store_zero(dev, conv << SECTOR_SHIFT,
				 (cfg->num_sectors - conv) << SECTOR_SHIFT);
		mutex_unlock(&dev->store_mutex);
		blkex_zoned_free(dev);
		dev->zoned = zd;
	}

	seq = nr_zones - cfg->zone_nr_conv;
	zd->max_open = cfg->zone_max_open < seq ? cfg->zone_max_open : 0;
	zd->max_active = cfg->zone_max_active < seq ? cfg->zone_max_active : 0;
	/* As null_blk: whole logical blocks, no more than a zone holds. */
	append = min_t(u64, cfg->zone_append_max_sectors,
		       capacity_mib * BLKEX_MIB_SECTORS);
	append = min_t(u64, append, lim->max_hw_sectors);
	append = round_down(append, lbs_sectors);
	if (cfg->zone_append_max_sectors && !append)
		append = lbs_sectors;

	lim->zoned = true;
	lim->chunk_sectors = zone_sectors;
	lim->max_zone_append_sectors = append;
	lim->max_open_zones = zd->max_open;
	lim->max_active_zones = zd->max_active;
	/* A discard or write-zeroes would move no write pointer: none. */
	lim->max_discard_sectors = 0;
	lim->max_write_zeroes_sectors = 0;
	return 0;
}

/* After set_capacity(), before add_disk(): the block layer reads the zones. */
int blkex_zoned_register(struct blkex_dev *dev, struct gendisk *disk)
{
	int ret;

	if (!dev->zoned)
		return 0;
	ret = blkex_revalidate_zones(disk);
	if (ret)
		blkex_err("%s: the block layer refused the zones (%d)\n",
			  dev->name, ret);
	else
		pr_info("%s: %u zones of %llu MiB (%u conventional), %s zone append\n",
			dev->name, dev->zoned->nr_zones, dev->zoned->zone_size,
			dev->zoned->nr_conv,
			dev->cfg.zone_append_max_sectors ? "native" : "emulated");
	return ret;
}

/* The disk's zones, when it is freed or powered on as a regular disk. */
void blkex_zoned_free(struct blkex_dev *dev)
{
	if (!dev->zoned)
		return;
	kvfree(dev->zoned->zones);
	kfree(dev->zoned);
	dev->zoned = NULL;
}

static void blkex_trace_zone(struct request *rq, unsigned int zno,
			     const struct blkex_zone *zone, sector_t sector)
{
	trace_blkex_zone_op(rq, zno, sector, zone->wp, zone->cond);
}

/* Close an implicitly open zone to make room for another (ZBC). */
static void blkex_close_imp_open_zone(struct blkex_zoned *zd)
{
	unsigned int zno = zd->imp_close_zno, i;

	for (i = zd->nr_conv; i < zd->nr_zones; i++) {
		struct blkex_zone *zone;

		if (zno >= zd->nr_zones)
			zno = zd->nr_conv;
		zone = &zd->zones[zno++];
		if (zone->cond != BLK_ZONE_COND_IMP_OPEN)
			continue;
		zd->nr_imp_open--;
		if (zone->wp == zone->start) {
			zone->cond = BLK_ZONE_COND_EMPTY;
		} else {
			zone->cond = BLK_ZONE_COND_CLOSED;
			zd->nr_closed++;
		}
		zd->imp_close_zno = zno;
		return;
	}
}

static blk_status_t blkex_check_active(struct blkex_zoned *zd)
{
	if (!zd->max_active ||
	    zd->nr_exp_open + zd->nr_imp_open + zd->nr_closed < zd->max_active)
		return BLK_STS_OK;
	return BLK_STS_ZONE_ACTIVE_RESOURCE;
}

static blk_status_t blkex_check_open(struct blkex_zoned *zd)
{
	if (!zd->max_open || zd->nr_exp_open + zd->nr_imp_open < zd->max_open)
		return BLK_STS_OK;
	if (zd->nr_imp_open && blkex_check_active(zd) == BLK_STS_OK) {
		blkex_close_imp_open_zone(zd);
		return BLK_STS_OK;
	}
	return BLK_STS_ZONE_OPEN_RESOURCE;
}

/*
 * May an empty or closed zone become open? The ZBC "manage open zone
 * resources" function with ZNS's active limit: an empty zone needs an
 * active slot, either needs an open one, and an implicitly open zone may
 * be closed to give one.
 */
static blk_status_t blkex_check_resources(struct blkex_zoned *zd,
					  struct blkex_zone *zone)
{
	blk_status_t ret;

	if (zone->cond == BLK_ZONE_COND_EMPTY) {
		ret = blkex_check_active(zd);
		if (ret != BLK_STS_OK)
			return ret;
	}
	return blkex_check_open(zd);
}

static struct blkex_zone *blkex_zone_at(struct blkex_zoned *zd, sector_t sector,
					unsigned int *zno)
{
	*zno = sector >> zd->zone_shift;
	return *zno < zd->nr_zones ? &zd->zones[*zno] : NULL;
}

/*
 * A write or zone append, before its data is copied; the caller holds
 * store_mutex. A write to a sequential zone must start at the write
 * pointer, and fails as a device fails an unaligned write otherwise; a
 * zone append is placed at the write pointer, and the sector it was
 * written at goes back to its submitter in the request's sector, which
 * the copy then uses. Conventional zones take writes anywhere and no
 * appends. Either way the zone moves on before the copy, which cannot
 * fail once the request is inside the disk.
 */
blk_status_t blkex_zoned_write(struct blkex_dev *dev, struct request *rq)
{
	struct blkex_zoned *zd = dev->zoned;
	bool append = req_op(rq) == REQ_OP_ZONE_APPEND;
	unsigned int nr = blk_rq_sectors(rq), zno;
	sector_t sector = blk_rq_pos(rq);
	struct blkex_zone *zone;
	blk_status_t ret;

	lockdep_assert_held(&dev->store_mutex);
	zone = blkex_zone_at(zd, sector, &zno);
	if (!zone)
		return BLK_STS_IOERR;
	if (zone->type == BLK_ZONE_TYPE_CONVENTIONAL) {
		if (append)
			return BLK_STS_IOERR;
		return sector + nr <= zone->start + zone->len ?
			BLK_STS_OK : BLK_STS_IOERR;
	}
	if (zone->cond == BLK_ZONE_COND_FULL ||
	    zone->cond == BLK_ZONE_COND_READONLY ||
	    zone->cond == BLK_ZONE_COND_OFFLINE)
		return BLK_STS_IOERR;
	if (append) {
		sector = zone->wp;
		rq->__sector = sector;
	} else if (sector != zone->wp) {
		return BLK_STS_IOERR;
	}
	if (zone->wp + nr > zone->start + zone->capacity)
		return BLK_STS_IOERR;

	if (zone->cond == BLK_ZONE_COND_EMPTY ||
	    zone->cond == BLK_ZONE_COND_CLOSED) {
		ret = blkex_check_resources(zd, zone);
		if (ret != BLK_STS_OK)
			return ret;
		if (zone->cond == BLK_ZONE_COND_CLOSED)
			zd->nr_closed--;
		zd->nr_imp_open++;
		zone->cond = BLK_ZONE_COND_IMP_OPEN;
	}

	zone->wp += nr;
	if (zone->wp == zone->start + zone->capacity) {
		if (zone->cond == BLK_ZONE_COND_EXP_OPEN)
			zd->nr_exp_open--;
		else
			zd->nr_imp_open--;
		zone->cond = BLK_ZONE_COND_FULL;
	}
	blkex_trace_zone(rq, zno, zone, sector);
	return BLK_STS_OK;
}

/*
 * Open and finish take a zone out of the condition it is in: an empty or
 * closed zone must first find the slots it is about to use (and a closed
 * one leaves the closed count), an open one leaves its open count. Only
 * a zone in one of those four conditions can be opened or finished.
 */
static blk_status_t blkex_zone_leave(struct blkex_zoned *zd,
				     struct blkex_zone *zone)
{
	blk_status_t ret;

	switch (zone->cond) {
	case BLK_ZONE_COND_EMPTY:
		return blkex_check_resources(zd, zone);
	case BLK_ZONE_COND_IMP_OPEN:
		zd->nr_imp_open--;
		return BLK_STS_OK;
	case BLK_ZONE_COND_EXP_OPEN:
		zd->nr_exp_open--;
		return BLK_STS_OK;
	case BLK_ZONE_COND_CLOSED:
		ret = blkex_check_resources(zd, zone);
		if (ret == BLK_STS_OK)
			zd->nr_closed--;
		return ret;
	default:
		return BLK_STS_IOERR;
	}
}

static blk_status_t blkex_zone_open(struct blkex_zoned *zd,
				    struct blkex_zone *zone)
{
	blk_status_t ret;

	if (zone->cond == BLK_ZONE_COND_EXP_OPEN)
		return BLK_STS_OK;
	ret = blkex_zone_leave(zd, zone);
	if (ret != BLK_STS_OK)
		return ret;
	zone->cond = BLK_ZONE_COND_EXP_OPEN;
	zd->nr_exp_open++;
	return BLK_STS_OK;
}

static blk_status_t blkex_zone_close(struct blkex_zoned *zd,
				     struct blkex_zone *zone)
{
	switch (zone->cond) {
	case BLK_ZONE_COND_CLOSED:
		return BLK_STS_OK;
	case BLK_ZONE_COND_IMP_OPEN:
		zd->nr_imp_open--;
		break;
	case BLK_ZONE_COND_EXP_OPEN:
		zd->nr_exp_open--;
		break;
	default:
		return BLK_STS_IOERR;
	}
	if (zone->wp == zone->start) {
		zone->cond = BLK_ZONE_COND_EMPTY;
	} else {
		zone->cond = BLK_ZONE_COND_CLOSED;
		zd->nr_closed++;
	}
	return BLK_STS_OK;
}

static blk_status_t blkex_zone_finish(struct blkex_zoned *zd,
				      struct blkex_zone *zone)
{
	blk_status_t ret;

	if (zone->cond == BLK_ZONE_COND_FULL)
		return BLK_STS_OK;
	ret = blkex_zone_leave(zd, zone);
	if (ret != BLK_STS_OK)
		return ret;
	zone->cond = BLK_ZONE_COND_FULL;
	zone->wp = zone->start + zone->len;
	return BLK_STS_OK;
}

/*
 * Reset: the zone is empty again and what was written in it is gone from
 * the store (blkex_store_zero(): zeroed, or its pages freed by a store
 * that can). Above the write pointer the store is zero already.
 */
static blk_status_t blkex_zone_reset(struct blkex_dev *dev,
				     struct blkex_zone *zone)
{
	struct blkex_zoned *zd = dev->zoned;

	switch (zone->cond) {
	case BLK_ZONE_COND_EMPTY:
		return BLK_STS_OK;
	case BLK_ZONE_COND_IMP_OPEN:
		zd->nr_imp_open--;
		break;
	case BLK_ZONE_COND_EXP_OPEN:
		zd->nr_exp_open--;
		break;
	case BLK_ZONE_COND_CLOSED:
		zd->nr_closed--;
		break;
	case BLK_ZONE_COND_FULL:
		break;
	default:
		return BLK_STS_IOERR;
	}
	blkex_store_zero(dev, (u64)zone->start << SECTOR_SHIFT,
			 (u64)(min(zone->wp, zone->start + zone->capacity) -
			       zone->start) << SECTOR_SHIFT);
	zone->cond = BLK_ZONE_COND_EMPTY;
	zone->wp = zone->start;
	return BLK_STS_OK;
}

/* Zone reset, reset all, open, close and finish; under store_mutex. */
blk_status_t blkex_zoned_mgmt(struct blkex_dev *dev, struct request *rq)
{
	struct blkex_zoned *zd = dev->zoned;
	struct blkex_zone *zone;
	unsigned int zno;
	blk_status_t ret;

	lockdep_assert_held(&dev->store_mutex);
	if (!zd)
		return BLK_STS_NOTSUPP;
	if (req_op(rq) == REQ_OP_ZONE_RESET_ALL) {
		for (zno = zd->nr_conv; zno < zd->nr_zones; zno++) {
			zone = &zd->zones[zno];
			if (zone->cond == BLK_ZONE_COND_EMPTY)
				continue;
			if (blkex_zone_reset(dev, zone) == BLK_STS_OK)
				blkex_trace_zone(rq, zno, zone, zone->start);
		}
		return BLK_STS_OK;
	}

	zone = blkex_zone_at(zd, blk_rq_pos(rq), &zno);
	if (!zone || zone->type == BLK_ZONE_TYPE_CONVENTIONAL)
		return BLK_STS_IOERR;
	switch (req_op(rq)) {
	case REQ_OP_ZONE_RESET:
		ret = blkex_zone_reset(dev, zone);
		break;
	case REQ_OP_ZONE_OPEN:
		ret = blkex_zone_open(zd, zone);
		break;
	case REQ_OP_ZONE_CLOSE:
		ret = blkex_zone_close(zd, zone);
		break;
	case REQ_OP_ZONE_FINISH:
		ret = blkex_zone_finish(zd, zone);
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if (ret == BLK_STS_OK)
		blkex_trace_zone(rq, zno, zone, zone->start);
	return ret;
}

/*
 * .report_zones: a copy of each zone, taken under store_mutex and handed
 * to @cb without it (the callback may sleep and a stacked driver may
 * change what it is given).
 */
int blkex_zoned_report(struct gendisk *disk, sector_t sector,
		       unsigned int nr_zones, report_zones_cb cb, void *data)
{
	struct blkex_dev *dev = disk->private_data;
	struct blkex_zoned *zd = dev->zoned;
	struct blk_zone blkz;
	unsigned int first, i;
	int ret;

	if (!zd)
		return -EOPNOTSUPP;
	first = sector >> zd->zone_shift;
	if (first >= zd->nr_zones)
		return 0;
	nr_zones = min(nr_zones, zd->nr_zones - first);

	memset(&blkz, 0, sizeof(blkz));
	for (i = 0; i < nr_zones; i++) {
		const struct blkex_zone *zone = &zd->zones[first + i];

		mutex_lock(&dev->store_mutex);
		blkz.start = zone->start;
		blkz.len = zone->len;
		blkz.wp = zone->wp;
		blkz.type = zone->type;
		blkz.cond = zone->cond;
		blkz.capacity = zone->capacity;
		mutex_unlock(&dev->store_mutex);

		ret = cb(&blkz, i, data);
		if (ret)
			return ret;
	}
	return nr_zones;
}
