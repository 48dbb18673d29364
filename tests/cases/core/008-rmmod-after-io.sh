#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod straight after heavy mixed I/O. This test will run fio with deep
# queues on every CPU, unload as soon as it exits, and rely on the runner's
# kernel log check to catch any warning.
DESCRIPTION="rmmod straight after heavy mixed I/O is clean"

requires() {
	_have_program fio
}

test_case() {
	_load num_sectors=131072
	_fio --name=heavy --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randrw --bsrange=4k-256k --iodepth=128 --numjobs=2 \
		--time_based --runtime="$(_scaled 8)" --group_reporting
	rmmod blk_example || _fail "rmmod after I/O failed"
	! _module_loaded || _fail "module still loaded"
}
