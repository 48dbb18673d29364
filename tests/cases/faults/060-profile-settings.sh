#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# latency_profile, mbps and iops as settings. This test will check that
# modinfo documents the three parameters; that insmod refuses a malformed
# latency_profile, one with delay_us, and out-of-range caps, each with a
# message; that configfs takes q2c.bt's output (its "Attaching" and @ns
# lines passed over) and plain "usecs count" pairs, shows them back, and
# empties; that it refuses unknown rows and operations, negative,
# overflowing and over-10-s values, more than 64 buckets and a write of a
# page, each quoting the line that failed and changing nothing; that a
# profile and delay_us are refused together either way round; and that with
# a profile on, hang_next still ends a read with ETIMEDOUT after
# io_timeout and fail_nth still fails one with EIO.
DESCRIPTION="latency_profile, mbps, iops: parameters, configfs, bad values"

# As in common.sh; spelled out so that shellcheck knows it.
DIR=/sys/kernel/config/blk_example/blkex0

requires() {
	_have_program modinfo
}

_bad() {
	_cfs_refused "$DIR" latency_profile "Invalid argument" "latency_profile: $1" '%s' "$2"
}

test_case() {
	local info p good q2c rows i err
	info=$(modinfo "$BLKEX_KO")
	for p in latency_profile mbps iops; do
		echo "$info" | grep -qE "^parm: +$p:.+Default: " ||
			_fail "parameter $p is not documented"
	done
	_insmod_refused "Invalid parameters" "latency_profile=read:100: '100' is not USECS=COUNT" \
		latency_profile=read:100
	_insmod_refused "Invalid parameters" "latency_profile: line 2 '5 -1': negative number" \
		latency_profile=read:5=-1
	_insmod_refused "Invalid parameters" "latency_profile: line 1 '@usecs\[trim\]:': unknown operation" \
		latency_profile=trim:5=1
	_insmod_refused "Invalid parameters" "mbps=1000001 is out of range" mbps=1000001
	_insmod_refused "Invalid parameters" "iops=-1 is not a number" iops=-1
	_insmod_refused "Invalid parameters" "latency_profile and delay_us=10 together" \
		latency_profile=read:100=5 delay_us=10

	_load num_sectors=8192 hw_queues=1 "latency_profile=read:100=5,200-400=3;all:50=1" mbps=7 iops=90
	printf -v good '@usecs[read]:\n100 5\n[200, 400) 3\n@usecs[all]:\n50 1\n'
	_expect_eq "latency_profile from the parameter" "$(cat $DIR/latency_profile)" "${good%$'\n'}"
	_expect_eq "mbps" "$(cat $DIR/mbps)" 7
	_expect_eq "iops" "$(cat $DIR/iops)" 90
	echo 0 > $DIR/mbps
	echo 0 > $DIR/iops

	# q2c.bt's own output, as tracing/README.md shows it.
	q2c='Attaching 5 probes...
Tracing blk_example queue-to-completion latency... Hit Ctrl-C to end.

@ns[read]: count 99389, average 38354, total 3811979898

@usecs[read]:
[0]                    2 |                                                    |
[4, 8)                 1 |                                                    |
[32, 64)           99046 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1K, 2K)               4 |                                                    |

