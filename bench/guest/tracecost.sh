#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside the VM by bench/tracecost.sh: the two builds of blk_example
# in /mnt/out (normal.ko, tracepoints behind static keys, nobody tracing;
# notrace.ko, built with BLKEX_TRACEPOINTS=n) loaded in turn, each for fio
# 4 KiB random reads at every depth of TRACECOST_DEPTHS. Each repeat runs
# both builds, the first of them alternating, so drift hits both alike.
# Writes raw/<build>_qd<depth>_r<rep>.json to /mnt/out.
set -euo pipefail

repo=/mnt/repo
out=/mnt/out
# shellcheck source=bench/guest/devices.sh
. "$repo/bench/guest/devices.sh"

: "${TRACECOST_REPS:=5}"
: "${TRACECOST_DEPTHS:=1 16 32}"
: "${BENCH_MB:=64}"
: "${BENCH_RUNTIME:=3}"
: "${BENCH_RAMP:=1}"

# _load BUILD: a fresh blk_example of that build, written once.
_load() {
	! grep -q '^blk_example ' /proc/modules || rmmod blk_example
	insmod "$out/$1.ko" num_sectors=$((BENCH_MB * 2048))
	_bench_wait_dev /dev/blkex0
	echo none > /sys/block/blkex0/queue/scheduler 2> /dev/null || true
	fio --name=fill --filename=/dev/blkex0 --rw=write --bs=1M --direct=1 \
		--ioengine=io_uring --iodepth=8 --output=/dev/null
}

mkdir -p "$out/raw"
echo "tracecost: $(uname -r), $(nproc) CPUs, depths $TRACECOST_DEPTHS, $TRACECOST_REPS repeats"
for ((rep = 1; rep <= TRACECOST_REPS; rep++)); do
	builds="normal notrace"
	((rep % 2)) || builds="notrace normal"
	for b in $builds; do
		_load "$b"
		[ -d /sys/kernel/tracing/events/blk_example ] && have=yes || have=no
		for qd in $TRACECOST_DEPTHS; do
			echo "tracecost: rep $rep $b (events: $have) iodepth $qd"
			DEV=/dev/blkex0 RW=randread BS=4k RWMIX=100 IODEPTH=$qd \
			NUMJOBS=1 RUNTIME=$BENCH_RUNTIME RAMP=$BENCH_RAMP SIZE=100% \
				fio "$repo/bench/sweep.fio" --output-format=json --eta=never \
				--output="$out/raw/${b}_qd${qd}_r$rep.json"
		done
	done
done
rmmod blk_example
echo "tracecost: done"
