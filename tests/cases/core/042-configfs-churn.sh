#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# configfs disks made and removed under load. This test will check that 50
# disks made, written, read back and removed one after another leave a fio
# verify job on another disk undisturbed, that two loops racing mkdir, power
# and rmdir on the same names end with no disk left and a clean kernel log,
# and that the module unloads afterwards.
DESCRIPTION="configfs disks made and removed beside fio verify"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

requires() {
	_have_program fio
}

# _race NAME...: mkdir, power on, power off, rmdir each NAME, 30 times,
# going on past whatever the other loop made fail (the case runs under
# set -e, which a background function inherits).
_race() {
	local i n
	for ((i = 0; i < 30; i++)); do
		for n in "$@"; do
			mkdir "$CFS/$n" 2> /dev/null || :
			echo 1 > "$CFS/$n/power" 2> /dev/null || :
			echo 0 > "$CFS/$n/power" 2> /dev/null || :
			rmdir "$CFS/$n" 2> /dev/null || :
		done
	done
}

test_case() {
	local fio_pid i dev left r1
	_load num_sectors=65536
	# fio runs until _fio_stop ends it, however long the loops take: a
	# fixed 600 s ran out under the debug kernel (make test-debug), whose
	# 50-disk loop took 670 s. A day is only a bound; the trap stops fio
	# if the case ends early.
	fio --output-format=json --output="$FIO_JSON" --eta=never --name=verify \
		--filename="$BLKEX_DEV" --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --size=32M --time_based --runtime=24h \
		--verify=crc32c --verify_backlog=256 --verify_fatal=1 \
		--verify_state_save=0 &
	fio_pid=$!
	# Expanded now: fio_pid is local, gone when the trap runs.
	# shellcheck disable=SC2064
	trap "kill $fio_pid 2> /dev/null || :" EXIT
	dd if=/dev/urandom of="$TMPDIR"/data bs=64k count=1 status=none
	for ((i = 0; i < 50; i++)); do
		dev=$(_cfs_new "c$i" num_sectors=2048)
		dd if="$TMPDIR"/data of="$dev" bs=64k oflag=direct status=none ||
			_fail "write to $dev failed"
		cmp -n 65536 "$TMPDIR"/data "$dev" || _fail "$dev (c$i) does not read back"
		rmdir "$CFS/c$i" || _fail "rmdir c$i failed"
		[ ! -e "$dev" ] || sleep 0.2
		kill -0 $fio_pid || _fail "fio ended early"
	done
	echo "50 disks made, used and removed beside fio"

	_race r1 r2 r3 &
	r1=$!
	_race r3 r2 r1 &
	wait $r1 || _fail "a racing loop failed"
	wait $! || _fail "a racing loop failed"
	left=$(find "$CFS" -mindepth 1 -maxdepth 1 -name 'r*' | wc -l)
	if [ "$left" -gt 0 ]; then
		# One loop's mkdir may have come after the other's last rmdir.
		rmdir "$CFS"/r* || _fail "leftover race disks refuse rmdir"
	fi
	echo "racing loops done"

	_fio_stop $fio_pid early
	_expect_eq "disks left" "$(find /sys/block -maxdepth 1 -name 'blkex*' | wc -l)" 1
	_unload
}
