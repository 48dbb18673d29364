#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# read a disk that was never written. This test will check that every byte
# reads as zero, direct and buffered, and again after data was written and
# the module reloaded.
DESCRIPTION="a never-written disk reads as zeroes"

_all_zero() {
	local bytes=$1
	shift
	cmp -n "$bytes" <(dd if="$BLKEX_DEV" bs=1M status=none "$@") /dev/zero ||
		_fail "non-zero bytes read from a never-written disk ($*)"
}

test_case() {
	local sectors bytes
	sectors=$(( $(_scaled 64) * 2048 ))
	bytes=$((sectors * 512))
	_load num_sectors=$sectors
	_all_zero $bytes iflag=direct
	_all_zero $bytes
	dd if=/dev/urandom of="$BLKEX_DEV" bs=1M count=4 oflag=direct status=none
	_unload
	_load num_sectors=$sectors
	_all_zero $bytes iflag=direct
}
