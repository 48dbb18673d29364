#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the bench pipeline in its quick form (BENCH_QUICK=1). This
# test will run bench/run.sh on the newest kernel and check that it
# produced every artefact (bench/check-artefacts.sh); it checks
# completeness, never speed. Runs on the host.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../..")
out=$repo/build/bench-quick
rm -rf "$out"
BENCH_QUICK=1 BENCH_OUT=$out "$repo/bench/run.sh"
"$repo/bench/check-artefacts.sh" "$out"
