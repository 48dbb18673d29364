#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/lib/sample-sim.sh FIXTURE N TRIALS
# How often does sample.sh reject a sample that is fair by construction?
# Draws TRIALS random samples of N requests (without replacement) from
# each stage's histogram in FIXTURE/all.out (a directory of
# tests/host/fixtures/sample), runs _sample_hist_fair on each, and prints
# how many it rejected and the smallest chance it saw. Runs on the host.
set -euo pipefail

[ $# = 3 ] || { sed -n '4,9p' "$0" >&2; exit 2; }
fx=$1 n=$2 trials=$3
repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../..")

# shellcheck source=tests/lib/tracing.sh
. "$repo/tests/lib/tracing.sh"
# shellcheck source=tests/lib/sample.sh
. "$repo/tests/lib/sample.sh"

# A file named sampled.rows already holds "UPPER COUNT" rows.
_sim_rows() {
	if [ "${1##*/}" = sampled.rows ]; then
		cat "$1"
	else
		_bt_hist_rows "$@"
	fi
}
SAMPLE_ROWS=_sim_rows

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rejected=0 total=0 least=1
for s in wq_delay mutex_wait copy completion q2c; do
	_bt_hist_rows "$fx/all.out" "@${s}_ns" > "$tmp/all.rows"
	python3 - "$tmp/all.rows" "$n" "$trials" "$tmp" <<'PY'
import random
import sys

rows = [tuple(map(int, line.split())) for line in open(sys.argv[1])]
population = [up for up, count in rows for _ in range(count)]
n, trials, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for i in range(trials):
    sample = random.sample(population, n)
    with open(f"{out}/t{i}.rows", "w") as f:
        for up, _ in rows:
            f.write(f"{up} {sample.count(up)}\n")
PY
	for ((i = 0; i < trials; i++)); do
		mv "$tmp/t$i.rows" "$tmp/sampled.rows"
		total=$((total + 1))
		line=$(_sample_hist_fair "$fx/all.out" "$tmp/sampled.rows" "@${s}_ns" "$n") ||
			rejected=$((rejected + 1))
		least=$(awk -v a="$least" -v b="${line##*chance }" 'BEGIN { print (b < a ? b : a) }')
	done
done
echo "$(basename "$fx") n=$n: $rejected of $total random samples rejected; smallest chance $least (SAMPLE_ALPHA $SAMPLE_ALPHA)"
