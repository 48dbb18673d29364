#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# load with invalid parameter values. This test will check that each fails
# with the right errno and a kernel message naming the parameter, leaves
# nothing behind, that nr_devices=0 loads with no disk, and that a good load
# works afterwards.
DESCRIPTION="invalid load parameters fail cleanly, naming the parameter"

# _bad_load ERRNO_TEXT PARAM MSG_PARAM: insmod must fail with ERRNO_TEXT,
# a message naming MSG_PARAM, and no disk or major left behind.
_bad_load() {
	local want=$1 param=$2 named=$3
	_insmod_refused "$want" ".*$named" "$param"
	[ ! -e "$BLKEX_DEV" ] || _fail "$BLKEX_DEV exists after a failed load"
	grep -qw blkex /proc/devices && _fail "major still registered after $param"
	return 0
}

test_case() {
	local inval="Invalid parameters" nomem="Cannot allocate memory"
	_bad_load "$inval" num_sectors=0 num_sectors
	_bad_load "$inval" num_sectors=abc num_sectors
	_bad_load "$inval" num_sectors=-1 num_sectors
	_bad_load "$inval" num_sectors=36028797018963968 num_sectors
	_bad_load "$inval" num_sectors=99999999999999999999 num_sectors
	_bad_load "$nomem" num_sectors=1099511627776 num_sectors
	_bad_load "$nomem" num_sectors=36028797018963967 num_sectors
	_bad_load "$inval" logical_block_size=1000 logical_block_size
	_bad_load "$inval" logical_block_size=256 logical_block_size
	_bad_load "$inval" logical_block_size=8192 logical_block_size
	_bad_load "$inval" logical_block_size=0 logical_block_size
	_bad_load "$inval" "num_sectors=4097 logical_block_size=4096" num_sectors
	_bad_load "$inval" nr_devices=1025 nr_devices
	_bad_load "$inval" queue_depth=0 queue_depth
	_bad_load "$inval" hw_queues=many hw_queues
	_bad_load "$inval" wq_mode=fastest wq_mode
	_bad_load "$inval" work_cpu=elsewhere work_cpu

	# nr_devices=0 is a load for configfs alone: no disk, an empty tree.
	insmod "$BLKEX_KO" nr_devices=0 || _fail "insmod nr_devices=0 failed"
	[ -d "$CFS" ] || _fail "no $CFS with nr_devices=0"
	_expect_eq "entries in $CFS with nr_devices=0" "$(find "$CFS" -mindepth 1 -maxdepth 1 | wc -l)" 0
	[ ! -e "$BLKEX_DEV" ] || _fail "$BLKEX_DEV exists with nr_devices=0"
	_unload

	_load num_sectors=4096
	dd if=/dev/urandom of="$TMPDIR"/data bs=4k count=16 status=none
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=4k oflag=direct status=none
	cmp -n 65536 "$TMPDIR"/data "$BLKEX_DEV" || _fail "good load after bad ones does not work"
}
