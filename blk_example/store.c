// SPDX-License-Identifier: GPL-2.0
/*
 * The store behind each disk, addressed by byte offset (sector * 512), of
 * one of three kinds (store=):
 *
 * - flat: one virtually contiguous, zero-filled buffer of the disk's size,
 *   all of it taken at power on.
 * - sparse: one page per PAGE_SIZE of the disk, in an xarray as brd keeps
 *   them, taken by the first write to it; a page never written reads as
 *   zeroes and takes nothing, and discard frees the pages it covers whole.
 * - none: no data at all, as null_blk's memory_backed=0: writes are
 *   dropped and reads return zeroes.
 *
 * Every access holds the disk's store_mutex, sparse lookups included.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/instrumented.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "blk_example.h"

/*
 * What the stores may take of the memory that is available now
 * (si_mem_available(), MemAvailable in /proc/meminfo): all of it but an
 * eighth of RAM, which the rest of the system keeps. vmalloc takes the
 * pages one by one and zeroes them; with no such check a store that fits
 * RAM but not what is free wakes the OOM killer, which then picks some
 * other process, long before vmalloc fails.
 */
static u64 blkex_store_spare(void)
{
	u64 avail = (u64)si_mem_available() << PAGE_SHIFT;
	u64 reserve = (u64)totalram_pages() << PAGE_SHIFT >> 3;

	return avail > reserve ? avail - reserve : 0;
}

/*
 * Refuse @nr_stores stores of @bytes each, with one message, when together
 * they do not fit what blkex_store_spare() leaves.
 */
int blkex_store_check_total(unsigned int nr_stores, u64 bytes)
{
	u64 spare = blkex_store_spare(), total;

	if (check_mul_overflow((u64)nr_stores, bytes, &total) || total > spare) {
		pr_err("num_sectors=%llu, nr_devices=%u: %u store(s) of %llu MiB do not fit the %llu MiB that can be spared (MemAvailable less 1/8 of RAM)\n",
		       bytes >> SECTOR_SHIFT, nr_stores, nr_stores,
		       bytes >> 20, spare >> 20);
		return -ENOMEM;
	}
	return 0;
}

/*
 * A sparse store takes a page whenever a write first touches it, in the
 * work handler, so it cannot wait for memory the way a power on can: it
 * asks once (__GFP_NORETRY: no retrying reclaim, never the OOM killer),
 * quietly (__GFP_NOWARN: the request's failure is reported, once per
 * request and rate-limited, in io.c), and with GFP_NOIO, as brd does,
 * since reclaim may write to this very disk. That alone does not keep the
 * OOM killer away: while the allocator can still reclaim page cache, it
 * gives the store the pages, and other processes find nothing left.
 * So a sparse store also keeps to blkex_store_spare(), as a flat one does
 * at power on. si_mem_available() walks every zone, so it is asked once
 * per BLKEX_SPARSE_BUDGET pages (1 MiB) taken, not per page; between two
 * asks the stores may overshoot the spare by that much per disk, well
 * inside the eighth of RAM kept back.
 */
#define BLKEX_SPARSE_BUDGET	256
#define BLKEX_SPARSE_GFP	(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN)

static bool blkex_sparse_may_grow(struct blkex_dev *dev)
{
	u64 spare;

	if (!dev->store_budget) {
		spare = blkex_store_spare() >> PAGE_SHIFT;
		if (!spare)
			return false;
		dev->store_budget = min_t(u64, spare, BLKEX_SPARSE_BUDGET);
	}
	dev->store_budget--;
	return true;
}

/* The sparse store's page at store page @idx, NULL if never written. */
static void *blkex_sparse_lookup(struct blkex_dev *dev, pgoff_t idx)
{
	struct page *page = xa_load(&dev->store_pages, idx);

	return page ? page_address(page) : NULL;
}

/*
 * The sparse store's page at store page @idx, taken if it was never
 * written; NULL when there is no memory for it, the store unchanged. A new
 * page is zeroed unless the caller is about to write all of it (@whole):
 * a full-page write would only overwrite the zeroes, and zeroing costs as
 * much as the copy. Lowmem pages (no __GFP_HIGHMEM): page_address() is
 * their mapping.
 */
