#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# I/O scheduler switches, nr_requests changes and rmmod during and right
# after I/O at depth. Under a scheduler, requests and the work items in
# their pdus come from the scheduler's own pool, which blk-mq frees on each
# of these while a work item of a request that another drain already
# completed may still be queued. This test will switch none, mq-deadline,
# bfq and kyber (those available) while fio reads at depth, change
# nr_requests under a scheduler, unload straight after I/O under one, and
# rely on the runner's kernel log check (and page_poison or KASAN, where the
# kernel has them) to catch a work item run from freed memory.
DESCRIPTION="I/O scheduler switches and rmmod under I/O at depth"

requires() {
	_have_program fio
}

# _fio_bg NAME: a deep random-read fio in the background, for FIO_S
# seconds: a switch made while it runs freezes the queue with requests in
# flight, and the pool is freed the moment the last of them completes,
# while the worker that completed it may not have returned yet.
_fio_bg() {
	local name=$1
	fio --output-format=json --output="$TMPDIR/$name.json" --eta=never \
		--name="$name" --filename="$BLKEX_DEV" --direct=1 \
		--ioengine=io_uring --rw=randread --bs=4k --iodepth=32 \
		--iodepth_batch_submit=8 --time_based --runtime="$FIO_S" \
		> /dev/null 2>&1 &
	FIO_PID=$!
}

# _fio_wait NAME: wait for the background fio; it must have ended cleanly.
_fio_wait() {
	wait "$FIO_PID" || _fail "fio $1 failed (exit $?)"
	FIO_JSON=$TMPDIR/$1.json
	_expect_eq "$1 errors" "$(_fio_field "['jobs'][0]['error']")" 0
}

# _sched NAME: set the I/O scheduler of blkex0 and check it took.
_sched() {
	echo "$1" > "$Q/scheduler" || _fail "cannot set scheduler $1"
	grep -q "\[$1\]" "$Q/scheduler" || _fail "scheduler is not $1: $(cat "$Q/scheduler")"
}

test_case() {
	local s round rounds ios FIO_S scheds=(none mq-deadline)
	Q=/sys/block/blkex0/queue
	# SCHED_ROUNDS: tests/host/driver/005-plant-sched-uaf.sh runs more rounds;
	# at least 4, so that a scaled-down run (the debug lane's 10%) still
	# starts one round under each scheduler.
	rounds=${SCHED_ROUNDS:-$(_scaled 12)}
	[ "$rounds" -ge 4 ] || rounds=4
	ios=$(_scaled 2000)
	FIO_S=2
	_load num_sectors=262144 hw_queues=1
	for s in bfq kyber; do
		modprobe "$s" 2> /dev/null || modprobe "${s}-iosched" 2> /dev/null || true
		grep -qw "$s" "$Q/scheduler" && scheds+=("$s")
	done
	grep -qw mq-deadline "$Q/scheduler" || _skip "mq-deadline is not available"
	echo "schedulers: ${scheds[*]}"

	# Each round: a scheduler, then I/O at depth, and the switches to each
	# other scheduler in turn while it runs and just after it ends.
	for ((round = 0; round < rounds; round++)); do
		_sched "${scheds[round % ${#scheds[@]}]}"
		_fio_bg "switch$round"
		sleep 0.7
		for s in "${scheds[@]}"; do
			_sched "$s"
		done
		_fio_wait "switch$round"
		_sched mq-deadline
		_sched none
	done

	# nr_requests grows and shrinks under a scheduler: each change
	# reallocates the scheduler's pool.
	_sched mq-deadline
	for ((round = 0; round < rounds / 2; round++)); do
		_fio_bg "depth$round"
		sleep 0.7
		for s in 4 256 16 128; do
			echo "$s" > "$Q/nr_requests" || _fail "nr_requests=$s refused"
		done
		_fio_wait "depth$round"
		echo 64 > "$Q/nr_requests"
	done
	_expect_eq "nr_requests" "$(cat "$Q/nr_requests")" 64

	# Unload straight after I/O under a scheduler: del_gendisk frees the
	# scheduler's pool, and the module's code must outlive every work item.
	_unload
	for ((round = 0; round < rounds / 4 + 1; round++)); do
		_load num_sectors=262144 hw_queues=1
		_sched mq-deadline
		_fio --name="unload$round" --filename="$BLKEX_DEV" --direct=1 \
			--ioengine=io_uring --rw=randread --bs=4k --iodepth=32 \
			--iodepth_batch_submit=8 --number_ios="$ios"
		_unload
	done
}
