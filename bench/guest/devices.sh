#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench inside the VM (and by bench/run.sh for the names):
# brings up the devices compared by the sweep, all of BENCH_MB MiB,
# 512-byte blocks, no I/O scheduler, every block written once so no driver
# serves reads from a hole:
#   blkex            blk_example (BLKEX_ARGS are extra module parameters;
#                    with nullblk-poll in the list it gets poll_queues=1
#                    unless they set poll_queues, so that the polled
#                    phase measures it too)
#   blkex-sparse     blk_example store=sparse, a disk made in configfs
#   blkex-none       blk_example store=none, a disk made in configfs: no
#                    data, the request path alone (both take the module
#                    parameters blkex0 has; after blkex in the list, else
#                    they load the module with no disk of its own)
#   brd              the kernel's bio-based RAM disk: the outer bound
#   nullblk          null_blk memory_backed=1 irqmode=0: blk-mq, completed
#                    inline in queue_rq
#   nullblk-deferred null_blk memory_backed=1 irqmode=1 with one hardware
#                    queue (submit_queues=1 poll_queues=0): every request
#                    completes in the BLOCK softirq; with a queue per CPU,
#                    or null_blk's default poll queue beside it,
#                    blk_mq_complete_request() completes it inline
#   nullblk-poll     null_blk memory_backed=1 irqmode=0 poll_queues=1, run
#                    with fio --hipri (io_uring IOPOLL): polled completion;
#                    only in the sweep's polled phase
#   loop-tmpfs       loop over a file on tmpfs, direct I/O off: the
#                    kernel's own workqueue-deferred block driver
#   loop-tmpfs-dio   the same with direct I/O on (LOOP_SET_DIRECT_IO); a
#                    kernel whose tmpfs has no O_DIRECT (6.1) refuses it
#                    and the device is left out, with the reason
# Each null_blk sets poll_queues itself: null_blk's default gives every
# device one poll queue, and with it two hardware queues.

declare -A BENCH_DEV=(
	[blkex]=/dev/blkex0
	[blkex-sparse]=/dev/blkex1
	[blkex-none]=/dev/blkex2
	[brd]=/dev/ram0
	[nullblk]=/dev/nullb0
	[nullblk-deferred]=/dev/nullb1
	[nullblk-poll]=/dev/nullb2
	[loop-tmpfs]=/dev/loop0
	[loop-tmpfs-dio]=/dev/loop1
)
# What each one is, for devices.txt and the report.
declare -A BENCH_DEV_WHAT=(
	[blkex]="blk_example"
	[blkex-sparse]="blk_example store=sparse"
	[blkex-none]="blk_example store=none"
	[brd]="brd"
	[nullblk]="null_blk memory_backed=1 irqmode=0 submit_queues=NCPU poll_queues=0"
	[nullblk-deferred]="null_blk memory_backed=1 irqmode=1 submit_queues=1 poll_queues=0"
	[nullblk-poll]="null_blk memory_backed=1 irqmode=0 submit_queues=NCPU poll_queues=1, fio --hipri"
	[loop-tmpfs]="loop on a tmpfs file, direct I/O off"
	[loop-tmpfs-dio]="loop on a tmpfs file, direct I/O on"
)
BENCH_TMPFS=/mnt/bench-tmpfs

# _bench_nullb NAME IRQMODE SUBMIT_QUEUES POLL_QUEUES: a memory-backed
# null_blk made through configfs.
_bench_nullb() {
	local irqmode=$2 sq=$3 pq=$4 d=/sys/kernel/config/nullb/$1
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
	echo "$sq" > "$d/submit_queues"
	echo "$pq" > "$d/poll_queues"
	echo 1 > "$d/power"
}

# _bench_blkex_cfs NAME STORE KO [BLKEX_ARGS...]: a blk_example disk of
# BENCH_MB with store STORE, made in configfs; BENCH_DEV[NAME] becomes its
# node, whichever index it got.
_bench_blkex_cfs() {
	local name=$1 store=$2 ko=$3 d=/sys/kernel/config/blk_example/$1
	shift 3
	if [ ! -d /sys/module/blk_example ]; then
		modprobe configfs
		insmod "$ko" nr_devices=0 "$@" || return 1
	fi
	mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config
	mkdir "$d" || return 1
	echo "$store" > "$d/store"
	echo $((BENCH_MB * 2048)) > "$d/num_sectors"
	echo 1 > "$d/power" || return 1
	BENCH_DEV[$name]=/dev/$(cat "$d/disk_name")
}

