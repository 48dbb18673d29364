#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
DESCRIPTION="delay injection. This test will check that delay_us, from a load parameter or from debugfs, makes fio's mean completion latency at depth 1 at least that long (the delay counts from queue_rq, so the deferral overlaps it), that at depth 32 the requests are delayed together rather than one after the other (as null_blk's completion_nsec: the delay adds less than 16 delays to the depth-32 latency without it, where one after the other would add 32), and that setting it back to 0 removes it."

requires() {
	_have_program fio
}

DBG=/sys/kernel/debug/blk_example/blkex0

# _lat_us DEPTH: mean completion latency of 4 KiB random reads, microseconds.
_lat_us() {
	_fio --name=lat --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth="$1" --time_based --runtime=3 \
		--ramp_time=1
	_fio_field "['jobs'][0]['read']['clat_ns']['mean'] // 1000" | cut -d. -f1
}

test_case() {
	local base slow deep long base_deep
	_load num_sectors=65536 hw_queues=1 delay_us=5000
	slow=$(_lat_us 1)
	deep=$(_lat_us 32)
	echo 20000 > $DBG/delay_us
	long=$(_lat_us 1)
	echo 0 > $DBG/delay_us
	base=$(_lat_us 1)
	base_deep=$(_lat_us 32)
	echo "mean latency: with delay_us=5000 $slow us at depth 1 and $deep us" \
	     "at depth 32; $long us with delay_us=20000; with delay_us=0" \
	     "$base us at depth 1 and $base_deep us at depth 32"
	# The delay counts from queue_rq: a request is served no sooner, so the
	# deferral's own latency overlaps it rather than adding to it (on the
	# debug kernel under load, 7017 us with delay_us=5000 against 2763 us
	# without). At least the delay, then, and not the delay plus base.
	[ "$slow" -ge 5000 ] || _fail "depth 1: $slow us, want >= 5000"
	[ "$slow" -le $((base + 25000)) ] || _fail "depth 1: $slow us, far above $base + 5000"
	[ "$long" -ge 20000 ] || _fail "delay_us=20000: $long us"
	[ "$base" -lt 5000 ] || _fail "delay_us=0: $base us, the delay was not removed"
	[ "$long" -le $((base + 40000)) ] || _fail "delay_us=20000: $long us, far above"
	# One after the other, 32 requests in flight would add about 32 delays
	# to the latency at depth 32; together about one. Measured against the
	# same depth without the delay, not against depth 1: on the debug
	# kernel the CPU alone makes depth 32 take about 190 ms (1304 us at
	# depth 1, 195477 us at depth 32 with the delay), more than 32 delays.
	[ "$deep" -ge 5000 ] || _fail "depth 32: $deep us, below the delay"
	[ $((deep - base_deep)) -lt $((16 * 5000)) ] ||
		_fail "depth 32: $deep us against $base_deep us without the delay, 16 delays or more: the delays add up"
}
