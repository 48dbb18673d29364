#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/soak/run.sh [-h|--help]   (what `make soak` runs)
# Builds the module and runs the soak (tests/soak/guest.sh: fio verify,
# ext4 and fault toggling) in a VM on each kernel, through what `sudo
# make soak-here` runs on a real machine (tests/soak/here.sh). Prints the soak's check
# lines, each prefixed with the kernel, and ends with "N passed, N
# failed"; exits non-zero on any failure, a lost byte included. Logs:
# build/soak/KVER/. Before it builds anything it refuses (status 2) an
# unknown argument, a kernel without headers or image and a knob that is
# not a number.
#
# Environment:
#   SOAK_SECONDS=N  how long the soak runs on each kernel; default 180
#                   (the VM is given SOAK_SECONDS + 900 s in all)
#   KVERS="V1 V2"   kernels; default: every kernel in /boot with headers
#                   (vm/kernels.sh)
#   VM_*            the VM (vm/boot.sh, below)
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/../..")
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
# shellcheck source=tests/lib/usage.sh
. "$here/../lib/usage.sh"
USAGE_SEE=(vm/build-module.sh vm/boot.sh)
usage_noargs "$@"
usage_uint SOAK_SECONDS
usage_kver KVERS
usage_vm_knobs
secs=${SOAK_SECONDS:-180}
read -ra kvers <<< "${KVERS:-$("$repo/vm/kernels.sh" | tr '\n' ' ')}"
[ "${#kvers[@]}" -gt 0 ] || { echo "soak: no kernel with headers installed; run make deps" >&2; exit 2; }

# The hooks of vm_each_kernel (vm/each-kernel.sh). The guest runs what a
# user runs on their own machine (make soak-here), with the module built
# here.
each_job() {
	local kver=$1
	job_kver=$kver
	EACH_OUT=$repo/build/soak/$kver
	rm -rf "$EACH_OUT"
	mkdir -p "$EACH_OUT"
	if ! vm_build "$kver" "$EACH_OUT"; then
		echo "not ok - $kver/build"
		failed=$((failed + 1))
		EACH_JOB=
		return 0
	fi
	EACH_JOB=$EACH_OUT/soak-job.sh
	{
		printf 'export SOAK_SECONDS=%d\n' "$secs"
		echo "export BLKEX_KO=/mnt/repo/build/$kver/blk_example.ko SOAK_OUT=/mnt/out"
		echo "exec bash /mnt/repo/tests/soak/here.sh"
	} > "$EACH_JOB"
	seen=0
}

each_line() {
	case $1 in
	"ok - "*) echo "ok - $job_kver/${1#ok - }"; passed=$((passed + 1)); seen=1 ;;
	"not ok - "*) echo "not ok - $job_kver/${1#not ok - }"; failed=$((failed + 1)); seen=1 ;;
	*" passed, "*" failed") ;;
	"#"*) echo "$1" ;;
	*) echo "# $1" ;;
	esac
}

each_done() {
	local kver=$1 status=$2
	[ "$status" = 0 ] || echo "# VM exit status $status"
	if [ "$seen" = 0 ]; then
		echo "not ok - $kver/soak # the VM stopped before it reported"
		failed=$((failed + 1))
	fi
	if vm_console_clean "$EACH_OUT" > /dev/null; then
		echo "ok - $kver/kernel-log-clean"
		passed=$((passed + 1))
	else
		echo "not ok - $kver/kernel-log-clean"
		failed=$((failed + 1))
	fi
}

passed=0 failed=0
VM_TIMEOUT=$((secs + 900)) vm_each_kernel "${kvers[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
