#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside the VM by bench/zoned.sh: a zoned blk_example disk (zoned=1,
# /mnt/out/blk_example.ko) and a memory-backed null_blk zoned disk made in
# configfs, the same geometry (ZONED_MB MiB in ZONED_ZONE_MB MiB zones, the
# first ZONED_NR_CONV conventional), side by side, and three kinds of
# point on each:
#   seqwrite  128k sequential direct writes to the raw disk, fio
#             --zonemode=zbd, io_uring at each depth of ZONED_DEPTHS,
#             one pass over the disk after every zone was reset
#   append    128k direct writes at each depth of ZONED_APPEND_DEPTHS
#             (io_uring) overwriting a ZONED_FILE_MB MiB file on btrfs
#             -O zoned, made afresh (mkfs, fio's buffered lay-out of the
#             file, sync) before each run: btrfs writes data to a zoned
#             disk with REQ_OP_ZONE_APPEND
#   appendjobs the same with ZONED_APPEND_JOBS writers, each at iodepth 1
#             on a file of its own (ZONED_FILE_MB / writers), as the
#             "depth" column: one writer at iodepth 16 was seen with one
#             append in flight at a time (check.txt), many writers are
#             what puts appends in flight together
# Each repeat runs both devices, starting one further along than the
# repeat before. Writes raw/<point>_<dev>_qd<depth>_r<rep>.json, settings.txt
# (each disk's queue limits and scheduler), and, after the timed runs, one
# traced run of every point and device (block_rq_issue and
# block_rq_complete, blk_example:blkex_zone_op and nullb:nullb_zone_op) that
# check.txt sums up: requests issued by operation and the most in flight
# at once, so the report can say which operation each point really issued
# and at what depth.
set -euo pipefail

out=/mnt/out
NULLB=/sys/kernel/config/nullb/nullb0
MNT=/mnt/blkex-zoned
TR=/sys/kernel/tracing/instances/blkex-zoned

: "${ZONED_DEPTHS:=1 16}"
: "${ZONED_APPEND_DEPTHS:=16}"
: "${ZONED_APPEND_JOBS:=16}"
: "${ZONED_REPS:=5}"
: "${ZONED_MB:=256}"
: "${ZONED_ZONE_MB:=4}"
: "${ZONED_NR_CONV:=0}"
: "${ZONED_APPEND_MAX:=2048}"
: "${ZONED_FILE_MB:=64}"
: "${ZONED_SCHED:=auto}"
: "${BLKEX_ARGS:=}"

declare -A node=([blkex]=/dev/blkex0 [nullblk]=/dev/nullb0)
devs=(blkex nullblk)

# The scheduler: none where the kernel has zone write plugging (6.10 on),
# which keeps a zone's writes in order itself; mq-deadline before that,
# whose zone write lock is what lets a zoned disk take writes at depth.
sched=$ZONED_SCHED
if [ "$sched" = auto ]; then
	sched=none
	[ "$(printf '%s\n' 6.10 "$(uname -r)" | sort -V | head -n 1)" = 6.10 ] ||
		sched=mq-deadline
fi

_wait_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.05
	done
	echo "zoned: $1 did not appear" >&2
	return 1
}

