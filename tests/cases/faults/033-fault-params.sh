#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hostile fault-injection settings, at load time and through configfs. This
# test will check that each bad value is refused with -EINVAL and a kernel
# message naming the setting, that nothing is left half set, that bad blocks
# take as many ranges as the kernel's 512-entry table holds and refuse the
# next with ENOSPC and a message, and that each disk has its own settings.
DESCRIPTION="hostile fault-injection settings are refused"

DBG=/sys/kernel/config/blk_example
# The complete bad-block list (configfs shows what fits in a page).
BBLIST=/sys/kernel/debug/blk_example

# _bad_load PARAMS...: insmod must fail with EINVAL, a message and no leftovers.
_bad_load() {
	_insmod_refused "Invalid parameters" ".*${1%%=*}" "$@"
	[ ! -e $DBG ] || _fail "$DBG left behind by $*"
	return 0
}

# _snapshot DISK: every knob of DISK, one "name: value" line each.
_snapshot() {
	local f
	for f in badblocks fail_nth fail_permille fail_dir delay_us hang_next; do
		echo "$f: $(tr '\n' ' ' < $DBG/"$1"/$f)"
	done
}

# _bad_write DISK FILE VALUE: the write must fail with EINVAL and a message.
_bad_write() {
	_cfs_refused "$DBG/$1" "$2" "Invalid argument" "$2" '%s\n' "$3"
}

# _bad_write_nul DISK FILE FORMAT: printf FORMAT (with a \000 in it) in one
# write must fail with EINVAL and a message about the NUL.
_bad_write_nul() {
	_cfs_refused "$DBG/$1" "$2" "Invalid argument" "$2: the value has a NUL" "$3"
}

# _full_write DISK VALUE WHAT: a badblocks write that the full table cannot
# take must fail with ENOSPC and a message saying WHAT.
_full_write() {
	_cfs_refused "$DBG/$1" badblocks "No space left on device" "badblocks: $2 $3" \
		'%s\n' "$2"
}

