#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the blkex_rq_stages event against the five events it summarises. A
# bpftrace script takes its own time at blkex_rq_queued, work_start, locked,
# copied and complete while fio does 4000 4 KiB random reads at iodepth 8.
# This test will check that every read fires blkex_rq_stages once, and that
# for at least AGREE_PCT % of them each of its four stage durations, and
# their sum, agrees with the time between the same two events in the script
# within TOL_NS + TOL_PCT % (a stamp taken one event off would move a whole
# stage, at least the 4 KiB copy, into the next); and, with reads held in
# flight by delay_us while the event is enabled, that a request queued
# before then fires no blkex_rq_stages.
DESCRIPTION="blkex_rq_stages agrees with the five events it sums"

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tracing.sh"

T=/sys/kernel/tracing
DBG=/sys/kernel/config/blk_example/blkex0
# The script takes its time in a BPF program, about a microsecond of
# emulation after the driver's stamp at either end of a stage, more when
# the host preempts the VM in between: a few per cent of the requests.
# The copy, the shortest stage, takes 3 us or more.
TOL_NS=2000
TOL_PCT=10
AGREE_PCT=90

requires() {
	_have_program bpftrace
	_have_program fio
	[ -d $T/events ] || _skip "no tracefs at $T"
}

# The stages of each request by the five events, and the differences from
# what its blkex_rq_stages says; index 4 is the whole, queued to complete.
_truth_bt() {
	cat <<'BT'
BEGIN { printf("Tracing... Hit Ctrl-C to end.\n"); }
tracepoint:blk_example:blkex_rq_queued { @q[args->dev, args->hctx, args->tag] = nsecs; }
tracepoint:blk_example:blkex_rq_work_start { @w[args->dev, args->hctx, args->tag] = nsecs; }
tracepoint:blk_example:blkex_rq_locked { @l[args->dev, args->hctx, args->tag] = nsecs; }
tracepoint:blk_example:blkex_rq_copied { @c[args->dev, args->hctx, args->tag] = nsecs; }
tracepoint:blk_example:blkex_rq_complete { @e[args->dev, args->hctx, args->tag] = nsecs; }
tracepoint:blk_example:blkex_rq_stages
{
	$q = @q[args->dev, args->hctx, args->tag];
	$w = @w[args->dev, args->hctx, args->tag];
	$l = @l[args->dev, args->hctx, args->tag];
	$c = @c[args->dev, args->hctx, args->tag];
	$e = @e[args->dev, args->hctx, args->tag];
	delete(@q[args->dev, args->hctx, args->tag]);
	delete(@w[args->dev, args->hctx, args->tag]);
	delete(@l[args->dev, args->hctx, args->tag]);
	delete(@c[args->dev, args->hctx, args->tag]);
	delete(@e[args->dev, args->hctx, args->tag]);
	@events = count();
	if ($q && $w && $l && $c && $e) {
		@n = count();
		$a = $w - $q; $b = args->wq_delay;
		@bt[0] = sum($a); @ev[0] = sum($b);
		$d = $a > $b ? $a - $b : $b - $a;
		@absd[0] = sum($d);
		if ($d > TOL_NS + $a * TOL_PCT / 100) { @off[0] = count(); }
		$a = $l - $w; $b = args->mutex_wait;
		@bt[1] = sum($a); @ev[1] = sum($b);
		$d = $a > $b ? $a - $b : $b - $a;
		@absd[1] = sum($d);
		if ($d > TOL_NS + $a * TOL_PCT / 100) { @off[1] = count(); }
		$a = $c - $l; $b = args->copy;
		@bt[2] = sum($a); @ev[2] = sum($b);
		$d = $a > $b ? $a - $b : $b - $a;
		@absd[2] = sum($d);
		if ($d > TOL_NS + $a * TOL_PCT / 100) { @off[2] = count(); }
		$a = $e - $c; $b = args->completion;
		@bt[3] = sum($a); @ev[3] = sum($b);
		$d = $a > $b ? $a - $b : $b - $a;
		@absd[3] = sum($d);
		if ($d > TOL_NS + $a * TOL_PCT / 100) { @off[3] = count(); }
		$a = $e - $q;
		$b = args->wq_delay + args->mutex_wait + args->copy + args->completion;
		@bt[4] = sum($a); @ev[4] = sum($b);
		$d = $a > $b ? $a - $b : $b - $a;
		@absd[4] = sum($d);
		if ($d > TOL_NS + $a * TOL_PCT / 100) { @off[4] = count(); }
	}
}
BT
}

