// SPDX-License-Identifier: GPL-2.0
/*
 * blk_example: module parameters, module init/exit, and the life cycle of
 * each disk: made (blkex_dev_alloc), powered on (store, workqueue, tag
 * set, gendisk), powered off (all but the store), freed. configfs.c drives
 * it, for the disks made with mkdir and for the parameters' disks, which
 * it makes when init registers it; this file calls configfs.c only there
 * and at exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blk_example.h"
#include "compat.h"
#include "param.h"

/* Minors per disk: the whole disk plus 15 partitions, as sd does. */
#define BLKEX_MINORS		16
/*
 * Each disk has its own tag set: hw_queues x queue_depth requests with
 * their pdus, about 0.4 KiB each, and a gendisk with its sysfs and
 * debugfs trees. 1024 disks of the defaults are some 200 MiB per CPU of
 * tags alone; a user who wants more is better served by fewer, larger
 * disks with partitions.
 */
#define BLKEX_MAX_DEVICES	1024
/* 1 MiB requests: 2048 sectors in up to 256 page-sized segments. */
#define BLKEX_MAX_HW_SECTORS	2048
#define BLKEX_MAX_SEGMENTS	256
/*
 * Discard and write-zeroes are served by a memset under store_mutex: 32 MiB
 * at most per request keeps other requests from waiting long behind one.
 */
#define BLKEX_MAX_ZERO_SECTORS	65536

/* 262144 sectors = 128 MiB; the upper bound keeps num_sectors * 512 in a u64. */
struct blkex_uparam blkex_param_num_sectors = {
	.val = 262144, .min = 1, .max = U64_MAX >> SECTOR_SHIFT,
};
module_param_cb(num_sectors, &blkex_uparam_ops, &blkex_param_num_sectors, 0444);
MODULE_PARM_DESC(num_sectors, "Capacity of each disk in 512-byte sectors, a multiple of logical_block_size / 512. Default: 262144 (128 MiB)");

struct blkex_uparam blkex_param_logical_block_size = {
	.val = SECTOR_SIZE, .min = SECTOR_SIZE, .max = PAGE_SIZE, .pow2 = true,
};
module_param_cb(logical_block_size, &blkex_uparam_ops, &blkex_param_logical_block_size, 0444);
MODULE_PARM_DESC(logical_block_size, "Logical block size in bytes, a power of two from 512 to PAGE_SIZE. Default: 512");

static struct blkex_uparam g_nr_devices = {
	.val = 1, .min = 0, .max = BLKEX_MAX_DEVICES,
};
module_param_cb(nr_devices, &blkex_uparam_ops, &g_nr_devices, 0444);
MODULE_PARM_DESC(nr_devices, "Number of disks made at load, /dev/blkex0 to blkexN-1, each with its own store, 0 to 1024; more can be made in configfs. Default: 1");

struct blkex_uparam blkex_param_hw_queues = {
	.val = 0, .min = 0, .max = NR_CPUS,
};
module_param_cb(hw_queues, &blkex_uparam_ops, &blkex_param_hw_queues, 0444);
MODULE_PARM_DESC(hw_queues, "blk-mq hardware queues per disk; 0 means one per possible CPU, and more than that is cut down to it. Default: 0");

/*
 * Poll queues (HCTX_TYPE_POLL) come on top of hw_queues: polled I/O
 * (io_uring IOPOLL, fio --hipri) goes to them and its submitter reaps it
 * with .poll (io.c); with none, queue/io_poll is 0 and polled I/O is
 * refused as before.
 */
struct blkex_uparam blkex_param_poll_queues = {
	.val = 0, .min = 0, .max = NR_CPUS,
};
module_param_cb(poll_queues, &blkex_uparam_ops, &blkex_param_poll_queues, 0444);
MODULE_PARM_DESC(poll_queues, "Poll queues per disk (HCTX_TYPE_POLL), for io_uring IOPOLL, besides hw_queues; more than one per possible CPU is cut down to it. Default: 0 (none: no polled I/O)");

