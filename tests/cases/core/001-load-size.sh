#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# load with num_sectors and logical_block_size. This test will check the
# capacity in sysfs and through blockdev, the block sizes, the default size
# and the queue settings.
DESCRIPTION="capacity, block sizes and queue settings as loaded"

requires() {
	_have_program blockdev
}

test_case() {
	_load num_sectors=20480
	_expect_eq "sysfs size" "$(cat /sys/block/blkex0/size)" 20480
	_expect_eq "getsize64" "$(_dev_bytes)" $((20480 * 512))
	_expect_eq "logical block" "$(blockdev --getss "$BLKEX_DEV")" 512
	_expect_eq "rotational" "$(cat /sys/block/blkex0/queue/rotational)" 0
	_expect_eq "scheduler" "$(grep -o "\[[a-z-]*\]" /sys/block/blkex0/queue/scheduler)" "[none]"
	_expect_eq "max_hw_sectors_kb" "$(cat /sys/block/blkex0/queue/max_hw_sectors_kb)" 1024
	_expect_eq "nomerges" "$(cat /sys/block/blkex0/queue/nomerges)" 0
	_unload

	_load
	_expect_eq "default size" "$(_dev_bytes)" $((128 << 20))
	_unload

	_load num_sectors=8192 logical_block_size=4096
	_expect_eq "4k logical block" "$(blockdev --getss "$BLKEX_DEV")" 4096
	_expect_eq "4k physical block" "$(blockdev --getpbsz "$BLKEX_DEV")" 4096
	_expect_eq "4k size" "$(_dev_bytes)" $((8192 * 512))
	_unload
	[ ! -e "$BLKEX_DEV" ] || _fail "$BLKEX_DEV still exists after rmmod"
}