# _up: both disks, the same geometry, memory-backed, and the scheduler.
_up() {
	local d q
	modprobe configfs
	modprobe null_blk nr_devices=0
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$out/blk_example.ko" num_sectors=$((ZONED_MB * 2048)) zoned=1 \
		zone_size="$ZONED_ZONE_MB" zone_nr_conv="$ZONED_NR_CONV" \
		zone_append_max_sectors="$ZONED_APPEND_MAX" $BLKEX_ARGS
	mkdir $NULLB
	echo "$ZONED_MB" > $NULLB/size
	echo 1 > $NULLB/memory_backed
	echo 0 > $NULLB/irqmode
	echo 2 > $NULLB/queue_mode
	echo 512 > $NULLB/blocksize
	echo 256 > $NULLB/hw_queue_depth	# as blk_example's queue_depth
	nproc > $NULLB/submit_queues	# as blk_example's hw_queues
	# Requests up to 1 MiB, as blk_example's (null_blk's default, 255
	# sectors, would split every 128k write in two).
	echo 2048 > $NULLB/max_sectors
	[ ! -e $NULLB/poll_queues ] || echo 0 > $NULLB/poll_queues
	echo 1 > $NULLB/zoned
	echo "$ZONED_ZONE_MB" > $NULLB/zone_size
	echo "$ZONED_NR_CONV" > $NULLB/zone_nr_conv
	# 6.12's null_blk has the limit; 6.1's appends up to a zone.
	[ ! -e $NULLB/zone_append_max_sectors ] ||
		echo "$ZONED_APPEND_MAX" > $NULLB/zone_append_max_sectors
	echo 1 > $NULLB/power
	for d in "${devs[@]}"; do
		_wait_dev "${node[$d]}"
		q=/sys/block/${node[$d]#/dev/}/queue
		echo "$sched" > "$q/scheduler"
		grep -q "\[$sched\]" "$q/scheduler" ||
			{ echo "zoned: ${node[$d]} did not take scheduler $sched" >&2; return 1; }
	done
}

# _settings: what each disk is, as the kernel sees it.
_settings() {
	local d q f
	echo "kernel $(uname -r), $(nproc) CPUs, scheduler $sched"
	echo "blkex: insmod blk_example.ko num_sectors=$((ZONED_MB * 2048)) zoned=1 zone_size=$ZONED_ZONE_MB zone_nr_conv=$ZONED_NR_CONV zone_append_max_sectors=$ZONED_APPEND_MAX $BLKEX_ARGS"
	echo "nullblk: configfs size=$ZONED_MB memory_backed=1 irqmode=0 queue_mode=2 blocksize=512 hw_queue_depth=256 submit_queues=$(nproc) max_sectors=2048 zoned=1 zone_size=$ZONED_ZONE_MB zone_nr_conv=$ZONED_NR_CONV$([ ! -e $NULLB/zone_append_max_sectors ] || echo " zone_append_max_sectors=$ZONED_APPEND_MAX")"
	for d in "${devs[@]}"; do
		q=/sys/block/${node[$d]#/dev/}/queue
		printf '%s:' "$d"
		for f in zoned chunk_sectors nr_zones zone_append_max_bytes max_sectors_kb \
			 max_open_zones max_active_zones scheduler; do
			printf ' %s=%s' "$f" "$(tr ' ' , 2> /dev/null < "$q/$f")"
		done
		printf ' hw_queues=%s\n' "$(find "/sys/block/${node[$d]#/dev/}/mq" -mindepth 1 -maxdepth 1 | wc -l)"
	done
	dmesg | grep -E 'nullb0|blkex0' | grep -i 'zone append' || true
}

# _seqwrite DEV DEPTH OUT [SIZE]: every zone reset, then one pass of 128k
# writes (or SIZE of them).
_seqwrite() {
	blkzone reset "$1"
	fio --name=seqwrite --filename="$1" --zonemode=zbd --rw=write --bs=128k \
		--direct=1 --ioengine=io_uring --iodepth="$2" \
		--iodepth_batch_submit="$2" --iodepth_batch_complete_min=1 --lat_percentiles=1 \
		--size="${4:-100%}" --output-format=json --eta=never --output="$3"
}

# _btrfs_up DEV JOBS: a fresh btrfs -O zoned on DEV at $MNT holding
# ZONED_FILE_MB MiB of files laid out, one for each of JOBS writers
# (fio's w.N.0), their data on the disk.
_btrfs_up() {
	blkzone reset "$1"
	mkfs.btrfs -q -f -O zoned "$1" > /dev/null
	mount -t btrfs "$1" $MNT
	fio --name=w --directory=$MNT --numjobs="$2" --rw=write --bs=1M \
		--size=$((ZONED_FILE_MB / $2))m --ioengine=psync --end_fsync=1 --output=/dev/null
	sync
}

# _append DEPTH JOBS OUT [SIZE]: JOBS writers each overwrite their file
# with direct writes at DEPTH (all of them, or SIZE in all).
_append() {
	local size=${4:-${ZONED_FILE_MB}m}
	fio --name=w --directory=$MNT --numjobs="$2" --group_reporting \
		--rw=write --bs=128k --direct=1 \
		--ioengine=io_uring --iodepth="$1" --iodepth_batch_submit="$1" \
		--iodepth_batch_complete_min=1 --size=$((ZONED_FILE_MB / $2))m \
		--io_size=$((${size%m} / $2))m --fallocate=none --lat_percentiles=1 \
		--output-format=json --eta=never --output="$3"
}

_btrfs_down() {
	umount $MNT
}

# _run POINT DEV DEPTH OUT [SIZE]: one run of POINT on DEV; DEPTH is the
# number of writers for appendjobs.
_run() {
	case $1 in
	seqwrite) _seqwrite "${node[$2]}" "$3" "$4" "${5:-}" ;;
	append)
		_btrfs_up "${node[$2]}" 1
		_append "$3" 1 "$4" "${5:-}"
		_btrfs_down ;;
	appendjobs)
		_btrfs_up "${node[$2]}" "$3"
		_append 1 "$3" "$4" "${5:-}"
		_btrfs_down ;;
	esac
}

