#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tracing/stages.bt against q2c.bt and fio. q2c.bt, stages.bt with PERIOD 1
# (every request) and stages.bt with PERIOD 8 are attached while fio does
# 4000 4 KiB random reads at iodepth 8. This test will check that with
# PERIOD 1 every stage counts exactly fio's I/Os, as q2c.bt does, that the
# four stage means add up to stages.bt's q2c mean within 1% and that neither
# q2c mean is above fio's completion latency mean, and that every stage's
# p50_le_ns and p99_le_ns columns are there, named as bounds, in order, and
# name the rows of its histogram in which half and 99% of its requests are
# counted; and that with PERIOD 8 the count is one that taking each request
# with a chance of 1 in 8 gives with a chance of at least SAMPLE_ALPHA
# (exact binomial tails; stages.bt samples by a hash of seq), the histograms
# hold as many, the summary says it sampled, every stage's sampled histogram
# is one that 1 in 8 of the PERIOD 1 run's requests gives with a chance of
# at least SAMPLE_ALPHA at every row, and so are its p50 and p99 rows (exact
# binomial tails, see SAMPLE_CHECK), and the q2c mean is within a factor of
# 2 of it (a loose bound: see SAMPLE_NOTE). The two scripts' means are not
# compared: each one's probes run inside the other's intervals, which under
# emulation costs several percent.
DESCRIPTION="stages.bt's counts, means and 1-in-8 sample against fio"

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tracing.sh"
# shellcheck source=tests/lib/sample.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/sample.sh"

# SAMPLE_NOTE: a sample of 500 requests of 4000 at iodepth 8. Without the
# icount clock the host's preemptions give the latencies a long tail
# (rows of 8-16 ms against a median of 0.5 ms), and a few requests in it
# make most of a mean, which a sample mostly misses or over-weights. The
# means and shares of the two runs are therefore not held to a tight
# bound: on a loaded host, on 6.1, the sampled q2c mean was 852 us against
# 1461 us and the completion share 44% against 65%, while every stage's
# p50 and p99 rows were equal. The rows are what is compared.
#
# SAMPLE_CHECK: the PERIOD 8 run sees 1 in 8 of the same requests, so its
# histograms are checked as a sample of the PERIOD 1 run's with exact
# binomial tails (tests/lib/sample.sh). A fixed "same row or a neighbour"
# bound on the p50 and p99 rows failed on two debug runs whose samples
# were fine, at the 10% scale (400 requests, 50 sampled): the copy
# stage's p99 row was 32 us against 2 ms for every request (the 4
# slowest of 400 were none of the 50), and the completion stage's p50 row
# was 131 us against 2 ms (its times fall in two clusters either side of
# 50%). tests/host/tooling/004-sample-fair.sh holds those runs' histograms.

requires() {
	_have_program bpftrace
	_have_program fio
}

