#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# I/O at the end of the disk. This test will check that the last sector can
# be written and read back, and that a write one sector past the end fails.
DESCRIPTION="I/O at the last sector works, one past the end fails"

test_case() {
	local n=20480
	_load num_sectors=$n
	head -c 512 /dev/urandom > "$TMPDIR"/sector
	dd if="$TMPDIR"/sector of="$BLKEX_DEV" bs=512 seek=$((n - 1)) count=1 \
		oflag=direct status=none || _fail "write of the last sector failed"
	dd if="$BLKEX_DEV" of="$TMPDIR"/back bs=512 skip=$((n - 1)) count=1 \
		iflag=direct status=none
	cmp "$TMPDIR"/sector "$TMPDIR"/back || _fail "last sector reads back different"
	if dd if="$TMPDIR"/sector of="$BLKEX_DEV" bs=512 seek=$n count=1 \
		oflag=direct status=none; then
		_fail "a write past the end succeeded"
	fi
	# Nothing comes back from past the end.
	_expect_eq "bytes read past the end" \
		"$(dd if="$BLKEX_DEV" bs=512 skip=$n count=1 iflag=direct status=none | wc -c)" 0
	# The disk still works.
	dd if="$BLKEX_DEV" of="$TMPDIR"/back bs=512 skip=$((n - 1)) count=1 \
		iflag=direct status=none
	cmp "$TMPDIR"/sector "$TMPDIR"/back || _fail "last sector changed"
}
