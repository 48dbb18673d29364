#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the host-side cases that prove a suite case can fail: each
# builds the module with some planted bugs (patches in
# tests/debug/planted/patches, applied to the build's copy of the
# sources), boots a stock kernel and runs one case of tests/cases with
# that build. _plant_setup makes the results directory, PLANT_OUT.

plant_repo=$(readlink -f "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../..")

# _plant_setup NAME newest|oldest: empty build/test-results/plant-NAME and
# export it as PLANT_OUT; set PLANT_KVER to the newest or the oldest
# kernel that has headers (vm/kernels.sh).
_plant_setup() {
	local pick="tail"
	if [ "$2" = oldest ]; then
		pick="head"
	fi
	PLANT_KVER=$("$plant_repo/vm/kernels.sh" | "$pick" -n 1)
	[ -n "$PLANT_KVER" ] || { echo "FAIL: no kernel with headers installed"; exit 1; }
	PLANT_OUT=$plant_repo/build/test-results/plant-$1
	rm -rf "$PLANT_OUT"
	mkdir -p "$PLANT_OUT"
	export PLANT_OUT
}

# _plant_boot NAME KVER PATCHES CASE [VAR=VALUE...]: build with PATCHES
# (PLANT_PATCHES of vm/build-module.sh) and KCFLAGS as the caller
# has it into build/planted/NAME, boot KVER with VM_APPEND as the caller
# has it, and run tests/cases/CASE.sh (CASE is GROUP/NNN-NAME) there with the VAR=VALUE settings exported.
# The VM's output is in $PLANT_OUT/NAME; suite.out holds the case's TAP
# line.
_plant_boot() {
	local name=$1 kver=$2 patches=$3 case=$4 out=${PLANT_OUT:?}
	local dir=$out/$1
	shift 4
	mkdir -p "$dir"
	echo "== $name: $case on $kver, built with $patches ${KCFLAGS:-}"
	MODULE_OUT=$plant_repo/build/planted/$name PLANT_PATCHES=$patches \
		"$plant_repo/vm/build-module.sh" "$kver"
	{
		[ "$#" = 0 ] || echo "export $*"
		echo "export BLKEX_KO=/mnt/repo/build/planted/$name/blk_example.ko"
		echo "export SUITE_LOGDIR=/mnt/out/logs"
		echo "exec bash /mnt/repo/tests/lib/suite.sh /mnt/repo/tests/cases/$case.sh"
	} > "$out/$name-job.sh"
	VM_TIMEOUT=${VM_TIMEOUT:-1200} \
		"$plant_repo/vm/boot.sh" "$kver" "$out/$name-job.sh" "$dir" |
		tee "$dir/suite.out" || echo "the VM exited with status $?"
}