/*
 * 256, not 128: two submitters that share a CPU share its hardware queue,
 * so two io_uring jobs of iodepth 128 on one CPU need 256 tags between
 * them; with 128 they wait for tags and fall behind. The measurement is
 * in docs/bench/2026-11-23-ab-queue-depth.md.
 */
struct blkex_uparam blkex_param_queue_depth = {
	.val = 256, .min = 1, .max = BLK_MQ_MAX_DEPTH,
};
module_param_cb(queue_depth, &blkex_uparam_ops, &blkex_param_queue_depth, 0444);
MODULE_PARM_DESC(queue_depth, "Tags (requests in flight) per hardware queue. Default: 256");

/*
 * The workqueues that run the deferred copies, one per flavour, shared by
 * every disk of that flavour and made when the first such disk powers on.
 * Every flavour keeps WQ_MEM_RECLAIM: a block device may have to write for
 * memory reclaim to make progress, so its work needs a rescuer, and that
 * is a kernel thread per workqueue, hence not one workqueue per disk. The
 * percpu flavours say WQ_PERCPU where the kernel has it, since upstream
 * is making unbound the default (compat.h). docs/bench/ has what each
 * flavour costs, measured by `make bench`.
 */
static const char * const blkex_wq_mode_names[] = {
	"percpu", "percpu-highpri", "unbound", "unbound-highpri",
};

static const unsigned int blkex_wq_mode_flags[] = {
	WQ_MEM_RECLAIM | BLKEX_WQ_PERCPU,
	WQ_MEM_RECLAIM | BLKEX_WQ_PERCPU | WQ_HIGHPRI,
	WQ_MEM_RECLAIM | WQ_UNBOUND,
	WQ_MEM_RECLAIM | WQ_UNBOUND | WQ_HIGHPRI,
};

static_assert(ARRAY_SIZE(blkex_wq_mode_flags) == ARRAY_SIZE(blkex_wq_mode_names));

struct blkex_eparam blkex_param_wq_mode = {
	.names = blkex_wq_mode_names,
	.nr_names = ARRAY_SIZE(blkex_wq_mode_names),
};
module_param_cb(wq_mode, &blkex_eparam_ops, &blkex_param_wq_mode, 0444);
MODULE_PARM_DESC(wq_mode, "Workqueue that serves requests: percpu, percpu-highpri, unbound or unbound-highpri. Default: percpu");

static const char * const blkex_work_cpu_names[] = {
	[BLKEX_WORK_LOCAL]	= "local",
	[BLKEX_WORK_NEXT]	= "next",
	[BLKEX_WORK_AUTO]	= "auto",
};

struct blkex_eparam blkex_param_work_cpu = {
	.names = blkex_work_cpu_names,
	.nr_names = ARRAY_SIZE(blkex_work_cpu_names),
	.val = BLKEX_WORK_AUTO,
};
module_param_cb(work_cpu, &blkex_eparam_ops, &blkex_param_work_cpu, 0444);
MODULE_PARM_DESC(work_cpu, "Where a percpu workqueue runs a batch's work: local (the submitting CPU), next (the CPU after it) or auto (next while requests overlap or on a poll queue, local after a run of lone requests). Ignored by unbound workqueues. Default: auto");

/*
 * What holds the data (store.c): flat, all of it taken at power on, is the
 * default; sparse takes a page at a time as the disk is written, none
 * holds nothing. docs/design.md says when to use which.
 */
static const char * const blkex_store_names[] = {
	[BLKEX_STORE_FLAT]	= "flat",
	[BLKEX_STORE_SPARSE]	= "sparse",
	[BLKEX_STORE_NONE]	= "none",
};

struct blkex_eparam blkex_param_store = {
	.names = blkex_store_names,
	.nr_names = ARRAY_SIZE(blkex_store_names),
	.val = BLKEX_STORE_FLAT,
};
module_param_cb(store, &blkex_eparam_ops, &blkex_param_store, 0444);
MODULE_PARM_DESC(store, "What holds each disk's data: flat (all of it allocated at power on, checked against free RAM), sparse (a page per 4 KiB written, freed by discard; writes fail with EIO when memory runs short) or none (writes dropped, reads zero). Default: flat");