test_case() {
	local ranges before long i
	# 65 single sectors, none next to another: one more than the parameter takes.
	ranges=$(seq -s, 1 2 129 | sed -E 's/([0-9]+)/\1-\1/g')
	_bad_load fail_nth=-1
	_bad_load fail_nth=1000001
	_bad_load fail_nth=abc
	_bad_load fail_permille=1001
	_bad_load delay_us=10000001
	_bad_load fail_dir=both
	_bad_load badblocks=abc
	_bad_load badblocks=10-5
	_bad_load badblocks=1-2,,3-4
	_bad_load badblocks=5-x
	_bad_load "badblocks=$ranges"
	# 262145 sectors: one more than the table's 512 entries of 512 hold.
	_bad_load badblocks=0-262144 num_sectors=524288
	# The parameter's old cap was 8 ranges; 64 are taken now.
	_load num_sectors=8192 "badblocks=${ranges%,*}"
	_expect_eq "ranges taken from the parameter" "$(wc -l < $BBLIST/blkex0/badblocks)" 64
	_unload
	_bad_load badblocks=100-8192 num_sectors=8192
	_bad_load badblocks=18446744073709551615 num_sectors=8192

	_load num_sectors=8192 nr_devices=2 badblocks=100-199,8191 fail_nth=7 \
		fail_permille=3 fail_dir=write delay_us=10
	_wait_for_dev /dev/blkex1
	_expect_eq "blkex0 badblocks" "$(tr '\n' ' ' < $DBG/blkex0/badblocks)" "100-199 8191-8191 "
	_expect_eq "blkex1 fail_nth" "$(cat $DBG/blkex1/fail_nth)" 7
	_expect_eq "fail_permille" "$(cat $DBG/blkex0/fail_permille)" 3
	_expect_eq "fail_dir" "$(cat $DBG/blkex0/fail_dir)" write
	_expect_eq "delay_us" "$(cat $DBG/blkex0/delay_us)" 10
	_expect_eq "badblocks parameter" \
		"$(cat /sys/module/blk_example/parameters/badblocks)" "100-199,8191-8191"

	before=$(_snapshot blkex0)
	long=$(head -c 100 /dev/zero | tr '\0' 1)
	for f in fail_nth fail_permille delay_us hang_next; do
		_bad_write blkex0 $f abc
		_bad_write blkex0 $f -1
		_bad_write blkex0 $f ""
		_bad_write blkex0 $f 99999999999999999999
		_bad_write blkex0 $f "$long"
		_bad_write blkex0 $f "1 2"
	done
	_bad_write blkex0 fail_nth 1000001
	_bad_write blkex0 fail_permille 1001
	_bad_write blkex0 delay_us 10000001
	_bad_write blkex0 hang_next 1025
	_bad_write blkex0 fail_dir both
	kmsg_since | grep -q "blkex0: fail_dir=both is not one of read, write, rw$" ||
		_fail "fail_dir's message does not list read, write, rw"
	_bad_write blkex0 fail_dir ""
	_bad_write blkex0 fail_dir 2
	_bad_write blkex0 badblocks 5-10
	_bad_write blkex0 badblocks +10-5
	_bad_write blkex0 badblocks +0-8192
	_bad_write blkex0 badblocks +abc
	_bad_write blkex0 badblocks "+1-2,3-4"
	_bad_write blkex0 badblocks "$long"
	# Making good sectors good again is no error (md, null_blk).
	echo -300-400 > $DBG/blkex0/badblocks || _fail "-300-400 refused"
	# No cap of 8 ranges: 12 more beside the 2 there.
	for i in $(seq 1 12); do
		echo "+$((i * 500))-$((i * 500 + 9))" > $DBG/blkex0/badblocks ||
			_fail "range $i refused"
	done
	_expect_eq "ranges after 12 more" "$(wc -l < $DBG/blkex0/badblocks)" 14
	for i in $(seq 1 12); do
		echo "-$((i * 500))-$((i * 500 + 9))" > $DBG/blkex0/badblocks
	done
	# Fill the table: 510 single sectors beside the 2 ranges make 512
	# entries. Then one more, and a split of 100-199, must fail loudly.
	for i in $(seq 1001 2 2019); do
		echo "+$i" > $DBG/blkex0/badblocks || _fail "+$i refused"
	done
	_expect_eq "entries in the full table" "$(wc -l < $BBLIST/blkex0/badblocks)" 512
	_full_write blkex0 +3001-3001 "does not fit"
	_full_write blkex0 -150-150 "would split"
	_expect_eq "entries after the refused writes" "$(wc -l < $BBLIST/blkex0/badblocks)" 512
	grep -qx 100-199 $BBLIST/blkex0/badblocks || _fail "100-199 was split in a full table"
	for i in $(seq 1001 2 2019); do
		echo "-$i" > $DBG/blkex0/badblocks
	done
	# A NUL inside a value: the part before it alone must not be taken.
	_bad_write_nul blkex0 fail_nth '5\0009'
	_bad_write_nul blkex0 delay_us '1\000'
	_bad_write_nul blkex0 badblocks '+1-2\000x'
	_expect_eq "blkex0 settings after bad writes" "$(_snapshot blkex0)" "$before"

	# Good writes take, on the disk written to only.
	echo 0x10 > $DBG/blkex0/fail_nth
	echo read > $DBG/blkex0/fail_dir
	echo clear > $DBG/blkex0/badblocks
	echo +8191 > $DBG/blkex0/badblocks
	_expect_eq "fail_nth" "$(cat $DBG/blkex0/fail_nth)" 16
	_expect_eq "fail_dir" "$(cat $DBG/blkex0/fail_dir)" read
	_expect_eq "badblocks" "$(cat $DBG/blkex0/badblocks)" "8191-8191"
	_expect_eq "blkex1 fail_nth" "$(cat $DBG/blkex1/fail_nth)" 7
	_expect_eq "blkex1 fail_dir" "$(cat $DBG/blkex1/fail_dir)" write
	echo 0 > $DBG/blkex0/fail_permille
	echo clear > $DBG/blkex0/badblocks
	echo 0 > $DBG/blkex0/fail_nth
	# With everything off the disk works.
	dd if=/dev/urandom of="$TMPDIR"/data bs=4k count=64 status=none
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=4k oflag=direct status=none
	cmp -n $((64 * 4096)) "$TMPDIR"/data "$BLKEX_DEV" || _fail "blkex0 does not work"
	_unload
	[ ! -e $DBG ] || _fail "$DBG remains after rmmod"
}
