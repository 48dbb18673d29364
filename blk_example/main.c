// SPDX-License-Identifier: GPL-2.0
/*
 * blk_example: module parameters, module init/exit, and the life cycle of
 * each disk (store, workqueue, tag set, gendisk).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/hdreg.h>
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
static struct blkex_uparam g_num_sectors = {
	.val = 262144, .min = 1, .max = U64_MAX >> SECTOR_SHIFT,
};
module_param_cb(num_sectors, &blkex_uparam_ops, &g_num_sectors, 0444);
MODULE_PARM_DESC(num_sectors, "Capacity of each disk in 512-byte sectors, a multiple of logical_block_size / 512. Default: 262144 (128 MiB)");

static struct blkex_uparam g_logical_block_size = {
	.val = SECTOR_SIZE, .min = SECTOR_SIZE, .max = PAGE_SIZE, .pow2 = true,
};
module_param_cb(logical_block_size, &blkex_uparam_ops, &g_logical_block_size, 0444);
MODULE_PARM_DESC(logical_block_size, "Logical block size in bytes, a power of two from 512 to PAGE_SIZE. Default: 512");

static struct blkex_uparam g_nr_devices = {
	.val = 1, .min = 1, .max = BLKEX_MAX_DEVICES,
};
module_param_cb(nr_devices, &blkex_uparam_ops, &g_nr_devices, 0444);
MODULE_PARM_DESC(nr_devices, "Number of disks, /dev/blkex0 to blkexN-1, each with its own store, 1 to 1024. Default: 1");

static struct blkex_uparam g_hw_queues = {
	.val = 0, .min = 0, .max = NR_CPUS,
};
module_param_cb(hw_queues, &blkex_uparam_ops, &g_hw_queues, 0444);
MODULE_PARM_DESC(hw_queues, "blk-mq hardware queues per disk; 0 means one per possible CPU, and more than that is cut down to it. Default: 0");

/*
 * 256, not 128: two submitters that share a CPU share its hardware queue,
 * so two io_uring jobs of iodepth 128 on one CPU need 256 tags between
 * them; with 128 they wait for tags and fall behind. The measurement is
 * in docs/bench/2026-11-23-ab-queue-depth.md.
 */
static struct blkex_uparam g_queue_depth = {
	.val = 256, .min = 1, .max = BLK_MQ_MAX_DEPTH,
};
module_param_cb(queue_depth, &blkex_uparam_ops, &g_queue_depth, 0444);
MODULE_PARM_DESC(queue_depth, "Tags (requests in flight) per hardware queue. Default: 256");

/*
 * The workqueue that runs the deferred copies, one for every disk. Every
 * flavour keeps WQ_MEM_RECLAIM: a block device may have to write for
 * memory reclaim to make progress, so its work needs a rescuer, and that
 * is a kernel thread per workqueue, hence one workqueue and not one per
 * disk. The percpu flavours say WQ_PERCPU where the kernel has it, since
 * upstream is making unbound the default (compat.h). docs/bench/ has what
 * each flavour costs, measured by `make bench`.
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

static struct blkex_eparam g_wq_mode = {
	.names = blkex_wq_mode_names,
	.nr_names = ARRAY_SIZE(blkex_wq_mode_names),
};
module_param_cb(wq_mode, &blkex_eparam_ops, &g_wq_mode, 0444);
MODULE_PARM_DESC(wq_mode, "Workqueue that serves requests: percpu, percpu-highpri, unbound or unbound-highpri. Default: percpu");

static const char * const blkex_work_cpu_names[] = {
	[BLKEX_WORK_LOCAL]	= "local",
	[BLKEX_WORK_NEXT]	= "next",
	[BLKEX_WORK_AUTO]	= "auto",
};

static struct blkex_eparam g_work_cpu = {
	.names = blkex_work_cpu_names,
	.nr_names = ARRAY_SIZE(blkex_work_cpu_names),
	.val = BLKEX_WORK_AUTO,
};
module_param_cb(work_cpu, &blkex_eparam_ops, &g_work_cpu, 0444);
MODULE_PARM_DESC(work_cpu, "Where a percpu workqueue runs a batch's work: local (the submitting CPU), next (the CPU after it) or auto (next while requests overlap, local after a run of lone requests). Ignored by unbound workqueues. Default: auto");

static int blkex_major;
static struct blkex_dev **blkex_devs;
static struct workqueue_struct *blkex_wq;

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

static struct blkex_dev *blkex_add_dev(int index)
{
	u64 bytes = g_num_sectors.val << SECTOR_SHIFT;
	struct blkex_limits lim = {
		.logical_block_size	= g_logical_block_size.val,
		.max_hw_sectors		= BLKEX_MAX_HW_SECTORS,
		.max_segments		= BLKEX_MAX_SEGMENTS,
		.max_discard_sectors	= BLKEX_MAX_ZERO_SECTORS,
		.max_write_zeroes_sectors = BLKEX_MAX_ZERO_SECTORS,
	};
	struct blkex_dev *dev;
	struct gendisk *disk;
	int i, ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->index = index;
	/* Before the disk is live: requests consult its bad-block table. */
	ret = blkex_fault_init_dev(dev);
	if (ret)
		goto out_free_dev;

	ret = blkex_store_alloc(dev, bytes);
	if (ret) {
		pr_err("num_sectors=%llu: cannot allocate a %llu-byte store\n",
		       g_num_sectors.val, bytes);
		goto out_fault_exit;
	}

	/*
	 * blk-mq makes no more hardware queues than CPU ids (with one queue
	 * map), so neither does the queue array. It is allocated before the
	 * tag set and freed after it: a request's work item, flushed when
	 * the tag set frees the request, drains its hardware queue.
	 */
	dev->nr_queues = min_t(unsigned int, g_hw_queues.val ?: nr_cpu_ids,
			       nr_cpu_ids);
	dev->queues = kcalloc(dev->nr_queues, sizeof(*dev->queues), GFP_KERNEL);
	if (!dev->queues) {
		ret = -ENOMEM;
		goto out_free_store;
	}
	for (i = 0; i < dev->nr_queues; i++) {
		init_llist_head(&dev->queues[i].pending);
		atomic_set(&dev->queues[i].drain_queued, 0);
		atomic_set(&dev->queues[i].inflight, 0);
		INIT_WORK(&dev->queues[i].kick, blkex_kick_work);
		dev->queues[i].dev = dev;
	}
	dev->wq = blkex_wq;
	dev->work_cpu = blkex_wq_mode_flags[g_wq_mode.val] & WQ_UNBOUND ?
			BLKEX_WORK_LOCAL : g_work_cpu.val;

	dev->tag_set.ops = &blkex_mq_ops;
	dev->tag_set.nr_hw_queues = dev->nr_queues;
	dev->tag_set.queue_depth = g_queue_depth.val;
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
	dev->disk = disk;
	disk->major = blkex_major;
	disk->first_minor = index * BLKEX_MINORS;
	disk->minors = BLKEX_MINORS;
	disk->fops = &blkex_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, DISK_NAME_LEN, "%s%d", BLKEX_NAME, index);
	set_capacity(disk, g_num_sectors.val);

	ret = add_disk(disk);
	if (ret)
		goto out_put_disk;
	/*
	 * After add_disk(), so that the directory can take the disk's name;
	 * requests that come first find every fault off (dev is zeroed,
	 * nr_timed_out included).
	 */
	blkex_fault_add_dev(dev);

	return dev;

