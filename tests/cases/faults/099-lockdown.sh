#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fault injection under lockdown (Secure Boot). This test will raise the
# kernel's lockdown to integrity, where writable debugfs files cannot be
# opened, and check that a disk made through configfs then takes bad blocks,
# fail_nth, delay_us and hang_next on and off, that reads fail and succeed
# as set, that the counters are readable in configfs and debugfs, and that
# writing a debugfs file fails. Lockdown cannot be lowered again in a boot,
# so this case runs last (suite.sh runs cases in file-name order), and only
# with TEST_LOCKDOWN=1, which make test sets in its VMs; in place (make
# test-here) it is skipped unless asked for.
DESCRIPTION="fault injection through configfs under lockdown"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

LOCKDOWN=/sys/kernel/security/lockdown

requires() {
	[ "${TEST_LOCKDOWN:-0}" = 1 ] ||
		_skip "TEST_LOCKDOWN=1 not set: lockdown stays raised until the next boot (make test sets it in its VMs)"
	mount -t securityfs none /sys/kernel/security 2> /dev/null || true
	[ -w $LOCKDOWN ] || _skip "no $LOCKDOWN (kernel without the lockdown LSM)"
}

# _read DEV SECTOR WANT: a direct 4 KiB read; WANT ok|EIO|ETIMEDOUT.
_read() {
	local got=ok err
	err=$(dd if="$1" of=/dev/null bs=512 skip="$2" count=8 iflag=direct status=none 2>&1) ||
		got=$err
	case $got in
	ok) ;;
	*"Input/output error"*) got=EIO ;;
	*"Connection timed out"*) got=ETIMEDOUT ;;
	esac
	[ "$got" = "$3" ] || _fail "read of sector $2: got '$got', want $3"
}

test_case() {
	local d dev start ms
	_load num_sectors=8192
	echo integrity > $LOCKDOWN || _fail "cannot raise lockdown"
	grep -q '\[integrity\]' $LOCKDOWN || _fail "lockdown is '$(cat $LOCKDOWN)'"
	echo "lockdown: $(cat $LOCKDOWN)"

	# The point of the move: writable debugfs files are refused.
	if echo 1 2> "$TMPDIR"/err > /sys/kernel/debug/blk_example/blkex0/fail_nth; then
		_fail "a debugfs write succeeded under lockdown"
	fi
	echo "debugfs write: $(cat "$TMPDIR"/err)"
	grep -q "Operation not permitted" "$TMPDIR"/err || _fail "the debugfs write did not fail with EPERM"

	dev=$(_cfs_new ld num_sectors=16384)
	d=$CFS/ld
	echo 1000 > "/sys/block/${dev#/dev/}/queue/io_timeout"
	dd if=/dev/urandom of="$dev" bs=1M count=8 oflag=direct status=none

	echo +64-71 > $d/badblocks
	_read "$dev" 64 EIO
	_read "$dev" 0 ok
	echo -64-71 > $d/badblocks
	_read "$dev" 64 ok
	echo "badblocks: on and off"

	echo read > $d/fail_dir
	echo 1 > $d/fail_nth
	_read "$dev" 0 EIO
	_read "$dev" 8 EIO
	echo 0 > $d/fail_nth
	_read "$dev" 0 ok
	echo "fail_nth: on and off"

	# 2 s: starting dd alone took 350 ms in a busy emulated VM.
	echo 2000000 > $d/delay_us
	start=$(date +%s%N)
	_read "$dev" 0 ok
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -ge 1990 ] || _fail "a read with delay_us=2000000 took $ms ms"
	echo 0 > $d/delay_us
	start=$(date +%s%N)
	_read "$dev" 0 ok
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 1500 ] || _fail "a read with delay_us=0 took $ms ms"
	echo "delay_us: on and off"

	echo 1 > $d/hang_next
	_read "$dev" 0 ETIMEDOUT
	_read "$dev" 0 ok
	echo "hang_next: one read hung, the next served"

	cat $d/stats
	grep -qx "failed 3" $d/stats || _fail "configfs stats do not count 3 failed requests"
	grep -qx "hung 1" $d/stats || _fail "configfs stats do not count 1 hung request"
	grep -qx "timed_out 1" $d/stats || _fail "configfs stats do not count 1 timed-out request"
	cmp $d/stats "/sys/kernel/debug/blk_example/${dev#/dev/}/stats" ||
		_fail "debugfs stats are unreadable or differ"
	rmdir $d
}