/*
 * The largest disk the block layer takes: its size in bytes is an loff_t.
 * Only sparse and none stores get near it; a flat one is bounded by RAM,
 * and its power on fails for want of memory long before.
 */
#define BLKEX_MAX_SECTORS	((u64)MAX_LFS_FILESIZE >> SECTOR_SHIFT)

#define BLKEX_NR_WQ_MODES	ARRAY_SIZE(blkex_wq_mode_names)

static int blkex_major;
static struct workqueue_struct *blkex_wqs[BLKEX_NR_WQ_MODES];
static DEFINE_IDA(blkex_index_ida);

/*
 * Serialises powering disks on and off and changes of their geometry:
 * a disk's struct blkex_config and whether it has a gendisk, and the
 * lazily made workqueues.
 */
DEFINE_MUTEX(blkex_lock);

/*
 * A RAM disk has no geometry, but fdisk and other old tools still ask for
 * one. As LDD3's sbull does, claim 4 heads of 16 sectors and make the
 * capacity out of cylinders (at most 65535; larger disks are rounded down).
 * The block layer fills in the partition's start.
 */
static int blkex_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	sector_t cylinders = get_capacity(bdev->bd_disk) >> 6;

	geo->heads = 4;
	geo->sectors = 16;
	geo->cylinders = min_t(sector_t, cylinders, U16_MAX);
	return 0;
}

static const struct block_device_operations blkex_fops = {
	.owner = THIS_MODULE,
	.getgeo = blkex_getgeo,
	.report_zones = blkex_zoned_report,
};

/*
 * Wait for the hardware queues' kick work items, which live in the queue
 * array, not in a request, to have run: the workqueue is shared by every
 * disk and outlives this one. A drain that runs now finds its list empty.
 */
static void blkex_flush_queues(struct blkex_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++)
		flush_work(&dev->queues[i].kick);
}

/*
 * The workqueue of @mode, made the first time a disk of that flavour powers
 * on. The percpu one keeps the name the driver always gave its workqueue.
 */
static struct workqueue_struct *blkex_wq_get(unsigned int mode)
{
	lockdep_assert_held(&blkex_lock);

	if (!blkex_wqs[mode]) {
		unsigned int flags = blkex_wq_mode_flags[mode];

		if (mode)
			blkex_wqs[mode] = alloc_workqueue("%s-%s", flags, 0,
							  BLKEX_NAME,
							  blkex_wq_mode_names[mode]);
		else
			blkex_wqs[mode] = alloc_workqueue(BLKEX_NAME, flags, 0);
	}
	return blkex_wqs[mode];
}

/*
 * A new disk, powered off, with the module parameters' settings and an
 * index of its own (blkexN), but no store yet: that comes at power on.
 * Its fault settings are live from here on, so that they can be set
 * before the disk is.
 */
struct blkex_dev *blkex_dev_alloc(void)
{
	struct blkex_dev *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	ret = ida_alloc_max(&blkex_index_ida, BLKEX_MAX_DEVICES - 1, GFP_KERNEL);
	if (ret < 0) {
		if (ret == -ENOSPC)
			blkex_err("no disk index left: %d disks exist\n",
				  BLKEX_MAX_DEVICES);
		goto out_free_dev;
	}
	dev->index = ret;
	snprintf(dev->name, sizeof(dev->name), "%s%d", BLKEX_NAME, dev->index);
	mutex_init(&dev->store_mutex);
	dev->cfg.num_sectors = blkex_param_num_sectors.val;
	dev->cfg.logical_block_size = blkex_param_logical_block_size.val;
	dev->cfg.hw_queues = blkex_param_hw_queues.val;
	dev->cfg.poll_queues = blkex_param_poll_queues.val;
	dev->cfg.queue_depth = blkex_param_queue_depth.val;
	dev->cfg.wq_mode = blkex_param_wq_mode.val;
	dev->cfg.work_cpu = blkex_param_work_cpu.val;
	dev->cfg.cache_size = blkex_param_cache_size.val;
	dev->cfg.cache_loss = blkex_param_cache_loss.val;
	dev->cfg.cache_seed = blkex_param_cache_seed.val;
	dev->cfg.store = blkex_param_store.val;
	blkex_zoned_init_config(dev);
	ret = blkex_fault_init_dev(dev);
	if (ret)
		goto out_free_index;
	ret = blkex_shape_init_dev(dev);
	if (ret)
		goto out_fault_exit;
	return dev;

out_fault_exit:
	blkex_fault_exit_dev(dev);
out_free_index:
	mutex_destroy(&dev->store_mutex);
	ida_free(&blkex_index_ida, dev->index);
out_free_dev:
	kfree(dev);
	return ERR_PTR(ret);
}

