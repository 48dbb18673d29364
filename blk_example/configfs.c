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
 * settings (fault.c) change at any time. Every value is checked whole, by
 * the same check as its module parameter (param.c), before anything
 * changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blk_example.h"
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
int blkex_cfs_value(const struct blkex_dev *dev, const char *name,
		    const char *page, size_t count, char *buf, size_t size)
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

static ssize_t blkex_cfg_show(struct config_item *item, char *page,
			      const struct blkex_cfg_attr *a)
{
	struct blkex_dev *dev = blkex_dev_from_item(item);
	u64 v = READ_ONCE(*blkex_cfg_ptr(dev, a));

	if (a->names)
		return sysfs_emit(page, "%s\n", a->names->names[v]);
	return sysfs_emit(page, "%llu\n", v);
}

static ssize_t blkex_cfg_store(struct config_item *item, const char *page,
			       size_t count, const struct blkex_cfg_attr *a)
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
	return blkex_cfg_show(item, page, &blkex_cfg_##NAME);		\
}									\
static ssize_t blkex_dev_##NAME##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	return blkex_cfg_store(item, page, count, &blkex_cfg_##NAME);	\
}									\
CONFIGFS_ATTR(blkex_dev_, NAME)

BLKEX_CFG_ATTR(num_sectors, num_sectors, &blkex_param_num_sectors, NULL);
BLKEX_CFG_ATTR(logical_block_size, logical_block_size, &blkex_param_logical_block_size, NULL);
BLKEX_CFG_ATTR(hw_queues, hw_queues, &blkex_param_hw_queues, NULL);
BLKEX_CFG_ATTR(poll_queues, poll_queues, &blkex_param_poll_queues, NULL);
BLKEX_CFG_ATTR(queue_depth, queue_depth, &blkex_param_queue_depth, NULL);
BLKEX_CFG_ATTR(wq_mode, wq_mode, NULL, &blkex_param_wq_mode);
BLKEX_CFG_ATTR(work_cpu, work_cpu, NULL, &blkex_param_work_cpu);
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
};

/* The core attributes, then fault.c's (none without fault injection). */
static struct configfs_attribute *
blkex_dev_attrs[ARRAY_SIZE(blkex_core_attrs) + BLKEX_FAULT_NR_ATTRS + 1];

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

/*
 * A parameters' disk gets a directory named after it, made by the module:
 * configfs refuses rmdir on it (EPERM), so it lives until unload.
 */
int blkex_configfs_add(struct blkex_dev *dev)
{
	config_group_init_type_name(&dev->group, dev->name, &blkex_dev_type);
	return configfs_register_group(&blkex_subsys.su_group, &dev->group);
}

/* Ends every attribute access; the caller drops the last reference. */
void blkex_configfs_del(struct blkex_dev *dev)
{
	configfs_unregister_group(&dev->group);
}

int blkex_configfs_init(void)
{
	struct configfs_attribute **fault_attrs = blkex_fault_attrs();
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(blkex_core_attrs); i++)
		blkex_dev_attrs[n++] = blkex_core_attrs[i];
	for (i = 0; fault_attrs[i]; i++)
		blkex_dev_attrs[n++] = fault_attrs[i];
	config_group_init(&blkex_subsys.su_group);
	mutex_init(&blkex_subsys.su_mutex);
	return configfs_register_subsystem(&blkex_subsys);
}

void blkex_configfs_exit(void)
{
	configfs_unregister_subsystem(&blkex_subsys);
}
