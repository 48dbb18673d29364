#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# delay injection. This test will check that delay_us, from a load parameter
# or from debugfs, makes fio's mean completion latency at depth 1 at least
# that long (the delay counts from queue_rq, so the deferral overlaps it),
# that at depth 32 the requests are delayed together rather than one after
# the other (as null_blk's completion_nsec: the delay adds less than 20
# delays to the depth-32 latency without it, where one after the other adds
# at least 32), and that setting it back to 0 removes it.
DESCRIPTION="delay_us delays requests, together at depth"

requires() {
	_have_program fio
}

DBG=/sys/kernel/config/blk_example/blkex0

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
	# deferral's own latency overlaps it rather than adding to it: on a
	# slow kernel the base latency is a large part of the delay. At least
	# the delay, then, and not the delay plus base.
	[ "$slow" -ge 5000 ] || _fail "depth 1: $slow us, want >= 5000"
	[ "$slow" -le $((base + 25000)) ] || _fail "depth 1: $slow us, far above $base + 5000"
	[ "$long" -ge 20000 ] || _fail "delay_us=20000: $long us"
	[ "$base" -lt 5000 ] || _fail "delay_us=0: $base us, the delay was not removed"
	[ "$long" -le $((base + 40000)) ] || _fail "delay_us=20000: $long us, far above"
	# One after the other, each of 32 requests in flight sleeps its delay
	# behind the others: at least 32 delays more at depth 32. Together,
	# each drain of the pending list waits once for the batch it took, so
	# the delays added follow the number of drains: about one on a stock
	# kernel, several on the debug kernel (its batch sizes not measured).
	# The bound, 20, sits between the two. Measured against the same
	# depth without the delay, not against depth 1: on a slow kernel (the
	# debug lane's) the CPU alone makes depth 32 several times slower
	# than depth 1. Runs on each side of the bound: docs/testing.md.
	[ "$deep" -ge 5000 ] || _fail "depth 32: $deep us, below the delay"
	[ $((deep - base_deep)) -lt $((20 * 5000)) ] ||
		_fail "depth 32: $deep us against $base_deep us without the delay, 20 delays or more: the delays add up"
}
