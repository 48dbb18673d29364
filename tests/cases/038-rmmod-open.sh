#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
DESCRIPTION="rmmod while the disk is open. This test will check that rmmod fails while fio holds the disk open and while a shell holds it open with no I/O, that fio's verify is not disturbed by the attempts, and that rmmod right after the last close succeeds and leaves no disk and no debugfs directory."

requires() {
	_have_program fio
}

test_case() {
	local fio_pid i
	_load num_sectors=65536
	# libaio, not io_uring: a ring may hold the disk open for a moment
	# after fio exits, and the last rmmod below must not retry.
	fio --output-format=json --output="$FIO_JSON" --eta=never --name=open \
		--filename=$BLKEX_DEV --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --size=16M --time_based --runtime=10 \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 &
	fio_pid=$!
	# Wait until fio has the disk open and its writes complete (it can
	# take seconds to start under emulation).
	for ((i = 0; i < 600; i++)); do
		[ "$(awk '{ print $5 }' /sys/block/blkex0/stat)" -gt 0 ] && break
		sleep 0.1
	done
	[ "$i" -lt 600 ] || _fail "fio did no I/O in 60 s"
	echo "fio writing after $((i / 10)).$((i % 10)) s"
	for ((i = 0; i < 5; i++)); do
		if rmmod blk_example 2> /tmp/rmmod.err; then
			_fail "rmmod succeeded while fio had the disk open"
		fi
		sleep 0.3
	done
	echo "rmmod while fio runs: $(cat /tmp/rmmod.err)"
	grep -q "in use" /tmp/rmmod.err || _fail "rmmod did not fail with 'in use'"
	wait $fio_pid || { cat "$FIO_JSON"; _fail "fio failed"; }
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0

	# Held open with no I/O at all.
	exec 3< $BLKEX_DEV
	if rmmod blk_example 2> /dev/null; then
		_fail "rmmod succeeded while the disk was open"
	fi
	exec 3<&-
	# Right after the last close: no retry.
	rmmod blk_example || _fail "rmmod right after the last close failed"
	! _module_loaded || _fail "module still loaded"
	[ ! -e $BLKEX_DEV ] || _fail "$BLKEX_DEV remains"
	[ ! -e /sys/kernel/debug/blk_example ] || _fail "debugfs directory remains"
}