static void *blkex_sparse_get(struct blkex_dev *dev, pgoff_t idx, bool whole)
{
	struct page *page = xa_load(&dev->store_pages, idx);

	if (page)
		return page_address(page);
	if (!blkex_sparse_may_grow(dev))
		return NULL;
	page = alloc_page(BLKEX_SPARSE_GFP | (whole ? 0 : __GFP_ZERO));
	if (!page)
		return NULL;
	/* store_mutex keeps every other writer out: the slot is still empty. */
	if (xa_err(xa_store(&dev->store_pages, idx, page, BLKEX_SPARSE_GFP))) {
		__free_page(page);
		return NULL;
	}
	dev->store_nr_pages++;
	return page_address(page);
}

/* Free the sparse store's pages from store page @first on. */
static void blkex_sparse_free_from(struct blkex_dev *dev, pgoff_t first)
{
	struct page *page;
	unsigned long idx;

	xa_for_each_start(&dev->store_pages, idx, page, first) {
		xa_erase(&dev->store_pages, idx);
		__free_page(page);
		dev->store_nr_pages--;
		cond_resched();
	}
}

/*
 * The store of the kind the disk's settings say (dev->cfg.store), of
 * @bytes, for a power on. On failure the old store stays as it was.
 *
 * flat: zeroed at allocation so that a never-written sector reads as
 * zeroes and never as stale kernel memory. blkex_store_spare() is asked
 * again: memory may have gone since the caller checked. Sizes that pass
 * and still cannot be met fail quietly (__GFP_NOWARN,
 * __GFP_RETRY_MAYFAIL) so the caller reports them once, naming the
 * parameter.
 *
 * A disk resized while powered off (configfs) comes here with its old
 * store: the new one keeps what fits of the old data, the rest reads as
 * zeroes. A sparse store shrinks by freeing the pages past its new end
 * and zeroing the tail of the last one, and grows by nothing at all.
 * A disk whose store kind changed while powered off loses its data: the
 * old store is freed and the new one reads as zeroes (docs/design.md).
 */
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes)
{
	unsigned int kind = dev->cfg.store;
	void *store;

	if (!bytes)
		return -ENOMEM;
	if (kind != BLKEX_STORE_FLAT) {
		if (dev->store_kind != kind || !dev->store_bytes) {
			blkex_store_free(dev);
			xa_init(&dev->store_pages);
		} else if (kind == BLKEX_STORE_SPARSE &&
			   bytes < dev->store_bytes) {
			blkex_sparse_free_from(dev, DIV_ROUND_UP_ULL(bytes, PAGE_SIZE));
			if (offset_in_page(bytes))
				blkex_store_zero(dev, bytes,
						 PAGE_SIZE - offset_in_page(bytes));
		}
		dev->store_kind = kind;
		dev->store_bytes = bytes;
		return 0;
	}

	if (bytes > blkex_store_spare())
		return -ENOMEM;
	store = __vmalloc(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL);
	if (!store)
		return -ENOMEM;
	if (dev->store_kind == BLKEX_STORE_FLAT && dev->store)
		memcpy(store, dev->store, min(bytes, dev->store_bytes));
	blkex_store_free(dev);
	dev->store = store;
	dev->store_kind = BLKEX_STORE_FLAT;
	dev->store_bytes = bytes;
	return 0;
}

/* The store and all it holds, of whatever kind; a disk may have none yet. */
void blkex_store_free(struct blkex_dev *dev)
{
	if (dev->store_bytes && dev->store_kind == BLKEX_STORE_SPARSE) {
		blkex_sparse_free_from(dev, 0);
		xa_destroy(&dev->store_pages);
	}
	vfree(dev->store);
	dev->store = NULL;
	dev->store_bytes = 0;
	dev->store_budget = 0;
}

/* True when [pos, pos + len) lies inside the store; immune to overflow. */
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len)
{
	return len <= dev->store_bytes && pos <= dev->store_bytes - len;
}

