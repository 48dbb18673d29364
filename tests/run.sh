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
# build/test-results/host/. The kernels boot side by side, one VM per CPU
# (TEST_LANES): each VM is one emulator thread (-accel tcg,thread=single),
# so two CPUs run two kernels' suites in the time of one. Their results
# stream as comments ("# [KVER] ok - ...") while they run, and are
# numbered, kernel by kernel, once every lane has ended. The whole suite
# takes about 50 minutes here (two kernels, 123 results).
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
#   TESTS_SKIP=REGEX  leave out the cases it matches (as TESTS)
#   TEST_ICOUNT=REGEX the cases that run under the icount clock instead,
#                     in a VM per kernel of their own booted with
#                     "-icount shift=0,sleep=off" and blkex_clock=icount
#                     and one vCPU (6.1 does not bring up a second one
#                     under this QEMU's icount)
#                     (guest time counts instructions, so their timing
#                     bounds hold on a loaded host; results named
#                     KVER+icount/...); default '^faults/06[12]-' (the
#                     latency profile's fidelity and the rate caps);
#                     empty: none. Not with an -icount in VM_QEMU_ARGS
#   TEST_SCALE_PCT=N  I/O sizes of the cases in percent; default 100
#   BT_ATTACH_S=N     seconds bpftrace may take to attach; default 180
#   TEST_ZBD_FULL=0   zoned/072 runs blktests zbd/001-004 on the disk
#                     alone; default (1): zbd/001-007 on the disk and on
#                     null_blk zoned beside it (about 400 s)
#   TEST_LANES=N      kernels booted at once; default: the host's CPUs
#                     (nproc); 1: one after another
#   TEST_HOST_DIR=DIR the host-side cases; default tests/host
#   TEST_KDIR=DIR     the kernel build tree (vm/build-module.sh);
#                     default /lib/modules/KVER/build
#   VM_*              the VM (vm/boot.sh, below); here VM_TIMEOUT is 3600
#                     by default: a lane beside another runs a whole
#                     kernel's cases, past boot.sh's 1800 on a slow host
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
usage_uint TEST_SCALE_PCT BT_ATTACH_S TEST_LANES
usage_oneof TEST_ZBD_FULL 0 1
usage_vm_knobs
[ "${TEST_LANES:-1}" -gt 0 ] || usage_fail "TEST_LANES: at least 1"
export VM_TIMEOUT=${VM_TIMEOUT:-3600}
[ -z "${TEST_HOST_DIR:-}" ] || [ -d "$TEST_HOST_DIR" ] ||
	usage_fail "TEST_HOST_DIR: no directory $TEST_HOST_DIR"
icount=${TEST_ICOUNT-^faults/06[12]-}
[[ ${VM_QEMU_ARGS:-} != *-icount* ]] || icount=''
# The kernel lanes leave out what the icount lanes run.
main_skip="${TESTS_SKIP:-}${TESTS_SKIP:+|}${icount:-^\$}"
icases=()
[ -z "$icount" ] || mapfile -t icases < <(usage_pick "$here/cases" |
	while read -r f; do
		! usage_case_is "$here/cases" "$f" "$icount" || echo "$f"
	done)
mapfile -t cases < <(TESTS_SKIP=$main_skip usage_pick "$here/cases")
mapfile -t hcases < <(usage_pick "${TEST_HOST_DIR:-$here/host}")
[ "$((${#cases[@]} + ${#icases[@]} + ${#hcases[@]}))" -gt 0 ] || { echo "run.sh: no case matches TESTS=${TESTS:-}" >&2; exit 2; }

# The lanes: "KVER" runs the cases, "KVER+icount" the icases.
lanes=()
[ "${#cases[@]}" = 0 ] || lanes+=("${kvers[@]}")
[ "${#icases[@]}" = 0 ] || lanes+=("${kvers[@]/%/+icount}")
passed=0 failed=0 skipped=0 n=0
echo "TAP version 13"
echo "1..$(( (${#cases[@]} + 2) * (${#cases[@]} > 0) * ${#kvers[@]} +
	(${#icases[@]} + 2) * (${#icases[@]} > 0) * ${#kvers[@]} + ${#hcases[@]} ))"

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

# A lane boots one kernel (vm_each_kernel) and writes what it saw to
# its file, a line each: "R LINE" a result (numbered later by _result),
# "C TEXT" a comment. Results and boot.sh's own messages also go at once
# to fd 3, the suite's output, as comments, so a run stopped from outside
# still shows how far each kernel got.
#
# The hooks of vm_each_kernel (vm/each-kernel.sh). The guest runs what a
# user runs on their own machine (make test-here), with the module built
# here, so every boot goes through its checks too.
_lane_result() {
	echo "R $1"
	echo "# [$job_kver] $1" >&3
}

each_job() {
	local kver=$1
	EACH_OUT=$results/$job_kver
	EACH_JOB=$EACH_OUT/suite-job.sh
	rm -rf "$EACH_OUT"
	mkdir -p "$EACH_OUT"
	echo "C $job_kver: building the module"
	# An icount lane builds its own copy: it may start while the same
	# kernel's other lane still loads build/KVER.
	if MODULE_OUT=$repo/build/$job_kver vm_build "$kver" "$EACH_OUT" | sed 's/^/C /'; then
		_lane_result "ok - build"
	else
		_lane_result "not ok - build"
	fi
	{
		echo "export TEST_SCALE_PCT=${TEST_SCALE_PCT:-100}"
		echo "export BT_ATTACH_S=${BT_ATTACH_S:-180}"
		echo "export TEST_ZBD_FULL=${TEST_ZBD_FULL:-1}"
		printf 'export TESTS=%q TESTS_SKIP=%q\n' "$job_tests" "$job_skip"
		echo "export BLKEX_KO=/mnt/repo/build/$job_kver/blk_example.ko"
		echo "export HERE_OUT=/mnt/out HERE_TAP=raw TEST_LOCKDOWN=1"
		echo "exec bash /mnt/repo/tests/here.sh"
	} > "$EACH_JOB"
	echo "C $job_kver: booting the VM"
	seen=0
}

each_line() {
	case $1 in
	"ok - "* | "not ok - "*)
		_lane_result "$1"
		seen=$((seen + 1)) ;;
	boot.sh:*)
		echo "C $1"
		echo "# [$job_kver] $1" >&3 ;;
	*) echo "C $1" ;;
	esac
}

