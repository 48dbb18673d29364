#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# load and unload 20 times. This test will write and read back a block on
# each load and check each fresh disk reads as zero.
DESCRIPTION="20 loads and unloads, each disk fresh"

test_case() {
	local i
	head -c 4096 /dev/urandom > "$TMPDIR"/block
	for ((i = 0; i < 20; i++)); do
		_load num_sectors=2048
		cmp -n 4096 "$BLKEX_DEV" /dev/zero || _fail "load $i: not zero"
		dd if="$TMPDIR"/block of="$BLKEX_DEV" bs=4k seek=$((i % 256)) \
			oflag=direct status=none
		cmp <(dd if="$BLKEX_DEV" bs=4k skip=$((i % 256)) count=1 \
			iflag=direct status=none) "$TMPDIR"/block ||
			_fail "load $i: block reads back different"
		_unload
	done
}