# _val OUT NAME: the value of bpftrace's "@NAME: V" line.
_val() {
	awk -v k="@$2:" '$1 == k { print $2 }' "$1"
}

test_case() {
	local ios bt n s name bt_mean ev_mean absd off i held
	ios=$(_scaled 4000)
	_load
	{
		echo "#define TOL_NS $TOL_NS"
		echo "#define TOL_PCT $TOL_PCT"
		_truth_bt
	} > "$TMPDIR"/truth.bt
	_bt_start "$TMPDIR"/truth.out "$TMPDIR"/truth.bt
	bt=$BT_PID
	_fio --name=r4k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=8 --number_ios="$ios" --size=64M
	_expect_eq "fio reads" "$(_fio_field "['jobs'][0]['read']['total_ios']")" "$ios"
	_bt_stop "$bt" "$TMPDIR"/truth.out
	cat "$TMPDIR"/truth.out
	_expect_eq "blkex_rq_stages events" "$(_val "$TMPDIR"/truth.out events)" "$ios"
	_expect_eq "events with all five stamps" "$(_val "$TMPDIR"/truth.out n)" "$ios"
	n=$ios
	s=0
	for name in wq_delay mutex_wait copy completion q2c; do
		bt_mean=$(($(_val "$TMPDIR"/truth.out "bt[$s]") / n))
		ev_mean=$(($(_val "$TMPDIR"/truth.out "ev[$s]") / n))
		absd=$(($(_val "$TMPDIR"/truth.out "absd[$s]") / n))
		off=$(_val "$TMPDIR"/truth.out "off[$s]")
		off=${off:-0}
		echo "$name: mean $ev_mean ns by blkex_rq_stages, $bt_mean ns by the five events; mean difference $absd ns; $off requests off by more than $TOL_NS ns + $TOL_PCT%"
		[ $((off * 100)) -le $((n * (100 - AGREE_PCT))) ] ||
			_fail "$name: $off of $n requests off by more than $TOL_NS ns + $TOL_PCT%"
		s=$((s + 1))
	done

	_trace_inst
	echo 0 > "$TRACE_INST"/tracing_on
	echo 3000000 > $DBG/delay_us
	_fio --name=held --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=4 --number_ios=4 --size=64M &
	for ((i = 0; i < 100; i++)); do
		read -r held _ < /sys/block/blkex0/inflight
		[ "$held" -ge 4 ] && break
		sleep 0.02
	done
	[ "$held" -ge 4 ] || _fail "the 4 reads were not held in flight"
	echo 1 > "$TRACE_INST"/events/blk_example/blkex_rq_complete/enable
	echo 1 > "$TRACE_INST"/events/blk_example/blkex_rq_stages/enable
	echo 1 > "$TRACE_INST"/tracing_on
	wait $! || _fail "fio with delay_us failed"
	echo 0 > $DBG/delay_us
	dd if="$BLKEX_DEV" of=/dev/null bs=4k skip=3 count=1 iflag=direct status=none
	echo 0 > "$TRACE_INST"/tracing_on
	grep blkex_rq_ "$TRACE_INST"/trace
	n=$(grep -c 'blkex_rq_complete: ' "$TRACE_INST"/trace)
	[ "$n" -ge 5 ] || _fail "$n completions traced, want the 4 held reads and one more"
	_expect_eq "blkex_rq_stages events" "$(grep -c 'blkex_rq_stages: ' "$TRACE_INST"/trace)" 1
	grep -qE 'blkex_rq_stages: [0-9]+,0 R[A-Z]* 24 \+ 8 ' "$TRACE_INST"/trace ||
		_fail "the one blkex_rq_stages is not the read of sector 24"
	_trace_inst_rm
}