/* A powered-off disk and its store. */
void blkex_dev_free(struct blkex_dev *dev)
{
	if (WARN_ON_ONCE(dev->disk))
		return;
	blkex_zoned_free(dev);
	blkex_store_free(dev);
	blkex_shape_exit_dev(dev);
	blkex_fault_exit_dev(dev);
	mutex_destroy(&dev->store_mutex);
	ida_free(&blkex_index_ida, dev->index);
	kfree(dev);
}

/*
 * Make the disk live from its settings. The store is kept across power
 * cycles; it is made here the first time, and made again, keeping what
 * fits, when num_sectors changed while the disk was off. On failure the
 * disk stays off; its store keeps the data (resized if that step passed).
 */
int blkex_dev_power_on(struct blkex_dev *dev)
{
	const struct blkex_config *cfg = &dev->cfg;
	unsigned int sectors_per_block = cfg->logical_block_size >> SECTOR_SHIFT;
	u64 bytes = cfg->num_sectors << SECTOR_SHIFT;
	unsigned int flags = blkex_wq_mode_flags[cfg->wq_mode];
	struct blkex_limits lim = {
		.logical_block_size	= cfg->logical_block_size,
		.max_hw_sectors		= BLKEX_MAX_HW_SECTORS,
		.max_segments		= BLKEX_MAX_SEGMENTS,
		.max_discard_sectors	= BLKEX_MAX_ZERO_SECTORS,
		.max_write_zeroes_sectors = BLKEX_MAX_ZERO_SECTORS,
		.write_cache		= cfg->cache_size > 0,
	};
	struct gendisk *disk;
	int i, ret;

	lockdep_assert_held(&blkex_lock);
	if (WARN_ON_ONCE(dev->disk))
		return -EBUSY;
	if (cfg->num_sectors % sectors_per_block) {
		blkex_err("%s: num_sectors=%llu is not a multiple of logical_block_size/512 (%u)\n",
			  dev->name, cfg->num_sectors, sectors_per_block);
		return -EINVAL;
	}
	if (cfg->store != BLKEX_STORE_FLAT &&
	    cfg->num_sectors > BLKEX_MAX_SECTORS) {
		blkex_err("%s: num_sectors=%llu is more than the block layer takes (%llu)\n",
			  dev->name, cfg->num_sectors, BLKEX_MAX_SECTORS);
		return -EINVAL;
	}
	if (dev->store_bytes != bytes || dev->store_kind != cfg->store) {
		ret = blkex_store_alloc(dev, bytes);
		if (ret) {
			blkex_err("%s: num_sectors=%llu: cannot allocate a %llu-byte store\n",
				  dev->name, cfg->num_sectors, bytes);
			return ret;
		}
	}
	if (cfg->zoned && cfg->cache_size) {
		blkex_err("%s: zoned=1 with cache_size=%llu: a zoned disk has no write cache here; set cache_size=0\n",
			  dev->name, cfg->cache_size);
		return -EINVAL;
	}
	/* Zoned or not, with the zones' limits; checks the zoned settings. */
	ret = blkex_zoned_setup(dev, &lim);
	if (ret)
		return ret;
	/* The cache goes with the disk; the store stays if a later step fails. */
	ret = blkex_cache_power_on(dev);
	if (ret)
		return ret;
	dev->wq = blkex_wq_get(cfg->wq_mode);
	if (!dev->wq) {
		ret = -ENOMEM;
		goto out_free_cache;
	}
	dev->work_cpu = flags & WQ_UNBOUND ? BLKEX_WORK_LOCAL : cfg->work_cpu;

	/*
	 * blk-mq makes no more hardware queues than CPU ids (with one queue
	 * map), so neither does the queue array; poll queues, which need the
	 * three maps, are cut down the same way and come last. The array is
	 * allocated before the tag set and freed after it: a request's work
	 * item, flushed when the tag set frees the request, drains its
	 * hardware queue.
	 */
	dev->nr_poll_queues = min_t(unsigned int, cfg->poll_queues, nr_cpu_ids);
	dev->nr_queues = min_t(unsigned int, cfg->hw_queues ?: nr_cpu_ids,
			       nr_cpu_ids) + dev->nr_poll_queues;
	dev->queues = kcalloc(dev->nr_queues, sizeof(*dev->queues), GFP_KERNEL);
	if (!dev->queues) {
		ret = -ENOMEM;
		goto out_free_cache;
	}
	for (i = 0; i < dev->nr_queues; i++) {
		init_llist_head(&dev->queues[i].pending);
		atomic_set(&dev->queues[i].drain_queued, 0);
		atomic_set(&dev->queues[i].inflight, 0);
		INIT_WORK(&dev->queues[i].kick, blkex_kick_work);
		dev->queues[i].dev = dev;
	}

	memset(&dev->tag_set, 0, sizeof(dev->tag_set));
	dev->tag_set.ops = &blkex_mq_ops;
	dev->tag_set.nr_hw_queues = dev->nr_queues;
	/* The default, read and poll maps (blkex_map_queues(), io.c). */
	dev->tag_set.nr_maps = dev->nr_poll_queues ? HCTX_MAX_TYPES : 1;
	dev->tag_set.queue_depth = cfg->queue_depth;
	dev->tag_set.numa_node = NUMA_NO_NODE;
	dev->tag_set.cmd_size = sizeof(struct blkex_cmd);
	dev->tag_set.flags = BLKEX_MQ_F_MERGE | BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	dev->tag_set.driver_data = dev;
	ret = blk_mq_alloc_tag_set(&dev->tag_set);
	if (ret)
		goto out_free_queues;
	if (WARN_ON_ONCE(dev->tag_set.nr_hw_queues != dev->nr_queues)) {
		ret = -EINVAL;
		goto out_free_tag_set;
	}

	disk = blkex_alloc_disk(&dev->tag_set, &lim, dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto out_free_tag_set;
	}
	disk->major = blkex_major;
	disk->first_minor = dev->index * BLKEX_MINORS;
	disk->minors = BLKEX_MINORS;
	disk->fops = &blkex_fops;
	disk->private_data = dev;
	strscpy(disk->disk_name, dev->name, DISK_NAME_LEN);
	set_capacity(disk, cfg->num_sectors);
	ret = blkex_zoned_register(dev, disk);
	if (ret)
		goto out_put_disk;

	ret = add_disk(disk);
	if (ret)
		goto out_put_disk;
	dev->disk = disk;
	/* After add_disk(), so that the directory can take the disk's name. */
	blkex_fault_add_dev(dev);
	blkex_cache_add_dev(dev, disk_devt(disk), dev->fault.debugfs);
	return 0;

out_put_disk:
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(&dev->tag_set);
out_free_queues:
	blkex_flush_queues(dev);
	kfree(dev->queues);
	dev->queues = NULL;
out_free_cache:
	blkex_cache_free(dev);
	return ret;
}

