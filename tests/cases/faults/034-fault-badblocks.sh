#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bad-block injection. This test will check that a request fails exactly
# when it touches a bad range, for the directions fail_dir selects, that a
# failed write leaves the store untouched, that a fio verify job beside the
# bad range sees no error and no mismatch while another job gets an error
# for every I/O it sends into the range, that making the middle of a range
# good splits it in two, and that the soak's 65536-sector range (128 of the
# library's entries) and a full table are stored whole, split by a large
# removal and emptied by clear.
DESCRIPTION="bad-block injection fails exactly the bad ranges"

requires() {
	_have_program fio
}

DBG=/sys/kernel/config/blk_example/blkex0

# _io OP SECTOR COUNT WANT: a direct 512-byte-block read or write; WANT ok|EIO.
_io() {
	local op=$1 sector=$2 count=$3 want=$4 got=ok err
	if [ "$op" = read ]; then
		err=$(dd if="$BLKEX_DEV" of=/dev/null bs=512 skip="$sector" count="$count" \
			 iflag=direct status=none 2>&1) || got=EIO
	else
		err=$(dd if=/dev/zero of="$BLKEX_DEV" bs=512 seek="$sector" count="$count" \
			 oflag=direct status=none 2>&1) || got=EIO
	fi
	[ "$got" = ok ] || echo "$err" | grep -q "Input/output error" ||
		_fail "$op $sector+$count failed, but not with EIO: $err"
	[ "$got" = "$want" ] || _fail "$op of sectors $sector+$count: got $got, want $want"
}

test_case() {
	local mib=$((1 << 20)) bad_start=40960 bad_end=41087 stats
	_load num_sectors=65536
	head -c $((32 * mib)) /dev/urandom > "$TMPDIR"/data
	dd if="$TMPDIR"/data of="$BLKEX_DEV" bs=1M oflag=direct status=none
	echo "+$bad_start-$bad_end" > $DBG/badblocks

	# Edges of the range, both directions (fail_dir=rw by default).
	for op in read write; do
		_io $op $((bad_start - 8)) 8 ok
		_io $op $((bad_start - 1)) 2 EIO
		_io $op $bad_end 1 EIO
		_io $op $((bad_end + 1)) 8 ok
		_io $op $((bad_start + 40)) 16 EIO
		_io $op $((bad_start - 64)) 256 EIO
	done
	# The successful writes above wrote zeroes just outside the range.
	dd if=/dev/zero of="$TMPDIR"/data bs=512 seek=$((bad_start - 8)) count=8 conv=notrunc status=none
	dd if=/dev/zero of="$TMPDIR"/data bs=512 seek=$((bad_end + 1)) count=8 conv=notrunc status=none
	echo "edges: requests touching $bad_start-$bad_end fail, the others pass"

	echo write > $DBG/fail_dir
	_io read $bad_start 8 ok
	_io write $bad_start 8 EIO
	echo read > $DBG/fail_dir
	_io read $bad_start 8 EIO
	echo rw > $DBG/fail_dir
	echo "fail_dir: read and write each fail only when selected"

	# fio: verify on 0..20 MiB while another job hits the bad 64 KiB.
	cat > "$TMPDIR"/bad.fio <<-JOB
	[global]
	filename=$BLKEX_DEV
	direct=1
	ioengine=io_uring
	[verify]
	rw=randwrite
	offset=0
	size=20M
	bssplit=512/10:4k/40:64k/30:256k/20
	iodepth=16
	verify=crc32c
	verify_fatal=1
	verify_state_save=0
	[bad]
	rw=randrw
	offset=$((bad_start * 512))
	size=64k
	bs=4k
	loops=20
	iodepth=4
	continue_on_error=io
	JOB
	fio --output-format=json --output="$FIO_JSON" --eta=never "$TMPDIR"/bad.fio || true
	_expect_eq "verify job error" "$(_fio_field "['jobs'][0]['error']")" 0
	_expect_eq "verify job errors" "$(_fio_field "['jobs'][0].get('total_err', 0)")" 0
	[ "$(_fio_field "['jobs'][0]['write']['io_bytes']")" -ge $((20 * mib)) ] ||
		_fail "the verify job did not write its whole region"
	local ios errs
	ios=$(_fio_field "['jobs'][1]['read']['total_ios'] + d['jobs'][1]['write']['total_ios']")
	errs=$(_fio_field "['jobs'][1]['total_err']")
	echo "bad job: $errs errors in $ios I/Os"
	[ "$ios" -gt 0 ] || _fail "the bad job did no I/O"
	_expect_eq "bad job errors" "$errs" "$ios"
	stats=$(cat $DBG/stats)
	echo "$stats"

	# Nothing outside the verify region changed; the bad range kept its data.
	echo clear > $DBG/badblocks
	cmp -i $((20 * mib)) <(head -c $((32 * mib)) "$TMPDIR"/data) \
		<(dd if="$BLKEX_DEV" bs=1M iflag=direct status=none) ||
		_fail "data beyond the verify region changed"
	echo "the bad range and the rest of the disk hold what they held"

	# Making part of a range good splits it, as in md and null_blk.
	echo +100-199 > $DBG/badblocks
	echo -120-129 > $DBG/badblocks || _fail "-120-129 refused"
	_expect_eq "badblocks after -120-129" "$(tr '\n' ' ' < $DBG/badblocks)" "100-119 130-199 "
	_io read 120 10 ok
	_io read 100 1 EIO
	_io read 119 1 EIO
	_io read 130 1 EIO
	_io read 116 8 EIO
	echo clear > $DBG/badblocks
	_expect_eq "badblocks after clear" "$(cat $DBG/badblocks)" ""
	echo "a range made good in its middle is split in two"

	_large_ranges
}

