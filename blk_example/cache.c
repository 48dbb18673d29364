// SPDX-License-Identifier: GPL-2.0
/*
 * A volatile write cache in front of the store, as null_blk's cache_size
 * emulates one, built on the store's byte interface (store.c) and never on
 * the store itself, so it works over any kind of store.
 *
 * A block of the cache is one PAGE_SIZE-aligned page of the store (4 KiB on
 * x86; the last one is shorter when the capacity is not a whole number of
 * pages). A write lands in the block's slot, taking one if the block has
 * none: a write that covers only part of the block first reads the rest of
 * it from the store, so a slot always holds the whole block's newest data
 * and never anything else. A read takes the slot when there is one. Every
 * slot in use is dirty, on @lru in the order it was first written since it
 * was last written back; a cache with no free slot writes back the oldest.
 * A flush writes back every slot; a FUA write goes to the store before it
 * completes (through its slot, which it then frees, if it had one).
 *
 * The slots are allocated at power on, all at once, so a write never
 * allocates and a cache too large for the machine is refused there, with a
 * message naming cache_size. power 0 is a power cut: cache_loss says what
 * becomes of the dirty blocks (blkex_cache_power_off()), then the slots go.
 * Everything here runs under store_mutex, from the work handler or, at
 * power on and off, with no request in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "blk_example.h"
#include "cache.h"
#include "trace.h"

/* 1 TiB: far past any machine, and cache_size << 20 stays in a u64. */
struct blkex_uparam blkex_param_cache_size = {
	.val = 0, .min = 0, .max = 1ULL << 20,
};
module_param_cb(cache_size, &blkex_uparam_ops, &blkex_param_cache_size, 0444);
MODULE_PARM_DESC(cache_size, "Volatile write cache per disk in MiB; with one the disk advertises a write cache and FUA, and power 0 loses what no flush wrote back (cache_loss). Default: 0 (none)");

static const char * const blkex_cache_loss_names[] = {
	[BLKEX_CACHE_LOSS_ALL]		= "all",
	[BLKEX_CACHE_LOSS_RANDOM]	= "random",
	[BLKEX_CACHE_LOSS_TORN]		= "torn",
};

struct blkex_eparam blkex_param_cache_loss = {
	.names = blkex_cache_loss_names,
	.nr_names = ARRAY_SIZE(blkex_cache_loss_names),
	.val = BLKEX_CACHE_LOSS_ALL,
};
module_param_cb(cache_loss, &blkex_eparam_ops, &blkex_param_cache_loss, 0444);
MODULE_PARM_DESC(cache_loss, "What a power cut (power 0) does with the cache's unflushed 4 KiB blocks: all (all are lost, as null_blk), random (each is written back or lost at random) or torn (as random, and a block written back may keep only its first logical blocks). Default: all");

struct blkex_uparam blkex_param_cache_seed = {
	.val = 0, .min = 0, .max = U64_MAX,
};
module_param_cb(cache_seed, &blkex_uparam_ops, &blkex_param_cache_seed, 0444);
MODULE_PARM_DESC(cache_seed, "Seed of cache_loss=random|torn: a cut of the same cached blocks with the same seed loses the same ones. Default: 0 (a fresh seed each cut, shown in cache_stats)");

/* A slot: the store page it caches, while it is in use. */
struct blkex_cache_slot {
	struct hlist_node hnode;	/* in blkex_cache.hash while in use */
	struct list_head lru;		/* on blkex_cache.lru or .free */
	u64 index;			/* store byte offset >> PAGE_SHIFT */
};

static void *blkex_slot_data(struct blkex_cache *c, struct blkex_cache_slot *s)
{
	return c->data + (size_t)(s - c->slots) * PAGE_SIZE;
}

/* The bytes of store page @index: PAGE_SIZE but for a short last page. */
static size_t blkex_block_len(const struct blkex_cache *c, u64 index)
{
	return min_t(u64, PAGE_SIZE, c->bytes - (index << PAGE_SHIFT));
}

static struct blkex_cache_slot *blkex_cache_find(struct blkex_cache *c,
						 u64 index)
{
	struct blkex_cache_slot *s;

	hlist_for_each_entry(s, &c->hash[hash_64(index, c->hash_bits)], hnode)
		if (s->index == index)
			return s;
	return NULL;
}

/* Back to the free list; its data is stale from here on. */
static void blkex_cache_release(struct blkex_cache *c,
				struct blkex_cache_slot *s)
{
	hlist_del(&s->hnode);
	list_move(&s->lru, &c->free);
	c->nr_dirty--;
}

/* Write the first @len bytes of a slot's block to the store. */
static int blkex_cache_write_back(struct blkex_dev *dev,
				  struct blkex_cache_slot *s, size_t len)
{
	struct blkex_cache *c = &dev->cache;
	int ret;

