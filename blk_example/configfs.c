// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/blk_example/: one directory per disk, as null_blk's
 * configfs tree. mkdir makes a disk, powered off, with the module
 * parameters' settings; its attributes change them; power=1 makes the
 * gendisk and power=0 removes it, keeping the store; rmdir removes the
 * disk, also while it is open (its I/O fails from then on). The disks the
 * parameters make at load have a directory too, made by the module: their
 * attributes work the same, but only rmmod removes them (rmdir: EPERM).
 *
 * Geometry changes only while the disk is off (-EBUSY otherwise); fault
 * settings change at any time. Every value is checked whole, by the same
 * check as its module parameter (param.c), before anything changes.
 *
 * This file owns every attribute and parses every value; it calls main.c
 * to make, power and free disks and fault.c to change fault settings, and
 * neither calls back here: main.c only registers the tree at load and
 * removes it at unload (blkex_configfs_init/exit), which also makes and
 * removes the disks the module parameters ask for.
 *
 * The fault attributes (fault.c decides what they mean; absent when built
 * with BLKEX_FAULT_INJECTION=n):
 *
 *   badblocks      "+START-END" adds a range of sectors (both ends included),
 *                  "-START-END" makes those sectors good again (a range
 *                  partly cleared is split), "clear" removes all; reads
 *                  list the bad runs, one START-END a line, as many as fit
 *                  in a page (debugfs lists them all)
 *   fail_nth       fail every Nth request (0: off)
 *   fail_permille  fail this many requests in 1000, at random (0: off)
 *   fail_dir       which requests the three above apply to: read, write, rw
 *   delay_us       added service time per request, in microseconds, as
 *                  null_blk's completion_nsec (for requests started after
 *                  the write)
 *   hang_next      drop the next N read or write requests (any direction)
 *   stats          read-only counts: failed, hung, timed_out (hung requests
 *                  ended by .timeout), rearmed (timers .timeout rearmed
 *                  for requests still being served)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/badblocks.h>
#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blk_example.h"
#include "fault.h"
#include "param.h"

/* Longest value an attribute takes: two 20-digit sectors, a sign and a dash. */
#define BLKEX_VALUE_LEN		48

/*
 * Copy a value written to @name into @buf, without the trailing newline
 * and blanks. configfs hands over each write() whole and NUL-terminated;
 * a value with a NUL inside would be parsed up to it and the rest
 * ignored, and one longer than any setting takes would be cut short, so
 * both are refused.
 */
static int blkex_cfs_value(const struct blkex_dev *dev, const char *name,
			   const char *page, size_t count, char *buf,
			   size_t size)
{
	char *val;

	if (count >= size) {
		blkex_err("%s: %s: a %zu-byte value is too long\n",
			  dev->name, name, count);
		return -EINVAL;
	}
	if (memchr(page, '\0', count)) {
		blkex_err("%s: %s: the value has a NUL byte in it\n",
			  dev->name, name);
		return -EINVAL;
	}
	memcpy(buf, page, count);
	buf[count] = '\0';
	val = strim(buf);
	memmove(buf, val, strlen(val) + 1);
	return 0;
}

/* "blkexN: " before a message about a disk's setting. */
static void blkex_who(const struct blkex_dev *dev, char *who, size_t size)
{
	snprintf(who, size, "%s: ", dev->name);
}

/* Geometry may change only while the disk is off; the caller holds blkex_lock. */
static int blkex_cfg_may_change(const struct blkex_dev *dev, const char *name)
{
	lockdep_assert_held(&blkex_lock);
	if (dev->disk) {
		blkex_err("%s: %s cannot change while the disk is powered on; write 0 to power first\n",
			  dev->name, name);
		return -EBUSY;
	}
	return 0;
}

/*
 * A geometry attribute: the member of struct blkex_config it sets and the
 * module parameter whose check it shares, a number in @range or one of
 * @names.
 */
struct blkex_cfg_attr {
	const char *name;
	size_t offset;				/* in struct blkex_config */
	const struct blkex_uparam *range;
	const struct blkex_eparam *names;	/* instead of @range */
};

