#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# data integrity under every workqueue flavour and work placement. This test
# will load the module with each wq_mode and work_cpu, run a deep, two-job
# fio write+verify and check the parameters read back as loaded and fio
# finds no error.
DESCRIPTION="data integrity under every wq_mode and work_cpu"

requires() {
	_have_program fio
}

test_case() {
	local mode cpu mib=$(( $(_scaled 8) ))
	for mode in percpu percpu-highpri unbound unbound-highpri; do
		for cpu in local next auto; do
			_load num_sectors=$((mib * 2048)) wq_mode=$mode work_cpu=$cpu
			_expect_eq "wq_mode" \
				"$(cat /sys/module/blk_example/parameters/wq_mode)" "$mode"
			_expect_eq "work_cpu" \
				"$(cat /sys/module/blk_example/parameters/work_cpu)" "$cpu"
			# Batches form only at depth: iodepth 32 with batched
			# submission, two jobs on the two CPUs.
			_fio --name="$mode-$cpu" --filename="$BLKEX_DEV" --direct=1 \
				--ioengine=io_uring --rw=randwrite --numjobs=2 \
				--iodepth=32 --iodepth_batch_submit=16 \
				--size=$((mib / 2))M --offset_increment=$((mib / 2))M \
				--bssplit=4k/60:16k/20:128k/20 \
				--verify=crc32c --verify_fatal=1 --verify_state_save=0 \
				--group_reporting
			_expect_eq "$mode/$cpu fio errors" \
				"$(_fio_field "['jobs'][0]['error']")" 0
			_unload
		done
	done
}
