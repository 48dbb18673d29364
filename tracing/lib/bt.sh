#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034 # BT_PID and BT_ERR are for the callers
#
# Starting and stopping a tracing/*.bt script around a load, for the VM
# tests (tests/lib/tracing.sh) and the bench (bench/guest/sweep.sh), which
# source this file. The functions return a status and leave failing to the
# caller: a test fails on it, the bench records the miss and carries on.

# bt_start OUT SCRIPT [ARGS...]: start bpftrace on SCRIPT in the background,
# its output in OUT, and return 0 once it has attached (BEGIN has printed
# "Hit Ctrl-C"); under emulation that takes 10 s or more. Returns 1 if
# bpftrace exited first or had not attached after BT_ATTACH_S seconds
# (default 180; a debug kernel needs more). Sets BT_PID.
# Job control is on while the job starts so that it keeps SIGINT: a
# background job of a non-interactive shell ignores it otherwise.
bt_start() {
	local out=$1 i limit=$((${BT_ATTACH_S:-180} * 10))
	shift
	set -m
	bpftrace "$@" > "$out" 2>&1 &
	BT_PID=$!
	set +m
	for ((i = 0; i < limit; i++)); do
		grep -q 'Hit Ctrl-C' "$out" && return 0
		bt_exited "$BT_PID" && return 1
		sleep 0.1
	done
	return 1
}

# bt_exited PID: true once the background job PID has exited (a child not
# yet reaped is a zombie, which kill -0 still finds).
bt_exited() {
	! kill -0 "$1" 2> /dev/null ||
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null)" = Z ]
}

# bt_stop PID: end the bpftrace job PID with SIGINT, as Ctrl-C does, and
# return 0 if it exited with status 0. Otherwise return 1 with the reason
# in BT_ERR. bpftrace 0.17 can miss a SIGINT that arrives while its event
# loop is outside epoll_wait() (it reads its exit flag only on EINTR; seen
# in 2 of ~36 stops under TCG, tracing/README.md), so the signal is
# repeated every 10 s for two minutes before the job is killed.
bt_stop() {
	local i
	BT_ERR=
	for ((i = 0; i < 1200; i++)); do
		((i % 100)) || kill -INT "$1" 2> /dev/null
		[ "$i" = 100 ] && echo "bpftrace $1 is still up 10 s after SIGINT"
		bt_exited "$1" && break
		sleep 0.1
	done
	if ! bt_exited "$1"; then
		kill -KILL "$1" 2> /dev/null || true
		wait "$1" 2> /dev/null || true
		BT_ERR="ignored SIGINT for 120 s and was killed"
		return 1
	fi
	wait "$1" && return 0
	i=$?
	BT_ERR="exited with status $i"
	return 1
}
