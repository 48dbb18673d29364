#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the write cache's data path and power cuts, block by block. This test will
# check that reads see cached data, a partial write merges with the stored
# block, a cut (power 0) with cache_loss=all loses exactly what no flush
# wrote back, a flush and a FUA write reach the store, a full cache writes
# back its oldest blocks first, random loses some blocks and keeps the rest
# whole and loses the same ones again with the same seed, torn keeps only
# a prefix of some blocks, and the stats and the blkex_cache_writeback
# event count all of it.
DESCRIPTION="write cache: flush, FUA, eviction order, cuts in every loss mode"

CFS=/sys/kernel/config/blk_example
DIR=$CFS/wc

# _stat NAME: a number from the disk's cache_stats.
_stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$DIR/cache_stats"
}

# _flush: fsync(2) of the disk, which sends it a flush.
_flush() {
	sync "$DEV" || _fail "fsync of $DEV failed"
}

_cut() {
	echo 0 > "$DIR/power" || _fail "power 0 failed"
	echo 1 > "$DIR/power" || _fail "power 1 failed"
	_wait_for_dev "$DEV"
}

# _put FILE BLOCK4K [DDFLAGS]: FILE to the disk at 4 KiB block BLOCK4K.
_put() {
	dd if="$1" of="$DEV" bs=4k seek="$2" oflag=direct${3:+,$3} conv=notrunc status=none ||
		_fail "write of $1 at block $2 failed"
}

# _get BLOCK4K COUNT: COUNT 4 KiB blocks of the disk to stdout.
_get() {
	dd if="$DEV" bs=4k skip="$1" count="$2" iflag=direct status=none
}

_same() {
	cmp -s "$2" "$3" || _fail "$1: differs"
	echo "$1: as expected"
}

# _blocks FILE GOT LBS: per 4 KiB block of GOT against FILE, "whole",
# "zero" or "prefix" (the first 1..n-1 logical blocks of FILE, then
# zeroes): one count of each per line.
_blocks() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
want, got, lbs = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), int(sys.argv[3])
n = {"whole": 0, "zero": 0, "prefix": 0, "other": 0}
for off in range(0, len(want), 4096):
    w, g = want[off:off + 4096], got[off:off + 4096]
    if g == w:
        n["whole"] += 1
    elif g == bytes(4096):
        n["zero"] += 1
    elif any(g == w[:k] + bytes(4096 - k) for k in range(lbs, 4096, lbs)):
        n["prefix"] += 1
    else:
        n["other"] += 1
print(n["whole"], n["zero"], n["prefix"], n["other"])
PY
}

