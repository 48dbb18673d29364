// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a request. queue_rq starts it and defers it to the work item
 * in its pdu; the work handler serves it from the store under store_mutex
 * and hands it to blk_mq_complete_request(); .complete ends it with the
 * status the handler recorded. drivers/block/loop.c has the same shape.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>

#include "blk_example.h"
#include "trace.h"

/* Copy a read or write request between its pages and the store. */
static blk_status_t blkex_rw(struct blkex_dev *dev, struct request *rq)
{
	bool write = op_is_write(req_op(rq));
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bv;

	/* The block layer checks bios against capacity; check again anyway. */
	if (!blkex_store_in_range(dev, pos, blk_rq_bytes(rq)))
		return BLK_STS_IOERR;

	mutex_lock(&dev->store_mutex);
	trace_blkex_rq_locked(rq);
	rq_for_each_segment(bv, rq, iter) {
		blkex_store_copy_bvec(dev, &bv, pos, write);
		pos += bv.bv_len;
	}
	trace_blkex_rq_copied(rq, BLK_STS_OK);
	mutex_unlock(&dev->store_mutex);

	return BLK_STS_OK;
}

static void blkex_work(struct work_struct *work)
{
	struct blkex_cmd *cmd = container_of(work, struct blkex_cmd, work);
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct blkex_dev *dev = rq->q->queuedata;

	trace_blkex_rq_work_start(rq);

	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		cmd->status = blkex_rw(dev, rq);
		break;
	case REQ_OP_FLUSH:
		/* RAM has no volatile cache: there is nothing to flush. */
		cmd->status = BLK_STS_OK;
		break;
	default:
		cmd->status = BLK_STS_NOTSUPP;
		break;
	}

	/* The request may be reused as soon as this returns: touch nothing. */
	blk_mq_complete_request(rq);
}

static blk_status_t blkex_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct blkex_dev *dev = hctx->queue->queuedata;

	blk_mq_start_request(rq);
	/* Before queue_work(): the work may finish the request on another CPU. */
	trace_blkex_rq_queued(rq);
	queue_work(dev->wq, &cmd->work);

	return BLK_STS_OK;
}

static void blkex_complete_rq(struct request *rq)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);

	trace_blkex_rq_complete(rq, cmd->status);
	blk_mq_end_request(rq, cmd->status);
}

/* A request's work item is set up once, when its tag is allocated. */
static int blkex_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, unsigned int numa_node)
{
	struct blkex_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, blkex_work);
	cmd->status = BLK_STS_OK;
	return 0;
}

const struct blk_mq_ops blkex_mq_ops = {
	.queue_rq	= blkex_queue_rq,
	.complete	= blkex_complete_rq,
	.init_request	= blkex_init_request,
};