test_case() {
	local ios q2c q2c_pid stages sampled count mean s sum clat p50 p99
	ios=$(_scaled 4000)
	_load
	_bt_start "$TMPDIR"/q2c.out "$TRACING/q2c.bt"
	q2c_pid=$BT_PID
	_bt_start "$TMPDIR"/stages.out "$TRACING/stages.bt" 0 1
	stages=$BT_PID
	_bt_start "$TMPDIR"/sampled.out "$TRACING/stages.bt" 0 8
	sampled=$BT_PID
	_fio --name=r4k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=8 --number_ios="$ios" --size=64M
	_expect_eq "fio reads" "$(_fio_field "['jobs'][0]['read']['total_ios']")" "$ios"
	clat=$(_fio_field "['jobs'][0]['read']['clat_ns']['mean']")
	_bt_stop "$q2c_pid" "$TMPDIR"/q2c.out
	_bt_stop "$stages" "$TMPDIR"/stages.out
	_bt_stop "$sampled" "$TMPDIR"/sampled.out
	cat "$TMPDIR"/q2c.out "$TMPDIR"/stages.out "$TMPDIR"/sampled.out

	read -r count mean <<< "$(_bt_stats "$TMPDIR"/q2c.out read)"
	_expect_eq "q2c.bt count" "$count" "$ios"
	sum=0
	for s in wq_delay mutex_wait copy completion; do
		_expect_eq "$s count" "$(_stage "$TMPDIR"/stages.out $s 3)" "$ios"
		_expect_eq "$s histogram" \
			"$(_bt_hist_total "$TMPDIR"/stages.out "@${s}_ns")" "$ios"
		sum=$(awk -v a="$sum" -v b="$(_stage "$TMPDIR"/stages.out $s 4)" \
			'BEGIN { printf "%.1f", a + b }')
	done
	_expect_eq "stages.bt q2c count" "$(_stage "$TMPDIR"/stages.out q2c 3)" "$ios"
	grep -Eq '^ +name +count +mean_ns +q2c_pct +p50_le_ns +p99_le_ns$' "$TMPDIR"/stages.out ||
		_fail "no header naming the p50_le_ns and p99_le_ns bounds"
	for s in wq_delay mutex_wait copy completion q2c; do
		p50=$(_stage "$TMPDIR"/stages.out $s 6)
		p99=$(_stage "$TMPDIR"/stages.out $s 7)
		[[ $p50 =~ ^[0-9]+$ && $p99 =~ ^[0-9]+$ ]] ||
			_fail "$s: no p50_le_ns/p99_le_ns columns ('$p50' '$p99')"
		[ "$p50" -le "$p99" ] || _fail "$s: p50 $p50 ns above p99 $p99 ns"
		_expect_eq "$s p50 row" "$p50" \
			"$(_bt_hist_pct "$TMPDIR"/stages.out "@${s}_ns" 50)"
		_expect_eq "$s p99 row" "$p99" \
			"$(_bt_hist_pct "$TMPDIR"/stages.out "@${s}_ns" 99)"
	done
	q2c=$(_stage "$TMPDIR"/stages.out q2c 4)
	echo "stage means add up to $sum ns; q2c mean $q2c ns (stages.bt), $mean ns (q2c.bt); fio clat mean $clat ns"
	_within_pct "$sum" "$q2c" 1 ||
		_fail "stage means add up to $sum ns, not within 1% of the q2c mean $q2c ns"
	awk -v a="$q2c" -v b="$mean" -v c="$clat" 'BEGIN { exit !(a <= c && b <= c) }' ||
		_fail "a q2c mean is above fio's clat mean $clat ns"

	_sampled "$ios"
}

# _sampled IOS: the checks of the PERIOD 8 run against the PERIOD 1 run.
_sampled() {
	local ios=$1 count s a b
	grep -q '^SAMPLE 1 in 8$' "$TMPDIR"/sampled.out || _fail "no 'SAMPLE 1 in 8' line"
	grep -q '^SAMPLE 1 in 1$' "$TMPDIR"/stages.out || _fail "no 'SAMPLE 1 in 1' line"
	count=$(_stage "$TMPDIR"/sampled.out q2c 3)
	_sample_count_fair "$count" "$ios" 8 ||
		_fail "sampled $count requests, not 1 in 8 of $ios"
	for s in wq_delay mutex_wait copy completion q2c; do
		_expect_eq "sampled $s count" "$(_stage "$TMPDIR"/sampled.out $s 3)" "$count"
		_expect_eq "sampled $s histogram" \
			"$(_bt_hist_total "$TMPDIR"/sampled.out "@${s}_ns")" "$count"
		_sample_hist_fair "$TMPDIR"/stages.out "$TMPDIR"/sampled.out "@${s}_ns" "$count" ||
			_fail "$s: the sampled histogram is not a fair 1 in 8 of every request's"
		_sample_row_fair "$TMPDIR"/stages.out "@${s}_ns" 50 "$(_stage "$TMPDIR"/sampled.out $s 6)" "$count" ||
			_fail "$s: the sampled p50 row is not a fair 1 in 8 of every request's"
		_sample_row_fair "$TMPDIR"/stages.out "@${s}_ns" 99 "$(_stage "$TMPDIR"/sampled.out $s 7)" "$count" ||
			_fail "$s: the sampled p99 row is not a fair 1 in 8 of every request's"
	done
	a=$(_stage "$TMPDIR"/sampled.out q2c 4)
	b=$(_stage "$TMPDIR"/stages.out q2c 4)
	echo "q2c mean: $a ns sampled, $b ns of every request"
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a * 2 >= b && a <= b * 2) }' ||
		_fail "sampled q2c mean $a ns, not within a factor of 2 of $b ns"
}
