#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# blktests' zbd group (tests/third_party/blktests), tests 001-007 with
# TEST_DEVS, against a zoned blk_example disk and, in the same boot, a
# null_blk zoned disk of the same geometry as the reference. This test will
# check that blktests ran on both, that our disk failed none, and that
# every test that did not run on our disk did not run on null_blk either.
# zbd/007 needs a logical device (a partition or device-mapper target) over
# the zoned one: it runs, with dmsetup, on a dm-linear target over each
# disk, named blkex-lin and nullb-lin in its results.
# blktests' own harness costs some 15 s per test and device under TCG:
# the whole comparison takes about 400 s. TEST_ZBD_FULL=0 runs only
# zbd/001-004 on our disk alone, each of which must pass, for a quick look.
DESCRIPTION="blktests zbd/001-007 pass on a zoned disk as on null_blk zoned"

NULLB=/sys/kernel/config/nullb
if [ "${TEST_ZBD_FULL:-1}" = 1 ]; then
	BT_TESTS=(zbd/001 zbd/002 zbd/003 zbd/004 zbd/005 zbd/006 zbd/007)
	BT_DEVS="/dev/blkex0 /dev/nullb0"
else
	BT_TESTS=(zbd/001 zbd/002 zbd/003 zbd/004)
	BT_DEVS=/dev/blkex0
fi

requires() {
	_have_program blkzone
	_have_program gcc
	modprobe -n null_blk 2> /dev/null || _skip "no null_blk module"
}

# _result DEV TEST: passed, failed or "not run" for TEST on DEV.
_result() {
	sed -n "s|^$2 => $1 .*\[\(.*\)\]\$|\1|p" "$TMPDIR"/check.out | tail -n 1
}

# _linear NAME DEV: a dm-linear target NAME over the whole of DEV. The VM
# has no udev: dmsetup must not wait for it, and makes the node itself.
_linear() {
	echo "0 $(blockdev --getsz "$2") linear $2 0" |
		dmsetup create --noudevsync "$1" ||
		_fail "dmsetup create $1 over $2 failed"
	dmsetup mknodes "$1"
	_wait_for_dev "/dev/mapper/$1"
}

_cleanup() {
	dmsetup remove --noudevsync blkex-lin 2> /dev/null
	dmsetup remove --noudevsync nullb-lin 2> /dev/null
	[ -d $NULLB/nullb0 ] && { echo 0 > $NULLB/nullb0/power; rmdir $NULLB/nullb0; }
	modprobe -r null_blk 2> /dev/null
}

test_case() {
	local bt=$TMPDIR/blktests t ours ref failed=0
	cp -r "$BLKEX_REPO"/tests/third_party/blktests "$bt"
	gcc -O2 -Wall -o "$bt"/src/zbdioctl "$bt"/src/zbdioctl.c ||
		_fail "zbdioctl does not build"

	# 128 MiB in 4 MiB zones, the first four conventional, on both.
	_load num_sectors=262144 zoned=1 zone_size=4 zone_nr_conv=4
	trap _cleanup EXIT
	if [[ $BT_DEVS == */dev/nullb0* ]]; then
		modprobe null_blk nr_devices=0 || _fail "modprobe null_blk failed"
		mkdir $NULLB/nullb0
		echo 128 > $NULLB/nullb0/size
		echo 1 > $NULLB/nullb0/memory_backed
		echo 1 > $NULLB/nullb0/zoned
		echo 4 > $NULLB/nullb0/zone_size
		echo 4 > $NULLB/nullb0/zone_nr_conv
		echo 1 > $NULLB/nullb0/power
		_wait_for_dev /dev/nullb0
		blkzone report /dev/nullb0 | head -5 | sed 's/^/nullb0: /'
	fi
	blkzone report "$BLKEX_DEV" | head -5 | sed 's/^/blkex0: /'

	# TIMEOUT bounds the two timed tests (005, 006) to 10 s each.
	(cd "$bt" && TIMEOUT=10 TEST_DEVS="$BT_DEVS" ./check "${BT_TESTS[@]}") \
		> "$TMPDIR"/check.out 2>&1
	if [[ " ${BT_TESTS[*]} " == *" zbd/007 "* ]]; then
		_have_program dmsetup
		modprobe dm-mod 2> /dev/null
		_linear blkex-lin "$BLKEX_DEV"
		_linear nullb-lin /dev/nullb0
		(cd "$bt" && TEST_DEVS="/dev/mapper/blkex-lin /dev/mapper/nullb-lin" \
			./check zbd/007) >> "$TMPDIR"/check.out 2>&1
	fi
	cat "$TMPDIR"/check.out
	for f in "$bt"/results/*/zbd/*.out.bad; do
		[ -f "$f" ] && { echo "== $f"; cat "$f"; }
	done
	for t in "${BT_TESTS[@]}"; do
		ours=$(_result blkex0 "$t")
		ref=$(_result nullb0 "$t")
		if [ "$t" = zbd/007 ]; then
			ours=$(_result blkex-lin "$t")
			ref=$(_result nullb-lin "$t")
		fi
		echo "$t: blkex0 ${ours:-none}, nullb0 ${ref:-not asked}"
		case $ours in
		passed) ;;
		"not run") [ "$ref" = "not run" ] || failed=1 ;;
		*) failed=1 ;;
		esac
	done
	[ "$failed" = 0 ] || _fail "blktests zbd: blkex0 did not pass where null_blk did"
	[ "$(_result blkex0 zbd/001)" = passed ] || _fail "blktests did not run"
	_cleanup
	trap - EXIT
	_unload
}