/*
 * del_gendisk() drains the queue, so no request is queued after it, and
 * frees an I/O scheduler's requests; put_disk() and blk_mq_free_tag_set()
 * free the rest. Each request's work item is flushed as its request is
 * freed (.exit_request, io.c), and the kick work items before the queue
 * array goes: after that nothing of this disk is on the workqueue. The
 * same order as the unwinding of blkex_dev_power_on(). The store and the
 * fault settings stay, for the next power on. An opener may still hold
 * the gendisk; its I/O fails from del_gendisk() on, as null_blk's does.
 */
void blkex_dev_power_off(struct blkex_dev *dev)
{
	lockdep_assert_held(&blkex_lock);
	if (!dev->disk)
		return;
	blkex_fault_del_dev(dev);
	/*
	 * With a write cache power 0 is a power cut: the disk dies at once,
	 * as on a surprise removal, without the sync of the file system on
	 * it that del_gendisk() sends first; nothing written after this
	 * reaches the cache, and the cut (below) decides what it keeps.
	 */
	if (blkex_cache_on(&dev->cache))
		blk_mark_disk_dead(dev->disk);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	dev->disk = NULL;
	blk_mq_free_tag_set(&dev->tag_set);
	blkex_flush_queues(dev);
	kfree(dev->queues);
	dev->queues = NULL;
	/* The power cut: the cache loses what cache_loss says, then goes. */
	blkex_cache_power_off(dev);
}