static u64 *blkex_cfg_ptr(struct blkex_dev *dev, const struct blkex_cfg_attr *a)
{
	return (u64 *)((char *)&dev->cfg + a->offset);
}

static ssize_t blkex_cfg_do_show(struct config_item *item, char *page,
				 const struct blkex_cfg_attr *a)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	u64 v = READ_ONCE(*blkex_cfg_ptr(dev, a));

	if (a->names)
		return sysfs_emit(page, "%s\n", a->names->names[v]);
	return sysfs_emit(page, "%llu\n", v);
}

static ssize_t blkex_cfg_do_store(struct config_item *item, const char *page,
				  size_t count,
				  const struct blkex_cfg_attr *a)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_VALUE_LEN], who[DISK_NAME_LEN + 2];
	unsigned int e;
	u64 v;
	int ret;

	ret = blkex_cfs_value(dev, a->name, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	blkex_who(dev, who, sizeof(who));
	if (a->names) {
		ret = blkex_eparam_check(a->names, who, a->name, buf, &e);
		v = e;
	} else {
		ret = blkex_uparam_check(a->range, who, a->name, buf, &v);
	}
	if (ret)
		return ret;
	mutex_lock(&blkex_lock);
	ret = blkex_cfg_may_change(dev, a->name);
	if (!ret)
		WRITE_ONCE(*blkex_cfg_ptr(dev, a), v);
	mutex_unlock(&blkex_lock);
	return ret ?: count;
}

#define BLKEX_CFG_ATTR(NAME, FIELD, RANGE, NAMES)				\
static const struct blkex_cfg_attr blkex_cfg_##NAME = {			\
	#NAME, offsetof(struct blkex_config, FIELD), RANGE, NAMES,	\
};									\
static ssize_t blkex_dev_##NAME##_show(struct config_item *item,	\
				       char *page)			\
{									\
	return blkex_cfg_do_show(item, page, &blkex_cfg_##NAME);		\
}									\
static ssize_t blkex_dev_##NAME##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	return blkex_cfg_do_store(item, page, count, &blkex_cfg_##NAME);	\
}									\
CONFIGFS_ATTR(blkex_dev_, NAME)

BLKEX_CFG_ATTR(num_sectors, num_sectors, &blkex_param_num_sectors, NULL);
BLKEX_CFG_ATTR(logical_block_size, logical_block_size, &blkex_param_logical_block_size, NULL);
BLKEX_CFG_ATTR(hw_queues, hw_queues, &blkex_param_hw_queues, NULL);
BLKEX_CFG_ATTR(poll_queues, poll_queues, &blkex_param_poll_queues, NULL);
BLKEX_CFG_ATTR(queue_depth, queue_depth, &blkex_param_queue_depth, NULL);
BLKEX_CFG_ATTR(wq_mode, wq_mode, NULL, &blkex_param_wq_mode);
BLKEX_CFG_ATTR(work_cpu, work_cpu, NULL, &blkex_param_work_cpu);
BLKEX_CFG_ATTR(cache_size, cache_size, &blkex_param_cache_size, NULL);
BLKEX_CFG_ATTR(cache_loss, cache_loss, NULL, &blkex_param_cache_loss);
BLKEX_CFG_ATTR(cache_seed, cache_seed, &blkex_param_cache_seed, NULL);
BLKEX_CFG_ATTR(store, store, NULL, &blkex_param_store);
BLKEX_CFG_ATTR(zoned, zoned, &blkex_param_zoned, NULL);
BLKEX_CFG_ATTR(zone_size, zone_size, &blkex_param_zone_size, NULL);
BLKEX_CFG_ATTR(zone_capacity, zone_capacity, &blkex_param_zone_capacity, NULL);
BLKEX_CFG_ATTR(zone_nr_conv, zone_nr_conv, &blkex_param_zone_nr_conv, NULL);
BLKEX_CFG_ATTR(zone_max_open, zone_max_open, &blkex_param_zone_max_open, NULL);
BLKEX_CFG_ATTR(zone_max_active, zone_max_active, &blkex_param_zone_max_active, NULL);
BLKEX_CFG_ATTR(zone_append_max_sectors, zone_append_max_sectors,
	       &blkex_param_zone_append_max_sectors, NULL);

