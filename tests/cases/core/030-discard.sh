#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# discard and write-zeroes with blkdiscard. This test will check that both
# are advertised in the queue limits, that a discarded or zeroed range reads
# back as zeroes while the data around it is untouched, and that the block
# layer never had to fall back from write-zeroes.
DESCRIPTION="discard and write-zeroes read back as zeroes"

requires() {
	_have_program blkdiscard
}

# _expect_range WHAT FILE OFF LEN: the device at OFF..OFF+LEN equals FILE there.
_expect_range() {
	cmp -s <(dd if="$BLKEX_DEV" bs=512 skip=$(($3 / 512)) count=$(($4 / 512)) \
		 iflag=direct status=none) \
	       <(dd if="$2" bs=512 skip=$(($3 / 512)) count=$(($4 / 512)) status=none) ||
		_fail "$1: bytes $3..$(($3 + $4)) differ"
	echo "$1: bytes $3..$(($3 + $4)) as expected"
}

test_case() {
	local q=/sys/block/blkex0/queue mib=$((1 << 20))
	_load num_sectors=16384
	[ "$(cat $q/discard_max_bytes)" -gt 0 ] || _fail "discard not advertised"
	[ "$(cat $q/write_zeroes_max_bytes)" -gt 0 ] ||
		_fail "write-zeroes not advertised"
	echo "discard_max_bytes $(cat $q/discard_max_bytes)," \
	     "write_zeroes_max_bytes $(cat $q/write_zeroes_max_bytes)"

	head -c $((8 * mib)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=1M oflag=direct status=none
	cp "$TMPDIR"/data "$TMPDIR"/want

	# Discard 1 MiB + 3 sectors at an odd sector, then write-zeroes 2 MiB + 1.
	blkdiscard -o $((mib + 1536)) -l $((mib + 1536)) "$BLKEX_DEV"
	dd if=/dev/zero of="$TMPDIR"/want bs=512 seek=$(((mib + 1536) / 512)) \
		count=$(((mib + 1536) / 512)) conv=notrunc status=none
	blkdiscard -z -o $((4 * mib)) -l $((2 * mib + 512)) "$BLKEX_DEV"
	dd if=/dev/zero of="$TMPDIR"/want bs=512 seek=$((4 * mib / 512)) \
		count=$(((2 * mib + 512) / 512)) conv=notrunc status=none

	_expect_range "before the discard" "$TMPDIR"/want 0 $((mib + 1536))
	_expect_range "discarded" "$TMPDIR"/want $((mib + 1536)) $((mib + 1536))
	_expect_range "between" "$TMPDIR"/want $((2 * mib + 3072)) $((2 * mib - 3072))
	_expect_range "write-zeroed" "$TMPDIR"/want $((4 * mib)) $((2 * mib + 512))
	_expect_range "after" "$TMPDIR"/want $((6 * mib + 512)) $((2 * mib - 512))
	cmp "$TMPDIR"/want "$BLKEX_DEV" || _fail "the device differs from what is expected"

	# A NOTSUPP answer makes the block layer turn write-zeroes off.
	[ "$(cat $q/write_zeroes_max_bytes)" -gt 0 ] ||
		_fail "write-zeroes was disabled after use"
	# Discards completed (the 12th field of stat) were counted.
	local discards
	discards=$(awk '{ print $12 }' /sys/block/blkex0/stat)
	[ "$discards" -gt 0 ] || _fail "no discard request completed"
	echo "discards completed: $discards"

	# Whole device, larger than one request (32 MiB), ends on the last sector.
	_unload
	_load num_sectors=$((80 * 2048))
	dd if=/dev/urandom of="$BLKEX_DEV" bs=1M count=80 oflag=direct status=none
	blkdiscard "$BLKEX_DEV"
	cmp -n $((80 * mib)) /dev/zero "$BLKEX_DEV" || _fail "whole-device discard left data"
	echo "whole-device discard reads back as zeroes"
}
