#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the zone model of zoned=1. This test will check the zoned queue limits in
# sysfs and blkzone report's zones, that a sequential zone takes a write at
# its write pointer and fails one elsewhere while a conventional zone takes
# both, the open, close, finish and reset state machine, that a reset zone
# reads back as zeroes, zone_max_open's limit, and that the blkex_zone_op
# tracepoint names the operation, the zone and its new write pointer.
DESCRIPTION="zoned=1: report, write pointer, open/close/finish/reset, limits"

requires() {
	_have_program blkzone
}

# _zone N: "cond wp" of zone N (8192-sector zones) from blkzone report,
# cond as blkzone's number, wp in sectors from the zone's start.
_zone() {
	blkzone report -o $(($1 * 8192)) -c 1 "$BLKEX_DEV" |
		sed -n 's/.*wptr 0x\([0-9a-f]*\) .*zcond: *\([0-9]*\).*/\2 \1/p' |
		{ read -r c w; echo "$c $((16#$w))"; }
}

_expect_zone() {
	_expect_eq "zone $1 (cond wp) $3" "$(_zone "$1")" "$2"
}

# _write_at SECTOR [COUNT]: COUNT (1) 4 KiB direct writes of random data.
_write_at() {
	dd if=/dev/urandom of="$BLKEX_DEV" bs=4k seek=$(($1 / 8)) \
		count="${2:-1}" oflag=direct status=none 2> /dev/null
}

test_case() {
	local q=/sys/block/blkex0/queue line
	# 32 MiB in eight 4 MiB zones, the first conventional.
	_load num_sectors=65536 zoned=1 zone_size=4 zone_nr_conv=1
	_expect_eq "zoned" "$(cat $q/zoned)" host-managed
	_expect_eq "chunk_sectors" "$(cat $q/chunk_sectors)" 8192
	_expect_eq "nr_zones" "$(cat $q/nr_zones)" 8
	_expect_eq "zone_append_max_bytes" "$(cat $q/zone_append_max_bytes)" $((2048 * 512))
	_expect_eq "discard_max_bytes" "$(cat $q/discard_max_bytes)" 0
	blkzone report "$BLKEX_DEV"
	_expect_eq "zones reported" "$(blkzone report "$BLKEX_DEV" | wc -l)" 8
	blkzone report "$BLKEX_DEV" | head -1 | grep -q "CONVENTIONAL" ||
		_fail "zone 0 is not conventional"
	_expect_eq "sequential zones" \
		"$(blkzone report "$BLKEX_DEV" | grep -c 'zcond: 1(em).*SEQ_WRITE_REQUIRED')" 7

	# Conventional: anywhere. Sequential: at the write pointer only.
	_write_at 4096 || _fail "a write inside the conventional zone failed"
	_write_at 8192 2 || _fail "a write at zone 1's write pointer failed"
	_expect_zone 1 "2 16" "after two writes (implicitly open)"
	! _write_at $((8192 + 64)) || _fail "a write past zone 1's write pointer succeeded"
	! _write_at 8192 || _fail "a write below zone 1's write pointer succeeded"
	_expect_zone 1 "2 16" "after two refused writes"
	_write_at $((8192 + 16)) || _fail "a write at the moved write pointer failed"
	_expect_zone 1 "2 24" "after the third write"

	# The state machine: open, close, finish, reset.
	blkzone open -o 16384 -c 1 "$BLKEX_DEV"
	_expect_zone 2 "3 0" "explicitly opened"
	blkzone close -o 16384 -c 1 "$BLKEX_DEV"
	_expect_zone 2 "1 0" "closed while empty"
	blkzone close -o 8192 -c 1 "$BLKEX_DEV"
	_expect_zone 1 "4 24" "closed after writes"
	blkzone finish -o 8192 -c 1 "$BLKEX_DEV"
	_expect_zone 1 "14 8192" "finished"
	! _write_at $((8192 * 2 - 8)) || _fail "a write to a full zone succeeded"
	blkzone reset -o 8192 -c 1 "$BLKEX_DEV"
	_expect_zone 1 "1 0" "reset"
	cmp -n $((4 << 20)) /dev/zero <(dd if="$BLKEX_DEV" bs=1M skip=4 count=4 \
		iflag=direct status=none) || _fail "a reset zone does not read as zeroes"
	# A zone operation on the conventional zone fails.
	! blkzone reset -o 0 -c 1 "$BLKEX_DEV" 2> /dev/null ||
		_fail "a reset of the conventional zone succeeded"

	# Reset all, and the tracepoint.
	_write_at $((8192 * 3)) 4 || _fail "writes to zone 3 failed"
	_write_at $((8192 * 5)) || _fail "a write to zone 5 failed"
	_trace_inst
	echo 1 > "$TRACE_INST"/events/blk_example/blkex_zone_op/enable
	_write_at $((8192 * 3 + 32)) || _fail "a write at zone 3's write pointer failed"
	blkzone reset "$BLKEX_DEV"
	echo 0 > "$TRACE_INST"/tracing_on
	grep blkex_zone_op "$TRACE_INST"/trace
	line=$(grep -c "blkex_zone_op: [0-9,]* WRITE zone=3 sector=24608 + 8 wp=24616 cond=2 " "$TRACE_INST"/trace)
	_expect_eq "blkex_zone_op for the write to zone 3" "$line" 1
	_expect_eq "zones blkex_zone_op reset" \
		"$(grep -o 'ZONE_RESET_ALL zone=[0-9]* sector=[0-9]* + [0-9]* wp=[0-9]* cond=1' "$TRACE_INST"/trace |
		   cut -d' ' -f2 | tr '\n' ' ')" "zone=3 zone=5 "
	_trace_inst_rm
	_expect_eq "non-empty zones after reset all" \
		"$(blkzone report "$BLKEX_DEV" | grep 'SEQ_WRITE' | grep -vc 'zcond: 1(em)')" 0
	_unload

	# zone_max_open=2: a third explicitly opened zone is refused, and a
	# write to a fourth zone too (explicit opens are never closed for it).
	_load num_sectors=65536 zoned=1 zone_size=4 zone_max_open=2
	_expect_eq "max_open_zones" "$(cat $q/max_open_zones)" 2
	blkzone open -o 0 -c 2 "$BLKEX_DEV" || _fail "opening two zones failed"
	! blkzone open -o 16384 -c 1 "$BLKEX_DEV" 2> /dev/null ||
		_fail "a third open zone was allowed"
	! _write_at 24576 || _fail "a write to a third zone was allowed"
	blkzone close -o 0 -c 1 "$BLKEX_DEV"
	# After a failed write, zone write plugging (6.12) fails the zone's
	# writes until a report tells it the write pointer, as for any device.
	_expect_zone 3 "1 0" "after the refused write"
	_write_at 24576 || _fail "a write to a third zone failed after a close"
	_expect_zone 3 "2 8" "implicitly open"
	_unload
}
