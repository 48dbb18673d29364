#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
DESCRIPTION="tracing/stages.bt against q2c.bt and fio. Both scripts are attached while fio does 4000 4 KiB random reads at iodepth 8. This test will check that every stage counts exactly fio's I/Os, as q2c.bt does, that the four stage means add up to stages.bt's q2c mean within 1% and that neither q2c mean is above fio's completion latency mean, and that every stage's p50 and p99 columns are there, in order, and name the rows of its histogram in which half and 99% of its requests are counted. The two scripts' means are not compared: each one's probes run inside the other's intervals, which under emulation costs several percent."

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tracing.sh"

requires() {
	_have_program bpftrace
	_have_program fio
}

test_case() {
	local ios q2c q2c_pid stages count mean s sum clat p50 p99
	ios=$(_scaled 4000)
	_load
	_bt_start /tmp/q2c.out "$TRACING/q2c.bt"
	q2c_pid=$BT_PID
	_bt_start /tmp/stages.out "$TRACING/stages.bt"
	stages=$BT_PID
	_fio --name=r4k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=8 --number_ios="$ios" --size=64M
	_expect_eq "fio reads" "$(_fio_field "['jobs'][0]['read']['total_ios']")" "$ios"
	clat=$(_fio_field "['jobs'][0]['read']['clat_ns']['mean']")
	_bt_stop "$q2c_pid" /tmp/q2c.out
	_bt_stop "$stages" /tmp/stages.out
	cat /tmp/q2c.out /tmp/stages.out

	read -r count mean <<< "$(_bt_stats /tmp/q2c.out read)"
	_expect_eq "q2c.bt count" "$count" "$ios"
	sum=0
	for s in wq_delay mutex_wait copy completion; do
		_expect_eq "$s count" "$(_stage /tmp/stages.out $s 3)" "$ios"
		_expect_eq "$s histogram" \
			"$(_bt_hist_total /tmp/stages.out "@${s}_ns")" "$ios"
		sum=$(awk -v a="$sum" -v b="$(_stage /tmp/stages.out $s 4)" \
			'BEGIN { printf "%.1f", a + b }')
	done
	_expect_eq "stages.bt q2c count" "$(_stage /tmp/stages.out q2c 3)" "$ios"
	for s in wq_delay mutex_wait copy completion q2c; do
		p50=$(_stage /tmp/stages.out $s 6)
		p99=$(_stage /tmp/stages.out $s 7)
		[[ $p50 =~ ^[0-9]+$ && $p99 =~ ^[0-9]+$ ]] ||
			_fail "$s: no p50_ns/p99_ns columns ('$p50' '$p99')"
		[ "$p50" -le "$p99" ] || _fail "$s: p50 $p50 ns above p99 $p99 ns"
		_expect_eq "$s p50 row" "$p50" \
			"$(_bt_hist_pct /tmp/stages.out "@${s}_ns" 50)"
		_expect_eq "$s p99 row" "$p99" \
			"$(_bt_hist_pct /tmp/stages.out "@${s}_ns" 99)"
	done
	q2c=$(_stage /tmp/stages.out q2c 4)
	echo "stage means add up to $sum ns; q2c mean $q2c ns (stages.bt), $mean ns (q2c.bt); fio clat mean $clat ns"
	_within_pct "$sum" "$q2c" 1 ||
		_fail "stage means add up to $sum ns, not within 1% of the q2c mean $q2c ns"
	awk -v a="$q2c" -v b="$mean" -v c="$clat" 'BEGIN { exit !(a <= c && b <= c) }' ||
		_fail "a q2c mean is above fio's clat mean $clat ns"
}
