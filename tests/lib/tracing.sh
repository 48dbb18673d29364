#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034 # TRACING is for the cases
#
# Helpers for the tracing cases (tests/cases/02*-trace-*.sh), sourced by
# them after common.sh: run a tracing/ bpftrace script around a load and
# read what it printed.

TRACING=/mnt/repo/tracing

# _bt_start OUT SCRIPT [ARGS...]: start bpftrace on SCRIPT in the
# background, its output in OUT, and return once it has attached (BEGIN has
# printed); under emulation that takes 10 s or more. Sets BT_PID. Job
# control is on so that the job keeps SIGINT, which _bt_stop sends.
_bt_start() {
	local out=$1 i
	shift
	set -m
	bpftrace "$@" > "$out" 2>&1 &
	BT_PID=$!
	set +m
	for ((i = 0; i < 1800; i++)); do
		grep -q 'Hit Ctrl-C' "$out" && return 0
		kill -0 "$BT_PID" 2> /dev/null || break
		sleep 0.1
	done
	cat "$out"
	_fail "bpftrace $* did not attach"
}

# _bt_exited PID: true once the background job PID has exited.
_bt_exited() {
	! kill -0 "$1" 2> /dev/null ||
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null)" = Z ]
}

# _bt_stop PID OUT: end the bpftrace job PID with SIGINT, as Ctrl-C does,
# and fail if it did not exit cleanly. bpftrace 0.17 can miss a SIGINT
# that arrives while its event loop is outside epoll_wait() (it reads its
# exit flag only on EINTR), so the signal is repeated every 10 s for two
# minutes before the job is killed and the case fails.
_bt_stop() {
	local i
	for ((i = 0; i < 1200; i++)); do
		((i % 100)) || kill -INT "$1" 2> /dev/null
		[ "$i" = 100 ] && echo "bpftrace $1 is still up 10 s after SIGINT"
		_bt_exited "$1" && break
		sleep 0.1
	done
	_bt_exited "$1" || { kill -KILL "$1"; cat "$2"; _fail "bpftrace ignored SIGINT"; }
	wait "$1" && return 0
	i=$?
	cat "$2"
	_fail "bpftrace exited with status $i"
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

# _stage OUT NAME FIELD: a field of the "STAGE NAME count mean_ns ..." line
# (3 count, 4 mean_ns).
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
