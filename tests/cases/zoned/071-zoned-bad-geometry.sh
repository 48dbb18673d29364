#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bad zoned geometry. This test will check that a zone size that is no
# power of two, a zone capacity above the zone size, as many conventional
# zones as zones, open or active limits above the sequential zones, and the
# other bad combinations are refused, at load (insmod) and at configfs
# power-on, with a message naming the setting, that nothing is left made or
# changed, and that zoned settings cannot change while the disk is on.
DESCRIPTION="bad zoned geometry is refused at load and power-on, naming it"

# _bad_load PATTERN PARAM...: insmod refused with EINVAL and a message.
_bad_load() {
	local pattern=$1
	shift
	_insmod_refused "Invalid parameters" "$pattern" "$@"
	[ ! -e "$BLKEX_DEV" ] || _fail "$BLKEX_DEV exists after a failed load"
}

# _bad_power DIR MESSAGE ATTR=VALUE...: set ATTRs, power-on refused.
_bad_power() {
	local dir=$1 msg=$2 kv
	shift 2
	for kv in "$@"; do
		echo "${kv#*=}" > "$dir/${kv%%=*}" || _fail "$kv refused"
	done
	_cfs_refused "$dir" power "Invalid argument" "$msg" '1\n'
	_expect_eq "power after a refused power-on" "$(cat "$dir"/power)" 0
	[ ! -e "/dev/$(cat "$dir"/disk_name)" ] || _fail "a disk exists after a refused power-on"
}

test_case() {
	local dir=$CFS/z f
	# At load: the parameter's own check, then power-on's check of them all.
	_bad_load "zone_size=3 is not a power of two" zoned=1 zone_size=3
	_bad_load "blkex0: zone_capacity=8 MiB is larger than zone_size=4 MiB" \
		num_sectors=65536 zoned=1 zone_size=4 zone_capacity=8

	# The same checks at configfs power-on; nothing changes.
	_load num_sectors=8192
	mkdir "$dir"
	# 32 MiB: eight 4 MiB zones.
	echo 65536 > "$dir"/num_sectors
	echo 1 > "$dir"/zoned
	for f in zone_size zone_capacity zone_nr_conv zone_max_open zone_max_active zone_append_max_sectors; do
		_cfs_refused "$dir" $f "Invalid argument" "$f=" '%s\n' -1
	done
	_cfs_refused "$dir" zone_size "Invalid argument" "zone_size=6 is not a power of two" '6\n'
	_cfs_refused "$dir" zoned "Invalid argument" "zoned=2 is out of range" '2\n'
	_bad_power "$dir" "zone_capacity=8 MiB is larger than zone_size=4 MiB" zone_size=4 zone_capacity=8
	_bad_power "$dir" "zone_nr_conv=9 leaves no sequential zone" zone_capacity=0 zone_nr_conv=9
	_bad_power "$dir" "zone_max_active=8 is more than the 7 sequential zones" zone_nr_conv=1 zone_max_active=8
	_bad_power "$dir" "zone_max_open=8 is more than the 7 sequential zones" zone_max_active=0 zone_max_open=8
	_bad_power "$dir" "zone_max_open=3 is more than zone_max_active=2" zone_max_active=2 zone_max_open=3
	_bad_power "$dir" "zone_size=64 MiB is larger than the disk" zone_max_active=0 zone_max_open=0 zone_size=64
	_bad_power "$dir" "zone_capacity=2 MiB below zone_size needs num_sectors=65544" num_sectors=65544 zone_size=4 zone_capacity=2
	echo 65536 > "$dir"/num_sectors
	echo 0 > "$dir"/zone_capacity

	# Good settings power on; zoned settings are then EBUSY.
	echo 2 > "$dir"/zone_max_open
	echo 1 > "$dir"/power || _fail "power-on with good zoned settings failed"
	_expect_eq "zoned queue" "$(cat /sys/block/"$(cat "$dir"/disk_name)"/queue/zoned)" host-managed
	for f in zoned zone_size zone_capacity zone_nr_conv zone_max_open zone_max_active zone_append_max_sectors; do
		_cfs_refused "$dir" $f "Device or resource busy" "$f cannot change while the disk is powered on" '%s\n' 1
	done
	# Off, then a regular disk again from the same directory.
	echo 0 > "$dir"/power
	echo 0 > "$dir"/zoned
	echo 1 > "$dir"/power || _fail "power-on as a regular disk failed"
	_expect_eq "regular queue" "$(cat /sys/block/"$(cat "$dir"/disk_name)"/queue/zoned)" none
	rmdir "$dir"
}
