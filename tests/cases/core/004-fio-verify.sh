#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio random writes with crc32c verify over the whole disk: 4 jobs, iodepth
# up to 64, block sizes from 512 B to 1 MiB. This test will check that fio
# reports no error and that every block it wrote verifies.
DESCRIPTION="fio random writes verify over the whole disk"

requires() {
	_have_program fio
}

test_case() {
	# A whole number of MiB per job, so that the four cover the disk.
	local region=$(( ($(_scaled 64) + 3) / 4 ))
	local mib=$((region * 4))
	_load num_sectors=$((mib * 2048))
	# Each job owns a quarter of the disk, so the jobs together cover it
	# and no job overwrites blocks another one is about to verify.
	_fio --name=verify --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=io_uring --rw=randwrite --numjobs=4 --iodepth=64 \
		--size=${region}M --offset_increment=${region}M \
		--bssplit=512/10:4k/30:16k/20:64k/20:256k/10:1M/10 \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 \
		--group_reporting
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
	local written
	written=$(_fio_field "['jobs'][0]['write']['io_bytes']")
	[ "$written" -ge $((mib << 20)) ] ||
		_fail "fio wrote $written bytes, less than the ${mib} MiB disk"
	# A second pass with libaio and iodepth 1 reads the same device again.
	_fio --name=verify1 --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=libaio --rw=randwrite --iodepth=1 --size=4M \
		--bsrange=512-128k --verify=crc32c --verify_fatal=1 \
		--verify_state_save=0
	_expect_eq "fio qd1 errors" "$(_fio_field "['jobs'][0]['error']")" 0
}
