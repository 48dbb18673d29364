#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xfs through power cuts on a disk with a write cache. This test will check
# that xfs keeps every fsynced file intact and xfs_repair -n finds nothing
# after a cut (power 0 while mounted, then 1) in each of the loss modes all,
# random and torn, as 052 does for ext4. xfs has no nobarrier any more
# (removed in 4.19), so the loss side is 052's alone.
DESCRIPTION="xfs keeps fsynced files across a cut in each loss mode"

requires() {
	_have_program mkfs.xfs
	_have_program xfs_repair
}

CFS=/sys/kernel/config/blk_example
DIR=$CFS/xf

# _files MNT SUB: write three files in MNT/SUB, fsync them, and print
# their checksums.
_files() {
	local i
	mkdir -p "$1/$2"
	for i in 1 2 3; do
		head -c $((256 << 10)) /dev/urandom > "$1/$2/f$i"
		sync "$1/$2/f$i" || _fail "fsync of $2/f$i failed"
	done
	(cd "$1" && md5sum "$2"/f[123])
}

# _unsynced MNT SUB: three more files written with O_DIRECT and never
# synced, right before the cut: their data sits in the disk's cache,
# unflushed, unless the journal's periodic commit (5 s) flushed it first.
_unsynced() {
	local i
	for i in 4 5 6; do
		dd if=/dev/urandom of="$1/$2/f$i" bs=64k count=4 oflag=direct status=none ||
			_fail "write of $2/f$i failed"
	done
}

test_case() {
	local mnt=$TMPDIR/mnt mode sums
	mkdir "$mnt"
	insmod "$BLKEX_KO" nr_devices=0 || _fail "insmod failed"
	DEV=$(_cfs_new xf num_sectors=131072 cache_size=16)
	# 64 MiB is below mkfs.xfs's 300 MB floor, which fstests' variables lift.
	TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f "$DEV" ||
		_fail "mkfs.xfs failed"

	for mode in all random torn; do
		echo 0 > $DIR/power
		echo $mode > $DIR/cache_loss
		echo 1 > $DIR/power
		_wait_for_dev "$DEV"
		mount "$DEV" "$mnt" || _fail "$mode: mount failed"
		sums=$(_files "$mnt" $mode)
		_unsynced "$mnt" $mode
		# The cut, under the mounted file system; then unmount the dead one.
		echo 0 > $DIR/power
		umount "$mnt" 2> /dev/null || umount -l "$mnt"
		echo 1 > $DIR/power
		_wait_for_dev "$DEV"
		echo "$mode: $(grep -E '^last_cut_(dirty|lost|torn) ' $DIR/cache_stats | xargs)"
		mount "$DEV" "$mnt" || _fail "$mode: mount after the cut failed"
		(cd "$mnt" && md5sum -c <<< "$sums") || _fail "$mode: fsynced files changed"
		umount "$mnt"
		xfs_repair -n "$DEV" > "$TMPDIR/repair.out" 2>&1 ||
			{ cat "$TMPDIR/repair.out"; _fail "$mode: xfs_repair -n found problems"; }
		echo "$mode: fsynced files intact, xfs_repair -n clean"
	done
	rmdir $DIR
}
