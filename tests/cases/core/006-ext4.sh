#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# an ext4 file system on the disk. This test will make it, write files,
# sync, unmount, remount, check every file's checksum and run fsck.ext4 -fn.
DESCRIPTION="ext4 on the disk survives a remount and checks clean"

requires() {
	_have_program mkfs.ext4
	_have_program fsck.ext4
}

test_case() {
	local mnt i mib
	# The files below take 7.6 MiB whatever the scale.
	mib=$(_scaled 64)
	((mib >= 16)) || mib=16
	_load num_sectors=$((mib * 2048))
	mkfs.ext4 -q -F "$BLKEX_DEV"
	mnt=$(_mnt_dir blkex0)
	mount "$BLKEX_DEV" "$mnt"
	for ((i = 0; i < 20; i++)); do
		head -c $(( (i + 1) * 37 * 1024 )) /dev/urandom > "$mnt"/file$i
	done
	mkdir "$mnt"/dir
	cp "$mnt"/file1 "$mnt"/dir/copy
	(cd "$mnt" && sha256sum file* dir/copy) > "$TMPDIR"/sums
	sync
	umount "$mnt"
	mount "$BLKEX_DEV" "$mnt"
	(cd "$mnt" && sha256sum -c --quiet "$TMPDIR"/sums) || _fail "file contents changed"
	umount "$mnt"
	fsck.ext4 -fn "$BLKEX_DEV" || _fail "fsck.ext4 found problems"
}
