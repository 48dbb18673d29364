#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs test cases on the running kernel and prints one TAP result line per
# case ("ok - NAME", "not ok - NAME", "ok - NAME # SKIP reason");
# tests/here.sh numbers them, or tests/run.sh for the VM. NAME is
# GROUP/NNN-CASE for tests/cases/GROUP/NNN-CASE.sh (e.g. core/004-fio-verify).
# Usage: SUITE_LOGDIR=DIR suite.sh CASE_FILE...
# Each case's output goes to DIR/NNN-CASE.log, its kernel log to
# DIR/NNN-CASE.kmsg.
#
# A case passes only if it exits 0 and the kernel log it produced holds
# none of the patterns below (read from a mark, never cleared: kmsg_mark).
# Each case runs in a directory of its own under $TMPDIR, exported to it
# as TMPDIR and removed after it. Whatever a case leaves behind (a mount,
# the module) is cleaned up before the next one starts. On a kernel with
# kmemleak (the debug kernel), memory is scanned after that clean-up, that
# is after each unload, and a leak fails the case that made it.
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
cases=$(dirname "$here")/cases
logdir=${SUITE_LOGDIR:?suite.sh: set SUITE_LOGDIR to the directory for the logs}
mkdir -p "$logdir"
tmpbase=${TMPDIR:-/tmp}
casetmp=

# _umount_under DIR: unmount whatever is mounted at or below DIR, deepest
# first (the cases mount under their TMPDIR: common.sh's _mnt_dir), so
# that removing DIR cannot reach into a mounted file system.
_umount_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m"; done
}

trap 'if [ -n "$casetmp" ]; then _umount_under "$casetmp"; rm -rf "$casetmp"; fi' EXIT

# shellcheck source=tests/lib/kmsg-patterns.sh
. "$here/kmsg-patterns.sh"
# shellcheck source=tests/lib/usage.sh
. "$here/usage.sh"

# shellcheck source=tests/lib/trace-instance.sh
. "$here/trace-instance.sh"

# The top-level trace's switch as the suite found it, put back after each
# case. The cases record in a trace instance of their own
# (trace-instance.sh), but trace-cmd works at the top level (tracing/023),
# and nothing a case does there may reach the next case, or the user's
# tracing in place (in one CI run tracing/020 and 024 left it off, and 043
# then saw no kprobe hits).
tracing_on_before=$(cat $TRACEFS/tracing_on 2> /dev/null || true)

# _tracing_left: what of the shared tracing a case changed and left so.
_tracing_left() {
	[ -z "$tracing_on_before" ] ||
		[ "$(cat $TRACEFS/tracing_on)" = "$tracing_on_before" ] ||
		echo -n "tracing_on $(cat $TRACEFS/tracing_on), was $tracing_on_before; "
	_trace_leftovers
}

# An interrupted run's instance and kprobes, before the first case.
_trace_leftovers_rm

_cleanup_after() {
	local m
	_trace_leftovers_rm
	[ -z "$tracing_on_before" ] || echo "$tracing_on_before" > $TRACEFS/tracing_on
	_umount_under "$casetmp"
	grep ' /mnt/blkex' /proc/mounts | awk '{ print $2 }' | sort -r |
		while read -r m; do umount -l "$m"; done
	# Disks made with mkdir hold the module: rmdir them first.
	if [ -d /sys/kernel/config/blk_example ]; then
		for m in /sys/kernel/config/blk_example/*/; do
			[ -d "$m" ] && rmdir "$m" 2> /dev/null
		done
	fi
	if [ -d /sys/module/blk_example ]; then
		rmmod blk_example 2> /dev/null ||
			{ sleep 1; rmmod blk_example 2> /dev/null; }
	fi
	for m in brd null_blk; do
		[ -d "/sys/module/$m" ] && rmmod "$m" 2> /dev/null
	done
	return 0
}

KMEMLEAK=/sys/kernel/debug/kmemleak

# _kmemleak_scan OUT SINCE: scan for leaks, write what kmemleak reports to
# OUT and forget it, so that the next scan reports only newer leaks.
# kmemleak ignores objects younger than 5 s, so a case that started at
# SINCE ($SECONDS) less than 6 s ago is waited for. It also holds back an
# object whose contents changed since the scan before (its first scan
# counts as a change), so a new leak shows only on a second scan.
_kmemleak_scan() {
	local young=$((6 - (SECONDS - $2)))
	[ "$young" -gt 0 ] && sleep "$young"
	echo scan > "$KMEMLEAK"
	echo scan > "$KMEMLEAK"
	cat "$KMEMLEAK" > "$1"
	echo clear > "$KMEMLEAK"
}

# Leaks from before the suite (boot, the 9p mounts) are not the cases'.
if [ -w "$KMEMLEAK" ]; then
	_kmemleak_scan "$logdir/boot.kmemleak" 0
	echo "kmemleak on: $(grep -c '^unreferenced object' "$logdir/boot.kmemleak") object(s) from boot set aside"
fi

for case in "$@"; do
	# Results carry the case's group (tests/cases/GROUP/NNN-NAME.sh);
	# its files are named by NNN-NAME alone, which is unique.
	name=$(usage_case_name "$cases" "$case")
	base=${name##*/}
	log=$logdir/$base.log
	casetmp=$(mktemp -d "$tmpbase/blkex-$base.XXXXXX")
	kmsg_mark
	start=$SECONDS
	(
		set -euo pipefail
		export TMPDIR=$casetmp
		cd "$TMPDIR"
		# shellcheck source=tests/lib/common.sh
		. "$here/common.sh"
		# shellcheck disable=SC1090
		. "$case"
		if declare -F requires > /dev/null; then
			requires
		fi
		test_case
	) > "$log" 2>&1
	rc=$?
	# A case that passed leaves the shared tracing as it found it.
	left=$(_tracing_left)
	if [ "$rc" = 0 ] && [ -n "$left" ]; then
		echo "case left behind: $left" >> "$log"
		rc=1
	fi
	_cleanup_after
	rm -rf "$casetmp"
	casetmp=
	kmsg_since > "$logdir/$base.kmsg"
	if [ -w "$KMEMLEAK" ]; then
		_kmemleak_scan "$logdir/$base.kmemleak" "$start"
		sed -n 's/^unreferenced object/kmemleak: &/p' "$logdir/$base.kmemleak" >> "$logdir/$base.kmsg"
	fi
	elapsed=$((SECONDS - start))

	bad=$(grep -E "$KMSG_BAD" "$logdir/$base.kmsg" | head -n 5)
	if [ "$rc" = 77 ]; then
		reason=$(sed -n 's/^SKIP_REASON: //p' "$log" | tail -n 1)
		echo "ok - $name # SKIP ${reason:-skipped}"
	elif [ "$rc" = 0 ] && [ -z "$bad" ]; then
		echo "ok - $name (${elapsed}s)"
	else
		echo "not ok - $name (${elapsed}s, exit $rc)"
		tail -n 20 "$log" | sed 's/^/#   /'
		[ -n "$bad" ] && printf '#   kernel: %s\n' "${bad//$'\n'/$'\n'#   kernel: }"
	fi
done
exit 0