static ssize_t blkex_dev_power_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", !!READ_ONCE(blkex_dev_from_item(item)->disk));
}

/* 1 makes the disk from its settings, 0 removes it; the store stays. */
static ssize_t blkex_dev_power_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_VALUE_LEN];
	bool on;
	int ret;

	ret = blkex_cfs_value(dev, "power", page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	if (strcmp(buf, "0") && strcmp(buf, "1")) {
		blkex_err("%s: power=%s is not 0 or 1\n", dev->name, buf);
		return -EINVAL;
	}
	on = buf[0] == '1';
	mutex_lock(&blkex_lock);
	if (on && !dev->disk)
		ret = blkex_dev_power_on(dev);
	else if (!on)
		blkex_dev_power_off(dev);
	mutex_unlock(&blkex_lock);
	return ret ?: count;
}

CONFIGFS_ATTR(blkex_dev_, power);

static ssize_t blkex_dev_index_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", blkex_dev_from_item(item)->index);
}

CONFIGFS_ATTR_RO(blkex_dev_, index);

static ssize_t blkex_dev_disk_name_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", blkex_dev_from_item(item)->name);
}

CONFIGFS_ATTR_RO(blkex_dev_, disk_name);

/* The write cache's counters (cache.c), also while the disk is off. */
static ssize_t blkex_dev_cache_stats_show(struct config_item *item, char *page)
{
	return blkex_cache_stats_print(blkex_dev_from_item(item), page,
				       PAGE_SIZE);
}

CONFIGFS_ATTR_RO(blkex_dev_, cache_stats);

/* Bytes of memory the disk's store holds now (store.c). */
static ssize_t blkex_dev_resident_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%llu\n",
			  blkex_store_resident(blkex_dev_from_item(item)));
}

CONFIGFS_ATTR_RO(blkex_dev_, resident);

/*
 * The completion shaping (profile.c): latency_profile, mbps and iops,
 * changeable at any time. profile.c parses and swaps the profile; a cap
 * is checked here by its module parameter's check.
 */
static ssize_t blkex_dev_latency_profile_show(struct config_item *item,
					      char *page)
{
	return blkex_shape_profile_show(blkex_dev_from_item(item), page);
}

static ssize_t blkex_dev_latency_profile_store(struct config_item *item,
					       const char *page, size_t count)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char who[DISK_NAME_LEN + 2];
	int ret;

	blkex_who(dev, who, sizeof(who));
	ret = blkex_shape_profile_set(dev, page, count, who);
	return ret ?: count;
}

CONFIGFS_ATTR(blkex_dev_, latency_profile);

static ssize_t blkex_shape_show(struct config_item *item, char *page,
				size_t offset)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);

	return sysfs_emit(page, "%u\n",
			  READ_ONCE(*(u32 *)((char *)&dev->shape + offset)));
}

static ssize_t blkex_shape_store(struct config_item *item, const char *page,
				 size_t count, const char *name, size_t offset,
				 const struct blkex_uparam *range)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_VALUE_LEN], who[DISK_NAME_LEN + 2];
	u64 v;
	int ret;

	ret = blkex_cfs_value(dev, name, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	blkex_who(dev, who, sizeof(who));
	ret = blkex_uparam_check(range, who, name, buf, &v);
	if (ret)
		return ret;
	blkex_shape_set(dev, offset, v);
	return count;
}

#define BLKEX_SHAPE_ATTR(NAME, FIELD)					\
static const size_t blkex_shape_off_##NAME =				\
	offsetof(struct blkex_shape, FIELD);				\
static ssize_t blkex_dev_##NAME##_show(struct config_item *item,	\
				       char *page)			\
{									\
	return blkex_shape_show(item, page, blkex_shape_off_##NAME);	\
}									\
static ssize_t blkex_dev_##NAME##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	return blkex_shape_store(item, page, count, #NAME,		\
				 blkex_shape_off_##NAME,		\
				 &blkex_param_##NAME);			\
}									\
CONFIGFS_ATTR(blkex_dev_, NAME)

BLKEX_SHAPE_ATTR(mbps, mbps);
BLKEX_SHAPE_ATTR(iops, iops);