out_put_disk:
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(&dev->tag_set);
out_free_queues:
	blkex_flush_queues(dev);
	kfree(dev->queues);
out_free_store:
	blkex_store_free(dev);
out_fault_exit:
	blkex_fault_exit_dev(dev);
out_free_dev:
	kfree(dev);
	return ERR_PTR(ret);
}

/*
 * del_gendisk() drains the queue, so no request is queued after it, and
 * frees an I/O scheduler's requests; put_disk() and blk_mq_free_tag_set()
 * free the rest. Each request's work item is flushed as its request is
 * freed (.exit_request, io.c), and the kick work items before the queue
 * array goes: after that nothing of this disk is on the workqueue, and the
 * store and the bad-block table the work consults can go. The same order
 * as the unwinding of blkex_add_dev().
 */
static void blkex_del_dev(struct blkex_dev *dev)
{
	blkex_fault_del_dev(dev);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	blkex_flush_queues(dev);
#ifndef BLKEX_PLANT_LEAK
	kfree(dev->queues);
#endif
	blkex_store_free(dev);
	blkex_fault_exit_dev(dev);
	kfree(dev);
}

static int __init blkex_init(void)
{
	unsigned int sectors_per_block = g_logical_block_size.val >> SECTOR_SHIFT;
	int i, ret;

	if (g_num_sectors.val % sectors_per_block) {
		pr_err("num_sectors=%llu is not a multiple of logical_block_size/512 (%u)\n",
		       g_num_sectors.val, sectors_per_block);
		return -EINVAL;
	}
	ret = blkex_fault_check_params(g_num_sectors.val);
	if (ret)
		return ret;
	/* Every store at once, before any is taken: one message, no OOM. */
	ret = blkex_store_check_total(g_nr_devices.val,
				      g_num_sectors.val << SECTOR_SHIFT);
	if (ret)
		return ret;

	blkex_devs = kcalloc(g_nr_devices.val, sizeof(*blkex_devs), GFP_KERNEL);
	if (!blkex_devs)
		return -ENOMEM;

	blkex_wq = alloc_workqueue(BLKEX_NAME,
				   blkex_wq_mode_flags[g_wq_mode.val], 0);
	if (!blkex_wq) {
		ret = -ENOMEM;
		goto out_free_devs;
	}

	ret = register_blkdev(0, BLKEX_NAME);
	if (ret < 0)
		goto out_destroy_wq;
	blkex_major = ret;
	blkex_fault_module_init();

	for (i = 0; i < g_nr_devices.val; i++) {
		blkex_devs[i] = blkex_add_dev(i);
		if (IS_ERR(blkex_devs[i])) {
			ret = PTR_ERR(blkex_devs[i]);
			goto out_del_devs;
		}
	}

	pr_info("%llu disk(s) of %llu sectors, block size %llu, wq_mode %s, work_cpu %s\n",
		g_nr_devices.val, g_num_sectors.val, g_logical_block_size.val,
		blkex_wq_mode_names[g_wq_mode.val],
		blkex_work_cpu_names[g_work_cpu.val]);
	return 0;

out_del_devs:
	while (--i >= 0)
		blkex_del_dev(blkex_devs[i]);
	blkex_fault_module_exit();
	unregister_blkdev(blkex_major, BLKEX_NAME);
out_destroy_wq:
	destroy_workqueue(blkex_wq);
out_free_devs:
	kfree(blkex_devs);
	return ret;
}

static void __exit blkex_exit(void)
{
	int i;

	for (i = 0; i < g_nr_devices.val; i++)
		blkex_del_dev(blkex_devs[i]);
	blkex_fault_module_exit();
	unregister_blkdev(blkex_major, BLKEX_NAME);
	destroy_workqueue(blkex_wq);
	kfree(blkex_devs);
}

module_init(blkex_init);
module_exit(blkex_exit);

MODULE_DESCRIPTION("RAM-backed blk-mq block device with deferred completion");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
