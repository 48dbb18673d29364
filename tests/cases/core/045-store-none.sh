#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# store=none. This test will check that a 512 TiB disk with no store loads
# with resident 0, that written data is dropped (reads return zeroes, at the
# start and at the end), that fio runs at depth without error, that fault
# injection still fails the requests it is told to, that a capacity past
# what the block layer takes (its size in bytes must fit an loff_t) is
# refused at power-on with a message, and that the largest it takes loads.
DESCRIPTION="store=none: writes dropped, reads zero, 512 TiB and larger load"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

requires() {
	_have_program fio
}

test_case() {
	local size last dir=$CFS/huge max=$(((1 << 54) - 1))
	_load store=none num_sectors=$((1 << 40))
	size=$(_dev_bytes)
	_expect_eq "size" "$size" $((512 << 40))
	_expect_eq "resident" "$(cat $CFS/blkex0/resident)" 0
	last=$((size / 4096 - 64))
	head -c $((256 << 10)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=64k oflag=direct status=none
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=4096 seek=$last oflag=direct status=none
	cmp -n $((256 << 10)) /dev/zero "$BLKEX_DEV" || _fail "data written at 0 was kept"
	cmp -n $((256 << 10)) /dev/zero <(dd if="$BLKEX_DEV" bs=4096 skip=$last \
		count=64 iflag=direct status=none) || _fail "data written at the end was kept"
	_expect_eq "resident after writes" "$(cat $CFS/blkex0/resident)" 0

	_fio --name=none --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--iodepth=32 --rw=randrw --bs=4k --size=1T --norandommap \
		--time_based --runtime=1
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0

	# Faults still apply: the request path is the same.
	echo +8-16 > $CFS/blkex0/badblocks
	dd if="$BLKEX_DEV" of=/dev/null bs=4096 skip=2 count=1 iflag=direct \
		status=none 2> /dev/null && _fail "a read of a bad block succeeded"
	echo "a read of a bad block fails"

	# The block layer's limit: a size in bytes that fits an loff_t.
	mkdir $dir
	echo none > $dir/store
	echo $((max + 1)) > $dir/num_sectors
	_cfs_refused $dir power "Invalid argument" "num_sectors=$((max + 1)) is more than the block layer takes ($max)" '1\n'
	_expect_eq "power after a refused power-on" "$(cat $dir/power)" 0
	echo $max > $dir/num_sectors
	echo 1 > $dir/power
	_wait_for_dev /dev/blkex1
	_expect_eq "size of the largest" "$(_dev_bytes /dev/blkex1)" $((max * 512))
	cmp -n 4096 /dev/zero /dev/blkex1 || _fail "the largest disk does not read zeroes"
	rmdir $dir
}
