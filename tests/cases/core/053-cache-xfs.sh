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

# shellcheck source=tests/lib/cache-cut.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/cache-cut.sh"

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
