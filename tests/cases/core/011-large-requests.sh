#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# multi-segment requests of up to 1 MiB. This test will write and read with
# 1 MiB direct I/O, check from the disk's stat counters that the requests
# really were large, and compare the data.
DESCRIPTION="multi-segment requests of up to 1 MiB"

requires() {
	_have_program fio
}

# _stat FIELD: a field of /sys/block/blkex0/stat (1 reads, 3 read sectors,
# 5 writes, 7 written sectors).
_stat() {
	awk -v f="$1" '{ print $f }' /sys/block/blkex0/stat
}

test_case() {
	local ios sectors
	_load num_sectors=65536
	head -c $((16 << 20)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=1M oflag=direct status=none
	ios=$(_stat 5)
	sectors=$(_stat 7)
	echo "writes: $ios requests, $sectors sectors"
	[ $((sectors / ios)) -ge 1024 ] ||
		_fail "average write request $((sectors / ios)) sectors, want >= 1024"
	dd if="$BLKEX_DEV" of="$TMPDIR"/back bs=1M count=16 iflag=direct status=none
	ios=$(_stat 1)
	sectors=$(_stat 3)
	echo "reads: $ios requests, $sectors sectors"
	[ $((sectors / ios)) -ge 1024 ] ||
		_fail "average read request $((sectors / ios)) sectors, want >= 1024"
	cmp "$TMPDIR"/data "$TMPDIR"/back || _fail "1 MiB I/O corrupted data"
	# Small sequential buffered writes are merged into larger requests.
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=4k count=2048 status=none conv=fsync
	cmp -n $((8 << 20)) "$TMPDIR"/data "$BLKEX_DEV" || _fail "buffered I/O corrupted data"
}