	ret = blkex_store_write(dev, s->index << PAGE_SHIFT,
				blkex_slot_data(c, s), len);
	if (!ret)
		c->stats.writebacks++;
	return ret;
}

/*
 * The slot of store page @index, taken if it has none: from the free list,
 * or by writing back the oldest dirty block. A new slot is filled from the
 * store when the write about to land in it (@whole false) does not cover
 * the whole block.
 */
static struct blkex_cache_slot *blkex_cache_get(struct blkex_dev *dev,
						u64 index, bool whole)
{
	struct blkex_cache *c = &dev->cache;
	struct blkex_cache_slot *s = blkex_cache_find(c, index);
	size_t len;
	int ret;

	if (s)
		return s;
	if (list_empty(&c->free)) {
		s = list_first_entry(&c->lru, struct blkex_cache_slot, lru);
		len = blkex_block_len(c, s->index);
		ret = blkex_cache_write_back(dev, s, len);
		if (ret)
			return ERR_PTR(ret);
		c->stats.evictions++;
		trace_blkex_cache_writeback(c->devt, BLKEX_WB_EVICT, 1, len, 0);
		blkex_cache_release(c, s);
	}
	s = list_first_entry(&c->free, struct blkex_cache_slot, lru);
	s->index = index;
	if (!whole)
		blkex_store_read(dev, index << PAGE_SHIFT, blkex_slot_data(c, s),
				 blkex_block_len(c, index));
	list_move_tail(&s->lru, &c->lru);
	hlist_add_head(&s->hnode, &c->hash[hash_64(index, c->hash_bits)]);
	c->nr_dirty++;
	return s;
}

/*
 * @len bytes at @pos, inside one block, from @buf into the cache; a FUA
 * write goes on to the store, through the block's slot if it has one,
 * which is then clean and freed.
 */
static int blkex_cache_write(struct blkex_dev *dev, u64 pos, const void *buf,
			     size_t len, bool fua)
{
	struct blkex_cache *c = &dev->cache;
	u64 index = pos >> PAGE_SHIFT;
	size_t off = pos & ~PAGE_MASK;
	struct blkex_cache_slot *s;
	int ret;

	if (fua) {
		s = blkex_cache_find(c, index);
		if (!s)
			return blkex_store_write(dev, pos, buf, len);
		memcpy(blkex_slot_data(c, s) + off, buf, len);
		ret = blkex_cache_write_back(dev, s, blkex_block_len(c, index));
		if (!ret)
			blkex_cache_release(c, s);
		return ret;
	}
	s = blkex_cache_get(dev, index, len == blkex_block_len(c, index));
	if (IS_ERR(s))
		return PTR_ERR(s);
	memcpy(blkex_slot_data(c, s) + off, buf, len);
	return 0;
}

/* @len bytes at @pos, inside one block: the cached copy if there is one. */
static void blkex_cache_read(struct blkex_dev *dev, u64 pos, void *buf,
			     size_t len)
{
	struct blkex_cache *c = &dev->cache;
	struct blkex_cache_slot *s = blkex_cache_find(c, pos >> PAGE_SHIFT);

	if (s)
		memcpy(buf, blkex_slot_data(c, s) + (pos & ~PAGE_MASK), len);
	else
		blkex_store_read(dev, pos, buf, len);
}

/*
 * A read or write request at @pos, bounds checked, through the cache. A
 * segment of rq_for_each_segment() lies in one page of the request but
 * may straddle two blocks of the store, so it is copied block by block.
 * A write that fails (a store that could not take a write back) may have
 * landed in part, as on a real disk.
 */
int blkex_cache_rw(struct blkex_dev *dev, struct request *rq, u64 pos)
{
	bool write = op_is_write(req_op(rq));
	bool fua = write && (rq->cmd_flags & REQ_FUA);
	struct req_iterator iter;
	struct bio_vec bv;
	int ret = 0;

	lockdep_assert_held(&dev->store_mutex);
	rq_for_each_segment(bv, rq, iter) {
		void *page = kmap_local_page(bv.bv_page);
		void *p = page + bv.bv_offset;
		size_t done, n;

		for (done = 0; done < bv.bv_len; done += n) {
			u64 at = pos + done;

			n = min_t(size_t, bv.bv_len - done,
				  PAGE_SIZE - (at & ~PAGE_MASK));
			if (write) {
				ret = blkex_cache_write(dev, at, p + done, n, fua);
				if (ret)
					break;
			} else {
				blkex_cache_read(dev, at, p + done, n);
			}
		}
		if (!write)
			flush_dcache_page(bv.bv_page);
		kunmap_local(page);
		if (ret)
			return ret;
		pos += bv.bv_len;
	}
	if (fua) {
		dev->cache.stats.fua_writes++;
		trace_blkex_cache_writeback(dev->cache.devt, BLKEX_WB_FUA,
					    DIV_ROUND_UP(blk_rq_bytes(rq), PAGE_SIZE),
					    blk_rq_bytes(rq), 0);
	}
	return 0;
}

