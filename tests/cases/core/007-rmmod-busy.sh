#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod while the disk is mounted. This test will check that rmmod fails,
# that the file system and module stay usable, and that rmmod succeeds after
# umount.
DESCRIPTION="rmmod fails while the disk is mounted"

requires() {
	_have_program mkfs.ext4
}

test_case() {
	local mnt
	_load num_sectors=65536
	mkfs.ext4 -q -F "$BLKEX_DEV"
	mnt=$(_mnt_dir blkex0)
	mount "$BLKEX_DEV" "$mnt"
	echo before > "$mnt"/a
	if rmmod blk_example; then
		_fail "rmmod succeeded with a mounted file system"
	fi
	_module_loaded || _fail "module gone after a failed rmmod"
	echo after > "$mnt"/b
	sync
	_expect_eq "file a" "$(cat "$mnt"/a)" before
	umount "$mnt"
	mount "$BLKEX_DEV" "$mnt"
	_expect_eq "file b" "$(cat "$mnt"/b)" after
	umount "$mnt"
	rmmod blk_example || _fail "rmmod failed after umount"
	! _module_loaded || _fail "module still loaded"
}
