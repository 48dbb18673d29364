#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# f2fs and btrfs on a zoned disk. This test will check that mkfs.f2fs -m
# and mkfs.btrfs -O zoned make filesystems that mount, take files written
# and verified by fio, unmount and check clean; and that with two hardware
# queues and two writers btrfs's zone appends (its data writes on a zoned
# disk) complete in another order than they were queued in, counted from
# the blkex_rq_queued and blkex_rq_complete tracepoints, and still verify.
DESCRIPTION="f2fs, btrfs on zoned=1; zone appends complete out of order"

MNT=/mnt/blkex-zoned

requires() {
	_have_program mkfs.f2fs
	_have_program fsck.f2fs
	_have_program mkfs.btrfs
	_have_program btrfs
}

_cleanup() {
	mountpoint -q $MNT && umount $MNT
	rmdir $MNT 2> /dev/null
	return 0
}

# _fill FS JOBS: JOBS fio jobs each write and verify a file under $MNT.
_fill() {
	_fio --name="$1" --directory=$MNT --rw=write --bs=64k --size=12m \
		--numjobs="$2" --direct=1 --ioengine=psync --verify=crc32c \
		--verify_fatal=1 --group_reporting
	_expect_eq "$1: fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
	_expect_eq "$1: bytes verified" "$(_fio_field "['jobs'][0]['read']['io_bytes']")" \
		$(($2 * 12 << 20))
}

# _out_of_order TRACE: zone appends that completed after an append to the
# same zone that was queued later (hctx and tag name a request in flight).
_out_of_order() {
	awk '
	/blkex_rq_queued:/ || /blkex_rq_complete:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^tag=/) tag = substr($i, 5)
			if ($i ~ /^hctx=/) hctx = substr($i, 6)
			if ($i == "+") sector = $(i - 1)
		}
		key = hctx ":" tag
	}
	/blkex_rq_queued:/ { seq[key] = ++n; zone[key] = int(sector / 8192) }
	/blkex_rq_complete:/ && (key in seq) {
		z = zone[key]; done++
		if (seq[key] < last[z]) late++; else last[z] = seq[key]
		delete seq[key]
	}
	END { printf "%d %d\n", done, late }' "$1"
}

test_case() {
	local counts nr_done late
	mkdir -p $MNT
	trap _cleanup EXIT

	# f2fs keeps its metadata in conventional zones: 8 of 64 4 MiB zones.
	_load num_sectors=524288 zoned=1 zone_size=4 zone_nr_conv=8
	mkfs.f2fs -q -f -m "$BLKEX_DEV" || _fail "mkfs.f2fs -m failed"
	mount -t f2fs "$BLKEX_DEV" $MNT || _fail "mount f2fs failed"
	_fill f2fs 2
	umount $MNT
	fsck.f2fs -f "$BLKEX_DEV" > "$TMPDIR"/fsck.out 2>&1 ||
		{ cat "$TMPDIR"/fsck.out; _fail "fsck.f2fs found errors"; }
	grep -q "\[FSCK\] Max image size.*\[Ok" "$TMPDIR"/fsck.out || grep -q "Done" "$TMPDIR"/fsck.out ||
		{ cat "$TMPDIR"/fsck.out; _fail "fsck.f2fs did not finish"; }
	echo "fsck.f2fs: clean"
	_unload

	# btrfs, every zone sequential, two queues and two writers.
	_load num_sectors=524288 zoned=1 zone_size=4 hw_queues=2
	mkfs.btrfs -q -f -O zoned "$BLKEX_DEV" > /dev/null || _fail "mkfs.btrfs -O zoned failed"
	mount -t btrfs "$BLKEX_DEV" $MNT || _fail "mount btrfs failed"
	_trace_inst
	# REQ_OP_ZONE_APPEND is 7 on both kernels (<linux/blk_types.h>).
	echo 'op == 7' > "$TRACE_INST"/events/blk_example/blkex_rq_queued/filter
	echo 'op == 7' > "$TRACE_INST"/events/blk_example/blkex_rq_complete/filter
	echo 1 > "$TRACE_INST"/events/blk_example/blkex_rq_queued/enable
	echo 1 > "$TRACE_INST"/events/blk_example/blkex_rq_complete/enable
	_fill btrfs 2
	echo 0 > "$TRACE_INST"/tracing_on
	counts=$(_out_of_order "$TRACE_INST"/trace)
	_trace_inst_rm
	read -r nr_done late <<< "$counts"
	echo "zone appends completed: $nr_done, out of order: $late"
	[ "$nr_done" -gt 0 ] || _fail "btrfs issued no zone append"
	[ "$late" -gt 0 ] || _fail "no zone append completed out of order"
	umount $MNT
	btrfs check "$BLKEX_DEV" > "$TMPDIR"/check.out 2>&1 ||
		{ cat "$TMPDIR"/check.out; _fail "btrfs check found errors"; }
	echo "btrfs check: clean"
	_cleanup
	trap - EXIT
	_unload
}
