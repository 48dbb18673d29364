#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench inside the VM: brings up the devices compared by the
# sweep, all of BENCH_MB MiB, 512-byte blocks, no I/O scheduler, every
# block written once so no driver serves reads from a hole:
#   blkex          blk_example (BLKEX_ARGS are extra module parameters)
#   brd            the kernel's bio-based RAM disk: the outer bound
#   nullblk        null_blk memory_backed=1 irqmode=0: blk-mq, inline completion
#   nullblk-softirq null_blk memory_backed=1 irqmode=1: completion deferred to softirq

declare -A BENCH_DEV=(
	[blkex]=/dev/blkex0
	[brd]=/dev/ram0
	[nullblk]=/dev/nullb0
	[nullblk-softirq]=/dev/nullb1
)

# _bench_nullb NAME IRQMODE: a memory-backed null_blk made through configfs.
_bench_nullb() {
	local name=$1 irqmode=$2 d=/sys/kernel/config/nullb/$1
	modprobe null_blk nr_devices=0
	# configfs is a module on Debian: mounted only once null_blk pulled it in.
	mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config
	mkdir "$d"
	echo "$BENCH_MB" > "$d/size"
	echo 1 > "$d/memory_backed"
	echo "$irqmode" > "$d/irqmode"
	echo 2 > "$d/queue_mode"
	echo 512 > "$d/blocksize"
	echo 256 > "$d/hw_queue_depth"	# as blk_example's queue_depth
	nproc > "$d/submit_queues"
	echo 1 > "$d/power"
}

_bench_wait_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.05
	done
	echo "bench: $1 did not appear" >&2
	return 1
}

# _bench_dev_ready DEV: DEV there, with no I/O scheduler, every block
# written once.
_bench_dev_ready() {
	_bench_wait_dev "$1" || return 1
	echo none 2> /dev/null > "/sys/block/${1#/dev/}/queue/scheduler" || true
	fio --name=fill --filename="$1" --rw=write --bs=1M --direct=1 \
		--ioengine=io_uring --iodepth=8 --output=/dev/null
}

bench_devices_up() {
	local ko=$1 name
	shift
	insmod "$ko" num_sectors=$((BENCH_MB * 2048)) "$@"
	modprobe brd rd_nr=1 rd_size=$((BENCH_MB * 1024)) max_part=0
	_bench_nullb nullb0 0
	_bench_nullb nullb1 1
	for name in "${!BENCH_DEV[@]}"; do
		_bench_dev_ready "${BENCH_DEV[$name]}"
	done
}

bench_devices_down() {
	local d
	rmmod blk_example brd 2> /dev/null || true
	for d in /sys/kernel/config/nullb/nullb*; do
		[ -d "$d" ] || continue
		echo 0 > "$d/power"
		rmdir "$d"
	done
	rmmod null_blk 2> /dev/null || true
}
