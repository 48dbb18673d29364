#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: check-artefacts.sh RESULTS_DIR
# Checks that a bench run produced every artefact it promises: one fio JSON
# per point with no fio error, points.csv and summary.csv with a row per
# run and per point, a report with the targets and a table per workload,
# an IOPS and a latency plot per workload and job count, the stage plots
# when stages were traced, and host-load samples when a VM ran it. Speed
# is not checked.
set -euo pipefail

case ${1:-} in
-h | --help)
	echo "usage: $0 RESULTS_DIR"
	sed -n '5,9s/^# \{0,1\}//p' "$0"
	exit 0 ;;
"" | -*)
	echo "usage: $0 RESULTS_DIR (-h for help)" >&2
	exit 2 ;;
esac
[ "$#" = 1 ] || { echo "usage: $0 RESULTS_DIR (one directory)" >&2; exit 2; }
[ -d "$1" ] || { echo "check-artefacts.sh: $1: no such directory" >&2; exit 2; }
out=$1
fails=0

_check() {	# _check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		echo "  ok: $what"
	else
		echo "  MISSING: $what"
		fails=$((fails + 1))
	fi
}

_is_png() {
	[ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

points=$(wc -l < "$out/points.log")
# bench/here.sh's own log, in place and in the VM; the VM's serial log
# for a run from before it kept one.
log=$out/sweep.log
[ -s "$log" ] || log=$out/serial.log
expected=$(tr -d '\r' < "$log" |
	   sed -n 's/^bench: .* \([0-9]*\) points$/\1/p' | head -n 1)
_check "the sweep announced its points ($expected)" test -n "$expected"
_check "points.log has all $expected points ($points)" test "$points" = "$expected"
json=$(find "$out/raw" -name '*.json' | wc -l)
_check "one fio JSON per point ($json)" test "$json" = "$points"
_check "no fio job reported an error" \
	python3 - "$out/raw" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    text = open(path).read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    if job["error"] or job["read"]["total_ios"] + job["write"]["total_ios"] == 0:
        sys.exit(f"{path}: error {job['error']}")
PY
_check "points.csv has a row per run" test "$(($(wc -l < "$out/points.csv") - 1))" = "$points"
_check "summary.csv exists" test -s "$out/summary.csv"
_check "report.md has the targets" grep -q '^## Speed targets' "$out/report.md"
mapfile -t wls < <(awk '$3 == "blkex" { print $4 }' "$out/points.log" | sort -u)
for wl in "${wls[@]}"; do
	_check "report.md has a table for $wl" grep -q "^### $wl" "$out/report.md"
	mapfile -t njs < <(awk -v w="$wl" '$4 == w && $3 == "blkex" { print $5 }' "$out/points.log" | sort -u)
	for nj in "${njs[@]}"; do
		for kind in iops bw_kib latency; do
			f=$out/plots/${wl}_nj${nj}_$kind.png
			case $kind in
			iops) [[ $wl == seq* ]] && continue ;;
			bw_kib) [[ $wl == seq* ]] || continue ;;
			esac
			_check "plot $(basename "$f")" _is_png "$f"
		done
	done
done
if grep -q ' wq-' "$out/points.log"; then
	_check "report.md has the wq_mode table" grep -q '^## Workqueue flavours' "$out/report.md"
fi
if grep -q ' traced ' "$out/points.log"; then
	for wl in randread-4k randwrite-4k; do
		_check "stage plot for $wl" _is_png "$out/plots/stages_$wl.png"
	done
	_check "report.md has the stage table" grep -q '^## Where the time goes' "$out/report.md"
fi
if grep -q '^qemu: ' "$out/machine.txt"; then
	_check "host load was sampled" test -s "$out/hostload.log"
fi

[ "$fails" = 0 ]
