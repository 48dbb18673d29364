#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scale limits. This test will load 256 disks at once and time the load and
# the unload (every disk shares one workqueue, so there is one rescuer
# thread, not 256), check each disk answers, load with more hardware queues
# than CPUs and check the disk has as many as blk-mq made (one per CPU) and
# works, and that a store near the size of RAM or more disks than fit in
# memory together fail the load with ENOMEM and one message before anything
# is allocated.
DESCRIPTION="256 disks, more queues than CPUs, ENOMEM limits"

requires() {
	_have_program fio
}

# _bad_load PARAMS...: insmod must fail with ENOMEM and one message.
_bad_load() {
	_insmod_refused "Cannot allocate memory" ".*do not fit" "$@"
	_expect_eq "messages for $*" "$(kmsg_since | grep -c 'blk_example: .*do not fit')" 1
}

test_case() {
	local start ms n rescuers ram_sectors nq
	start=$(date +%s%N)
	_load num_sectors=2048 nr_devices=256
	_wait_for_dev /dev/blkex255
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "256 disks loaded in $ms ms"
	n=$(find /sys/block -maxdepth 1 -name 'blkex*' | wc -l)
	_expect_eq "disks" "$n" 256
	# A WQ_MEM_RECLAIM workqueue's rescuer is named after it: "blkex",
	# "kworker/R-blkex" from 6.9 (per-disk workqueues: blkexN).
	rescuers=$(cat /proc/[0-9]*/comm 2> /dev/null |
		grep -cxE 'blkex[0-9]*|kworker/R-blkex[0-9]*' || true)
	_expect_eq "blkex rescuer threads" "$rescuers" 1
	for n in 0 17 128 255; do
		head -c 4096 /dev/urandom > "$TMPDIR"/data
		dd if="$TMPDIR"/data of=/dev/blkex$n bs=4k oflag=direct status=none
		cmp -n 4096 "$TMPDIR"/data /dev/blkex$n || _fail "blkex$n does not work"
	done
	start=$(date +%s%N)
	_unload
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "256 disks unloaded in $ms ms"

	# More hardware queues than CPUs: as many as blk-mq made.
	_load num_sectors=8192 hw_queues=64
	nq=$(find /sys/block/blkex0/mq -mindepth 1 -maxdepth 1 | wc -l)
	_expect_eq "hardware queues for hw_queues=64" "$nq" "$(nproc --all)"
	_fio --name=queues --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --iodepth=16 --numjobs=2 --size=2M \
		--offset_increment=2M --verify=crc32c --verify_fatal=1 \
		--verify_state_save=0 --group_reporting
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
	_unload

	# Memory: each store alone below RAM, but near it or all together
	# beyond what is available.
	ram_sectors=$(awk '/MemTotal/ { print $2 * 2 }' /proc/meminfo)
	_bad_load num_sectors=$((ram_sectors * 15 / 16 / 8 * 8))
	_bad_load num_sectors=$((ram_sectors / 3 / 8 * 8)) nr_devices=4
	_bad_load num_sectors=$((ram_sectors / 64 / 8 * 8)) nr_devices=1024
}
