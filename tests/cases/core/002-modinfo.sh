#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# modinfo on the built module. This test will check that every parameter is
# listed with a description and a default, that the license and description
# are set, and that the disk gets the documented default queue depth.
DESCRIPTION="modinfo lists every parameter, license and description"

requires() {
	_have_program modinfo
}

test_case() {
	local info p depth
	info=$(modinfo "$BLKEX_KO")
	echo "$info"
	for p in num_sectors logical_block_size nr_devices hw_queues queue_depth wq_mode store \
		 work_cpu badblocks fail_nth fail_permille fail_dir delay_us zoned \
		 zone_size zone_capacity zone_nr_conv zone_max_open zone_max_active \
		 zone_append_max_sectors; do
		echo "$info" | grep -qE "^parm: +$p:.+Default: " ||
			_fail "parameter $p is not documented"
	done
	echo "$info" | grep -qE '^license: +GPL$' || _fail "no GPL license"
	echo "$info" | grep -qE '^description: +.+' || _fail "no description"
	# Read-only after load: 0444 in sysfs.
	_load num_sectors=2048
	for p in num_sectors logical_block_size wq_mode work_cpu badblocks \
		 fail_nth fail_permille fail_dir delay_us; do
		_expect_eq "mode of $p" \
			"$(stat -c %a /sys/module/blk_example/parameters/$p)" 444
	done
	_expect_eq "num_sectors in sysfs" \
		"$(cat /sys/module/blk_example/parameters/num_sectors)" 2048
	# The documented default queue depth is the one the disk gets.
	depth=$(echo "$info" | sed -n 's/^parm: *queue_depth:.*Default: \([0-9]*\).*/\1/p')
	_expect_eq "queue_depth in sysfs" \
		"$(cat /sys/module/blk_example/parameters/queue_depth)" "$depth"
	_expect_eq "nr_requests of blkex0 (no I/O scheduler)" \
		"$(cat /sys/block/blkex0/queue/nr_requests)" "$depth"
}