/*
 * Discard and write-zeroes, bounds checked: the cached copies of the
 * range are zeroed here, the store by the caller. The slots stay dirty:
 * the rest of their blocks may be newer than the store.
 */
void blkex_cache_zero(struct blkex_dev *dev, u64 pos, u64 len)
{
	struct blkex_cache *c = &dev->cache;
	struct blkex_cache_slot *s;
	u64 first = pos >> PAGE_SHIFT, last = (pos + len - 1) >> PAGE_SHIFT;

	lockdep_assert_held(&dev->store_mutex);
	list_for_each_entry(s, &c->lru, lru) {
		u64 start = s->index << PAGE_SHIFT;
		u64 from, to;

		if (s->index < first || s->index > last)
			continue;
		from = max(start, pos);
		to = min(start + blkex_block_len(c, s->index), pos + len);
		memset(blkex_slot_data(c, s) + (from - start), 0, to - from);
	}
}

/*
 * REQ_OP_FLUSH (and so REQ_PREFLUSH, which blk-flush.c turns into one):
 * every dirty block to the store, oldest first. A block the store cannot
 * take stays dirty, and the flush fails.
 */
int blkex_cache_flush(struct blkex_dev *dev)
{
	struct blkex_cache *c = &dev->cache;
	struct blkex_cache_slot *s, *next;
	unsigned int blocks = 0;
	u64 bytes = 0;
	int ret = 0;

	lockdep_assert_held(&dev->store_mutex);
	list_for_each_entry_safe(s, next, &c->lru, lru) {
		size_t len = blkex_block_len(c, s->index);

		ret = blkex_cache_write_back(dev, s, len);
		if (ret)
			break;
		blkex_cache_release(c, s);
		blocks++;
		bytes += len;
	}
	c->stats.flushes++;
	trace_blkex_cache_writeback(c->devt, BLKEX_WB_FLUSH, blocks, bytes, 0);
	return ret;
}

/*
 * What can be spared for a cache now: what is available less an eighth of
 * RAM, as for the stores (store.c), asked after the disk's store was made.
 */
static u64 blkex_cache_spare(void)
{
	u64 avail = (u64)si_mem_available() << PAGE_SHIFT;
	u64 reserve = (u64)totalram_pages() << PAGE_SHIFT >> 3;

	return avail > reserve ? avail - reserve : 0;
}

/* The slots, if any; the disk is off or never got to serve a request. */
void blkex_cache_free(struct blkex_dev *dev)
{
	struct blkex_cache *c = &dev->cache;

	vfree(c->data);
	kvfree(c->slots);
	kvfree(c->hash);
	c->data = NULL;
	c->slots = NULL;
	c->hash = NULL;
	c->nr_slots = 0;
	c->nr_dirty = 0;
}

/*
 * Make the disk's cache from its settings, after its store. No more slots
 * than the disk has blocks, but the check against memory is of cache_size
 * itself, so that a size the machine cannot hold is refused whatever the
 * disk's size.
 */
