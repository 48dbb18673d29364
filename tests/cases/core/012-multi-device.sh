#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# several disks from one load (nr_devices=3). This test will check that each
# has the size asked for and its own store: data written to one never shows
# on another.
DESCRIPTION="several disks from one load, each with its own store"

test_case() {
	local i
	_load num_sectors=8192 nr_devices=3
	for i in 0 1 2; do
		_wait_for_dev /dev/blkex$i
		_expect_eq "blkex$i size" "$(_dev_bytes /dev/blkex$i)" $((8192 * 512))
	done
	head -c $((1 << 20)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of=/dev/blkex1 bs=64k oflag=direct status=none
	cmp -n $((1 << 20)) "$TMPDIR"/data /dev/blkex1 || _fail "blkex1 lost data"
	cmp -n $((4 << 20)) /dev/zero /dev/blkex0 || _fail "blkex0 shows blkex1's data"
	cmp -n $((4 << 20)) /dev/zero /dev/blkex2 || _fail "blkex2 shows blkex1's data"
	_unload
	for i in 0 1 2; do
		[ ! -e /dev/blkex$i ] || _fail "/dev/blkex$i remains after rmmod"
	done
}
