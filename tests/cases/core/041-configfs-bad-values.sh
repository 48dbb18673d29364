#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hostile values for every configfs attribute. This test will check that an
# empty, negative, huge, out-of-range, trailing-garbage or NUL-carrying
# value is refused with EINVAL and a kernel message naming the disk and the
# attribute, that geometry written while the disk is powered on is refused
# with EBUSY, that power-on with a size that is no multiple of the block
# size fails, and that none of it changes any setting.
DESCRIPTION="hostile values for every configfs attribute are refused"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

# _snapshot DIR: every attribute of DIR, one "name: value" line each.
_snapshot() {
	local f
	for f in num_sectors logical_block_size hw_queues queue_depth wq_mode \
		work_cpu power index disk_name badblocks fail_nth fail_permille \
		fail_dir delay_us hang_next; do
		echo "$f: $(tr '\n' ' ' < "$1/$f")"
	done
}

_bad() {
	_cfs_refused "$1" "$2" "Invalid argument" "$2" '%s\n' "$3"
}

_busy() {
	_cfs_refused "$1" "$2" "Device or resource busy" "$2 cannot change while the disk is powered on" '%s\n' "$3"
}

test_case() {
	local dir=$CFS/bad before long f
	_load num_sectors=8192
	mkdir $dir
	before=$(_snapshot $dir)
	long=$(head -c 100 /dev/zero | tr '\0' 1)

	for f in num_sectors logical_block_size hw_queues queue_depth \
		fail_nth fail_permille delay_us hang_next; do
		_bad $dir $f ""
		_bad $dir $f -1
		_bad $dir $f abc
		_bad $dir $f 99999999999999999999
		_bad $dir $f "$long"
		_bad $dir $f "8 x"
		_bad $dir $f 12abc
		_cfs_refused $dir $f "Invalid argument" "$f: the value has a NUL" '5\0009'
	done
	_bad $dir num_sectors 0
	_bad $dir num_sectors 36028797018963968
	_bad $dir logical_block_size 1000
	_bad $dir logical_block_size 256
	_bad $dir logical_block_size 8192
	_bad $dir queue_depth 0
	_bad $dir queue_depth 99999
	_bad $dir fail_nth 1000001
	_bad $dir fail_permille 1001
	_bad $dir delay_us 10000001
	_bad $dir hang_next 1025
	for f in wq_mode work_cpu fail_dir; do
		_bad $dir $f ""
		_bad $dir $f fastest
		_bad $dir $f 1
		_cfs_refused $dir $f "Invalid argument" "$f: the value has a NUL" 'rw\000x'
	done
	_bad $dir wq_mode "percpu x"
	kmsg_since | grep -q "blkex1: wq_mode=percpu x is not one of percpu, percpu-highpri, unbound, unbound-highpri$" ||
		_fail "wq_mode's message does not list the flavours"
	_bad $dir power 2
	_bad $dir power -1
	_bad $dir power ""
	_bad $dir power on
	_bad $dir badblocks 5-10
	_bad $dir badblocks +10-5
	_bad $dir badblocks +0-8192
	_bad $dir badblocks "$long"
	_cfs_refused $dir badblocks "Invalid argument" "badblocks: the value has a NUL" '+1-2\000x'
	_expect_eq "settings after bad writes" "$(_snapshot $dir)" "$before"

	# A size that is no multiple of the block size fails at power-on.
	echo 4096 > $dir/logical_block_size
	echo 4097 > $dir/num_sectors
	_cfs_refused $dir power "Invalid argument" "num_sectors=4097 is not a multiple of logical_block_size/512 (8)" '1\n'
	_expect_eq "power after a refused power-on" "$(cat $dir/power)" 0
	echo 4096 > $dir/num_sectors

	# Geometry while powered on: EBUSY; faults change at any time.
	echo 1 > $dir/power
	before=$(_snapshot $dir)
	_busy $dir num_sectors 8192
	_busy $dir logical_block_size 512
	_busy $dir hw_queues 1
	_busy $dir queue_depth 32
	_busy $dir wq_mode unbound
	_busy $dir work_cpu local
	_expect_eq "settings after EBUSY writes" "$(_snapshot $dir)" "$before"
	echo 3 > $dir/fail_nth || _fail "fail_nth refused while powered on"
	_expect_eq "fail_nth while on" "$(cat $dir/fail_nth)" 3
	echo 1 > $dir/power || _fail "power=1 on a powered disk refused"

	# The parameters' disk takes the same checks.
	_bad $CFS/blkex0 fail_nth -1
	_busy $CFS/blkex0 num_sectors 16
	rmdir $dir
}
