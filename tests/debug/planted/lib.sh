#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the planted-bug cases of `make test-debug`, run by
# tests/run.sh as host cases with the debug kernel's environment (see
# tests/debug/run.sh). Each case builds the module with one planted bug,
# a patch in tests/debug/planted/patches applied to the build's copy of
# the sources (vm/build-module.sh, PLANT_PATCHES), runs one ordinary
# test case with it on the debug kernel, and passes only if the suite
# fails that case with the kernel report the bug should cause: proof that
# the lane can fail.

planted_here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
repo=$(readlink -f "$planted_here/../../..")

# _plant_run NAME CASE PATTERN: build with patches/NAME.patch, run
# tests/cases/CASE.sh (CASE is GROUP/NNN-NAME) on the debug kernel,
# expect "not ok" and PATTERN (an extended regex) in the kernel log the
# suite kept for that case.
_plant_run() {
	local name=$1 case=$2 pattern=$3 kver
	local out=$repo/build/test-results/planted/$name
	local ko=$repo/build/planted/$name

	read -r kver _ <<< "${KVERS:?run through make test-debug}"
	rm -rf "$out"
	mkdir -p "$out" "$ko"
	echo "building blk_example with patches/$name.patch for $kver"
	MODULE_OUT=$ko PLANT_PATCHES=$name "$repo/vm/build-module.sh" "$kver"
	{
		echo "export TEST_SCALE_PCT=${TEST_SCALE_PCT:-100}"
		echo "export BLKEX_KO=/mnt/repo/build/planted/$name/blk_example.ko"
		echo "export SUITE_LOGDIR=/mnt/out/logs"
		echo "exec bash /mnt/repo/tests/lib/suite.sh /mnt/repo/tests/cases/$case.sh"
	} > "$out/plant-job.sh"
	"$repo/vm/boot.sh" "$kver" "$out/plant-job.sh" "$out" | tee "$out/suite.out" ||
		echo "the VM exited with status $?"

	grep -Eq "^(not )?ok - $case" "$out/suite.out" ||
		{ echo "FAIL: $case did not run"; return 1; }
	grep -q "^not ok - $case" "$out/suite.out" ||
		{ echo "FAIL: $case passed with $name.patch: the debug kernel missed the planted bug"; return 1; }
	grep -Eq "$pattern" "$out/logs/${case##*/}.kmsg" ||
		{ echo "FAIL: $case failed, but its kernel log has no '$pattern'"; return 1; }
	echo "caught: $(grep -Em 1 "$pattern" "$out/logs/${case##*/}.kmsg")"
}
