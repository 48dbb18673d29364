#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
DESCRIPTION="bad-block injection. This test will check that a request fails exactly when it touches a bad range, for the directions fail_dir selects, that a failed write leaves the store untouched, and that a fio verify job beside the bad range sees no error and no mismatch while another job gets an error for every I/O it sends into the range."

requires() {
	_have_program fio
}

DBG=/sys/kernel/debug/blk_example/blkex0

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
}
