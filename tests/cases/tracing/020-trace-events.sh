#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the blk_example tracepoints and the bpftrace tools. This test will check
# that the six events exist with the documented fields, that one direct 4
# KiB read fires each of them once with the same device, hardware queue and
# tag, that blkex_rq_stages prints its sequence number and four durations,
# that every tracing/*.bt parses, that q2c.bt with a duration ends by
# itself, and that q2c.bt with an unknown mode says so and ends.
DESCRIPTION="the tracepoints' fields and the bpftrace tools parse"

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tracing.sh"

EVENTS="blkex_rq_queued blkex_rq_work_start blkex_rq_locked blkex_rq_copied blkex_rq_complete blkex_rq_stages"
T=/sys/kernel/tracing

requires() {
	_have_program bpftrace
	[ -d $T/events ] || _skip "no tracefs at $T"
}

# _fields EVENT: the event's own field names, one line, in order.
_fields() {
	sed -n 's/^\tfield:.* \([a-z_]*\)\(\[[0-9]*\]\)\?;.*/\1/p' \
		"$T/events/blk_example/$1/format" | grep -v '^common_' |
		tr '\n' ' '
}

test_case() {
	local ev want line tag
	_load
	for ev in $EVENTS; do
		want="dev hctx tag op sector nr_bytes rwbs "
		case $ev in
		*copied | *complete) want="dev hctx tag op sector nr_bytes error rwbs " ;;
		*stages) want="dev hctx tag op sector nr_bytes error seq wq_delay mutex_wait copy completion rwbs " ;;
		esac
		_expect_eq "$ev fields" "$(_fields "$ev")" "$want"
		_expect_eq "$ev enabled at load" \
			"$(cat "$T/events/blk_example/$ev/enable")" 0
	done

	_trace_inst
	echo 1 > "$TRACE_INST"/events/blk_example/enable
	dd if="$BLKEX_DEV" of=/dev/null bs=4k skip=3 count=1 iflag=direct status=none
	echo 0 > "$TRACE_INST"/tracing_on
	grep blkex_rq_ "$TRACE_INST"/trace
	tag=$(sed -n 's/.*blkex_rq_queued: .* R[A-Z]* 24 + 8 tag=\([0-9]*\) .*/\1/p' "$TRACE_INST"/trace)
	[ -n "$tag" ] || _fail "no blkex_rq_queued for the read of sector 24"
	for ev in $EVENTS; do
		line=$(grep -E "$ev: [0-9]+,0 R[A-Z]* 24 \+ 8 tag=$tag hctx=[0-9]+" "$TRACE_INST"/trace) ||
			_fail "no $ev for the read of sector 24 with tag $tag"
		_expect_eq "$ev lines" "$(echo "$line" | wc -l)" 1
		case $ev in
		*copied | *complete) [[ $line == *" error=0" ]] || _fail "$ev: $line" ;;
		*stages) [[ $line =~ " error=0 seq="[0-9]+" wq_delay="[0-9]+" mutex_wait="[0-9]+" copy="[0-9]+" completion="[0-9]+$ ]] ||
			_fail "$ev: $line" ;;
		esac
	done
	_expect_eq "hctx of all events" \
		"$(grep -o 'blkex_rq_.* tag=[0-9]* hctx=[0-9]*' "$TRACE_INST"/trace | sed 's/.* //' | sort -u | wc -l)" 1
	_trace_inst_rm

	for s in "$TRACING"/*.bt; do
		bpftrace -d "$s" > "$TMPDIR"/parse.out 2>&1 ||
			{ tail -n 20 "$TMPDIR"/parse.out; _fail "bpftrace -d $s"; }
		echo "parses: $s"
	done

	timeout 300 bpftrace "$TRACING/q2c.bt" 1 > "$TMPDIR"/q2c.out 2>&1 ||
		{ cat "$TMPDIR"/q2c.out; _fail "q2c.bt 1 did not end by itself with status 0"; }
	grep -q 'Hit Ctrl-C' "$TMPDIR"/q2c.out || _fail "q2c.bt printed no banner"
	echo "q2c.bt 1: ended by itself"

	timeout 300 bpftrace "$TRACING/q2c.bt" 0 sise > "$TMPDIR"/q2c-typo.out 2>&1 ||
		{ cat "$TMPDIR"/q2c-typo.out; _fail "q2c.bt 0 sise did not end by itself"; }
	grep -q "unknown mode 'sise'" "$TMPDIR"/q2c-typo.out ||
		{ cat "$TMPDIR"/q2c-typo.out; _fail "q2c.bt took the mode 'sise' without a word"; }
	! grep -q 'Hit Ctrl-C' "$TMPDIR"/q2c-typo.out || _fail "q2c.bt traced with the mode 'sise'"
	echo "q2c.bt 0 sise: refused"
}
