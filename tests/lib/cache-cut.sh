#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the cases that cut power under a file system on a cached disk
# (core/052 ext4, core/053 xfs): the files each writes before a cut.

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