test_case() {
	local a=$TMPDIR/a b=$TMPDIR/b d=$TMPDIR/d got=$TMPDIR/got r1 whole zero prefix other
	local mib=$((1 << 20)) ev
	insmod "$BLKEX_KO" nr_devices=0 || _fail "insmod failed"
	head -c 4096 /dev/urandom > "$a"
	head -c 4096 /dev/urandom > "$b"
	head -c $((2 * mib)) /dev/urandom > "$d"
	DEV=$(_cfs_new wc num_sectors=16384 cache_size=1 cache_loss=all)
	_trace_inst
	echo 1 > "$TRACE_INST/events/blk_example/blkex_cache_writeback/enable"

	# Reads see the cache; all: a cut loses what was never flushed.
	_put "$a" 0
	_get 0 1 > "$got"; _same "cached block read back" "$got" "$a"
	_expect_eq "dirty_bytes" "$(_stat dirty_bytes)" 4096
	_cut
	_get 0 1 > "$got"; _same "unflushed block after a cut (zeroes)" "$got" <(head -c 4096 /dev/zero)
	_expect_eq "last_cut_lost" "$(_stat last_cut_lost)" 1

	# A flush (fsync of the device) writes it back; a cut keeps it.
	_put "$a" 0 && _flush
	_expect_eq "dirty_bytes after a flush" "$(_stat dirty_bytes)" 0
	[ "$(_stat flushes)" -ge 1 ] || _fail "no flush counted"
	# A 512-byte write merges with the stored block; the cut undoes it.
	dd if="$b" of="$DEV" bs=512 seek=1 count=1 oflag=direct conv=notrunc status=none
	_get 0 1 > "$got"
	_same "partial write merged" "$got" <(head -c 512 "$a"; head -c 512 "$b"; tail -c +1025 "$a")
	_cut
	_get 0 1 > "$got"; _same "flushed block after a cut" "$got" "$a"

	# FUA (O_DSYNC direct writes) goes to the store through the cache.
	_put "$b" 1 dsync
	[ "$(_stat fua_writes)" -ge 1 ] || _fail "no FUA write counted"
	_cut
	_get 1 1 > "$got"; _same "FUA block after a cut" "$got" "$b"

	# A 1 MiB cache under 2 MiB: the oldest 1 MiB went to the store.
	ev=$(_stat evictions)
	_put "$d" 16
	_expect_eq "evictions" "$(($(_stat evictions) - ev))" 256
	_expect_eq "dirty_bytes of a full cache" "$(_stat dirty_bytes)" $mib
	_cut
	_get 16 512 > "$got"
	_same "oldest 1 MiB written back, newest lost" "$got" <(head -c $mib "$d"; head -c $mib /dev/zero)

	# random: some lost, the rest whole; the same seed, the same blocks.
	echo 0 > $DIR/power
	echo random > $DIR/cache_loss
	echo 4 > $DIR/cache_size
	echo 1234 > $DIR/cache_seed
	echo 1 > $DIR/power
	_wait_for_dev "$DEV"
	blkdiscard -o $((1024 * 4096)) -l $((2 * mib)) "$DEV"
	_put "$d" 1024
	_cut
	_get 1024 512 > "$got"
	read -r whole zero prefix other <<< "$(_blocks "$d" "$got" 512)"
	echo "random, seed 1234: whole $whole, lost $zero, prefix $prefix, other $other"
	_expect_eq "random: torn or foreign blocks" "$prefix $other" "0 0"
	_expect_eq "random: last_cut_lost" "$(_stat last_cut_lost)" "$zero"
	_expect_eq "random: last_cut_seed" "$(_stat last_cut_seed)" 1234
	if [ "$whole" = 0 ] || [ "$zero" = 0 ]; then
		_fail "random kept all or none of 512 blocks"
	fi
	r1=$(md5sum < "$got")
	blkdiscard -o $((1024 * 4096)) -l $((2 * mib)) "$DEV"
	_flush
	_put "$d" 1024
	_cut
	_expect_eq "random, seed 1234 again: the same blocks" "$(_get 1024 512 | md5sum)" "$r1"

	# torn: survivors may keep only their first logical blocks.
	echo 0 > $DIR/power
	echo torn > $DIR/cache_loss
	echo 0 > $DIR/cache_seed
	echo 1 > $DIR/power
	_wait_for_dev "$DEV"
	blkdiscard -o $((1024 * 4096)) -l $((2 * mib)) "$DEV"
	_flush
	_put "$d" 1024
	_cut
	_get 1024 512 > "$got"
	read -r whole zero prefix other <<< "$(_blocks "$d" "$got" 512)"
	echo "torn, seed $(_stat last_cut_seed): whole $whole, lost $zero, torn $prefix, other $other"
	_expect_eq "torn: foreign blocks" "$other" 0
	_expect_eq "torn: last_cut_lost last_cut_torn" \
		"$(_stat last_cut_lost) $(_stat last_cut_torn)" "$zero $prefix"
	[ "$prefix" -gt 0 ] || _fail "torn tore no block of 512"
	[ "$(_stat last_cut_seed)" != 0 ] || _fail "seed 0 was not replaced by a fresh one"

	# The event saw flushes, FUA writes, evictions and cuts.
	for ev in flush fua evict cut; do
		grep -q "blkex_cache_writeback: [0-9]*,[0-9]* $ev blocks=" "$TRACE_INST/trace" ||
			_fail "no blkex_cache_writeback $ev event"
	done
	grep -m1 "blkex_cache_writeback: .* cut" "$TRACE_INST/trace"
	_trace_inst_rm
	cat $DIR/cache_stats
	grep -q "^last_cut_torn" "/sys/kernel/debug/blk_example/$(basename "$DEV")/cache_stats" ||
		_fail "no debugfs cache_stats"
	rmdir $DIR
}
