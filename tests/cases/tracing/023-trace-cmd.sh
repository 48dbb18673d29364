#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the trace-cmd capture and report. tracing/capture.sh records while fio
# does 4000 4 KiB random reads at iodepth 8. This test will check that
# nothing was dropped, that the capture holds one queued and one completed
# event per I/O, matched by device, hardware queue and tag, that the
# per-request CSV has one row per I/O, that the stage means add up to the
# q2c mean and that it is not above fio's completion latency mean, and that
# the JSON form (--json) gives the same q2c count and mean as the table.
DESCRIPTION="capture.sh and trace_report.py against fio"

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tracing.sh"

requires() {
	_have_program trace-cmd
	_have_program fio
}

test_case() {
	local ios ev sum q2c clat
	ios=$(_scaled 4000)
	_load
	"$TRACING/capture.sh" -o "$TMPDIR"/trace.dat -- \
		fio --name=r4k --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=io_uring --rw=randread --bs=4k --iodepth=8 \
		--number_ios="$ios" --size=64M --output-format=json \
		--output="$FIO_JSON" --eta=never
	_expect_eq "fio reads" "$(_fio_field "['jobs'][0]['read']['total_ios']")" "$ios"
	clat=$(_fio_field "['jobs'][0]['read']['clat_ns']['mean']")
	trace-cmd report --stat -i "$TMPDIR"/trace.dat > "$TMPDIR"/stat.out 2>&1
	_expect_eq "CPUs with dropped events" \
		"$(grep -E 'dropped events: [1-9]|overrun: [1-9]' -c "$TMPDIR"/stat.out)" 0

	"$TRACING/trace_report.py" -i "$TMPDIR"/trace.dat --csv "$TMPDIR"/requests.csv > "$TMPDIR"/report.out
	cat "$TMPDIR"/report.out
	head -n 3 "$TMPDIR"/requests.csv
	for ev in queued work_start locked copied complete; do
		_expect_eq "$ev events" \
			"$(grep -o " $ev=[0-9]*" "$TMPDIR"/report.out | cut -d= -f2)" "$ios"
	done
	grep -q ' unmatched=0 incomplete=0$' "$TMPDIR"/report.out ||
		_fail "events that do not pair up by tag"
	_expect_eq "CSV rows" "$(($(wc -l < "$TMPDIR"/requests.csv) - 1))" "$ios"
	_expect_eq "CSV reads of 4096 bytes" \
		"$(awk -F, '$4 == "read" && $6 == 4096 && $7 == 0' "$TMPDIR"/requests.csv | wc -l)" "$ios"
	for s in wq_delay mutex_wait copy completion q2c; do
		_expect_eq "$s count" "$(_stage "$TMPDIR"/report.out $s 3)" "$ios"
	done
	"$TRACING/trace_report.py" -i "$TMPDIR"/trace.dat --json "$TMPDIR"/report.json > /dev/null
	_expect_eq "JSON q2c count and mean" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
q = [s for s in d["stages"] if s["stage"] == "q2c"][0]
print(q["count"], "%.1f" % q["mean_ns"])' "$TMPDIR"/report.json)" \
		"$(_stage "$TMPDIR"/report.out q2c 3) $(_stage "$TMPDIR"/report.out q2c 4)"

	sum=$(awk '$1 == "STAGE" && $2 != "q2c" { s += $4 } END { printf "%.1f", s }' "$TMPDIR"/report.out)
	q2c=$(_stage "$TMPDIR"/report.out q2c 4)
	echo "stage means add up to $sum ns, q2c mean $q2c ns, fio clat mean $clat ns"
	_within_pct "$sum" "$q2c" 1 || _fail "stage means $sum ns vs q2c mean $q2c ns"
	awk -v q="$q2c" -v c="$clat" 'BEGIN { exit !(q > 0 && q <= c) }' ||
		_fail "q2c mean $q2c ns is not in (0, fio clat mean $clat ns]"
}
