#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the write cache's settings. This test will check that modinfo documents
# cache_size, cache_loss and cache_seed, that insmod refuses bad values of
# each, that configfs refuses bad values with EINVAL and any change while
# powered on with EBUSY, that a cache larger than the machine can hold is
# refused at power on with a message naming cache_size, that none of that
# changes a setting, and that only a disk with a cache advertises a
# volatile write cache and FUA.
DESCRIPTION="cache_size, cache_loss, cache_seed: checked, refused, advertised"

requires() {
	_have_program modinfo
}

CFS=/sys/kernel/config/blk_example

_snapshot() {
	local f
	for f in cache_size cache_loss cache_seed power num_sectors; do
		echo "$f: $(cat "$1/$f")"
	done
}

_bad() {
	_cfs_refused "$1" "$2" "Invalid argument" "$2" '%s\n' "$3"
}

_busy() {
	_cfs_refused "$1" "$2" "Device or resource busy" "$2 cannot change while the disk is powered on" '%s\n' "$3"
}

# _cache_of DISK: "write_cache fua" of the disk's queue.
_cache_of() {
	echo "$(cat "/sys/block/$1/queue/write_cache")" \
	     "$(cat "/sys/block/$1/queue/fua")"
}

test_case() {
	local info p dir=$CFS/c before
	info=$(modinfo "$BLKEX_KO")
	for p in cache_size cache_loss cache_seed; do
		echo "$info" | grep -E "^parm: +$p:" | cut -c1-100
		echo "$info" | grep -qE "^parm: +$p:.+Default: " ||
			_fail "parameter $p is not documented"
	done

	_insmod_refused "Invalid parameters" "cache_size=1048577 is out of range" cache_size=1048577
	_insmod_refused "Invalid parameters" "cache_loss=some is not one of all, random, torn" cache_loss=some
	_insmod_refused "Invalid parameters" "cache_seed=x1 is not a number" cache_seed=x1
	# A load-time cache too large is refused by the first disk's power on.
	_insmod_refused "Cannot allocate memory" "blkex0: cache_size=1048576 MiB does not fit" cache_size=1048576

	_load num_sectors=8192 cache_size=1 cache_loss=torn cache_seed=7
	_expect_eq "blkex0 write_cache fua" "$(_cache_of blkex0)" "write back 1"
	_expect_eq "blkex0 cache settings" \
		"$(cat $CFS/blkex0/cache_size $CFS/blkex0/cache_loss $CFS/blkex0/cache_seed | xargs)" "1 torn 7"
	mkdir $dir
	echo 0 > $dir/cache_size
	echo 1 > $dir/power
	_expect_eq "$(cat $dir/disk_name) without a cache: write_cache fua" \
		"$(_cache_of "$(cat $dir/disk_name)")" "write through 0"
	echo 0 > $dir/power

	before=$(_snapshot $dir)
	# The parsing is param.c's, which 041 tries with every hostile value.
	_bad $dir cache_size abc
	_bad $dir cache_size 1048577
	_bad $dir cache_seed -1
	_cfs_refused $dir cache_loss "Invalid argument" "cache_loss=random x is not one of all, random, torn" '%s\n' "random x"
	_expect_eq "settings after bad writes" "$(_snapshot $dir)" "$before"

	# Oversized: refused at power on, naming cache_size; the disk stays off.
	echo 1048576 > $dir/cache_size
	_cfs_refused $dir power "Cannot allocate memory" "cache_size=1048576 MiB does not fit the [0-9]* MiB that can be spared" '1\n'
	_expect_eq "power after an oversized cache" "$(cat $dir/power)" 0
	[ ! -e "/dev/$(cat $dir/disk_name)" ] || _fail "a disk appeared"
	echo 2 > $dir/cache_size
	echo 1 > $dir/power || _fail "power on with a 2 MiB cache refused"
	_expect_eq "$(cat $dir/disk_name) write_cache fua" \
		"$(_cache_of "$(cat $dir/disk_name)")" "write back 1"

	# Powered on: every cache setting is EBUSY and nothing changes.
	before=$(_snapshot $dir)
	_busy $dir cache_size 0
	_busy $dir cache_loss random
	_busy $dir cache_seed 9
	_expect_eq "settings after EBUSY writes" "$(_snapshot $dir)" "$before"
	[ -r "$dir/cache_stats" ] || _fail "no cache_stats"
	rmdir $dir
}
