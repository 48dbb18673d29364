#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside the VM by bench/ab.sh: the builds of blk_example in /mnt/out
# (AB_BUILDS, NAME.ko each, loaded with BLKEX_ARGS and NAME.args) and
# null_blk (memory_backed=1, irqmode=0), each for one fio point
# (AB_WORKLOAD, AB_NUMJOBS) at every depth of AB_DEPTHS.
# Each repeat runs every device, starting one further along the list than
# the repeat before, so drift hits all alike; a build is loaded afresh
# (and written once) for each repeat. Writes
# raw/<name>_qd<depth>_r<rep>.json to /mnt/out, null_blk as "nullblk".
# AB_HIPRI=1 polls (fio --hipri): null_blk gets a poll queue, and a build
# is polled when its disk has poll queues (queue/io_poll 1); hipri.txt
# says which were.
set -euo pipefail

repo=/mnt/repo
out=/mnt/out
# shellcheck source=bench/guest/devices.sh
. "$repo/bench/guest/devices.sh"
# shellcheck source=bench/guest/workloads.sh
. "$repo/bench/guest/workloads.sh"

: "${AB_WORKLOAD:=randread-4k}"
: "${AB_DEPTHS:=1 16 32}"
: "${AB_NUMJOBS:=1}"
: "${AB_REPS:=5}"
: "${BENCH_MB:=64}"
: "${BENCH_RUNTIME:=3}"
: "${BENCH_RAMP:=1}"
: "${BLKEX_ARGS:=}"
: "${AB_HIPRI:=0}"

[ -n "${WORKLOAD[$AB_WORKLOAD]:-}" ] ||
	{ echo "ab: no workload $AB_WORKLOAD" >&2; exit 2; }
read -r rw bs mix <<< "${WORKLOAD[$AB_WORKLOAD]}"
read -ra devs <<< "nullblk $AB_BUILDS"

# _load BUILD: a fresh blk_example of that build, written once.
_load() {
	local args=

	[ ! -s "$out/$1.args" ] || args=$(cat "$out/$1.args")
	! grep -q '^blk_example ' /proc/modules || rmmod blk_example
	# shellcheck disable=SC2086 # lists of parameters
	insmod "$out/$1.ko" num_sectors=$((BENCH_MB * 2048)) $BLKEX_ARGS $args
	_bench_dev_ready /dev/blkex0
}

_bench_nullb nullb0 0 "$(nproc)" "$AB_HIPRI"
_bench_dev_ready /dev/nullb0
echo "nullblk $AB_HIPRI" > "$out/hipri.txt"

mkdir -p "$out/raw"
echo "ab: $(uname -r), $(nproc) CPUs, $AB_WORKLOAD numjobs $AB_NUMJOBS, depths $AB_DEPTHS, $AB_REPS repeats: ${devs[*]}"
for ((rep = 1; rep <= AB_REPS; rep++)); do
	for ((i = 0; i < ${#devs[@]}; i++)); do
		name=${devs[(i + rep - 1) % ${#devs[@]}]}
		dev=/dev/nullb0
		hipri=$AB_HIPRI
		if [ "$name" != nullblk ]; then
			_load "$name"
			dev=/dev/blkex0
			[ "$(cat /sys/block/blkex0/queue/io_poll)" = 1 ] || hipri=0
			[ "$rep" != 1 ] || echo "$name $hipri" >> "$out/hipri.txt"
		fi
		for qd in $AB_DEPTHS; do
			echo "ab: rep $rep $name iodepth $qd hipri $hipri"
			DEV=$dev RW=$rw BS=$bs RWMIX=$mix IODEPTH=$qd \
			NUMJOBS=$AB_NUMJOBS RUNTIME=$BENCH_RUNTIME RAMP=$BENCH_RAMP HIPRI=$hipri \
			SIZE=$((100 / AB_NUMJOBS))% \
				fio "$repo/bench/sweep.fio" --output-format=json --eta=never \
				--output="$out/raw/${name}_qd${qd}_r$rep.json"
		done
	done
done
! grep -q '^blk_example ' /proc/modules || rmmod blk_example
echo "ab: done"
