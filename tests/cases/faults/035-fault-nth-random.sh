#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fail every Nth request and a random fraction of them. This test will check
# that at queue depth 1 fail_nth=N fails exactly one request in N of the
# direction fail_dir selects and none of the other, that fail_permille fails
# about the fraction asked for, and that turning both off at run time brings
# the errors to zero.
DESCRIPTION="fail_nth and fail_permille fail as many as asked"

requires() {
	_have_program fio
}

DBG=/sys/kernel/config/blk_example/blkex0

# _count_errors RW N: N 4 KiB direct requests at depth 1; prints fio's error count.
_count_errors() {
	fio --output-format=json --output="$FIO_JSON" --eta=never --name=n \
		--filename="$BLKEX_DEV" --direct=1 --ioengine=psync --rw="$1" \
		--bs=4k --size=$(($2 * 4))k --continue_on_error=io > /dev/null || true
	_fio_field "['jobs'][0]['total_err']"
}

test_case() {
	local n random
	_load num_sectors=65536 fail_nth=10 fail_dir=read
	n=$(_count_errors read 1000)
	_expect_eq "reads failed with fail_nth=10 from load" "$n" 100
	n=$(_count_errors write 1000)
	_expect_eq "writes failed with fail_dir=read" "$n" 0

	echo write > $DBG/fail_dir
	echo 7 > $DBG/fail_nth
	n=$(_count_errors write 700)
	_expect_eq "writes failed with fail_nth=7" "$n" 100
	n=$(_count_errors read 700)
	_expect_eq "reads failed with fail_dir=write" "$n" 0

	echo 0 > $DBG/fail_nth
	echo rw > $DBG/fail_dir
	echo 100 > $DBG/fail_permille
	n=$(_count_errors randread 2000)
	echo "fail_permille=100: $n of 2000 reads failed"
	random=$n
	# Binomial(2000, 0.1): mean 200, sd 13.4; this is more than 5 sd.
	if [ "$n" -lt 130 ] || [ "$n" -gt 270 ]; then
		_fail "$n failures, want about 200"
	fi
	echo 1000 > $DBG/fail_permille
	n=$(_count_errors randwrite 100)
	_expect_eq "writes failed with fail_permille=1000" "$n" 100

	echo 0 > $DBG/fail_permille
	n=$(_count_errors randrw 1000)
	_expect_eq "errors with injection off" "$n" 0
	cat $DBG/stats
	grep -qx "failed $((300 + random))" $DBG/stats ||
		_fail "stats do not count $((300 + random)) failures"
}
