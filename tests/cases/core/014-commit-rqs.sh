#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dispatch batches that end before a request marked last. With two tags per
# queue and mq-deadline holding the rest, blk-mq runs out of driver tags in
# the middle of a batch and calls .commit_rqs instead of sending a last
# request. This test will check that .commit_rqs ran, that no request was
# left waiting for a work item (fio finishes in time) and that the data
# verifies.
DESCRIPTION=".commit_rqs ends a batch that runs out of driver tags"

requires() {
	_have_program fio
	_have_program timeout
	[ -w /sys/kernel/tracing/kprobe_events ] || _skip "no kprobe_events in tracefs"
}

test_case() {
	local calls
	_load num_sectors=32768 queue_depth=2 hw_queues=1
	echo mq-deadline > /sys/block/blkex0/queue/scheduler ||
		_skip "mq-deadline is not available"
	# A kprobe on the callback shows the path really was taken.
	_kprobe_on blkex_commit_rqs "p:blkex_commit_rqs blkex_commit_rqs" ||
		_skip "cannot place a kprobe on blkex_commit_rqs"
	# A request left on the pending list without a queued work item
	# never completes: fio would hang, so it runs under a timeout.
	FIO_JSON=$TMPDIR/commit.json
	timeout 120 fio --output-format=json --output="$FIO_JSON" --eta=never \
		--name=commit --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=io_uring --rw=randwrite --numjobs=2 --iodepth=32 \
		--iodepth_batch_submit=32 --size=4M --offset_increment=4M \
		--bssplit=4k/50:8k/25:64k/25 --verify=crc32c --verify_fatal=1 \
		--verify_state_save=0 --group_reporting ||
		_fail "fio failed or hung (exit $?)"
	calls=$(_kprobe_trace blkex_commit_rqs | wc -l)
	_kprobe_off blkex_commit_rqs
	echo "commit_rqs calls: $calls"
	[ "$calls" -gt 0 ] || _fail ".commit_rqs was never called: the path is untested"
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
}