static struct configfs_attribute *blkex_core_attrs[] = {
	&blkex_dev_attr_num_sectors,
	&blkex_dev_attr_logical_block_size,
	&blkex_dev_attr_hw_queues,
	&blkex_dev_attr_poll_queues,
	&blkex_dev_attr_queue_depth,
	&blkex_dev_attr_wq_mode,
	&blkex_dev_attr_work_cpu,
	&blkex_dev_attr_zoned,
	&blkex_dev_attr_zone_size,
	&blkex_dev_attr_zone_capacity,
	&blkex_dev_attr_zone_nr_conv,
	&blkex_dev_attr_zone_max_open,
	&blkex_dev_attr_zone_max_active,
	&blkex_dev_attr_zone_append_max_sectors,
	&blkex_dev_attr_power,
	&blkex_dev_attr_index,
	&blkex_dev_attr_disk_name,
	&blkex_dev_attr_cache_size,
	&blkex_dev_attr_cache_loss,
	&blkex_dev_attr_cache_seed,
	&blkex_dev_attr_cache_stats,
	&blkex_dev_attr_store,
	&blkex_dev_attr_resident,
	&blkex_dev_attr_latency_profile,
	&blkex_dev_attr_mbps,
	&blkex_dev_attr_iops,
};

#ifdef BLKEX_FAULT_INJECTION
/* No module parameter: the attribute's range alone. */
static const struct blkex_uparam blkex_hang_next_range = { .max = 1024 };

/* One attribute of a u32 fault knob: its name, member and check. */
struct blkex_knob {
	const char *name;
	size_t offset;			/* in struct blkex_fault */
	const struct blkex_uparam *range;
	const struct blkex_eparam *names;	/* instead of @range */
};

static ssize_t blkex_knob_show(struct config_item *item, char *page,
			       const struct blkex_knob *knob)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	u32 v = READ_ONCE(*(u32 *)((char *)&dev->fault + knob->offset));

	if (knob->names)
		return sysfs_emit(page, "%s\n", knob->names->names[v]);
	return sysfs_emit(page, "%u\n", v);
}

static ssize_t blkex_knob_store(struct config_item *item, const char *page,
				size_t count, const struct blkex_knob *knob)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_VALUE_LEN], who[DISK_NAME_LEN + 2];
	unsigned int e;
	u64 v;
	int ret;

	ret = blkex_cfs_value(dev, knob->name, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	blkex_who(dev, who, sizeof(who));
	if (knob->names) {
		ret = blkex_eparam_check(knob->names, who, knob->name, buf, &e);
		v = e;
	} else {
		ret = blkex_uparam_check(knob->range, who, knob->name, buf, &v);
	}
	if (ret)
		return ret;
	ret = blkex_fault_set(dev, knob->offset, v);
	return ret ?: count;
}