/*
 * Bytes of memory the store holds: all of a flat one, the pages a sparse
 * one has taken, nothing for none. Read without store_mutex: a snapshot.
 */
u64 blkex_store_resident(const struct blkex_dev *dev)
{
	switch (READ_ONCE(dev->store_kind)) {
	case BLKEX_STORE_FLAT:
		return READ_ONCE(dev->store_bytes);
	case BLKEX_STORE_SPARSE:
		return (u64)READ_ONCE(dev->store_nr_pages) << PAGE_SHIFT;
	default:
		return 0;
	}
}

/*
 * A sparse or none store's side of blkex_store_copy_bvec(): the segment
 * may straddle two store pages (it starts at any sector, a store page
 * holds PAGE_SIZE of the disk), so it is copied page by page. A read of a
 * page never written, or of a none store, zeroes the request's bytes: the
 * request page must never keep what it held before. Returns -ENOMEM when
 * a write cannot get a store page; the pages copied before stay written,
 * as a failed write may leave any of its data.
 */
static noinline int blkex_store_copy_paged(struct blkex_dev *dev,
					   struct bio_vec *bv, u64 pos,
					   bool write)
{
	size_t left = min_t(size_t, bv->bv_len, PAGE_SIZE), off = 0;
	bool none = dev->store_kind == BLKEX_STORE_NONE;
	void *page, *p;
	int ret = 0;

	if (none && write)
		return 0;
	page = kmap_local_page(bv->bv_page) + bv->bv_offset;
	while (left) {
		size_t in = offset_in_page(pos);
		size_t len = min_t(size_t, left, PAGE_SIZE - in);
		pgoff_t idx = pos >> PAGE_SHIFT;

		if (write) {
			p = blkex_sparse_get(dev, idx, len == PAGE_SIZE);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			memcpy(p + in, page + off, len);
		} else {
			p = none ? NULL : blkex_sparse_lookup(dev, idx);
			if (p)
				memcpy(page + off, p + in, len);
			else
				memset(page + off, 0, len);
		}
		pos += len;
		off += len;
		left -= len;
	}
	if (!write)
		flush_dcache_page(bv->bv_page);
	kunmap_local(page);
	return ret;
}

/*
 * Copy one segment between a request page and the store. The caller holds
 * store_mutex and has checked the whole request against the store's
 * bounds; kmap_local_page() is safe in the sleeping work handler and cheap
 * on 64-bit. Returns 0, or -ENOMEM for a write a sparse store had no
 * memory for.
 *
 * rq_for_each_segment() yields single-page segments, so the length is at
 * most PAGE_SIZE. Saying so with min() is what brd's copy says, and it
 * changes the code: with a bound GCC expands the copy inline as rep movsq
 * instead of calling memcpy(), which on CPUs without FSRM (and under QEMU
 * TCG) runs memcpy_orig's twelve-instruction loop per 32 bytes. Under the
 * bench's icount clock a rep movsq counts one instruction per 8 bytes:
 * that was most of the gap to brd at 128k (docs/design.md). The flat
 * store keeps that copy here, ahead of the other kinds' out-of-line one.
 *
 * The instrument_*() calls tell KASAN about the store access explicitly:
 * on x86 a mem*() call from instrumented code is checked only by compilers
 * that emit __asan_mem*() (GCC 13, Clang 15), and Debian 12 builds with
 * GCC 12. Without KASAN they compile to nothing. The sparse pages are
 * whole pages of their own, which KASAN needs no telling about.
 */
int blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv, u64 pos,
			  bool write)
{
	size_t len = min_t(size_t, bv->bv_len, PAGE_SIZE);
	void *p, *page;

	if (unlikely(dev->store_kind != BLKEX_STORE_FLAT))
		return blkex_store_copy_paged(dev, bv, pos, write);

	p = dev->store + pos;
	page = kmap_local_page(bv->bv_page);
	if (write) {
		instrument_write(p, len);
		memcpy(p, page + bv->bv_offset, len);
	} else {
		instrument_read(p, len);
		memcpy(page + bv->bv_offset, p, len);
		flush_dcache_page(bv->bv_page);
	}
	kunmap_local(page);
	return 0;
}