# _span_ok START COUNT: one direct read of COUNT sectors from START, in
# 64 KiB requests, must succeed.
_span_ok() {
	dd if="$BLKEX_DEV" of=/dev/null bs=64k iflag=direct,skip_bytes,count_bytes \
		skip=$(($1 * 512)) count=$(($2 * 512)) status=none ||
		_fail "read of sectors $1+$2 failed"
}

# _bb_write VALUE WANT: write VALUE to badblocks; WANT ok|refused.
_bb_write() {
	local got=ok
	echo "$1" > $DBG/badblocks 2> /dev/null || got=refused
	[ "$got" = "$2" ] || _fail "badblocks '$1': got $got, want $2"
}

# The soak's range, 65536 sectors: 128 entries of the library's 512. On
# 6.1 one badblocks_set() call for all of it left one entry and ENOSPC
# (the driver now adds 512 sectors a call), and the next clear spun in
# the driver until the soft-lockup watchdog fired. Every sector of it must
# fail alone and every other sector pass; removing a large part, the
# whole of it, and clear must all end, and a full table must too.
_large_ranges() {
	local start=196608 end=262143 n=65536 ios errs
	_unload
	_load num_sectors=262144
	_bb_write "+$start-$end" ok
	_expect_eq "badblocks after +$start-$end" "$(cat $DBG/badblocks)" "$start-$end"
	_span_ok 0 $start
	_io read $((start - 1)) 1 ok
	_io read $start 1 EIO
	_io read $end 1 EIO
	fio --name=every --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--iodepth=16 --rw=read --bs=512 --offset=$((start * 512)) \
		--size=$((n * 512)) --continue_on_error=io \
		--output-format=json --output="$FIO_JSON" --eta=never 2> /dev/null || true
	ios=$(_fio_field "['jobs'][0]['read']['total_ios']")
	errs=$(_fio_field "['jobs'][0]['total_err']")
	_expect_eq "512-byte reads of $start-$end" "$ios" $n
	_expect_eq "of them failed" "$errs" $n
	echo "+$start-$end: all $n sectors bad, the $start below it good"

	_bb_write "-200000-259999" ok
	_expect_eq "badblocks after -200000-259999" \
		"$(tr '\n' ' ' < $DBG/badblocks)" "$start-199999 260000-$end "
	_io read 199999 1 EIO
	_span_ok 200000 60000
	_io read 260000 1 EIO
	_bb_write "-$start-$end" ok
	_expect_eq "badblocks after -$start-$end" "$(cat $DBG/badblocks)" ""
	_span_ok 0 262144
	_bb_write "+$start-$end" ok
	_bb_write clear ok
	_expect_eq "badblocks after clear" "$(cat $DBG/badblocks)" ""
	_span_ok 0 262144
	echo "-200000-259999 split the run; -$start-$end and clear emptied the table"

	# 262144 sectors: 512 entries of 512, a full table. A split needs one
	# more entry and is refused; a whole entry goes; clear empties it.
	_bb_write "+0-262143" ok
	_expect_eq "badblocks of a full table" "$(cat $DBG/badblocks)" "0-262143"
	_bb_write "-100-199" refused
	_io read 150 1 EIO
	_bb_write "-0-511" ok
	_expect_eq "badblocks after -0-511" "$(cat $DBG/badblocks)" "512-262143"
	_io read 511 1 ok
	_io read 512 1 EIO
	_bb_write clear ok
	_expect_eq "badblocks after clearing a full table" "$(cat $DBG/badblocks)" ""
	_span_ok 0 262144
	echo "a full table refuses a split, gives up a whole entry and clears"
}
