/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints for each stage of a request's life in blk_example:
 *
 *   blkex_rq_queued      queue_rq, after blk_mq_start_request()
 *   blkex_rq_work_start  the work handler begins
 *   blkex_rq_locked      store_mutex taken (data requests only)
 *   blkex_rq_copied      copy finished, still under store_mutex
 *   blkex_rq_complete    the .complete callback ends the request
 *
 * and, on a zoned disk only, blkex_zone_op (at the end of this file)
 * whenever a request changes a zone.
 *
 * Every event carries device, hardware queue and tag so that a tool can
 * match the events of one request; these five compute no latency.
 *
 * blkex_rq_stages fires once per request, right after blkex_rq_complete,
 * with the time the request spent in each stage between those five
 * events: one event instead of five for a tool that wants only the
 * breakdown (tracing/stages.bt). While it is enabled, io.c stamps each
 * request where the first four events fire; a request queued while it
 * was off has no stamps and does not fire it.
 *
 * Built with BLKEX_TRACEPOINTS=n (Kbuild), NOTRACE is defined for every
 * file of the module, and <linux/tracepoint.h> then declares each
 * trace_blkex_*() below as an empty static inline: the calls compile to
 * nothing and no event exists. bench/tracecost.sh compares that build
 * with the normal one, whose calls sit behind static keys, to measure
 * what the tracepoints cost when no one listens. The macro has to reach
 * every file, not just this header: the kernel headers included before
 * this one have already read <linux/tracepoint.h>.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM blk_example

#if !defined(_TRACE_BLKEX_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_BLKEX_H

#include <linux/blk-mq.h>
#include <linux/blktrace_api.h>
#include <linux/tracepoint.h>

/* Same room as RWBS_LEN in <trace/events/block.h>, which is private to it. */
#define BLKEX_RWBS_LEN	8

/*
 * The request's fields, written once for every event: its entries come
 * first, then the event's own (@more), then rwbs; its assignment likewise,
 * from the event's @rq. Each event keeps the field names, order and
 * format that the bpftrace scripts and tracing/trace_report.py read.
 */
#undef BLKEX_RQ_ENTRY
#define BLKEX_RQ_ENTRY(more...)						\
	TP_STRUCT__entry(__field(dev_t,		dev)			\
			 __field(unsigned int,	hctx)			\
			 __field(int,		tag)			\
			 __field(unsigned int,	op)			\
			 __field(sector_t,	sector)			\
			 __field(unsigned int,	nr_bytes)		\
			 more						\
			 __array(char, rwbs, BLKEX_RWBS_LEN))

#undef BLKEX_RQ_ASSIGN
#define BLKEX_RQ_ASSIGN(more...)					\
	TP_fast_assign(__entry->dev = rq->q->disk ?			\
				      disk_devt(rq->q->disk) : 0;	\
		       __entry->hctx = rq->mq_hctx->queue_num;		\
		       __entry->tag = rq->tag;				\
		       __entry->op = (__force unsigned int)req_op(rq);	\
		       __entry->sector = blk_rq_pos(rq);		\
		       __entry->nr_bytes = blk_rq_bytes(rq);		\
		       more						\
		       blk_fill_rwbs(__entry->rwbs, rq->cmd_flags);)

DECLARE_EVENT_CLASS(blkex_rq,
		    TP_PROTO(struct request *rq),
		    TP_ARGS(rq),

		    BLKEX_RQ_ENTRY(),

		    BLKEX_RQ_ASSIGN(),

		    TP_printk("%d,%d %s %llu + %u tag=%d hctx=%u",
			      MAJOR(__entry->dev), MINOR(__entry->dev),
			      __entry->rwbs,
			      (unsigned long long)__entry->sector,
			      __entry->nr_bytes >> 9, __entry->tag,
			      __entry->hctx)
);

DEFINE_EVENT(blkex_rq, blkex_rq_queued,
	     TP_PROTO(struct request *rq),
	     TP_ARGS(rq)
);

DEFINE_EVENT(blkex_rq, blkex_rq_work_start,
	     TP_PROTO(struct request *rq),
	     TP_ARGS(rq)
);

DEFINE_EVENT(blkex_rq, blkex_rq_locked,
	     TP_PROTO(struct request *rq),
	     TP_ARGS(rq)
);

/* Stages that end with a result also record it, as an errno. */
DECLARE_EVENT_CLASS(blkex_rq_status,
		    TP_PROTO(struct request *rq, blk_status_t status),
		    TP_ARGS(rq, status),

		    BLKEX_RQ_ENTRY(__field(int,	error)),

		    BLKEX_RQ_ASSIGN(__entry->error = blk_status_to_errno(status);),

		    TP_printk("%d,%d %s %llu + %u tag=%d hctx=%u error=%d",
			      MAJOR(__entry->dev), MINOR(__entry->dev),
			      __entry->rwbs,
			      (unsigned long long)__entry->sector,
			      __entry->nr_bytes >> 9, __entry->tag,
			      __entry->hctx, __entry->error)
);

DEFINE_EVENT(blkex_rq_status, blkex_rq_copied,
	     TP_PROTO(struct request *rq, blk_status_t status),
	     TP_ARGS(rq, status)
);

DEFINE_EVENT(blkex_rq_status, blkex_rq_complete,
	     TP_PROTO(struct request *rq, blk_status_t status),
	     TP_ARGS(rq, status)
);

