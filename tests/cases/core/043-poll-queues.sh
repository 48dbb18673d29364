#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# poll queues (poll_queues=N) and io_uring IOPOLL. This test will check
# that queue/io_poll is 0 without poll queues and 1 with them, that blk-mq
# made the extra hardware queue, that fio --hipri writes and verifies
# through them, that the driver's .poll itself completed requests (a
# kretprobe sums what blkex_poll returned), that a delay injected on a
# polled disk is still served no sooner than due, that non-polled I/O on
# the same disk still works, that bad values are refused with EINVAL and a
# message (load and configfs, and EBUSY while powered on), and that rmmod
# is clean idle and after polled I/O.
DESCRIPTION="poll_queues and io_uring IOPOLL: .poll completes, data verifies"

requires() {
	_have_program fio
	[ -w /sys/kernel/tracing/kprobe_events ] || _skip "no kprobe_events in tracefs"
}

# _polled: the requests blkex_poll completed since its probe was placed
# (a kretprobe keeping only returns above zero).
_polled() {
	_kprobe_trace blkex_poll |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^ret=/) n += substr($i, 5) }
		     END { print n + 0 }'
}

# _hipri NAME DEV ARGS...: 4 KiB random writes then a verify, io_uring
# IOPOLL, failing on any error.
_hipri() {
	local name=$1 dev=$2
	shift 2
	_fio --name="$name" --filename="$dev" --direct=1 --ioengine=io_uring \
		--hipri=1 --rw=randwrite --bs=4k "$@" --verify=crc32c \
		--verify_fatal=1 --verify_state_save=0
	_expect_eq "$name fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
}

test_case() {
	local mib=$(( $(_scaled 16) )) nq n lat dir=$CFS/polled dev

	_insmod_refused "Invalid parameters" "poll_queues=abc is not a number" poll_queues=abc
	_insmod_refused "Invalid parameters" "poll_queues=-1 is not a number" poll_queues=-1
	_insmod_refused "Invalid parameters" "poll_queues=99999 is out of range" poll_queues=99999

	# Without poll queues nothing changes: no polling, one queue a CPU.
	_load num_sectors=8192
	_expect_eq "io_poll without poll queues" "$(cat /sys/block/blkex0/queue/io_poll)" 0
	nq=$(find /sys/block/blkex0/mq -mindepth 1 -maxdepth 1 | wc -l)
	echo "hardware queues without poll queues: $nq"
	_unload

	# Loaded and unloaded idle.
	_load num_sectors=8192 poll_queues=1
	_unload

	# The default work_cpu (auto) hands a poll queue's work item to the
	# next CPU, so worker and poller race for each request: the count
	# below shows the poller wins some.
	_load num_sectors=$((mib * 2048)) poll_queues=1
	_expect_eq "io_poll" "$(cat /sys/block/blkex0/queue/io_poll)" 1
	_expect_eq "hardware queues" "$(find /sys/block/blkex0/mq -mindepth 1 -maxdepth 1 | wc -l)" $((nq + 1))
	_expect_eq "configfs poll_queues" "$(cat "$CFS/blkex0/poll_queues")" 1
	_cfs_refused "$CFS/blkex0" poll_queues "Device or resource busy" \
		"poll_queues cannot change while the disk is powered on" '2\n'

	# shellcheck disable=SC2016 # $retval is the kprobe's, not the shell's
	_kprobe_on blkex_poll 'r:blkex_poll blkex_poll ret=$retval:s32' 'ret > 0' ||
		_skip "cannot place a kretprobe on blkex_poll"
	_hipri polled "$BLKEX_DEV" --iodepth=1 --size=$((mib / 2))M
	_hipri polled-deep "$BLKEX_DEV" --iodepth=16 --iodepth_batch_submit=8 \
		--size=$((mib / 2))M --offset=$((mib / 2))M
	n=$(_polled)
	_kprobe_off blkex_poll
	echo "requests completed by blkex_poll: $n"
	# The worker also serves polled requests when it gets there first,
	# so not all of them; but a poller that never wins is no poller.
	[ "$n" -gt 0 ] || _fail "blkex_poll completed no request: polling is untested"

	# A delay is served no sooner than due, also when the poller finds
	# the request first: it puts the request back for the worker.
	echo 20000 > "$CFS/blkex0/delay_us"
	_fio --name=delayed --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=io_uring --hipri=1 --rw=randread --bs=4k \
		--iodepth=1 --number_ios=20 --size=1M
	echo 0 > "$CFS/blkex0/delay_us"
	# fio's lat runs from before the submission, in which queue_rq sets
	# the due time; its clat runs from after it, so it can be shorter.
	lat=$(_fio_field "['jobs'][0]['read']['lat_ns']['min'] // 1000" | cut -d. -f1)
	echo "polled, delay_us=20000: shortest latency $lat us"
	[ "$lat" -ge 20000 ] || _fail "a polled request was served after $lat us, before its 20000 us delay"

	# Requests that are not polled take the default queues, as before.
	_fio --name=plain --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randrw --bs=4k --iodepth=8 --size=$((mib / 2))M \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0
	_expect_eq "plain fio errors" "$(_fio_field "['jobs'][0]['error']")" 0

	# A configfs disk with two poll queues; bad values refused.
	mkdir "$dir"
	_cfs_refused "$dir" poll_queues "Invalid argument" "poll_queues=abc is not a number" '%s\n' abc
	_cfs_refused "$dir" poll_queues "Invalid argument" "poll_queues=99999 is out of range" '%s\n' 99999
	# A new disk starts with the parameters' settings: poll_queues=1.
	_expect_eq "poll_queues after bad writes" "$(cat "$dir/poll_queues")" 1
	rmdir "$dir"
	dev=$(_cfs_new polled num_sectors=16384 hw_queues=1 poll_queues=2)
	_expect_eq "configfs disk io_poll" "$(cat "/sys/block/${dev#/dev/}/queue/io_poll")" 1
	_expect_eq "configfs disk hardware queues" "$(find "/sys/block/${dev#/dev/}/mq" -mindepth 1 -maxdepth 1 | wc -l)" 3
	_hipri cfs "$dev" --iodepth=4 --size=4M
	echo 0 > "$dir/power"
	rmdir "$dir"
	_unload
}
