#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ext4 through power cuts on a disk with a write cache. This test will check
# that ext4 with default options keeps every fsynced file intact and passes
# e2fsck -fn after a cut (power 0 while mounted, then 1) in each of the
# loss modes all, random and torn, and that with -o nobarrier, which sends
# no flush, a cut with cache_loss=random shows the loss (a fsynced file
# changed, a failed mount or fsck errors) within a few rounds: the cache
# really drops what was never flushed.
DESCRIPTION="ext4 keeps fsynced files across cuts; nobarrier shows the loss"

requires() {
	_have_program mkfs.ext4
	_have_program e2fsck
}

CFS=/sys/kernel/config/blk_example
DIR=$CFS/e4
# nobarrier rounds at most: one almost always shows the loss (see below).
ROUNDS=3

# shellcheck source=tests/lib/cache-cut.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/cache-cut.sh"

# _cut MNT: power 0 under the mounted file system, then unmount the dead
# one (its writes fail, as after a real power cut) and power on again.
_cut() {
	echo 0 > "$DIR/power"
	umount "$1" 2> /dev/null || umount -l "$1"
	echo 1 > "$DIR/power"
	_wait_for_dev "$DEV"
}

# _check MNT SUMS: "ok", or what shows the loss: mount (which replays the
# journal) and compare checksums, unmount, then e2fsck -fn.
_check() {
	local bad=""
	if ! mount "$DEV" "$1" 2> /dev/null; then
		echo "mount failed"
		return
	fi
	(cd "$1" && md5sum --quiet -c 2> /dev/null <<< "$2") || bad="fsynced files changed"
	umount "$1"
	e2fsck -fn "$DEV" > "$TMPDIR/fsck.out" 2>&1 || bad="${bad:+$bad, }e2fsck errors"
	echo "${bad:-ok}"
}

test_case() {
	local mnt=$TMPDIR/mnt mode sums res i
	mkdir "$mnt"
	insmod "$BLKEX_KO" nr_devices=0 || _fail "insmod failed"
	DEV=$(_cfs_new e4 num_sectors=131072 cache_size=16)
	mkfs.ext4 -q "$DEV" || _fail "mkfs.ext4 failed"

	for mode in all random torn; do
		echo 0 > $DIR/power
		echo $mode > $DIR/cache_loss
		echo 1 > $DIR/power
		_wait_for_dev "$DEV"
		mount "$DEV" "$mnt" || _fail "mount failed"
		sums=$(_files "$mnt" $mode)
		_unsynced "$mnt" $mode
		_cut "$mnt"
		echo "$mode: $(grep -E '^last_cut_(dirty|lost|torn) ' $DIR/cache_stats | xargs)"
		res=$(_check "$mnt" "$sums")
		[ "$res" = ok ] || { cat "$TMPDIR/fsck.out"; _fail "$mode: $res"; }
		echo "$mode: fsynced files intact, e2fsck -fn clean"
	done

	# nobarrier: fsync sends no flush, so the cut may take fsynced data.
	# Each dirty 4 KiB block survives a random cut with probability 1/2,
	# independently: the three fsynced files alone are 192 blocks, so a
	# round misses the loss with a probability below 2^-192, and ROUNDS
	# rounds only guard against an unlucky metadata layout.
	echo 0 > $DIR/power
	echo random > $DIR/cache_loss
	echo 1 > $DIR/power
	_wait_for_dev "$DEV"
	for ((i = 1; i <= ROUNDS; i++)); do
		mkfs.ext4 -q -F "$DEV" || _fail "mkfs.ext4 failed"
		mount -o nobarrier "$DEV" "$mnt" || _fail "mount -o nobarrier failed"
		sums=$(_files "$mnt" nobarrier)
		_unsynced "$mnt" nobarrier
		_cut "$mnt"
		res=$(_check "$mnt" "$sums")
		echo "nobarrier round $i: lost $(awk '$1 == "last_cut_lost" { print $2 }' $DIR/cache_stats) blocks: $res"
		[ "$res" = ok ] || break
	done
	[ "$res" != ok ] || _fail "nobarrier: no loss shown in $ROUNDS random cuts"
	rmdir $DIR
}