each_done() {
	local kver=$1 status=$2 i bad
	[ "$status" = 0 ] || echo "C VM exit status $status"
	for ((i = seen; i < ${#job_cases[@]}; i++)); do
		_lane_result "not ok - $(usage_case_name "$here/cases" "${job_cases[i]}") # the VM stopped before it ran"
	done
	if bad=$(vm_console_clean "$EACH_OUT"); then
		_lane_result "ok - kernel-log-clean"
	else
		[ -n "$bad" ] && printf 'C   kernel: %s\n' "${bad//$'\n'/$'\n'C   kernel: }"
		_lane_result "not ok - kernel-log-clean"
	fi
}

# _lane_replay KVER STATUS: number and print lane KVER's lines.
_lane_replay() {
	local kver=$1 status=$2 kind line
	while IFS= read -r line; do
		kind=${line%% *}
		line=${line#? }
		case $kind in
		R) _result "$line" "$kver" ;;
		*) echo "# $line" ;;
		esac
	done < "$results/lane-$kver.log"
	[ "$status" = 0 ] || _result "not ok - lane ended with status $status" "$kver"
}

# _lane LANE: boot lane LANE ("KVER" or "KVER+icount") in this shell, a
# background one.
_lane() {
	local c
	job_kver=$1
	if [[ $1 == *+icount ]]; then
		job_cases=("${icases[@]}")
		job_tests="^($(for c in "${icases[@]}"; do usage_case_name "$here/cases" "$c"; done |
			paste -sd '|'))\$"
		job_skip=''
		# One vCPU: QEMU 7.2's icount hangs while 6.1 brings up its
		# second CPU ("x86: Booting SMP configuration:", then nothing).
		export VM_CPUS=1
		export VM_QEMU_ARGS="${VM_QEMU_ARGS:-}${VM_QEMU_ARGS:+ }-icount shift=0,sleep=off"
		export VM_APPEND="${VM_APPEND:-}${VM_APPEND:+ }blkex_clock=icount"
	else
		job_cases=("${cases[@]}")
		job_tests=${TESTS:-.}
		job_skip=$main_skip
	fi
	vm_each_kernel "${1%+icount}"
}

# _lane_wait: wait for a lane to end and keep its status.
_lane_wait() {
	local pid st=0
	wait -n -p pid || st=$?
	lane_status[${lane_of[$pid]}]=$st
	running=$((running - 1))
}

exec 3>&1
declare -A lane_of=() lane_status=()
running=0
mkdir -p "$results"
for lane in "${lanes[@]}"; do
	while [ "$running" -ge "${TEST_LANES:-$(nproc)}" ]; do
		_lane_wait
	done
	echo "# [$lane] lane started"
	_lane "$lane" > "$results/lane-$lane.log" 2>&1 &
	lane_of[$!]=$lane
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	_lane_wait
done
exec 3>&-
for lane in "${lanes[@]}"; do
	_lane_replay "$lane" "${lane_status[$lane]}"
done

# The host-side cases run in order in one lane; a case whose header says
# "# LANE: own" (it boots a long VM of its own and shares no file with
# the others) runs in a second lane beside them when TEST_LANES allows.
# Each writes its log and a result line; they are numbered in case order.
# _host_case FILE: run host case FILE, its output into its log.
_host_case() {
	local name log start line
	name=$(usage_case_name "${TEST_HOST_DIR:-$here/host}" "$1")
	log=$results/host/${name##*/}.log
	start=$SECONDS
	if "$1" > "$log" 2>&1; then
		line="ok - $name ($((SECONDS - start))s)"
	else
		line="not ok - $name ($((SECONDS - start))s)"
	fi
	echo "$line" > "${log%.log}.result"
	echo "# [host] $line" >&3
}

hown=() hrest=()
for hcase in "${hcases[@]}"; do
	if [ "${TEST_LANES:-$(nproc)}" -gt 1 ] && grep -q '^# LANE: own$' "$hcase"; then
		hown+=("$hcase")
	else
		hrest+=("$hcase")
	fi
done
if [ "${#hcases[@]}" -gt 0 ]; then
	mkdir -p "$results/host"
	rm -f "$results"/host/*.result
	exec 3>&1
	for hcase in "${hown[@]}"; do
		echo "# [host] started: $(usage_case_name "${TEST_HOST_DIR:-$here/host}" "$hcase"), in a lane of its own"
	done
	(
		for hcase in "${hown[@]}"; do
			_host_case "$hcase"
		done
	) &
	own_lane=$!
	for hcase in "${hrest[@]}"; do
		_host_case "$hcase"
	done
	wait "$own_lane" || true
	exec 3>&-
fi
for hcase in "${hcases[@]}"; do
	name=$(usage_case_name "${TEST_HOST_DIR:-$here/host}" "$hcase")
	log=$results/host/${name##*/}.log
	echo "# host: $name"
	line=$(cat "${log%.log}.result" 2> /dev/null || echo "not ok - $name # it left no result")
	case $line in
	"not ok"*) tail -n 20 "$log" | tr -d '\r' | sed 's/^/#   /' ;;
	esac
	_result "$line" host
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
