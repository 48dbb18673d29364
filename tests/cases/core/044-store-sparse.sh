#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# store=sparse. This test will check that a bad store value is refused at
# load and in configfs, that a 64 GiB sparse disk loads on a small VM with
# resident 0 (configfs and debugfs), that reads of never-written ranges
# give zeroes and allocate nothing, that fio verifies across page
# boundaries with resident exactly the pages written, that discard and
# write-zeroes free every page they cover whole and zero the partial ones,
# that store changes only while powered off, and that a disk whose store
# kind changed reads zeroes (its data went with the old store).
# (core/002 checks that modinfo documents store=.)
DESCRIPTION="store=sparse: allocate on write, zero reads free, discard frees"

# As in common.sh; spelled out so that shellcheck knows it.
CFS=/sys/kernel/config/blk_example

requires() {
	_have_program fio
	_have_program blkdiscard
}

DBGFS=/sys/kernel/debug/blk_example

# _resident WHAT WANT: the disk's resident bytes, in configfs and debugfs.
_resident() {
	_expect_eq "$1: resident" "$(cat $CFS/blkex0/resident)" "$2"
	_expect_eq "$1: debugfs resident" "$(cat $DBGFS/blkex0/resident)" "$2"
}

# _zero FILE OFF LEN: zero LEN bytes of FILE at OFF, as the disk should.
_zero() {
	dd if=/dev/zero of="$1" bs=512 seek=$(($2 / 512)) count=$(($3 / 512)) \
		conv=notrunc status=none
}

test_case() {
	local kib=1024 mib=$((1 << 20)) size off dir=$CFS/kind
	_insmod_refused "Invalid parameters" "store=dense is not one of flat, sparse, none" store=dense

	# 64 GiB on a VM of 2 GiB: nothing is taken at power on.
	_load store=sparse num_sectors=$((64 << 21))
	size=$(_dev_bytes)
	_expect_eq "size" "$size" $((64 << 30))
	_expect_eq "store" "$(cat $CFS/blkex0/store)" sparse
	_resident "after load" 0
	for off in 0 $((size / 2 - 4096)) $((size - mib)); do
		cmp -n $mib /dev/zero <(dd if="$BLKEX_DEV" bs=64k count=16 \
			skip=$off iflag=direct,skip_bytes status=none) ||
			_fail "never-written bytes at $off are not zero"
	done
	_resident "after reads of never-written ranges" 0

	# fio verify, 2 MiB at an odd sector far into the disk: every bvec
	# straddles two store pages, and 513 pages are written.
	_fio --name=verify --filename="$BLKEX_DEV" --direct=1 --ioengine=libaio \
		--iodepth=16 --rw=randwrite --bs=64k --offset=$((40 << 30 | 1536)) \
		--size=2M --verify=crc32c --verify_fatal=1 --do_verify=1
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
	_resident "after 2 MiB at an odd sector" $((2 * mib + 4096))

	# Discard and write-zeroes at odd sectors, on a known 1 MiB image.
	_unload
	_load store=sparse num_sectors=2048
	head -c $mib /dev/urandom > "$TMPDIR"/want
	dd if="$TMPDIR"/want of="$BLKEX_DEV" bs=1M oflag=direct status=none
	_resident "after 1 MiB written" $mib
	# 256 KiB + 3 sectors from sector 3: pages 1 to 63 whole.
	blkdiscard -o 1536 -l $((256 * kib + 1536)) "$BLKEX_DEV"
	_zero "$TMPDIR"/want 1536 $((256 * kib + 1536))
	_resident "after discarding 63 whole pages" $((mib - 63 * 4096))
	# 128 KiB + 1 sector from 512 KiB + 1 sector: pages 129 to 159 whole.
	blkdiscard -z -o $((512 * kib + 512)) -l $((128 * kib + 512)) "$BLKEX_DEV"
	_zero "$TMPDIR"/want $((512 * kib + 512)) $((128 * kib + 512))
	_resident "after write-zeroes of 31 whole pages" $((mib - 94 * 4096))
	# Inside one page, and across the boundary of two: nothing freed.
	blkdiscard -o $((768 * kib + 1024)) -l 1024 "$BLKEX_DEV"
	blkdiscard -o $((768 * kib + 3072)) -l 2048 "$BLKEX_DEV"
	_zero "$TMPDIR"/want $((768 * kib + 1024)) 1024
	_zero "$TMPDIR"/want $((768 * kib + 3072)) 2048
	_resident "after partial-page discards" $((mib - 94 * 4096))
	cmp "$TMPDIR"/want "$BLKEX_DEV" || _fail "the disk differs from what is expected"
	_resident "after reading it all" $((mib - 94 * 4096))
	blkdiscard "$BLKEX_DEV"
	_resident "after discarding it all" 0
	cmp -n $mib /dev/zero "$BLKEX_DEV" || _fail "whole-disk discard left data"

	# store: EBUSY while powered on, bad values refused, data gone on change.
	mkdir $dir
	_cfs_refused $dir store "Invalid argument" "store=dense is not one of flat, sparse, none" '%s\n' dense
	_expect_eq "store of a new disk (the parameter's)" "$(cat $dir/store)" sparse
	echo 2048 > $dir/num_sectors
	echo 1 > $dir/power
	_wait_for_dev /dev/blkex1
	_cfs_refused $dir store "Device or resource busy" "store cannot change while the disk is powered on" '%s\n' flat
	_expect_eq "store after EBUSY" "$(cat $dir/store)" sparse
	dd if="$TMPDIR"/want of=/dev/blkex1 bs=64k oflag=direct status=none
	_expect_eq "resident of blkex1" "$(cat $dir/resident)" $mib
	echo 0 > $dir/power
	_expect_eq "resident while off" "$(cat $dir/resident)" $mib
	echo flat > $dir/store
	echo 1 > $dir/power
	_wait_for_dev /dev/blkex1
	_expect_eq "resident as flat" "$(cat $dir/resident)" $mib
	cmp -n $mib /dev/zero /dev/blkex1 || _fail "data survived sparse -> flat"
	dd if="$TMPDIR"/want of=/dev/blkex1 bs=64k oflag=direct status=none
	echo 0 > $dir/power
	echo sparse > $dir/store
	echo 1 > $dir/power
	_wait_for_dev /dev/blkex1
	_expect_eq "resident back to sparse" "$(cat $dir/resident)" 0
	cmp -n $mib /dev/zero /dev/blkex1 || _fail "data survived flat -> sparse"
	rmdir $dir
}
