#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: boot.sh boots again when a kernel stops before its job, only then
#
# vm/boot.sh boots again when a kernel stops before the job starts,
# and never when the job itself failed. This test will boot the newest
# kernel (vm/kernels.sh) with rdinit=/bin/false, so that it panics
# before the job can start, and check that boot.sh booted it twice
# (VM_BOOT_TRIES=2), kept the first boot's console, said so, and exited 125;
# then boot it normally with a job that exits 125 itself and check that
# boot.sh returned that status after one boot. Runs on the host.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/boot-retry-test
boot=$repo/vm/boot.sh

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out"
kver=$("$repo/vm/kernels.sh" | tail -n 1)
[ -n "$kver" ] || _fail "no kernel with headers installed"
printf 'echo job ran\nexit 125\n' > "$out/job.sh"

echo "== a kernel that stops before the job: booted twice"
status=0
VM_BOOT_TRIES=2 VM_APPEND=rdinit=/bin/false \
	"$boot" "$kver" "$out/job.sh" "$out/stops" 2> "$out/stops.err" ||
	status=$?
cat "$out/stops.err"
[ "$status" = 125 ] || _fail "boot.sh exited $status, not 125"
[ "$(grep -c 'stopped before it started the job' "$out/stops.err")" = 1 ] ||
	_fail "boot.sh did not say once that it boots again"
grep -q 'Kernel panic' "$out/stops/console.boot-1.log" ||
	_fail "the first boot's console was not kept"
[ ! -e "$out/stops/console.boot-2.log" ] ||
	_fail "boot.sh booted more than VM_BOOT_TRIES times"
grep -q 'Kernel panic' "$out/stops/console.log" ||
	_fail "the second boot did not run"

echo "== a job that fails by itself: booted once"
status=0
VM_BOOT_TRIES=2 "$boot" "$kver" "$out/job.sh" "$out/fails" \
	2> "$out/fails.err" > "$out/fails.out" || status=$?
cat "$out/fails.err" "$out/fails.out"
[ "$status" = 125 ] || _fail "boot.sh exited $status, not the job's 125"
grep -qx 'job ran' "$out/fails.out" || _fail "the job's output was not streamed"
! grep -q 'booting again' "$out/fails.err" ||
	_fail "boot.sh booted again after the job had started"
[ ! -e "$out/fails/console.boot-1.log" ] ||
	_fail "boot.sh kept a console for a retry it should not have made"
echo "boot.sh: retried the stopped boot once, not the failed job"
