#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# a saturated disk does not hold a CPU's workqueue pool. With one hardware
# queue per disk and work_cpu=next, both disks' work runs on the CPU after
# the submitter's; a drain that kept serving while its list refilled held
# that CPU's per-CPU worker pool for as long as the I/O lasted, on kernels
# that do not demote long work items to CPU-intensive (before 6.5). This
# test will saturate blkex0 at iodepth 64 from CPU 0 and, from the same CPU,
# read 4 KiB from blkex1 twice a second, and check that every one of those
# reads completes within 100 ms.
DESCRIPTION="a saturated disk does not hold a CPU's workqueue pool"

requires() {
	_have_program fio
	[ "$(nproc)" -ge 2 ] || _skip "needs two CPUs"
}

test_case() {
	local secs max_ms n
	secs=$(_scaled 30)
	_load num_sectors=131072 nr_devices=2 hw_queues=1 work_cpu=next
	_wait_for_dev /dev/blkex1
	_fio --cpus_allowed=0 --direct=1 --ioengine=io_uring --bs=4k \
		--time_based --runtime="$secs" \
		--name=flood --filename=/dev/blkex0 --rw=randread --iodepth=64 \
		--iodepth_batch_submit=16 \
		--name=probe --filename=/dev/blkex1 --rw=randread --iodepth=1 \
		--rate_iops=2 --startdelay=2
	n=$(_fio_field "['jobs'][1]['read']['total_ios']")
	max_ms=$(_fio_field "['jobs'][1]['read']['lat_ns']['max'] // 1000000")
	echo "flood: $(_fio_field "['jobs'][0]['read']['iops'] // 1") IOPS"
	echo "probe: $n reads, slowest $max_ms ms"
	[ "$n" -ge $((secs * 2 - 6)) ] || _fail "only $n probe reads in ${secs}s"
	[ "$max_ms" -lt 100 ] ||
		_fail "a read on blkex1 took $max_ms ms behind blkex0's drain"
}
