#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/tracecost.sh          (KVER=... picks the kernel)
# What blk_example's tracepoints cost when no one listens. Builds the
# module twice, as usual and with BLKEX_TRACEPOINTS=n (Kbuild: NOTRACE,
# every trace_blkex_*() an empty inline; blk_example/trace.h), boots one
# VM and loads the two in turn for fio 4 KiB random reads at iodepth 1, 16
# and 32, TRACECOST_REPS times each (bench/guest/tracecost.sh). The guest
# clock counts instructions, as bench/run.sh's default BENCH_CLOCK=icount,
# so repeat runs agree to a fraction of a percent on a loaded host.
# Prints per depth each build's median IOPS and the ratios normal/notrace
# of IOPS and mean latency (bench/tracecost.py). Results land in
# bench/results/<time>-tracecost-<kver>/. Not part of make test or bench.
# Environment: TRACECOST_REPS (5), TRACECOST_DEPTHS ("1 16 32"), BENCH_MB
# (64), BENCH_RUNTIME (3), BENCH_RAMP (1), BENCH_OUT (results directory).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
kver=${KVER:-$("$repo/tests/vm/kernels.sh" | tail -n 1)}
[ -n "$kver" ] || { echo "tracecost: no kernel with headers installed; run make deps" >&2; exit 2; }
out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-tracecost-$kver}
mkdir -p "$out"
out=$(readlink -f "$out")

for b in normal notrace; do
	echo "tracecost: building the $b blk_example for $kver"
	arg=BLKEX_TRACEPOINTS=y
	[ "$b" = notrace ] && arg=BLKEX_TRACEPOINTS=n
	MODULE_OUT=$repo/build/tracecost/$kver/$b \
		"$repo/tests/vm/build-module.sh" "$kver" "$arg"
	cp "$repo/build/tracecost/$kver/$b/blk_example.ko" "$out/$b.ko"
done

job=$out/tracecost-job.sh
{
	for v in TRACECOST_REPS TRACECOST_DEPTHS BENCH_MB BENCH_RUNTIME BENCH_RAMP; do
		[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo 'exec bash /mnt/repo/bench/guest/tracecost.sh'
} > "$job"
echo "commit: $(git -C "$repo" describe --always --dirty 2> /dev/null || echo unknown)" > "$out/machine.txt"

echo "tracecost: results in $out"
VM_MEM=${VM_MEM:-3G} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -icount shift=0,sleep=off" \
	"$repo/tests/vm/boot.sh" "$kver" "$job" "$out"

"$here/tracecost.py" "$out" | tee "$out/tracecost.txt"
