#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/run.sh [-h|--help]       (what `make test` runs)
# Builds the module for each kernel (vm/kernels.sh), boots each one
# under QEMU (vm/each-kernel.sh), runs the cases in tests/cases inside through tests/here.sh
# (what `sudo make test-here` runs on a real machine), then the host-side
# cases in tests/host (each boots its own VM if it needs one), and prints
# TAP, ending with "N passed, N failed, N skipped". Exits non-zero on any
# failure, including a kernel log with an oops, warning or lockdep report
# anywhere in a boot. Logs: build/test-results/KVER/ and
# build/test-results/host/. The whole suite takes about 42 minutes here (89 results).
# Before it builds anything it refuses (status 2) an unknown argument, a
# kernel without headers or image, a TESTS that matches no case, and a
# knob that is not a number.
#
# Environment:
#   KVERS="V1 V2"     kernels to run on; default: every kernel in /boot
#                     with headers (vm/kernels.sh)
#   TESTS=REGEX       only the cases whose file name or GROUP/NAME
#                     matches (bash =~), VM and host cases alike, e.g.
#                     '^tracing/' (a group), '^(core/)?00[1-5]-'; default:
#                     all. Groups: core, tracing, faults, zoned in tests/cases;
#                     tooling, driver in tests/host. A host case alone
#                     boots no suite VM, e.g. TESTS='^008-entry'
#   TEST_SCALE_PCT=N  I/O sizes of the cases in percent; default 100
#   BT_ATTACH_S=N     seconds bpftrace may take to attach; default 180
#   TEST_ZBD_FULL=1   zoned/072 runs blktests zbd/001-007 on the disk and
#                     on null_blk zoned (about 400 s); default: 001-004
#                     on the disk alone
#   TEST_HOST_DIR=DIR the host-side cases; default tests/host
#   TEST_KDIR=DIR     the kernel build tree (vm/build-module.sh);
#                     default /lib/modules/KVER/build
#   VM_*              the VM (vm/boot.sh, below)
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
results=$repo/build/test-results
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
# shellcheck source=tests/lib/usage.sh
. "$here/lib/usage.sh"
USAGE_SEE=(vm/build-module.sh vm/boot.sh)
usage_noargs "$@"

mapfile -t kvers < <("$repo/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || { echo "run.sh: no kernel with headers installed; run make deps" >&2; exit 2; }
usage_kver KVERS
usage_uint TEST_SCALE_PCT BT_ATTACH_S
usage_vm_knobs
[ -z "${TEST_HOST_DIR:-}" ] || [ -d "$TEST_HOST_DIR" ] ||
	usage_fail "TEST_HOST_DIR: no directory $TEST_HOST_DIR"
mapfile -t cases < <(usage_pick "$here/cases")
mapfile -t hcases < <(usage_pick "${TEST_HOST_DIR:-$here/host}")
[ "$((${#cases[@]} + ${#hcases[@]}))" -gt 0 ] || { echo "run.sh: no case matches TESTS=${TESTS:-}" >&2; exit 2; }

[ "${#cases[@]}" -gt 0 ] || kvers=()
passed=0 failed=0 skipped=0 n=0
echo "TAP version 13"
echo "1..$(( (${#cases[@]} + 2) * ${#kvers[@]} + ${#hcases[@]} ))"

# _result LINE KVER: number a guest result line and count it.
_result() {
	local line=$1 kver=$2 status rest
	n=$((n + 1))
	case $line in
	"not ok - "*) status="not ok"; rest=${line#not ok - }; failed=$((failed + 1)) ;;
	*"# SKIP"*) status=ok; rest=${line#ok - }; skipped=$((skipped + 1)) ;;
	*) status=ok; rest=${line#ok - }; passed=$((passed + 1)) ;;
	esac
	echo "$status $n $kver/$rest"
}

# The hooks of vm_each_kernel (vm/each-kernel.sh). The guest runs what a
# user runs on their own machine (make test-here), with the module built
# here, so every boot goes through its checks too.
each_job() {
	local kver=$1
	job_kver=$kver
	EACH_OUT=$results/$kver
	EACH_JOB=$EACH_OUT/suite-job.sh
	rm -rf "$EACH_OUT"
	mkdir -p "$EACH_OUT"
	echo "# $kver: building the module"
	if vm_build "$kver" "$EACH_OUT"; then
		_result "ok - build" "$kver"
	else
		_result "not ok - build" "$kver"
	fi
	{
		echo "export TEST_SCALE_PCT=${TEST_SCALE_PCT:-100}"
		echo "export BT_ATTACH_S=${BT_ATTACH_S:-180}"
		echo "export TEST_ZBD_FULL=${TEST_ZBD_FULL:-0}"
		printf 'export TESTS=%q\n' "${TESTS:-.}"
		echo "export BLKEX_KO=/mnt/repo/build/$kver/blk_example.ko"
		echo "export HERE_OUT=/mnt/out HERE_TAP=raw TEST_LOCKDOWN=1"
		echo "exec bash /mnt/repo/tests/here.sh"
	} > "$EACH_JOB"
	echo "# $kver: booting the VM"
	seen=0
}

each_line() {
	case $1 in
	"ok - "* | "not ok - "*)
		_result "$1" "$job_kver"
		seen=$((seen + 1)) ;;
	*) echo "# $1" ;;
	esac
}

each_done() {
	local kver=$1 status=$2 i bad
	[ "$status" = 0 ] || echo "# VM exit status $status"
	for ((i = seen; i < ${#cases[@]}; i++)); do
		_result "not ok - $(usage_case_name "$here/cases" "${cases[i]}") # the VM stopped before it ran" "$kver"
	done
	if bad=$(vm_console_clean "$EACH_OUT"); then
		_result "ok - kernel-log-clean" "$kver"
	else
		[ -n "$bad" ] && printf '#   kernel: %s\n' "${bad//$'\n'/$'\n'#   kernel: }"
		_result "not ok - kernel-log-clean" "$kver"
	fi
}

vm_each_kernel "${kvers[@]}"

for hcase in "${hcases[@]}"; do
	name=$(usage_case_name "${TEST_HOST_DIR:-$here/host}" "$hcase")
	log=$results/host/${name##*/}.log
	mkdir -p "$results/host"
	echo "# host: $name"
	start=$SECONDS
	if "$hcase" > "$log" 2>&1; then
		_result "ok - $name ($((SECONDS - start))s)" host
	else
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/#   /'
		_result "not ok - $name ($((SECONDS - start))s)" host
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