static int __init blkex_init(void)
{
	unsigned int sectors_per_block =
		blkex_param_logical_block_size.val >> SECTOR_SHIFT;
	int i, ret;

	if (blkex_param_num_sectors.val % sectors_per_block) {
		pr_err("num_sectors=%llu is not a multiple of logical_block_size/512 (%u)\n",
		       blkex_param_num_sectors.val, sectors_per_block);
		return -EINVAL;
	}
	ret = blkex_fault_check_params(blkex_param_num_sectors.val);
	if (ret)
		return ret;
	ret = blkex_shape_check_params(blkex_fault_default_delay_us());
	if (ret)
		return ret;
	/*
	 * Every flat store at once, before any is taken: one message, no
	 * OOM. Sparse and none stores take nothing at power on.
	 */
	if (g_nr_devices.val && blkex_param_store.val == BLKEX_STORE_FLAT) {
		ret = blkex_store_check_total(g_nr_devices.val,
					      blkex_param_num_sectors.val << SECTOR_SHIFT);
		if (ret)
			return ret;
	}

	ret = register_blkdev(0, BLKEX_NAME);
	if (ret < 0)
		return ret;
	blkex_major = ret;
	blkex_fault_module_init();
	/* configfs.c's one registration point: the tree and the disks. */
	ret = blkex_configfs_init(g_nr_devices.val);
	if (ret)
		goto out_unregister;

	pr_info("%llu disk(s) of %llu sectors, store %s, block size %llu, wq_mode %s, work_cpu %s\n",
		g_nr_devices.val, blkex_param_num_sectors.val,
		blkex_store_names[blkex_param_store.val],
		blkex_param_logical_block_size.val,
		blkex_wq_mode_names[blkex_param_wq_mode.val],
		blkex_work_cpu_names[blkex_param_work_cpu.val]);
	return 0;

out_unregister:
	blkex_fault_module_exit();
	unregister_blkdev(blkex_major, BLKEX_NAME);
	for (i = 0; i < BLKEX_NR_WQ_MODES; i++)
		if (blkex_wqs[i])
			destroy_workqueue(blkex_wqs[i]);
	return ret;
}

/* Every disk goes first (configfs.c), the workqueues after their work. */
static void __exit blkex_exit(void)
{
	int i;

	blkex_configfs_exit();
	blkex_fault_module_exit();
	unregister_blkdev(blkex_major, BLKEX_NAME);
	for (i = 0; i < BLKEX_NR_WQ_MODES; i++)
		if (blkex_wqs[i])
			destroy_workqueue(blkex_wqs[i]);
}

module_init(blkex_init);
module_exit(blkex_exit);

MODULE_DESCRIPTION("RAM-backed blk-mq block device with deferred completion");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
