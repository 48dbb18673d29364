#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mbps and iops. This test will check that without a cap fio's 64 KiB random
# reads run well above 4 MiB/s and its 4 KiB ones above 200 IOPS; that
# with mbps=4 fio's bandwidth, and with iops=200 its IOPS, stay within 5%
# of the cap, for one job and for two jobs together on the disk's two
# hardware queues (the cap is the disk's); and that the caps go away again
# with 0. Last it measures what the shaping path costs when it
# adds nothing: 4 KiB random reads at iodepth 8 with a zero-latency
# profile ("0 1") against none, at least 0.95x under icount. Under the icount clock (the kernel command line has
# blkex_clock=icount, as when run with VM_QEMU_ARGS="-icount
# shift=0,sleep=off" VM_APPEND=blkex_clock=icount), as the issue states
# them. Under the wall clock a loaded host stalls the TCG vCPUs (6.1 once
# measured two jobs at 4365 KiB/s against 4096, 6.6% over), so there the
# 5% bounds are printed and only a generous one is enforced: at most 25%
# over the cap, where the disk runs over 50% faster without it.
DESCRIPTION="mbps and iops cap the disk as a whole, one job or two"

requires() {
	_have_program fio
}

DIR=/sys/kernel/config/blk_example/blkex0

# _rate BS JOBS FIELD: fio's summed FIELD (bw in KiB/s, or iops) for random
# reads of BS at iodepth 8 per job.
_rate() {
	_fio --name=cap --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs="$1" --iodepth=8 --numjobs="$2" \
		--group_reporting --time_based --runtime=3 --ramp_time=1 --size=32M
	_fio_field "['jobs'][0]['read']['$3']" | cut -d. -f1
}

# _check WHAT GOT CAP: GOT within 5% of CAP under icount; at most 125% of
# it under the wall clock.
_check() {
	echo "$1: $2 against a cap of $3"
	if grep -qw blkex_clock=icount /proc/cmdline; then
		[ "$2" -le $(($3 * 105 / 100)) ] || _fail "$1: $2 is over the cap $3 by more than 5%"
		[ "$2" -ge $(($3 * 95 / 100)) ] || _fail "$1: $2 is below 95% of the cap $3"
		return 0
	fi
	[ "$2" -le $(($3 * 125 / 100)) ] || _fail "$1: $2 is over the cap $3 by more than 25%"
	if [ "$2" -gt $(($3 * 105 / 100)) ] || [ "$2" -lt $(($3 * 95 / 100)) ]; then
		echo "$1: not within 5% of the cap under the wall clock (enforced under icount only)"
	fi
}

test_case() {
	local free_bw free_iops zero
	_load num_sectors=65536 hw_queues=2
	free_bw=$(_rate 64k 1 bw)
	free_iops=$(_rate 4k 1 iops)
	echo "no cap: $free_bw KiB/s at 64 KiB, $free_iops IOPS at 4 KiB"
	[ "$free_bw" -gt $((4 * 1024 * 3 / 2)) ] ||
		_skip "without a cap only $free_bw KiB/s: too slow to test a 4 MiB/s cap"
	[ "$free_iops" -gt $((200 * 3 / 2)) ] ||
		_skip "without a cap only $free_iops IOPS: too slow to test 200"

	echo 4 > $DIR/mbps
	_check "mbps=4, one job (KiB/s)" "$(_rate 64k 1 bw)" $((4 * 1024))
	_check "mbps=4, two jobs (KiB/s)" "$(_rate 64k 2 bw)" $((4 * 1024))
	echo 0 > $DIR/mbps
	echo 200 > $DIR/iops
	_check "iops=200, one job" "$(_rate 4k 1 iops)" 200
	_check "iops=200, two jobs" "$(_rate 4k 2 iops)" 200
	echo 0 > $DIR/iops
	free_iops=$(_rate 4k 1 iops)
	echo "caps off: $free_iops IOPS"
	[ "$free_iops" -gt $((200 * 3 / 2)) ] || _fail "iops=0: $free_iops IOPS, the cap stayed"

	echo "0 1" > $DIR/latency_profile
	zero=$(_rate 4k 1 iops)
	echo > $DIR/latency_profile
	echo "zero-latency profile: $zero IOPS against $free_iops without:" \
	     "$(awk -v a="$zero" -v b="$free_iops" 'BEGIN { printf "%.3fx", a / b }')"
	if grep -qw blkex_clock=icount /proc/cmdline; then
		[ "$zero" -ge $((free_iops * 95 / 100)) ] ||
			_fail "a zero-latency profile costs more than 5%: $zero against $free_iops IOPS"
	fi
}
