#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the quick bench resumes after a killed VM, makes every artefact
#
# the bench pipeline in its quick form (BENCH_QUICK=1). This test will run
# bench/run.sh on the newest kernel, kill the VM once three points are done
# (as an emulator crash would), and check that the bench booted again,
# resumed without running a finished point twice, and produced every
# artefact (bench/check-artefacts.sh); it checks completeness, never speed.
# Runs on the host, in a lane of its own beside the other host cases
# (tests/run.sh): it touches only build/bench-quick and build/KVER.
# LANE: own
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/bench-quick

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

_points() {
	wc -l 2> /dev/null < "$out/points.log" || echo 0
}

rm -rf "$out"
mkdir -p "$out"
(
	while [ "$(_points)" -lt 3 ]; do
		sleep 1
	done
	echo "test: killing the VM after $(_points) points"
	kill "$(cat "$out/qemu.pid")"
) &
killer=$!
status=0
BENCH_QUICK=1 BENCH_OUT=$out "$repo/bench/run.sh" 2>&1 | tee "$out/run.log" ||
	status=$?
kill "$killer" 2> /dev/null || true
wait "$killer" 2> /dev/null || true
[ "$status" = 0 ] || _fail "bench/run.sh exited $status"

grep -q 'booting again to resume' "$out/run.log" ||
	_fail "the bench did not say it booted again"
[ -s "$out/console.died-1.log" ] || _fail "the dead boot's console was not kept"
done_before=$(grep -o 'rep [0-9]*: done before' "$out/serial.log" | wc -l)
[ "$done_before" -ge 3 ] ||
	_fail "the second boot skipped $done_before finished points, not 3 or more"
"$repo/bench/check-artefacts.sh" "$out"
