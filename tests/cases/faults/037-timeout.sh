#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# request timeouts. This test will check that a request dropped on purpose
# (hang_next) is ended by .timeout with ETIMEDOUT (BLK_STS_TIMEOUT, as
# null_blk) after io_timeout, that a dropped write leaves the store
# untouched, that several hung requests at depth each fail once while the
# others succeed, that requests slower than io_timeout but still being
# served are left to complete normally, and that the disk keeps working and
# unloads.
DESCRIPTION="dropped requests end by .timeout with ETIMEDOUT"

requires() {
	_have_program fio
}

DBG=/sys/kernel/config/blk_example/blkex0

test_case() {
	local q=/sys/block/blkex0/queue start ms err
	_load num_sectors=16384 hw_queues=1
	echo 1000 > $q/io_timeout
	_expect_eq "io_timeout" "$(cat $q/io_timeout)" 1000
	dd if=/dev/urandom of="$TMPDIR"/data bs=1M count=8 status=none
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=1M oflag=direct status=none

	# A hung read: ETIMEDOUT after about io_timeout, as null_blk ends a
	# timed-out request (BLK_STS_TIMEOUT), not EIO.
	echo 1 > $DBG/hang_next
	start=$(date +%s%N)
	if err=$(dd if="$BLKEX_DEV" of=/dev/null bs=4k count=1 iflag=direct status=none 2>&1); then
		_fail "the hung read succeeded"
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "hung read: '$err' after $ms ms"
	echo "$err" | grep -q "Connection timed out" ||
		_fail "the hung read did not end with ETIMEDOUT"
	[ "$ms" -ge 900 ] || _fail "the hung read ended after $ms ms, before io_timeout"
	[ "$ms" -le 15000 ] || _fail "the hung read took $ms ms"
	kmsg_since | grep -q "blkex0: request at sector 0 + 8 timed out" ||
		_fail "no timeout message"

	# A hung write never reaches the store.
	echo 1 > $DBG/hang_next
	if err=$(dd if=/dev/zero of="$BLKEX_DEV" bs=4k count=1 seek=16 oflag=direct status=none 2>&1); then
		_fail "the hung write succeeded"
	fi
	echo "hung write: '$err'"
	echo "$err" | grep -q "Connection timed out" ||
		_fail "the hung write did not end with ETIMEDOUT"
	cmp -n $((8 << 20)) "$TMPDIR"/data "$BLKEX_DEV" || _fail "the hung write changed the store"

	# Three hung requests among 256 at depth 16: exactly three errors,
	# each ETIMEDOUT. fio goes on past an ETIMEDOUT only with
	# continue_on_error=all, and then counts it in no JSON field: its
	# message per failed I/O is counted instead.
	echo 3 > $DBG/hang_next
	fio --output-format=json --output="$FIO_JSON" --eta=never --name=hang \
		--filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring --rw=randread \
		--bs=4k --size=1M --iodepth=16 --continue_on_error=all \
		> /dev/null 2> "$TMPDIR"/hang.err || true
	cat "$TMPDIR"/hang.err
	_expect_eq "ETIMEDOUT errors among 256 reads" \
		"$(grep -c 'io_u error.*Connection timed out' "$TMPDIR"/hang.err)" 3
	_expect_eq "errors of any kind" "$(grep -c 'io_u error' "$TMPDIR"/hang.err)" 3
	cat $DBG/stats
	grep -qx "hung 5" $DBG/stats || _fail "stats do not count 5 hung requests"
	grep -qx "timed_out 5" $DBG/stats || _fail "stats do not count 5 timed-out requests"

	# Requests served 3 s after they start outlive io_timeout (1 s, checked
	# on whole-second ticks) yet are not hung: .timeout must rearm their
	# timers and leave them to their work item, and they all verify.
	echo 3000000 > $DBG/delay_us
	_fio --name=slow --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --size=32k --iodepth=8 --verify=crc32c \
		--verify_fatal=1 --verify_state_save=0
	_expect_eq "slow requests errors" "$(_fio_field "['jobs'][0]['error']")" 0
	cat $DBG/stats
	grep -qx "timed_out 5" $DBG/stats || _fail "a slow request was timed out"
	grep -qx "rearmed 0" $DBG/stats && _fail "no slow request outlived io_timeout"
	echo 0 > $DBG/delay_us

	# Still usable, and it unloads.
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=1M oflag=direct status=none
	cmp -n $((8 << 20)) "$TMPDIR"/data "$BLKEX_DEV" || _fail "the disk does not work after timeouts"
	_unload
}
