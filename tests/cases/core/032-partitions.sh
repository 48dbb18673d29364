#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# partitions made with sfdisk on two disks (nr_devices=2). This test will
# check the geometry fdisk is given (4 heads, 16 sectors, cylinders from the
# capacity; the partition's start), that /dev/blkexNp1 and p2 appear, and
# that each partition holds its own ext4 whose files survive a remount and a
# reload of the partition table without touching the other.
DESCRIPTION="sfdisk partitions, each with its own ext4"

requires() {
	_have_program sfdisk
	_have_program fdisk
	_have_program mkfs.ext4
}

# _geo DEV: "heads sectors cylinders start" from the HDIO_GETGEO ioctl.
_geo() {
	python3 -c '
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
buf = fcntl.ioctl(fd, 0x0301, bytes(16))  # HDIO_GETGEO
print(*struct.unpack("BBHL", buf))' "$1"
}

test_case() {
	local d p mnt
	_load num_sectors=131072 nr_devices=2
	_wait_for_dev /dev/blkex1
	_expect_eq "blkex0 geometry" "$(_geo /dev/blkex0)" "4 16 2048 0"
	sfdisk -g /dev/blkex0

	for d in blkex0 blkex1; do
		printf 'label: dos\n2048,30M\n,\n' | sfdisk -q /dev/$d
		_wait_for_dev /dev/${d}p1
		_wait_for_dev /dev/${d}p2
	done
	fdisk -l /dev/blkex0 | tee "$TMPDIR"/fdisk.out
	grep -q '^/dev/blkex0p1 *2048 *63487 *61440 *30M 83 Linux$' "$TMPDIR"/fdisk.out ||
		_fail "fdisk does not list blkex0p1 as made"
	grep -q '^/dev/blkex0p2 *63488 *131071 *67584 *33M 83 Linux$' "$TMPDIR"/fdisk.out ||
		_fail "fdisk does not list blkex0p2 as made"
	_expect_eq "blkex1p2 geometry" "$(_geo /dev/blkex1p2)" "4 16 2048 63488"
	_expect_eq "blkex1p1 size" "$(_dev_bytes /dev/blkex1p1)" $((30 << 20))

	for d in blkex0p1 blkex0p2 blkex1p1 blkex1p2; do
		mkfs.ext4 -q -F /dev/$d
		mnt=$(_mnt_dir $d)
		mount /dev/$d "$mnt"
		head -c $((1 << 20)) /dev/urandom > "$TMPDIR"/$d.data
		cp "$TMPDIR"/$d.data "$mnt"/data
		echo $d > "$mnt"/name
	done
	for d in blkex0p1 blkex0p2 blkex1p1 blkex1p2; do
		umount "$TMPDIR"/mnt/$d
	done
	# Reread the tables: the partitions come back the same.
	blockdev --rereadpt /dev/blkex0
	blockdev --rereadpt /dev/blkex1
	for d in blkex0p1 blkex0p2 blkex1p1 blkex1p2; do
		_wait_for_dev /dev/$d
		fsck.ext4 -fn /dev/$d > /dev/null || _fail "fsck of $d"
		mount /dev/$d "$TMPDIR"/mnt/$d
		_expect_eq "name on $d" "$(cat "$TMPDIR"/mnt/$d/name)" $d
		cmp "$TMPDIR"/mnt/$d/data "$TMPDIR"/$d.data || _fail "data on $d changed"
		umount "$TMPDIR"/mnt/$d
	done
	_unload
	for p in blkex0p1 blkex0p2 blkex1p1 blkex1p2; do
		[ ! -e /dev/$p ] || _fail "/dev/$p remains after rmmod"
	done
}