# _trace_on DEV: record DEV's requests and both drivers' zone operations.
_trace_on() {
	local mm dev e
	mm=$(cat "/sys/block/${1#/dev/}/dev")
	dev=$(( (${mm%:*} << 20) | ${mm#*:} ))
	[ ! -d $TR ] || rmdir $TR
	mkdir $TR
	echo 65536 > $TR/buffer_size_kb
	for e in block/block_rq_issue block/block_rq_complete; do
		echo "dev == $dev" > "$TR/events/$e/filter"
		echo 1 > "$TR/events/$e/enable"
	done
	for e in blk_example/blkex_zone_op nullb/nullb_zone_op; do
		[ ! -d "$TR/events/$e" ] || echo 1 > "$TR/events/$e/enable"
	done
}

# _trace_sum: issued requests with data by operation (rwbs: W a write,
# N any other: a zone append here), the most of each in flight at once,
# and the drivers' zone operations by name; one line of NAME=COUNT.
_trace_sum() {
	echo 0 > $TR/tracing_on
	awk '
	function kind(rwbs) { return rwbs ~ /N/ ? "N" : rwbs ~ /W/ ? "W" : rwbs ~ /R/ ? "R" : "" }
	/ block_rq_issue: / {
		for (i = 1; i <= NF; i++) if ($i == "block_rq_issue:") break
		k = kind($(i + 2)); if (k == "" || $(i + 3) == 0) next
		n["issued_" k]++; fl[k]++; if (fl[k] > mx[k]) mx[k] = fl[k]
	}
	/ block_rq_complete: / {
		for (i = 1; i <= NF; i++) if ($i == "block_rq_complete:") break
		k = kind($(i + 2)); if (k == "" || !(k in fl) || fl[k] == 0) next
		for (j = i; j <= NF; j++) if ($j == "+") break
		if ($(j + 1) == 0) next
		fl[k]--
	}
	/ blkex_zone_op: / {
		for (i = 1; i <= NF; i++) if ($i == "blkex_zone_op:") break
		n["blkex_zone_op_" $(i + 2)]++
	}
	/ nullb_zone_op: / {
		for (i = 1; i <= NF; i++) if ($i ~ /^req=/) n["nullb_zone_op_" substr($i, 5)]++
	}
	END {
		for (k in mx) printf " inflight_max_%s=%d", k, mx[k]
		for (k in n) printf " %s=%d", k, n[k]
		printf "\n"
	}' $TR/trace
	rmdir $TR
}

# A run that stops making progress (ZONED_STALL guest seconds without a
# finished fio run) dumps the blocked tasks to the console and powers the
# VM off, rather than holding the host until VM_TIMEOUT.
date +%s > /tmp/zoned-progress
(
	while sleep 10; do
		(( $(date +%s) - $(cat /tmp/zoned-progress) > ${ZONED_STALL:-300} )) || continue
		echo "zoned: no progress for ${ZONED_STALL:-300} s: blocked tasks follow" > /dev/kmsg
		echo w > /proc/sysrq-trigger
		sleep 2
		echo o > /proc/sysrq-trigger
	done
) &
mkdir -p "$out/raw" "$out/check" $MNT
modprobe btrfs
_up
_settings | tee "$out/settings.txt"

points=()
for qd in $ZONED_DEPTHS; do points+=("seqwrite $qd"); done
for qd in $ZONED_APPEND_DEPTHS; do points+=("append $qd"); done
for n in $ZONED_APPEND_JOBS; do points+=("appendjobs $n"); done
echo "zoned: $(uname -r), $ZONED_REPS repeats of ${#points[@]} points on ${devs[*]}"
for ((rep = 1; rep <= ZONED_REPS; rep++)); do
	for p in "${points[@]}"; do
		read -r point qd <<< "$p"
		for ((i = 0; i < ${#devs[@]}; i++)); do
			d=${devs[(i + rep - 1) % ${#devs[@]}]}
			echo "zoned: rep $rep $point $d iodepth $qd"
			_run "$point" "$d" "$qd" "$out/raw/${point}_${d}_qd${qd}_r$rep.json"
			date +%s > /tmp/zoned-progress
		done
	done
done

# One traced run of each point and device, smaller, for check.txt.
: > "$out/check.txt"
for p in "${points[@]}"; do
	read -r point qd <<< "$p"
	for d in "${devs[@]}"; do
		f=$out/check/${point}_${d}_qd$qd.json
		if [ "$point" = seqwrite ]; then
			_trace_on "${node[$d]}"
			_seqwrite "${node[$d]}" "$qd" "$f" 32m
			sum=$(_trace_sum)
		else
			jobs=1
			[ "$point" = append ] || jobs=$qd
			_btrfs_up "${node[$d]}" "$jobs"
			_trace_on "${node[$d]}"
			_append $((qd / jobs)) "$jobs" "$f" 32m
			sum=$(_trace_sum)
			_btrfs_down
		fi
		echo "$point $d qd$qd$sum" | tee -a "$out/check.txt"
		date +%s > /tmp/zoned-progress
	done
done

rmmod blk_example
echo 0 > $NULLB/power
rmdir $NULLB
echo "zoned: done"
