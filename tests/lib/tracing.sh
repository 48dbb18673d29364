#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034 # TRACING is for the cases
#
# Helpers for the tracing cases (tests/cases/tracing/02*-trace-*.sh),
# sourced by them after common.sh: run a tracing/ bpftrace script around a load and
# read what it printed.

TRACING=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/../../tracing")

# shellcheck source=tracing/lib/bt.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tracing/lib/bt.sh"

# _bt_start OUT SCRIPT [ARGS...]: bt_start (tracing/lib/bt.sh), and fail
# the case if bpftrace did not attach. Sets BT_PID.
_bt_start() {
	bt_start "$@" && return 0
	cat "$1"
	shift
	_fail "bpftrace $* did not attach"
}

# _bt_stop PID OUT: bt_stop, and fail the case, with bpftrace's output, if
# it did not exit cleanly.
_bt_stop() {
	bt_stop "$1" && return 0
	cat "$2"
	_fail "bpftrace $BT_ERR"
}

# _bt_stats OUT KEY: "count mean_ns" from q2c.bt's "@ns[KEY]: count N,
# average A, total T" line (the mean recomputed from the total).
_bt_stats() {
	awk -v k="@ns[$2]:" '$1 == k {
		gsub(",", ""); printf "%d %.1f\n", $3, $3 ? $7 / $3 : 0 }' "$1"
}

# _bt_hist_total OUT MAP: the sum of the bucket counts of histogram MAP,
# e.g. "@usecs[read]".
_bt_hist_total() {
	awk -v m="$2:" '$1 == m { on = 1; next }
		on && /^\[/ { n += $1 ~ /]$/ ? $2 : $3 }
		on && !/^\[/ { on = 0 }
		END { print n + 0 }' "$1"
}

# _bt_hist_rows OUT MAP: one "UPPER COUNT" line per row of histogram MAP,
# UPPER being the row's upper end: 2^b for [2^(b-1), 2^b), 2 for [1],
# 0 for [0].
_bt_hist_rows() {
	awk -v m="$2:" '
		function num(s) {
			if (s ~ /K$/) return substr(s, 1, length(s) - 1) * 1024
			if (s ~ /M$/) return substr(s, 1, length(s) - 1) * 1048576
			if (s ~ /G$/) return substr(s, 1, length(s) - 1) * 1073741824
			if (s ~ /T$/) return substr(s, 1, length(s) - 1) * 1099511627776
			return s + 0
		}
		$1 == m { on = 1; next }
		on && /^\[/ {
			if ($1 ~ /]$/) {
				v = num(substr($1, 2, length($1) - 2))
				printf "%d %d\n", v ? 2 * v : 0, $2
			} else {
				printf "%d %d\n", num(substr($2, 1, length($2) - 1)), $3
			}
			next
		}
		on { on = 0 }' "$1"
}

# _bt_hist_pct OUT MAP PCT: the upper end of the row of histogram MAP in
# which the cumulative count first reaches PCT % of its total, as
# stages.bt computes its p50_le_ns and p99_le_ns.
_bt_hist_pct() {
	_bt_hist_rows "$1" "$2" | awk -v p="$3" '
		{ up[NR] = $1; cnt[NR] = $2; n += $2 }
		END {
			for (i = 1; i <= NR; i++) {
				c += cnt[i]
				if (c * 100 >= n * p) { printf "%d\n", up[i]; exit }
			}
		}'
}

# _stage OUT NAME FIELD: a field of the "STAGE NAME count mean_ns q2c_pct
# p50 p99" line (3 count, 4 mean_ns, 6 p50, 7 p99): stages.bt's p50_le_ns
# and p99_le_ns bounds, trace_report.py's exact p50_ns and p99_ns.
_stage() {
	awk -v s="$2" -v f="$3" '$1 == "STAGE" && $2 == s { print $f }' "$1"
}

# _within_pct A B PCT: true when A and B differ by at most PCT % of B.
_within_pct() {
	awk -v a="$1" -v b="$2" -v p="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * p / 100) }'
}

# _reads: completed reads of blkex0 so far, from its stat file.
_reads() {
	awk '{ print $1 }' /sys/block/blkex0/stat
}