/*
 * The store's byte-level interface for the layers above it (the write
 * cache): copy @len bytes between @buf and the store at @pos. The range
 * lies inside one PAGE_SIZE-aligned page of the store and inside its
 * bounds; the caller holds store_mutex. A write returns 0, or -ENOMEM
 * when a store that allocates on write cannot get the memory (the store
 * is then as it was). A read of a range never written gives zeroes and
 * takes no memory; a none store drops writes and reads zeroes.
 */
int blkex_store_write(struct blkex_dev *dev, u64 pos, const void *buf,
		      size_t len)
{
	void *p;

	switch (dev->store_kind) {
	case BLKEX_STORE_FLAT:
		instrument_write(dev->store + pos, len);
		memcpy(dev->store + pos, buf, len);
		return 0;
	case BLKEX_STORE_SPARSE:
		p = blkex_sparse_get(dev, pos >> PAGE_SHIFT, len == PAGE_SIZE);
		if (!p)
			return -ENOMEM;
		memcpy(p + offset_in_page(pos), buf, len);
		return 0;
	default:
		return 0;
	}
}

void blkex_store_read(struct blkex_dev *dev, u64 pos, void *buf, size_t len)
{
	void *p;

	switch (dev->store_kind) {
	case BLKEX_STORE_FLAT:
		instrument_read(dev->store + pos, len);
		memcpy(buf, dev->store + pos, len);
		return;
	case BLKEX_STORE_SPARSE:
		p = blkex_sparse_lookup(dev, pos >> PAGE_SHIFT);
		if (p) {
			memcpy(buf, p + offset_in_page(pos), len);
			return;
		}
		fallthrough;
	default:
		memset(buf, 0, len);
	}
}

/*
 * Zero [pos, pos + len) (discard, write-zeroes); the caller holds
 * store_mutex and checked bounds. A sparse store frees every page the
 * range covers whole, which reads as zeroes from then on and gives its
 * memory back, and zeroes the covered part of a page it covers in part,
 * if that page was ever written.
 */
void blkex_store_zero(struct blkex_dev *dev, u64 pos, u64 len)
{
	u64 end = pos + len, stop;
	struct page *page;
	unsigned long idx;
	void *p;

	switch (dev->store_kind) {
	case BLKEX_STORE_FLAT:
		instrument_write(dev->store + pos, len);
		memset(dev->store + pos, 0, len);
		return;
	case BLKEX_STORE_SPARSE:
		break;
	default:
		return;
	}

	/* The head: from @pos to the end of its page, or to @end. */
	if (offset_in_page(pos)) {
		stop = min(end, round_up(pos, PAGE_SIZE));
		p = blkex_sparse_lookup(dev, pos >> PAGE_SHIFT);
		if (p)
			memset(p + offset_in_page(pos), 0, stop - pos);
		pos = stop;
	}
	/* The whole pages, from @pos (now at a page boundary) on. */
	if ((pos >> PAGE_SHIFT) < (end >> PAGE_SHIFT)) {
		xa_for_each_range(&dev->store_pages, idx, page,
				  pos >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1) {
			xa_erase(&dev->store_pages, idx);
			__free_page(page);
			dev->store_nr_pages--;
		}
	}
	/* The tail: the start of @end's page, if the range ends inside it. */
	if (pos < end && offset_in_page(end)) {
		p = blkex_sparse_lookup(dev, end >> PAGE_SHIFT);
		if (p)
			memset(p, 0, offset_in_page(end));
	}
}

static int blkex_resident_get(void *data, u64 *val)
{
	*val = blkex_store_resident(data);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(blkex_resident_fops, blkex_resident_get, NULL,
			 "%llu\n");

/* The resident bytes' read-only copy in the disk's debugfs directory. */
void blkex_store_debugfs(struct blkex_dev *dev, struct dentry *dir)
{
	debugfs_create_file_unsafe("resident", 0400, dir, dev,
				   &blkex_resident_fops);
}
