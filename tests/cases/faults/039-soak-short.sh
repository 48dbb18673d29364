#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the soak of make soak in its short form (SOAK_SECONDS=20, scaled, at least
# 10: see MIN_SECONDS). This test will run tests/soak/guest.sh and check
# that it ends with no failed check: fio verify jobs clean beside a range
# with bad blocks switched on and off, ext4 on a second disk fsck clean with
# every file intact, errors really injected, rmmod clean.
DESCRIPTION="the soak (make soak) in its 20 s form"

# MIN_SECONDS: at the debug kernel's 10% scale the soak ran 2 s, and the
# random-write verify job (32 deep, 512 B to 1 MiB) wrote 4 MiB and read
# none of it back before the time was up, so the soak failed its own
# "each read back" check. The floor is a soak, not a scale.
MIN_SECONDS=10

requires() {
	_have_program fio
	_have_program mkfs.ext4
}

test_case() {
	local out secs
	secs=$(_scaled 20)
	[ "$secs" -ge "$MIN_SECONDS" ] || secs=$MIN_SECONDS
	out=$(SOAK_SECONDS=$secs BLKEX_KO=$BLKEX_KO bash "$BLKEX_REPO/tests/soak/guest.sh" 2>&1) ||
		{ echo "$out"; _fail "the soak failed"; }
	echo "$out"
	echo "$out" | grep -qE '^[1-9][0-9]* passed, 0 failed$' || _fail "no summary line"
}