#define BLKEX_KNOB_ATTR(NAME, FIELD, RANGE, NAMES)			\
static const struct blkex_knob blkex_knob_##NAME = {			\
	#NAME, offsetof(struct blkex_fault, FIELD), RANGE, NAMES,	\
};									\
static ssize_t blkex_fault_##NAME##_show(struct config_item *item,	\
					 char *page)			\
{									\
	return blkex_knob_show(item, page, &blkex_knob_##NAME);	\
}									\
static ssize_t blkex_fault_##NAME##_store(struct config_item *item,	\
					  const char *page, size_t count)\
{									\
	return blkex_knob_store(item, page, count, &blkex_knob_##NAME);\
}									\
CONFIGFS_ATTR(blkex_fault_, NAME)

BLKEX_KNOB_ATTR(fail_nth, fail_nth, &blkex_param_fail_nth, NULL);
BLKEX_KNOB_ATTR(fail_permille, fail_permille, &blkex_param_fail_permille, NULL);
BLKEX_KNOB_ATTR(delay_us, delay_us, &blkex_param_delay_us, NULL);
BLKEX_KNOB_ATTR(hang_next, hang_next, &blkex_hang_next_range, NULL);
BLKEX_KNOB_ATTR(fail_dir, dir, NULL, &blkex_param_fail_dir);

/* As many runs as fit in the page configfs gives; debugfs has them all. */
static ssize_t blkex_fault_badblocks_show(struct config_item *item, char *page)
{
	return blkex_fault_bad_print(blkex_dev_from_item(item), page, PAGE_SIZE);
}

/* Add (+START-END), make good (-START-END) or clear all bad ranges. */
static int blkex_badblocks_change(struct blkex_dev *dev, char *val)
{
	sector_t capacity = READ_ONCE(dev->cfg.num_sectors);
	struct blkex_badrange r;
	int ret, left;

	if (!strcmp(val, "clear")) {
		ret = blkex_fault_bad_clear(dev, &left);
		if (ret)
			blkex_err("%s: badblocks: clear: the bad-block table did not give up an entry; %d left\n",
				  dev->name, left);
		return ret;
	}
	if ((val[0] != '+' && val[0] != '-') || blkex_parse_range(val + 1, &r)) {
		blkex_err("%s: badblocks: '%s' is not +START-END, -START-END or clear\n",
			  dev->name, val);
		return -EINVAL;
	}
	if (r.end >= capacity) {
		blkex_err("%s: badblocks: %llu-%llu is beyond the last sector %llu\n",
			  dev->name, (u64)r.start, (u64)r.end, (u64)capacity - 1);
		return -EINVAL;
	}

	ret = blkex_fault_bad_change(dev, val[0] == '+', &r);

	/* The table may have changed in part: the message says so. */
	if (ret && val[0] == '+')
		blkex_err("%s: badblocks: +%llu-%llu does not fit in the bad-block table (%lu entries of at most %d sectors): not added, or only in part\n",
			  dev->name, (u64)r.start, (u64)r.end, MAX_BADBLOCKS,
			  BB_MAX_LEN);
	else if (ret)
		blkex_err("%s: badblocks: -%llu-%llu would split a range in a full bad-block table (%lu entries): not removed, or only in part\n",
			  dev->name, (u64)r.start, (u64)r.end, MAX_BADBLOCKS);
	return ret;
}

static ssize_t blkex_fault_badblocks_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	char buf[BLKEX_VALUE_LEN];
	int ret;

	ret = blkex_cfs_value(dev, "badblocks", page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = blkex_badblocks_change(dev, buf);
	return ret ?: count;
}

CONFIGFS_ATTR(blkex_fault_, badblocks);

static ssize_t blkex_fault_stats_show(struct config_item *item, char *page)
{
	return blkex_fault_stats_print(blkex_dev_from_item(item), page, PAGE_SIZE);
}

CONFIGFS_ATTR_RO(blkex_fault_, stats);

static struct configfs_attribute *blkex_fault_attrs[] = {
	&blkex_fault_attr_badblocks,
	&blkex_fault_attr_fail_nth,
	&blkex_fault_attr_fail_permille,
	&blkex_fault_attr_fail_dir,
	&blkex_fault_attr_delay_us,
	&blkex_fault_attr_hang_next,
	&blkex_fault_attr_stats,
	NULL,
};
#else
static struct configfs_attribute *blkex_fault_attrs[] = { NULL };
#endif

/* The core attributes, then the fault ones (none without fault injection). */
static struct configfs_attribute *
blkex_dev_attrs[ARRAY_SIZE(blkex_core_attrs) + ARRAY_SIZE(blkex_fault_attrs)];

/* The last reference to a disk's directory is gone: so is the disk. */
static void blkex_dev_release(struct config_item *item)
{
	blkex_dev_free(blkex_dev_from_item(item));
}

static struct configfs_item_operations blkex_dev_item_ops = {
	.release	= blkex_dev_release,
};

static const struct config_item_type blkex_dev_type = {
	.ct_item_ops	= &blkex_dev_item_ops,
	.ct_attrs	= blkex_dev_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct config_group *blkex_make_group(struct config_group *group,
					     const char *name)
{
	struct blkex_dev *dev;

	dev = blkex_dev_alloc();
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	config_group_init_type_name(&dev->group, name, &blkex_dev_type);
	return &dev->group;
}

/*
 * rmdir: configfs has ended every attribute access already. The disk goes
 * also while it is open or mounted, as null_blk's does; the opener's I/O
 * fails from del_gendisk() on.
 */
static void blkex_drop_item(struct config_group *group, struct config_item *item)
{
	mutex_lock(&blkex_lock);
	blkex_dev_power_off(blkex_dev_from_item(item));
	mutex_unlock(&blkex_lock);
	config_item_put(item);
}

static struct configfs_group_operations blkex_group_ops = {
	.make_group	= blkex_make_group,
	.drop_item	= blkex_drop_item,
};

static const struct config_item_type blkex_group_type = {
	.ct_group_ops	= &blkex_group_ops,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem blkex_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= KBUILD_MODNAME,
			.ci_type	= &blkex_group_type,
		},
	},
};

