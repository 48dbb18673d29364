#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
DESCRIPTION="the soak of make soak in its short form (SOAK_SECONDS=20). This test will run tests/soak/guest.sh and check that it ends with no failed check: fio verify jobs clean beside a range with bad blocks switched on and off, ext4 on a second disk fsck clean with every file intact, errors really injected, rmmod clean."

requires() {
	_have_program fio
	_have_program mkfs.ext4
}

test_case() {
	local out
	out=$(SOAK_SECONDS=$(_scaled 20) bash /mnt/repo/tests/soak/guest.sh 2>&1) ||
		{ echo "$out"; _fail "the soak failed"; }
	echo "$out"
	echo "$out" | grep -qE '^[1-9][0-9]* passed, 0 failed$' || _fail "no summary line"
}
