#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: case 016-drain-fairness can fail
#
# Under TCG the submitter and the worker take turns on one host thread, so
# the stock driver's drain seldom finds its list refilled, and the old
# unbounded drain passed 016 on 6.1 too (slowest read 11 ms). This test
# will build the module as it was before the 1 ms drain budget (patch
# unbounded-drain) with a 250 ms busy wait after each batch (patch
# drain-delay, its BLKEX_PLANT_DRAIN_DELAY_MS raised by KCFLAGS), so that
# the submitter refills the list before the drain looks again, boot the
# oldest kernel (6.1, which does not demote long work items to
# CPU-intensive) and check that 016 fails on a slow read of blkex1. Runs
# on the host.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"
# shellcheck source=tests/host/lib/plant.sh
. "$repo/tests/host/lib/plant.sh"

_plant_setup drain-hog oldest
kver=$PLANT_KVER out=$PLANT_OUT

KCFLAGS=-DBLKEX_PLANT_DRAIN_DELAY_MS=250 _plant_boot drain-hog "$kver" \
	"unbounded-drain drain-delay" core/016-drain-fairness
grep -q "^not ok - core/016-drain-fairness" "$out/drain-hog/suite.out" ||
	_fail "016 did not fail with an unbounded drain: it cannot see the hog"
grep -E "took [0-9]+ ms behind|only [0-9]+ probe reads" \
	"$out/drain-hog/logs/016-drain-fairness.log" ||
	_fail "016 failed, but not on a slow or missing read of blkex1"
