#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/profile.sh [-h|--help]
# Profile fidelity: how closely blk_example's latency_profile replays a
# device it was recorded from. In one VM boot on the icount clock
# (bench/guest/profile.sh): tracing/profile.sh records a loop device over
# a file the VM reaches over 9p, a device no one here wrote, while one fio
# job runs on it; blkex0 takes the profile through configfs and runs the
# same job under tracing/q2c.bt; blkex1, without a profile, runs it too,
# as the driver's own floor. bench/profile_report.py then prints the
# Markdown table: per bucket the share recorded and replayed and their
# difference in percentage points, the medians, the worst difference, and
# whether the issue's bound holds (every bucket within 3 pp, the median
# within 10%). The module is the working tree's. Under TCG the times are
# instructions, not a disk's: compare recorded with replayed, nothing
# else. Not part of make test or bench.
#
# Results land in bench/results/<time>-profile-<kver>/: blk_example.ko,
# rec.txt (the profile), q2c.out, keys.txt, rec.json, rep.json and
# floor.json (fio), console.log, fidelity.md (the table).
#
# Environment: PROFILE_RW (fio's rw, default randread; one of randread
# randwrite read write), PROFILE_BS (block size, 4k), PROFILE_DEPTH
# (iodepth, 4), PROFILE_IOS (I/Os per run, 5000), PROFILE_MB (size of the
# loop file and of the disks in MiB, 32), KVER (default: the newest kernel
# with headers), BENCH_OUT (results directory), VM_TIMEOUT (3600),
# VM_QEMU_ARGS and the other VM_* knobs of vm/boot.sh.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
USAGE_SEE=(vm/boot.sh)
usage_noargs "$@"
[ -z "${PROFILE_RW:-}" ] ||
	usage_in PROFILE_RW "$PROFILE_RW" randread randwrite read write
[ -z "${PROFILE_BS:-}" ] || [[ $PROFILE_BS =~ ^[1-9][0-9]*[kKmM]?$ ]] ||
	usage_fail "PROFILE_BS: '$PROFILE_BS' is not a size such as 4k"
usage_uint PROFILE_DEPTH PROFILE_IOS PROFILE_MB
usage_kver KVER
usage_vm_knobs

kver=${KVER:-$("$repo/vm/kernels.sh" | tail -n 1)}
[ -n "$kver" ] || { echo "profile: no kernel with headers installed; run make deps" >&2; exit 2; }
out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-profile-$kver}
mkdir -p "$out"
out=$(readlink -f "$out")

# The hooks of vm_each_kernel (vm/each-kernel.sh), for this one kernel.
each_job() {
	local mod=$repo/build/profile/$kver v
	EACH_OUT=$out
	EACH_JOB=$out/profile-job.sh
	echo "profile: building the working tree ($(git -C "$repo" describe --always --dirty)) for $kver"
	MODULE_OUT=$mod "$repo/vm/build-module.sh" "$kver"
	cp "$mod/blk_example.ko" "$out/blk_example.ko"
	{
		for v in PROFILE_RW PROFILE_BS PROFILE_DEPTH PROFILE_IOS PROFILE_MB; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		echo 'exec bash /mnt/repo/bench/guest/profile.sh'
	} > "$EACH_JOB"
	echo "profile: results in $out"
}

# A failed boot ends the run with its status, as boot.sh's own would.
each_done() {
	[ "$2" = 0 ] || exit "$2"
}

VM_TIMEOUT=${VM_TIMEOUT:-3600} \
VM_APPEND="${VM_APPEND:-} blkex_clock=icount" \
VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -icount shift=0,sleep=off" \
	vm_each_kernel "$kver"

"$here/profile_report.py" "$out" | tee "$out/fidelity.md"
