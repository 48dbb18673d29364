#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod while the disk is open. This test will check that rmmod fails while
# fio holds the disk open and while a shell holds it open with no I/O, that
# fio's verify is not disturbed by the attempts, and that rmmod right after
# the last close succeeds and leaves no disk and no debugfs directory.
DESCRIPTION="rmmod fails while the disk is open"

requires() {
	_have_program fio
}

test_case() {
	local fio_pid i
	_load num_sectors=65536
	# fio must hold the disk open through every attempt, however slowly
	# the emulated machine runs the shell beside it. It closes and reopens
	# its file at the end of each pass over it (seen with strace), so the
	# pass is made long: 64 MiB at no more than 1 MiB/s, verified as it
	# goes (verify_backlog), stopped with SIGTERM once the attempts are
	# over. libaio, not io_uring: a ring may hold the disk open for a
	# moment after fio exits, and the last rmmod below must not retry.
	fio --output-format=json --output="$FIO_JSON" --eta=never --name=open \
		--filename="$BLKEX_DEV" --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --size=64M --rate_iops=250 --time_based \
		--runtime=300 --verify=crc32c --verify_backlog=64 --verify_fatal=1 \
		--verify_state_save=0 &
	fio_pid=$!
	for ((i = 0; i < 600; i++)); do
		[ "$(awk '{ print $5 }' /sys/block/blkex0/stat)" -gt 0 ] && break
		sleep 0.1
	done
	[ "$i" -lt 600 ] || _fail "fio did no I/O in 60 s"
	for ((i = 0; i < 3; i++)); do
		if rmmod blk_example 2> "$TMPDIR"/rmmod.err; then
			_fail "rmmod succeeded while fio had the disk open"
		fi
	done
	echo "rmmod while fio runs: $(cat "$TMPDIR"/rmmod.err)"
	grep -q "in use" "$TMPDIR"/rmmod.err || _fail "rmmod did not fail with 'in use'"
	_fio_stop $fio_pid "before the attempts were over"

	# Held open with no I/O at all.
	exec 3< "$BLKEX_DEV"
	if rmmod blk_example 2> /dev/null; then
		_fail "rmmod succeeded while the disk was open"
	fi
	exec 3<&-
	# Right after the last close: no retry.
	rmmod blk_example || _fail "rmmod right after the last close failed"
	! _module_loaded || _fail "module still loaded"
	[ ! -e "$BLKEX_DEV" ] || _fail "$BLKEX_DEV remains"
	[ ! -e /sys/kernel/debug/blk_example ] || _fail "debugfs directory remains"
}