int blkex_cache_power_on(struct blkex_dev *dev)
{
	struct blkex_cache *c = &dev->cache;
	const struct blkex_config *cfg = &dev->cfg;
	u64 size = cfg->cache_size << 20, spare = blkex_cache_spare();
	u64 bytes = cfg->num_sectors << SECTOR_SHIFT;
	unsigned int i, nr;

	if (!size)
		return 0;
	if (size > spare) {
		blkex_err("%s: cache_size=%llu MiB does not fit the %llu MiB that can be spared (MemAvailable less 1/8 of RAM)\n",
			  dev->name, cfg->cache_size, spare >> 20);
		return -ENOMEM;
	}
	nr = min(size >> PAGE_SHIFT, DIV_ROUND_UP(bytes, PAGE_SIZE));
	c->hash_bits = ilog2(roundup_pow_of_two(nr));
	c->data = __vmalloc((size_t)nr * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO |
			    __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
	c->slots = kvcalloc(nr, sizeof(*c->slots), GFP_KERNEL);
	c->hash = kvcalloc(1U << c->hash_bits, sizeof(*c->hash), GFP_KERNEL);
	if (!c->data || !c->slots || !c->hash) {
		blkex_cache_free(dev);
		blkex_err("%s: cache_size=%llu: cannot allocate the cache\n",
			  dev->name, cfg->cache_size);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&c->lru);
	INIT_LIST_HEAD(&c->free);
	for (i = 0; i < nr; i++)
		list_add_tail(&c->slots[i].lru, &c->free);
	c->bytes = bytes;
	c->lbs = cfg->logical_block_size;
	c->loss = cfg->cache_loss;
	c->seed = cfg->cache_seed;
	c->nr_dirty = 0;
	c->nr_slots = nr;
	return 0;
}

static int blkex_cache_stats_show(struct seq_file *m, void *v)
{
	char buf[512];

	blkex_cache_stats_print(m->private, buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(blkex_cache_stats);

/*
 * The disk is live: remember its device number for the cut's tracepoint,
 * which fires after del_gendisk(), and put a read-only copy of
 * cache_stats in its debugfs directory (fault.c's, which goes with it).
 */
void blkex_cache_add_dev(struct blkex_dev *dev, dev_t devt,
			 struct dentry *dir)
{
	dev->cache.devt = devt;
	if (!IS_ERR_OR_NULL(dir))
		debugfs_create_file("cache_stats", 0400, dir, dev,
				    &blkex_cache_stats_fops);
}

/*
 * splitmix64's finaliser: every bit of the result depends on every bit of
 * @x. Seeding prandom's generator with the cut's seed and a block's index
 * was not enough: its first output, unmixed, came out the same for runs of
 * neighbouring blocks, so a file of 64 blocks was kept or lost whole.
 */
static u64 blkex_mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Does block @index survive the cut, and how much of it (0: none)? The
 * outcome is a function of the cut's seed and the block's index alone, so
 * it depends on neither the order of the blocks nor how many others there
 * are: the same seed loses the same blocks. One bit decides whether the
 * block survives, 32 others how many logical blocks a torn one keeps.
 */
static size_t blkex_cache_keep(const struct blkex_cache *c, u64 seed,
			       u64 index)
{
	size_t len = blkex_block_len(c, index);
	unsigned int nr = len / c->lbs;
	u64 r;

	if (c->loss == BLKEX_CACHE_LOSS_ALL)
		return 0;
	r = blkex_mix64(seed ^ blkex_mix64(index));
	if (r >> 63)
		return 0;
	if (c->loss == BLKEX_CACHE_LOSS_RANDOM || nr <= 1)
		return len;
	return (1 + (u32)r % nr) * c->lbs;
}

/*
 * power 0, after del_gendisk() and the tag set: no request is left. The
 * cut: each dirty block is lost or written back (in part, for a torn one)
 * as cache_loss says, a block the store cannot take counting as lost; then
 * the slots go, so the store is all the next power on finds.
 */
void blkex_cache_power_off(struct blkex_dev *dev)
{
	struct blkex_cache *c = &dev->cache;
	struct blkex_cache_stats *st = &c->stats;
	struct blkex_cache_slot *s, *next;
	unsigned int kept = 0, lost = 0;
	u64 seed, bytes = 0;

	if (!blkex_cache_on(c))
		return;
	mutex_lock(&dev->store_mutex);
	seed = c->seed ?: get_random_u64();
	st->cut_dirty = c->nr_dirty;
	st->cut_torn = 0;
	list_for_each_entry_safe(s, next, &c->lru, lru) {
		size_t len = blkex_cache_keep(c, seed, s->index);

		if (len && !blkex_cache_write_back(dev, s, len)) {
			kept++;
			bytes += len;
			if (len < blkex_block_len(c, s->index))
				st->cut_torn++;
		} else {
			lost++;
		}
		blkex_cache_release(c, s);
	}
	st->cut_lost = lost;
	st->cut_seed = seed;
	st->cuts++;
	trace_blkex_cache_writeback(c->devt, BLKEX_WB_CUT, kept, bytes, lost);
	blkex_cache_free(dev);
	mutex_unlock(&dev->store_mutex);
}

/* cache_stats: one "name value" line each, for configfs and debugfs. */
int blkex_cache_stats_print(struct blkex_dev *dev, char *buf, size_t size)
{
	struct blkex_cache *c = &dev->cache;
	const struct blkex_cache_stats *st = &c->stats;
	int len;

	mutex_lock(&dev->store_mutex);
	len = scnprintf(buf, size,
			"dirty_bytes %llu\nflushes %llu\nfua_writes %llu\nwritebacks %llu\nevictions %llu\ncuts %llu\nlast_cut_dirty %llu\nlast_cut_lost %llu\nlast_cut_torn %llu\nlast_cut_seed %llu\n",
			(u64)c->nr_dirty * PAGE_SIZE, st->flushes,
			st->fua_writes, st->writebacks, st->evictions,
			st->cuts, st->cut_dirty, st->cut_lost, st->cut_torn,
			st->cut_seed);
	mutex_unlock(&dev->store_mutex);
	return len;
}