# _bench_blkex_cfs_down: remove the disks _bench_blkex_cfs made, which
# hold the module (rmmod fails while they exist).
_bench_blkex_cfs_down() {
	local d
	for d in /sys/kernel/config/blk_example/blkex-*/; do
		[ -d "$d" ] && rmdir "$d"
	done
	return 0
}

# _bench_loop NAME DIO: a loop device over a BENCH_MB file on tmpfs, at
# BENCH_DEV[NAME]; direct I/O DIO (on/off) must be what the kernel set.
_bench_loop() {
	local name=$1 dio=$2 dev=${BENCH_DEV[$1]} f=$BENCH_TMPFS/$1.img
	modprobe loop
	if ! mountpoint -q "$BENCH_TMPFS"; then
		mkdir -p "$BENCH_TMPFS"
		mount -t tmpfs -o size=$((2 * BENCH_MB + 16))m tmpfs "$BENCH_TMPFS"
	fi
	truncate -s "${BENCH_MB}M" "$f"
	losetup --direct-io="$dio" "$dev" "$f" || return 1
	local want=0
	[ "$dio" = off ] || want=1
	if [ "$(cat "/sys/block/${dev#/dev/}/loop/dio")" != "$want" ]; then
		losetup -d "$dev"
		echo "the kernel did not set direct I/O $dio on a tmpfs file" >&2
		return 1
	fi
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

# _bench_dev_up NAME KO [BLKEX_ARGS...]: one device, ready.
_bench_dev_up() {
	local name=$1 ko=$2 ncpu
	shift 2
	ncpu=$(nproc)
	case $name in
	blkex) insmod "$ko" num_sectors=$((BENCH_MB * 2048)) "$@" ;;
	blkex-sparse) _bench_blkex_cfs "$name" sparse "$ko" "$@" ;;
	blkex-none) _bench_blkex_cfs "$name" none "$ko" "$@" ;;
	brd) modprobe brd rd_nr=1 rd_size=$((BENCH_MB * 1024)) max_part=0 ;;
	nullblk) _bench_nullb nullb0 0 "$ncpu" 0 ;;
	nullblk-deferred) _bench_nullb nullb1 1 1 0 ;;
	nullblk-poll)
		_bench_nullb nullb2 0 "$ncpu" 1
		_bench_wait_dev /dev/nullb2 || return 1
		[ "$(cat /sys/block/nullb2/queue/io_poll)" = 1 ] ||
			{ echo "nullb2 has no poll queue" >&2; return 1; } ;;
	loop-tmpfs) _bench_loop "$name" off ;;
	loop-tmpfs-dio) _bench_loop "$name" on ;;
	*) echo "bench: no device $name" >&2; return 1 ;;
	esac || return 1
	_bench_dev_ready "${BENCH_DEV[$name]}"
}

# bench_devices_up KO OUT NAME... [-- BLKEX_ARGS...]: brings up each NAME
# and prints the ones that came up. blk_example, brd and null_blk must
# come up; a loop device the kernel refuses is left out. OUT/devices.txt
# gets a line for each: NAME DEV what it is, or NAME unavailable: why.
bench_devices_up() {
	local ko=$1 out=$2 name err
	local -a names=()
	shift 2
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		names+=("$1")
		shift
	done
	[ "$#" = 0 ] || shift
	if [[ " ${names[*]} " == *" nullblk-poll "* && " $* " != *" poll_queues="* ]]; then
		set -- "$@" poll_queues=1
	fi
	: > "$out/devices.txt"
	for name in "${names[@]}"; do
		if _bench_dev_up "$name" "$ko" "$@" 2> "$out/devices.err"; then
			echo "$name ${BENCH_DEV[$name]} ${BENCH_DEV_WHAT[$name]/NCPU/$(nproc)}" >> "$out/devices.txt"
			echo "$name"
			continue
		fi
		err=$(tr '\n' ' ' < "$out/devices.err")
		echo "$name unavailable: ${err:-set-up failed}" >> "$out/devices.txt"
		echo "bench: $name unavailable: $err" >&2
		[[ $name == loop-* ]] || return 1
	done
	rm -f "$out/devices.err"
}

bench_devices_down() {
	local d
	_bench_blkex_cfs_down
	rmmod blk_example brd 2> /dev/null || true
	for d in /sys/kernel/config/nullb/nullb*; do
		[ -d "$d" ] || continue
		echo 0 > "$d/power"
		rmdir "$d"
	done
	rmmod null_blk 2> /dev/null || true
	losetup -d /dev/loop0 /dev/loop1 2> /dev/null || true
	! mountpoint -q "$BENCH_TMPFS" || umount "$BENCH_TMPFS"
}
