#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: sudo tests/here.sh [-h|--help]     (what `sudo make test-here` runs)
# Runs the cases in tests/cases on the running kernel of this machine, with
# no VM: builds blk_example.ko for it (vm/build-module.sh), runs the
# cases through tests/lib/suite.sh and prints TAP ending with "N passed,
# N failed, N skipped"; exits non-zero on any failure. A case passes only
# if its check holds, it exits 0 and the kernel log it produced is clean.
# `make test` runs this same script inside each kernel it boots.
#
# Before it builds or loads anything it refuses, with status 2 and one
# line naming the fix: an unknown argument or knob value; a TESTS that
# matches no case; a KVER that is not the running kernel; not root; a
# kernel that cannot load the module (built without module support,
# /proc/sys/kernel/modules_disabled set, or module.sig_enforce or lockdown
# with an unsigned module, which is what it builds); no kernel headers at
# KDIR when it must build; blk_example, brd or null_blk already loaded, or
# something mounted on /mnt/blkex* (the cases load, unload and mount them).
#
# It leaves the machine as it found it: the modules it loaded unloaded,
# nothing mounted on /mnt/blkex* and the mount points it made removed, its
# temporary files (a directory under $TMPDIR, one per case inside)
# removed, also when interrupted. It reads the kernel log and never clears
# it. Each case's output is in HERE_OUT/logs/CASE.log, its kernel log in
# CASE.kmsg; the module is built in build/KVER/.
#
# Environment:
#   KVER=RELEASE      the kernel to build for; default `uname -r`, and it
#                     must be the running one
#   KDIR=DIR          its build tree; default /lib/modules/KVER/build
#   TESTS=REGEX       only the cases whose file name or GROUP/NAME
#                     matches (bash =~), e.g. TESTS='^00[1-5]-' or
#                     '^tracing/' (groups: core, tracing, faults, zoned); default: all
#   TESTS_SKIP=REGEX  leave out the cases it matches (as TESTS); default: none
#   TEST_SCALE_PCT=N  I/O sizes of the cases in percent; default 100
#   BT_ATTACH_S=N     seconds bpftrace may take to attach; default 180
#   TEST_LOCKDOWN=0|1 1: run 099-lockdown, which raises this machine's
#                     lockdown to integrity until the next boot; default 0
#                     (skipped). make test sets 1 in its VMs
#   HERE_OUT=DIR      results; default build/test-results/here-KVER
#   BLKEX_KO=FILE     a module built already: no build (make test passes
#                     the one it built for the VM's kernel)
#   HERE_TAP=raw      print the suite's unnumbered lines ("ok - NAME") for
#                     tests/run.sh to number; default: numbered TAP with
#                     "1..N" and the closing line
#   HERE_SYSROOT=DIR  for tests only (tests/host/tooling/009-here-refuses.sh):
#                     read the proc and sys files the checks above read under DIR
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$here/lib/usage.sh"
# shellcheck source=tests/lib/here-checks.sh
. "$here/lib/here-checks.sh"
usage_noargs "$@"
usage_uint TEST_SCALE_PCT BT_ATTACH_S
usage_oneof HERE_TAP raw
usage_oneof TEST_LOCKDOWN 0 1
mapfile -t cases < <(usage_pick "$here/cases")
[ "${#cases[@]}" -gt 0 ] || usage_fail "no case in tests/cases matches TESTS=${TESTS:-}"

# 1. Refusals, before anything is built, loaded or written
# (tests/lib/here-checks.sh).
here_checks "make test-here" "make test KVERS"
kver=$here_kver
ko=$here_ko
out=${HERE_OUT:-$repo/build/test-results/here-$kver}
raw=${HERE_TAP:-}

# 2. Leave the machine as found (here-checks.sh): the trap, the temp dir.
here_leave_on_exit
tmp=$here_tmp

rm -rf "$out/logs"
mkdir -p "$out/logs"
out=$(readlink -f "$out")

passed=0 failed=0 skipped=0 n=0
# The build is a result of its own when there is one.
nbuild=1
[ -z "$ko" ] || nbuild=0
# _result LINE: count a suite line ("ok - NAME", "not ok - NAME"), and print
# it as it is (HERE_TAP=raw) or numbered.
_result() {
	local line=$1
	case $line in
	"not ok - "*) failed=$((failed + 1)) ;;
	*"# SKIP"*) skipped=$((skipped + 1)) ;;
	*) passed=$((passed + 1)) ;;
	esac
	n=$((n + 1))
	if [ -n "$raw" ]; then
		echo "$line"
	else
		case $line in
		"not ok - "*) echo "not ok $n ${line#not ok - }" ;;
		*) echo "ok $n ${line#ok - }" ;;
		esac
	fi
}

if [ -z "$raw" ]; then
	echo "TAP version 13"
	echo "1..$(( ${#cases[@]} + nbuild ))"
	echo "# $kver on $(hostname), no VM; logs in $out/logs"
fi

# 3. The module, unless given.
if [ -z "$ko" ]; then
	if here_build "$out/build.log"; then
		_result "ok - build"
		ko=$here_ko
	else
		_result "not ok - build"
	fi
fi

# 4. The cases, each cleaned up after by suite.sh.
if [ -n "$ko" ]; then
	while IFS= read -r line; do
		case $line in
		"ok - "* | "not ok - "*) _result "$line" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <(TMPDIR=$tmp SUITE_LOGDIR=$out/logs BLKEX_KO=$(readlink -f "$ko") \
		TEST_SCALE_PCT=${TEST_SCALE_PCT:-100} BT_ATTACH_S=${BT_ATTACH_S:-180} \
		bash "$here/lib/suite.sh" "${cases[@]}" < /dev/null 2>&1)
fi
why="the suite stopped before it"
[ -n "$ko" ] || why="no module to run it with"
for c in "${cases[@]:$((n - nbuild))}"; do
	_result "not ok - $(usage_case_name "$here/cases" "$c") # not run: $why"
done

[ -n "$raw" ] || echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
