#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the sampling check of 022 on three recorded runs
#
# tests/lib/sample.sh, the check 022-trace-stages-truth makes of stages.bt's
# 1 in 8 sample against every request, on the histograms of three real 022
# runs kept in tests/host/fixtures/sample: one on stock 6.12 (501 of 4000
# sampled) and the two debug-kernel runs (50 of 400) that a fixed "same row
# or a neighbour" check failed although the sample was fine. This test will
# check that every stage's sampled histogram, p50 row and p99 row pass in
# all three; that the stock run's histograms moved one row up, or one row
# down, fail in every stage; that a sample holding one request in a row
# above every request's slowest fails; and that a p50 row two rows off every
# request's fails. Runs on the host, in well under a second.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
fixtures=$repo/tests/host/fixtures/sample
stages="wq_delay mutex_wait copy completion q2c"

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"
# shellcheck source=tests/lib/tracing.sh
. "$repo/tests/lib/tracing.sh"
# shellcheck source=tests/lib/sample.sh
. "$repo/tests/lib/sample.sh"

# SHIFT: a factor for the row labels read from a file named sampled.out
# (SAMPLE_ROWS, tests/lib/sample.sh); 1 leaves the rows as they are.
SHIFT=1
_shifted_rows() {
	if [ "${1##*/}" = sampled.out ]; then
		_bt_hist_rows "$@" | awk -v f="$SHIFT" '{ printf "%d %d\n", $1 * f, $2 }'
	else
		_bt_hist_rows "$@"
	fi
}
SAMPLE_ROWS=_shifted_rows

for d in "$fixtures"/*/; do
	name=$(basename "$d")
	n=$(_stage "$d/sampled.out" q2c 3)
	echo "== $name: $n sampled of $(_stage "$d/all.out" q2c 3)"
	for s in $stages; do
		_sample_hist_fair "$d/all.out" "$d/sampled.out" "@${s}_ns" "$n" ||
			_fail "$name: the fair sample of $s failed"
		_sample_row_fair "$d/all.out" "@${s}_ns" 50 "$(_stage "$d/sampled.out" "$s" 6)" "$n" ||
			_fail "$name: the fair sample's $s p50 row failed"
		_sample_row_fair "$d/all.out" "@${s}_ns" 99 "$(_stage "$d/sampled.out" "$s" 7)" "$n" ||
			_fail "$name: the fair sample's $s p99 row failed"
	done
done

d=$fixtures/stock-6.12
n=$(_stage "$d/sampled.out" q2c 3)
for SHIFT in 2 0.5; do
	echo "== stock-6.12, sampled rows times $SHIFT"
	for s in $stages; do
		if _sample_hist_fair "$d/all.out" "$d/sampled.out" "@${s}_ns" "$n"; then
			_fail "$s moved one row (x$SHIFT) passed"
		fi
	done
done
SHIFT=1

echo "== stock-6.12, one sampled request above every request's slowest"
top=$(_bt_hist_rows "$d/all.out" @copy_ns | tail -n 1 | cut -d' ' -f1)
_one_above_rows() {
	if [ "${1##*/}" = sampled.out ]; then
		_bt_hist_rows "$@" | awk 'NR == 1 { $2-- } { print }'
		echo "$((top * 2)) 1"
	else
		_bt_hist_rows "$@"
	fi
}
SAMPLE_ROWS=_one_above_rows
if _sample_hist_fair "$d/all.out" "$d/sampled.out" @copy_ns "$n"; then
	_fail "a sampled copy in row $((top * 2)), above every request's, passed"
fi

echo "== stock-6.12, p50 rows two rows off"
for s in $stages; do
	p50=$(_stage "$d/sampled.out" "$s" 6)
	for row in $((p50 * 4)) $((p50 / 4)); do
		if _sample_row_fair "$d/all.out" "@${s}_ns" 50 "$row" "$n"; then
			_fail "$s p50 row $row, two rows from $p50, passed"
		fi
	done
done
echo "all checks held"