@usecs[write]:
[64, 128)              3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
'
	printf '%s' "$q2c" > $DIR/latency_profile || _fail "q2c.bt's output refused"
	_expect_eq "latency_profile shown back" "$(cat $DIR/latency_profile)" "${q2c%$'\n'}"
	printf '120 3\n 80 1\n' > $DIR/latency_profile || _fail "plain pairs refused"
	printf '%s' "$q2c" > $DIR/latency_profile

	_bad "line 8 'foo bar': not a number" $'@usecs[read]:\n[1, 2) 5 |@|\n\n\n\n\n\nfoo bar\n'
	_bad "line 1 '@usecs\[trim\]:': unknown operation" $'@usecs[trim]:\n[1, 2) 5\n'
	_bad "line 2 '\[1, 2) -5': negative number" $'@usecs[read]:\n[1, 2) -5\n'
	_bad "line 1 '\[1, 2) 4294967296': count over 4294967295" $'[1, 2) 4294967296\n'
	_bad "line 2 '\[2, 4) 4294967295': the counts of one operation add up" $'[1, 2) 1\n[2, 4) 4294967295\n'
	_bad "line 1 '1 99999999999999999999999': number overflows" $'1 99999999999999999999999\n'
	_bad "line 1 '\[4, 2) 1': empty or reversed range" $'[4, 2) 1\n'
	_bad "line 1 '\[16M, 32M) 1': a time over 10000000 us" $'[16M, 32M) 1\n'
	_bad "line 1 '(..., 0) 1': not a number" $'(..., 0) 1\n'
	_bad "line 1 '\[1, 2) 3 4': more than a range and a count" $'[1, 2) 3 4\n'
	rows=
	for ((i = 1; i <= 65; i++)); do
		rows+="$i 1"$'\n'
	done
	_bad "line 65 '65 1': more than 64 buckets" "$rows"
	rows=
	for ((i = 0; i < 300; i++)); do
		rows+="[100, 200)  1 |@@@@@@@@|"$'\n'
	done
	_bad "a write of 4095 bytes or more may have been cut at a page" "$rows"
	_cfs_refused "$DIR" mbps "Invalid argument" "mbps=-1 is not a number" '%s\n' -1
	_cfs_refused "$DIR" iops "Invalid argument" "iops=100000001 is out of range" '%s\n' 100000001
	_expect_eq "latency_profile after the refused writes" "$(cat $DIR/latency_profile)" "${q2c%$'\n'}"
	_expect_eq "mbps after the refused write" "$(cat $DIR/mbps)" 0

	# A profile and delay_us: refused together, either way round.
	_cfs_refused "$DIR" delay_us "Invalid argument" "delay_us=5 with a latency_profile" '%s\n' 5
	_expect_eq "delay_us" "$(cat $DIR/delay_us)" 0
	echo > $DIR/latency_profile
	_expect_eq "latency_profile emptied" "$(cat $DIR/latency_profile)" ""
	echo 5 > $DIR/delay_us
	_cfs_refused "$DIR" latency_profile "Invalid argument" "latency_profile and delay_us=5 together" '%s' "$q2c"
	_expect_eq "latency_profile after the refusal" "$(cat $DIR/latency_profile)" ""
	echo 0 > $DIR/delay_us

	# Faults with a profile on: hung and failed requests are still ended.
	printf '[2K, 4K) 1\n' > $DIR/latency_profile
	echo 1000 > /sys/block/blkex0/queue/io_timeout
	dd if=/dev/zero of="$BLKEX_DEV" bs=4k count=16 oflag=direct status=none ||
		_fail "writes with a profile failed"
	echo 1 > $DIR/hang_next
	if err=$(dd if="$BLKEX_DEV" of=/dev/null bs=4k count=1 iflag=direct status=none 2>&1); then
		_fail "the hung read succeeded"
	fi
	echo "hung read with a profile: $err"
	echo "$err" | grep -q "Connection timed out" || _fail "the hung read did not end with ETIMEDOUT"
	echo 1 > $DIR/fail_nth
	if err=$(dd if="$BLKEX_DEV" of=/dev/null bs=4k count=1 iflag=direct status=none 2>&1); then
		_fail "the failed read succeeded"
	fi
	echo "failed read with a profile: $err"
	echo "$err" | grep -q "Input/output error" || _fail "the failed read did not end with EIO"
	echo 0 > $DIR/fail_nth
	dd if="$BLKEX_DEV" of=/dev/null bs=4k count=16 iflag=direct status=none ||
		_fail "reads with a profile failed"
	_unload
}
