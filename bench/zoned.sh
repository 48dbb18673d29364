#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/zoned.sh [-h|--help]
# The zoned point (issue 28): a zoned blk_example disk (zoned=1) against a
# memory-backed null_blk zoned disk of the same geometry, in one VM boot
# under the icount clock (guest time counts instructions, so the figures
# are CPU cost per I/O and hold on a loaded host; compare ratios only).
# Builds the module for KVER, boots once, runs bench/guest/zoned.sh:
#   seqwrite  128k sequential direct writes to the raw disk with fio
#             --zonemode=zbd (io_uring), one pass over the disk with every
#             zone reset first, at each depth of ZONED_DEPTHS
#   append    128k direct writes (io_uring) at each depth of
#             ZONED_APPEND_DEPTHS overwriting a file on a fresh btrfs -O
#             zoned, which writes data with REQ_OP_ZONE_APPEND
#   appendjobs the same by each number of ZONED_APPEND_JOBS writers, each
#             on a file of its own at iodepth 1 (one writer at depth was
#             seen with one append in flight at a time)
# both devices each repeat, in a rotated order. The scheduler is the same
# for both: none where the kernel has zone write plugging (6.10 on),
# mq-deadline before (its zone write lock lets a zoned disk take writes at
# depth). After the timed runs one smaller traced run of every point and
# device counts the requests issued by operation (block_rq_issue: rwbs N is
# a zone append here, W a write), the most in flight at once, and each
# driver's own zone operations (blkex_zone_op, nullb_zone_op), into
# check.txt. bench/zoned.py then writes zoned.csv and zoned.md: per point,
# device and depth the median IOPS, MiB/s and mean latency, and
# blkex/null_blk ratios of the medians.
#
#   bench/zoned.sh                                 6.12, five repeats
#   ZONED_REPS=3 ZONED_DEPTHS="1 16 32" bench/zoned.sh
#
# Results land in bench/results/<time>-zoned-<kver>/: blk_example.ko,
# machine.txt, settings.txt, raw/, check/, check.txt, zoned.csv,
# zoned.md. Before it builds anything it refuses (status 2) an argument,
# a knob that is not a number or a name it knows, a zone size that is not
# a power of two or does not divide the disk, and too many conventional
# zones. -h or --help prints this.
#
# Environment: ZONED_DEPTHS (seqwrite iodepths, "1 16"),
# ZONED_APPEND_DEPTHS (append iodepths, "16"), ZONED_APPEND_JOBS
# (appendjobs writers, "16"), ZONED_REPS (5), ZONED_MB
# (each disk's size in MiB, 256), ZONED_ZONE_MB (zone size in MiB, 4),
# ZONED_NR_CONV (conventional zones at the start, 0), ZONED_APPEND_MAX
# (zone_append_max_sectors of both disks, where null_blk has it (6.12):
# 2048, native zone appends; blk_example's 0, appends emulated by the
# block layer, only on 6.12), ZONED_FILE_MB (the append point's file,
# written once by each run, 64), ZONED_SCHED (auto, none or mq-deadline;
# auto as above), ZONED_STALL (guest seconds without a finished run
# after which the guest dumps its blocked tasks and powers off, 300),
# BLKEX_ARGS (more module parameters of blk_example,
# NAME=VALUE each), KVER (default: the newest kernel with headers),
# BENCH_OUT (results directory), VM_MEM (3G), VM_TIMEOUT (1800),
# VM_QEMU_ARGS and the other VM_* knobs of vm/boot.sh. 6.1 does not boot
# under the icount clock with this QEMU (docs/bench/2026-12-03-ab-copy-
# inline.md).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
USAGE_SEE=(vm/boot.sh)
usage_noargs "$@"
usage_uint ZONED_DEPTHS ZONED_APPEND_DEPTHS ZONED_APPEND_JOBS ZONED_STALL ZONED_REPS ZONED_MB ZONED_ZONE_MB ZONED_FILE_MB
USAGE_MIN=0 usage_uint ZONED_NR_CONV ZONED_APPEND_MAX
usage_oneof ZONED_SCHED auto none mq-deadline
usage_blkex_args BLKEX_ARGS
usage_kver KVER
usage_vm_knobs
mb=${ZONED_MB:-256} zmb=${ZONED_ZONE_MB:-4}
(( (zmb & (zmb - 1)) == 0 )) || usage_fail "ZONED_ZONE_MB: '$zmb' is not a power of two"
(( mb % zmb == 0 )) || usage_fail "ZONED_MB: '$mb' is not a multiple of ZONED_ZONE_MB ($zmb)"
(( ${ZONED_NR_CONV:-0} < mb / zmb )) ||
	usage_fail "ZONED_NR_CONV: '${ZONED_NR_CONV}' leaves no sequential zone of $((mb / zmb))"
for n in ${ZONED_APPEND_JOBS:-16}; do
	(( ${ZONED_FILE_MB:-64} % n == 0 && 32 % n == 0 )) ||
		usage_fail "ZONED_APPEND_JOBS: '$n' does not divide ZONED_FILE_MB (${ZONED_FILE_MB:-64}) and 32"
done
(( ${ZONED_FILE_MB:-64} * 2 < mb )) ||
	usage_fail "ZONED_FILE_MB: '${ZONED_FILE_MB}' needs a disk of more than twice it (ZONED_MB $mb)"

kver=${KVER:-$("$repo/vm/kernels.sh" | tail -n 1)}
[ -n "$kver" ] || { echo "zoned: no kernel with headers installed; run make deps" >&2; exit 2; }
out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-zoned-$kver}
mkdir -p "$out"
out=$(readlink -f "$out")
clock_args="-icount shift=0,sleep=off"

# The hooks of vm_each_kernel (vm/each-kernel.sh), for this one kernel.
each_job() {
	local v
	EACH_OUT=$out
	EACH_JOB=$out/zoned-job.sh
	echo "zoned: building blk_example for $kver"
	"$repo/vm/build-module.sh" "$kver"
	cp "$repo/build/$kver/blk_example.ko" "$out/"
	{
		for v in ZONED_DEPTHS ZONED_APPEND_DEPTHS ZONED_APPEND_JOBS ZONED_STALL ZONED_REPS ZONED_MB ZONED_ZONE_MB \
			 ZONED_NR_CONV ZONED_APPEND_MAX ZONED_FILE_MB ZONED_SCHED BLKEX_ARGS; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		echo 'exec bash /mnt/repo/bench/guest/zoned.sh'
	} > "$EACH_JOB"
	{
		echo "host: $(nproc) CPUs, $(uname -r)"
		echo "qemu: $(qemu-system-x86_64 --version | head -n 1)"
		echo "vm: -accel tcg,thread=single -smp ${VM_CPUS:-2} -m ${VM_MEM:-3G} $clock_args"
		echo "commit: $(git -C "$repo" describe --always --dirty 2> /dev/null || echo unknown)"
	} > "$out/machine.txt"
	echo "zoned: results in $out"
}

# A failed boot ends the run with its status, as boot.sh's own would.
each_done() {
	[ "$2" = 0 ] || exit "$2"
}

VM_MEM=${VM_MEM:-3G} VM_TIMEOUT=${VM_TIMEOUT:-1800} \
VM_QEMU_ARGS="${VM_QEMU_ARGS:-} $clock_args" \
	vm_each_kernel "$kver"

"$here/zoned.py" "$out"