/*
 * The four stages of one request, in ns (ktime_get_ns(), the clock of
 * bpftrace's nsecs), ending where blkex_rq_work_start, blkex_rq_locked,
 * blkex_rq_copied and blkex_rq_complete fire; their sum is the time from
 * blkex_rq_queued to blkex_rq_complete. A request that skips an event (a
 * flush is never locked) spends no time in the stage that event ends, and
 * the time lands in the next stage. @stamp holds the four starts, in
 * that order (enum blkex_stamp), and @now the end. @seq numbers the
 * events of one hardware queue, from 1, for a tool to sample 1 in N
 * requests without state of its own.
 */
TRACE_EVENT(blkex_rq_stages,
	    TP_PROTO(struct request *rq, blk_status_t status, const u64 *stamp,
		     u64 now, unsigned int seq),
	    TP_ARGS(rq, status, stamp, now, seq),

	    BLKEX_RQ_ENTRY(__field(int,		error)
			   __field(unsigned int,	seq)
			   __field(u64,			wq_delay)
			   __field(u64,			mutex_wait)
			   __field(u64,			copy)
			   __field(u64,			completion)),

	    BLKEX_RQ_ASSIGN(__entry->error = blk_status_to_errno(status);
			    __entry->seq = seq;
			    __entry->wq_delay = stamp[1] - stamp[0];
			    __entry->mutex_wait = stamp[2] - stamp[1];
			    __entry->copy = stamp[3] - stamp[2];
			    __entry->completion = now - stamp[3];),

	    TP_printk("%d,%d %s %llu + %u tag=%d hctx=%u error=%d seq=%u wq_delay=%llu mutex_wait=%llu copy=%llu completion=%llu",
		      MAJOR(__entry->dev), MINOR(__entry->dev), __entry->rwbs,
		      (unsigned long long)__entry->sector,
		      __entry->nr_bytes >> 9, __entry->tag, __entry->hctx,
		      __entry->error, __entry->seq,
		      (unsigned long long)__entry->wq_delay,
		      (unsigned long long)__entry->mutex_wait,
		      (unsigned long long)__entry->copy,
		      (unsigned long long)__entry->completion)
);

/*
 * The write cache (cache.c) wrote blocks back to the store: @why is
 * flush (a REQ_OP_FLUSH request, which the blkex_rq_* events show too),
 * fua (a FUA write, written through), evict (the oldest block, to make
 * room) or cut (the blocks a power cut wrote back; @lost it dropped).
 * @blocks are 4 KiB store pages, @bytes what reached the store.
 */
TRACE_EVENT(blkex_cache_writeback,
	    TP_PROTO(dev_t dev, unsigned int why, unsigned int blocks,
		     u64 bytes, unsigned int lost),
	    TP_ARGS(dev, why, blocks, bytes, lost),

	    TP_STRUCT__entry(__field(dev_t,		dev)
			     __field(unsigned int,	why)
			     __field(unsigned int,	blocks)
			     __field(u64,		bytes)
			     __field(unsigned int,	lost)),

	    TP_fast_assign(__entry->dev = dev;
			   __entry->why = why;
			   __entry->blocks = blocks;
			   __entry->bytes = bytes;
			   __entry->lost = lost;),

	    TP_printk("%d,%d %s blocks=%u bytes=%llu lost=%u",
		      MAJOR(__entry->dev), MINOR(__entry->dev),
		      __print_symbolic(__entry->why,
				       { 0, "flush" }, { 1, "fua" },
				       { 2, "evict" }, { 3, "cut" }),
		      __entry->blocks, (unsigned long long)__entry->bytes,
		      __entry->lost)
);

/*
 * A zoned disk's zone changed (zoned.c), under store_mutex: a write or zone
 * append moved a write pointer, or a zone operation (reset, reset all,
 * open, close, finish) changed a zone's condition. @sector is where a
 * write or append was written (for an append, the sector that goes back
 * to its submitter) and the zone's start for a zone operation; @wp and
 * @cond are the zone's after the change (enum blk_zone_cond).
 */
/* Room for blk_op_str()'s longest zoned name, "ZONE_RESET_ALL". */
#define BLKEX_OP_LEN	16

TRACE_EVENT(blkex_zone_op,
	    TP_PROTO(struct request *rq, unsigned int zno, sector_t sector,
		     sector_t wp, unsigned int cond),
	    TP_ARGS(rq, zno, sector, wp, cond),

	    TP_STRUCT__entry(__field(dev_t,		dev)
			     __field(unsigned int,	hctx)
			     __field(int,		tag)
			     __field(unsigned int,	op)
			     __field(unsigned int,	zno)
			     __field(sector_t,		sector)
			     __field(unsigned int,	nr_sectors)
			     __field(sector_t,		wp)
			     __field(unsigned int,	cond)
			     __array(char, opname, BLKEX_OP_LEN)),

	    TP_fast_assign(__entry->dev = rq->q->disk ?
					  disk_devt(rq->q->disk) : 0;
			   __entry->hctx = rq->mq_hctx->queue_num;
			   __entry->tag = rq->tag;
			   __entry->op = (__force unsigned int)req_op(rq);
			   __entry->zno = zno;
			   __entry->sector = sector;
			   __entry->nr_sectors = blk_rq_sectors(rq);
			   __entry->wp = wp;
			   __entry->cond = cond;
			   strscpy(__entry->opname, blk_op_str(req_op(rq)),
				   BLKEX_OP_LEN);),

	    TP_printk("%d,%d %s zone=%u sector=%llu + %u wp=%llu cond=%u tag=%d hctx=%u",
		      MAJOR(__entry->dev), MINOR(__entry->dev),
		      __entry->opname,
		      __entry->zno, (unsigned long long)__entry->sector,
		      __entry->nr_sectors, (unsigned long long)__entry->wp,
		      __entry->cond, __entry->tag, __entry->hctx)
);

#endif /* _TRACE_BLKEX_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
