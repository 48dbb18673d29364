#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the life of a configfs disk. This test will check that mkdir makes a
# powered-off disk with the parameters' settings, that power brings it up
# and down with its data kept, that a resize while powered off keeps the
# data below the old size and reads zeroes above it, that a parameters' disk
# is in configfs but refuses rmdir, that disks of one wq_mode share one
# workqueue, that rmdir removes a disk that is mounted, and that a disk's
# directory shows exactly the attributes docs/parameters.md lists.
DESCRIPTION="a configfs disk's life: mkdir, power, resize, rmdir"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

requires() {
	_have_program mkfs.ext4
}

# _rescuers: the driver's workqueue rescuer threads ("blkex", "blkex-MODE",
# or "kworker/R-blkex..." cut to 15 characters from 6.9 on).
_rescuers() {
	# shellcheck disable=SC2009 # pgrep would match the full name
	ps -eo comm= | grep -cE '^(kworker/R-)?blkex' || true
}

# _doc_attrs: the settings docs/parameters.md marks as attributes ("both"
# or "configfs" in its table's last column), sorted, on one line.
_doc_attrs() {
	awk -F' *[|] *' -v tick='`' 'index($0, "| " tick) == 1 &&
		($(NF - 1) == "both" || $(NF - 1) == "configfs") {
		gsub(tick, "", $2); print $2 }' "$BLKEX_REPO/docs/parameters.md" |
		sort | paste -sd ' '
}

test_case() {
	local mib=$((1 << 20)) d dev dev2 dir mnt
	_load num_sectors=8192 queue_depth=64
	_expect_eq "parameters' disk in configfs" "$(cat $CFS/blkex0/disk_name)" blkex0
	_expect_eq "its power" "$(cat $CFS/blkex0/power)" 1
	_expect_eq "attributes against docs/parameters.md" \
		"$(find $CFS/blkex0 -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd ' ')" \
		"$(_doc_attrs)"
	if rmdir $CFS/blkex0 2> "$TMPDIR"/err; then
		_fail "rmdir of a parameters' disk succeeded"
	fi
	echo "rmdir blkex0: $(cat "$TMPDIR"/err)"
	_expect_eq "rescuers with one percpu disk" "$(_rescuers)" 1

	# mkdir: off, the parameters' settings, its own index.
	dir=$CFS/a
	mkdir $dir
	_expect_eq "new disk's power" "$(cat $dir/power)" 0
	_expect_eq "new disk's num_sectors" "$(cat $dir/num_sectors)" 8192
	_expect_eq "new disk's queue_depth" "$(cat $dir/queue_depth)" 64
	_expect_eq "new disk's wq_mode" "$(cat $dir/wq_mode)" percpu
	_expect_eq "new disk's index" "$(cat $dir/index)" 1
	_expect_eq "new disk's name" "$(cat $dir/disk_name)" blkex1
	[ ! -e /dev/blkex1 ] || _fail "/dev/blkex1 exists before power=1"
	for f in index disk_name stats; do
		if echo 5 > $dir/$f 2> /dev/null; then
			_fail "$f is writable"
		fi
	done

	# Power cycles keep the data.
	echo 1 > $dir/power
	dev=/dev/blkex1
	_wait_for_dev $dev
	_expect_eq "size" "$(_dev_bytes $dev)" $((4 * mib))
	head -c $((4 * mib)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of=$dev bs=1M oflag=direct status=none
	echo 0 > $dir/power
	for ((d = 0; d < 50; d++)); do
		[ -e $dev ] || break
		sleep 0.1
	done
	[ ! -e $dev ] || _fail "$dev remains after power=0"
	[ ! -e /sys/kernel/debug/blk_example/blkex1 ] || _fail "debugfs directory remains after power=0"
	echo 1 > $dir/power
	_wait_for_dev $dev
	cmp "$TMPDIR"/data $dev || _fail "data lost across power 1-0-1"
	echo "data survives power 1-0-1"

	# Resize while off: grow keeps the data, the rest reads zeroes.
	echo 0 > $dir/power
	echo 16384 > $dir/num_sectors
	echo 1 > $dir/power
	_wait_for_dev $dev
	_expect_eq "grown size" "$(_dev_bytes $dev)" $((8 * mib))
	cmp -n $((4 * mib)) "$TMPDIR"/data $dev || _fail "data lost in a grow"
	cmp -n $((4 * mib)) -i 0:$((4 * mib)) /dev/zero $dev ||
		_fail "the grown part is not zeroes"
	# Shrink keeps what fits.
	echo 0 > $dir/power
	echo 2048 > $dir/num_sectors
	echo 1 > $dir/power
	_wait_for_dev $dev
	_expect_eq "shrunk size" "$(_dev_bytes $dev)" $mib
	cmp -n $mib "$TMPDIR"/data $dev || _fail "data lost in a shrink"
	# Grown again: what the shrink cut off is gone for good.
	echo 0 > $dir/power
	echo 8192 > $dir/num_sectors
	echo 1 > $dir/power
	_wait_for_dev $dev
	cmp -n $((3 * mib)) -i 0:$mib /dev/zero $dev ||
		_fail "data cut by a shrink came back"
	echo "resize while off: data below the old size kept, above zeroes"

	# Geometry from configfs reaches the disk.
	echo 0 > $dir/power
	echo 4096 > $dir/logical_block_size
	echo 2 > $dir/hw_queues
	echo 1 > $dir/power
	_wait_for_dev $dev
	_expect_eq "logical block size" "$(cat /sys/block/blkex1/queue/logical_block_size)" 4096
	_expect_eq "hardware queues" "$(find /sys/block/blkex1/mq -mindepth 1 -maxdepth 1 | wc -l)" 2

	# One workqueue per flavour, shared.
	mkdir $CFS/u1 $CFS/u2
	echo unbound > $CFS/u1/wq_mode
	echo unbound > $CFS/u2/wq_mode
	echo 1 > $CFS/u1/power
	echo 1 > $CFS/u2/power
	_expect_eq "rescuers with percpu and two unbound disks" "$(_rescuers)" 2
	dev2=/dev/$(cat $CFS/u2/disk_name)
	_wait_for_dev "$dev2"
	dd if="$TMPDIR"/data of="$dev2" bs=1M oflag=direct status=none
	cmp "$TMPDIR"/data "$dev2" || _fail "the unbound disk does not work"
	rmdir $CFS/u1 $CFS/u2

	# rmdir of a mounted disk: it goes, the file system sees errors.
	mkfs.ext4 -q -F $dev
	mnt=$(_mnt_dir blkex1)
	mount $dev "$mnt"
	echo hello > "$mnt"/f
	rmdir $dir || _fail "rmdir of a mounted disk failed"
	[ ! -e $dir ] || _fail "$dir remains"
	[ ! -e /sys/block/blkex1 ] || _fail "/sys/block/blkex1 remains"
	if sync -f "$mnt"/f 2> /dev/null && dd if=$dev of=/dev/null count=1 2> /dev/null; then
		_fail "I/O to a removed disk succeeded"
	fi
	umount "$mnt" || umount -l "$mnt"
	echo "rmdir removes a mounted disk"
	# Its index is free again.
	mkdir $CFS/b
	_expect_eq "reused index" "$(cat $CFS/b/index)" 1
	rmdir $CFS/b
	_unload
	[ ! -e $CFS ] || _fail "$CFS remains after rmmod"
}
