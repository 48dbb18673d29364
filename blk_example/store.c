// SPDX-License-Identifier: GPL-2.0
/*
 * The RAM store behind each disk: one virtually contiguous, zero-filled
 * buffer, addressed by byte offset (sector * 512).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/instrumented.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

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
 * Zeroed at allocation so that a never-written sector reads as zeroes and
 * never as stale kernel memory. blkex_store_spare() is asked again: memory
 * may have gone since the caller checked. Sizes that pass and still cannot
 * be met fail quietly (__GFP_NOWARN, __GFP_RETRY_MAYFAIL) so the caller
 * reports them once, naming the parameter.
 *
 * A disk resized while powered off (configfs) comes here with its old
 * store: the new one takes what fits of the old data, the rest reads as
 * zeroes, and the old one goes. On failure the old store stays as it was.
 */
int blkex_store_alloc(struct blkex_dev *dev, u64 bytes)
{
	void *store;

	if (!bytes || bytes > blkex_store_spare())
		return -ENOMEM;
	store = __vmalloc(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL);
	if (!store)
		return -ENOMEM;
	if (dev->store) {
		memcpy(store, dev->store, min(bytes, dev->store_bytes));
		vfree(dev->store);
	}
	dev->store = store;
	dev->store_bytes = bytes;
	return 0;
}

void blkex_store_free(struct blkex_dev *dev)
{
	vfree(dev->store);
	dev->store = NULL;
	dev->store_bytes = 0;
}

/* True when [pos, pos + len) lies inside the store; immune to overflow. */
bool blkex_store_in_range(const struct blkex_dev *dev, u64 pos, u64 len)
{
	return len <= dev->store_bytes && pos <= dev->store_bytes - len;
}

/*
 * Copy one segment between a request page and the store. The caller holds
 * store_mutex and has checked the whole request against the store's
 * bounds; kmap_local_page() is safe in the sleeping work handler and cheap
 * on 64-bit.
 *
 * rq_for_each_segment() yields single-page segments, so the length is at
 * most PAGE_SIZE. Saying so with min() is what brd's copy says, and it
 * changes the code: with a bound GCC expands the copy inline as rep movsq
 * instead of calling memcpy(), which on CPUs without FSRM (and under QEMU
 * TCG) runs memcpy_orig's twelve-instruction loop per 32 bytes. Under the
 * bench's icount clock a rep movsq counts one instruction per 8 bytes:
 * that was most of the gap to brd at 128k (docs/design.md).
 *
 * The instrument_*() calls tell KASAN about the store access explicitly:
 * on x86 a mem*() call from instrumented code is checked only by compilers
 * that emit __asan_mem*() (GCC 13, Clang 15), and Debian 12 builds with
 * GCC 12. Without KASAN they compile to nothing.
 */
void blkex_store_copy_bvec(struct blkex_dev *dev, struct bio_vec *bv, u64 pos,
			   bool write)
{
	size_t len = min_t(size_t, bv->bv_len, PAGE_SIZE);
	void *p = dev->store + pos;
	void *page = kmap_local_page(bv->bv_page);

	if (write) {
		instrument_write(p, len);
		memcpy(p, page + bv->bv_offset, len);
	} else {
		instrument_read(p, len);
		memcpy(page + bv->bv_offset, p, len);
		flush_dcache_page(bv->bv_page);
	}
	kunmap_local(page);
}

/*
 * The store's byte-level interface for the layers above it (the write
 * cache): copy @len bytes between @buf and the store at @pos. The range
 * lies inside one PAGE_SIZE-aligned page of the store and inside its
 * bounds; the caller holds store_mutex. A write returns 0, or -ENOMEM
 * when a store that allocates on write cannot get the memory (the store
 * is then as it was).
 */
int blkex_store_write(struct blkex_dev *dev, u64 pos, const void *buf,
		      size_t len)
{
	instrument_write(dev->store + pos, len);
	memcpy(dev->store + pos, buf, len);
	return 0;
}

void blkex_store_read(struct blkex_dev *dev, u64 pos, void *buf, size_t len)
{
	instrument_read(dev->store + pos, len);
	memcpy(buf, dev->store + pos, len);
}

/* Zero [pos, pos + len); the caller holds store_mutex and checked bounds. */
void blkex_store_zero(struct blkex_dev *dev, u64 pos, u64 len)
{
	instrument_write(dev->store + pos, len);
	memset(dev->store + pos, 0, len);
}
