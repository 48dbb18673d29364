#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fstrim on a mounted ext4 over a disk full of random bytes. This test will
# check that fstrim trims the free space, that every block the file system
# then lists as free (a deleted file's included) reads back as zeroes, and
# that the file system checks clean with the file it keeps intact.
DESCRIPTION="fstrim on ext4 zeroes the free space"

requires() {
	_have_program mkfs.ext4
	_have_program fstrim
	_have_program dumpe2fs
}

test_case() {
	local mnt out trimmed ranges r first last nr=0
	_load num_sectors=131072
	# Free space that was never trimmed holds garbage, not zeroes.
	dd if=/dev/urandom of="$BLKEX_DEV" bs=1M count=64 oflag=direct status=none
	mkfs.ext4 -q -F -E nodiscard -b 4096 "$BLKEX_DEV"
	mnt=$(_mnt_dir blkex0)
	mount "$BLKEX_DEV" "$mnt"
	head -c $((4 << 20)) /dev/urandom > "$mnt"/keep
	head -c $((8 << 20)) /dev/urandom > "$mnt"/gone
	cp "$mnt"/keep "$TMPDIR"/keep
	sync
	rm "$mnt"/gone
	sync
	out=$(fstrim -v "$mnt") || _fail "fstrim failed: $out"
	echo "$out"
	trimmed=$(echo "$out" | sed -nE 's/.*\(([0-9]+) bytes\) trimmed.*/\1/p')
	[ "${trimmed:-0}" -ge $((8 << 20)) ] || _fail "fstrim trimmed ${trimmed:-0} bytes"
	cmp "$mnt"/keep "$TMPDIR"/keep || _fail "the kept file changed"
	umount "$mnt"

	ranges=$(dumpe2fs "$BLKEX_DEV" 2> /dev/null | sed -n 's/^ *Free blocks: //p' | tr ',' ' ')
	for r in $ranges; do
		first=${r%-*} last=${r#*-}
		cmp -s -n $(((last - first + 1) * 4096)) /dev/zero \
			<(dd if="$BLKEX_DEV" bs=4096 skip="$first" count=$((last - first + 1)) \
			     iflag=direct status=none) ||
			_fail "free blocks $r still hold data after fstrim"
		nr=$((nr + last - first + 1))
	done
	echo "$nr free blocks read back as zeroes"
	[ "$nr" -ge 2048 ] || _fail "only $nr free blocks found: $ranges"
	fsck.ext4 -fn "$BLKEX_DEV" || _fail "fsck after fstrim"
}