/* The disks the module parameters made at load; mkdir makes the others. */
static struct blkex_dev **blkex_param_devs;
static unsigned int blkex_nr_param_devs;

/*
 * A parameters' disk: made, powered on, and given a directory named after
 * it, made by the module: configfs refuses rmdir on it (EPERM), so it
 * lives until unload.
 */
static struct blkex_dev *blkex_add_param_dev(void)
{
	struct blkex_dev *dev;
	int ret;

	dev = blkex_dev_alloc();
	if (IS_ERR(dev))
		return dev;
	mutex_lock(&blkex_lock);
	ret = blkex_dev_power_on(dev);
	mutex_unlock(&blkex_lock);
	if (ret)
		goto out_free_dev;
	config_group_init_type_name(&dev->group, dev->name, &blkex_dev_type);
	ret = configfs_register_group(&blkex_subsys.su_group, &dev->group);
	if (ret)
		goto out_power_off;
	return dev;

out_power_off:
	mutex_lock(&blkex_lock);
	blkex_dev_power_off(dev);
	mutex_unlock(&blkex_lock);
out_free_dev:
	blkex_dev_free(dev);
	return ERR_PTR(ret);
}

/*
 * Out of configfs first, which ends every attribute access, so that no
 * attribute write powers it on again; the directory's reference, dropped
 * last, frees the disk.
 */
static void blkex_del_param_dev(struct blkex_dev *dev)
{
	configfs_unregister_group(&dev->group);
	mutex_lock(&blkex_lock);
	blkex_dev_power_off(dev);
	mutex_unlock(&blkex_lock);
	config_group_put(&dev->group);
}

/*
 * The one registration point main.c calls: the tree, then the
 * @nr_devices disks of the module parameters. On failure nothing is left.
 */
int blkex_configfs_init(unsigned int nr_devices)
{
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < ARRAY_SIZE(blkex_core_attrs); i++)
		blkex_dev_attrs[n++] = blkex_core_attrs[i];
	for (i = 0; blkex_fault_attrs[i]; i++)
		blkex_dev_attrs[n++] = blkex_fault_attrs[i];
	blkex_param_devs = kcalloc(nr_devices, sizeof(*blkex_param_devs),
				   GFP_KERNEL);
	if (!blkex_param_devs)
		return -ENOMEM;
	config_group_init(&blkex_subsys.su_group);
	mutex_init(&blkex_subsys.su_mutex);
	ret = configfs_register_subsystem(&blkex_subsys);
	if (ret)
		goto out_free_devs;

	for (i = 0; i < nr_devices; i++) {
		blkex_param_devs[i] = blkex_add_param_dev();
		if (IS_ERR(blkex_param_devs[i])) {
			ret = PTR_ERR(blkex_param_devs[i]);
			goto out_del_devs;
		}
	}
	blkex_nr_param_devs = nr_devices;
	return 0;

out_del_devs:
	while (i--)
		blkex_del_param_dev(blkex_param_devs[i]);
	configfs_unregister_subsystem(&blkex_subsys);
out_free_devs:
	kfree(blkex_param_devs);
	return ret;
}

/*
 * Disks made with mkdir each hold a reference on the module, so none is
 * left at unload: only the parameters' disks, removed here.
 */
void blkex_configfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < blkex_nr_param_devs; i++)
		blkex_del_param_dev(blkex_param_devs[i]);
	configfs_unregister_subsystem(&blkex_subsys);
	kfree(blkex_param_devs);
}
