#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the user-facing tools' command lines, with no VM
#
# the user-facing tools' command lines, on the host, with no VM. This test
# will check that bench/sweep_report.py, bench/profile_report.py,
# tracing/capture.sh and tracing/trace_report.py answer --help with status
# 0; that profile_report.py prints the fidelity table of a saved run and
# refuses a directory that is not one; that capture.sh -o
# without a file and an unknown option are usage errors (status 2, a
# message, no unbound-variable crash); that sweep_report.py makes its
# report, plots and JSON from the sample in bench/sample and fails with a
# message, not a traceback, on a missing directory, a directory without
# points.log and an empty points.log; that trace_report.py summarises a
# small saved `trace-cmd report` text, counts the completions that
# overtook an earlier request and were overtaken in another (per disk and
# in all), and fails with a message on one with
# no blk_example events and on a missing capture; that q2c.bt's BEGIN
# refuses an unknown mode (run alone, as the host has no blk_example
# tracepoints; skipped where bpftrace cannot run); and that the .deb ships
# the tracing tools and the README (skipped without dpkg-buildpackage). Runs
# in about 15 s, most of it the .deb.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
fixtures=$repo/tests/host/fixtures/tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

# _run OUT CMD...: run CMD with stdout and stderr in OUT; its status in rc.
_run() {
	local out=$1
	shift
	rc=0
	"$@" > "$out" 2>&1 || rc=$?
}

# _refused WHAT STATUS PATTERN OUT: the last _run ended with STATUS (any
# non-zero one for "nonzero") and said PATTERN, with no Python traceback
# and no bash unbound-variable crash.
_refused() {
	local what=$1 want=$2 pattern=$3 out=$4
	if [ "$want" = nonzero ]; then
		[ "$rc" != 0 ] || { cat "$out"; _fail "$what: status 0"; }
	else
		[ "$rc" = "$want" ] || { cat "$out"; _fail "$what: status $rc, not $want"; }
	fi
	grep -q -- "$pattern" "$out" || { cat "$out"; _fail "$what: no '$pattern'"; }
	! grep -q -e Traceback -e 'unbound variable' "$out" ||
		{ cat "$out"; _fail "$what: crashed"; }
	echo "ok: $what: refused (status $rc)"
}

# --help, status 0, and a usage line.
for tool in bench/sweep_report.py bench/ab.py bench/check-artefacts.sh \
	bench/profile_report.py tracing/trace_report.py tracing/capture.sh; do
	for opt in -h --help; do
		_run "$tmp/help" "$repo/$tool" "$opt"
		[ "$rc" = 0 ] || { cat "$tmp/help"; _fail "$tool $opt: status $rc"; }
		grep -q '^usage: ' "$tmp/help" || _fail "$tool $opt: no usage line"
	done
	echo "ok: $tool --help"
done
grep -q -- '-o FILE .*(default: trace.dat)' "$tmp/help" ||
	_fail "capture.sh --help does not give -o's default"

# capture.sh: usage errors before it looks for trace-cmd or the module.
_run "$tmp/cap" "$repo/tracing/capture.sh" -o
_refused "capture.sh -o" 2 '-o needs a FILE' "$tmp/cap"
_run "$tmp/cap" "$repo/tracing/capture.sh" --bogus
_refused "capture.sh --bogus" 2 "unknown option '--bogus'" "$tmp/cap"
_run "$tmp/cap" "$repo/tracing/capture.sh" 5s
_refused "capture.sh 5s" 2 'not a number of seconds' "$tmp/cap"

# sweep_report.py on the sample, written elsewhere so the tree stays clean.
_run "$tmp/sweep" "$repo/bench/sweep_report.py" "$repo/bench/sample" \
	-o "$tmp/report" --json "$tmp/report.json"
[ "$rc" = 0 ] || { cat "$tmp/sweep"; _fail "sweep_report.py bench/sample: status $rc"; }
grep -q '^## Speed targets' "$tmp/report/report.md" ||
	_fail "sweep_report.py bench/sample: no targets in report.md"
python3 - "$tmp/report.json" <<'PY' || _fail "sweep_report.py --json: bad JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["points"] and d["summary"] and d["targets"] and d["stages"], d.keys()
assert any(t["points"] > 0 for t in d["targets"])
assert all(p["lat_p99_us"] > 0 for p in d["points"])
PY
if command -v gnuplot > /dev/null; then
	for png in randread-4k_nj1_iops randread-4k_nj1_ratio \
		   randread-4k_nj1_latency stages_randread-4k; do
		[ -s "$tmp/report/plots/$png.png" ] || _fail "no plot $png.png"
	done
fi
echo "ok: sweep_report.py bench/sample: report, plots and JSON"

_run "$tmp/sweep" "$repo/bench/sweep_report.py" "$tmp/no-such-dir"
_refused "sweep_report.py on a missing directory" 1 'no such directory' "$tmp/sweep"
mkdir "$tmp/empty"
_run "$tmp/sweep" "$repo/bench/sweep_report.py" "$tmp/empty"
_refused "sweep_report.py on a directory without points.log" 1 'no points.log' "$tmp/sweep"
: > "$tmp/empty/points.log"
_run "$tmp/sweep" "$repo/bench/sweep_report.py" "$tmp/empty"
_refused "sweep_report.py on an empty points.log" 1 'points.log is empty' "$tmp/sweep"
echo "1 2 blkex randread-4k 1 1 1 raw/gone.json" > "$tmp/empty/points.log"
_run "$tmp/sweep" "$repo/bench/sweep_report.py" "$tmp/empty"
_refused "sweep_report.py on a point without its fio JSON" 1 'gone.json' "$tmp/sweep"
_run "$tmp/sweep" "$repo/bench/sweep_report.py"
_refused "sweep_report.py without a directory" 2 'usage: ' "$tmp/sweep"

# trace_report.py on saved `trace-cmd report -R -t` text.
_run "$tmp/ab" "$repo/bench/ab.py" "$tmp/no-such-dir" old
_refused "ab.py on a missing directory" 1 'no raw/ directory' "$tmp/ab"
_run "$tmp/ab" "$repo/bench/check-artefacts.sh" "$tmp/no-such-dir"
_refused "check-artefacts.sh on a missing directory" 2 'no such directory' "$tmp/ab"

# profile_report.py: the fidelity table of a saved run (the icount replay
# of 2026-12-07 that missed the bound, docs/bench/2026-12-07-profile.md;
# its "no profile" rows are that boot's blkex2), and a refusal.
_run "$tmp/pf" "$repo/bench/profile_report.py" "$fixtures/profile"
[ "$rc" = 0 ] || { cat "$tmp/pf"; _fail "profile_report.py fixture: status $rc"; }
for want in '| [64, 128) | 6.8 | 29.2 | 22.4 | 87.2 |' \
	'Worst bucket: 24.0 pp at [8, 16); median +25.6%' 'does not hold'; do
	grep -qF -- "$want" "$tmp/pf" ||
		{ cat "$tmp/pf"; _fail "profile_report.py fixture: no '$want'"; }
done
echo "ok: profile_report.py: the fidelity table of a saved run"
_run "$tmp/pf" "$repo/bench/profile_report.py" "$tmp/no-such-dir"
_refused "profile_report.py on a missing directory" 1 'not the results of bench/profile.sh' "$tmp/pf"

_run "$tmp/tr" "$repo/tracing/trace_report.py" --text "$fixtures/two-requests.report"
[ "$rc" = 0 ] || { cat "$tmp/tr"; _fail "trace_report.py two-requests: status $rc"; }
[ "$(awk '$1 == "STAGE" && $2 == "q2c" { print $3, $4 }' "$tmp/tr")" = "2 30000.0" ] ||
	{ cat "$tmp/tr"; _fail "trace_report.py two-requests: not 2 requests of 30 us mean"; }
_run "$tmp/trj" "$repo/tracing/trace_report.py" --text "$fixtures/two-requests.report" --json -
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
assert d["stages"][-1] == {"stage": "q2c", "count": 2, "mean_ns": 30000.0,
    "q2c_pct": 100.0, "p50_ns": 20000, "p99_ns": 40000}, d' "$tmp/trj" ||
	{ cat "$tmp/trj"; _fail "trace_report.py --json -: not the summary"; }
echo "ok: trace_report.py: summary and JSON of two requests"
# crossing.report: on 253:0 a request queued first never completes, then
# three complete in the order 3, 1, 2 (1 and 2 overtaken by 3; all three
# overtook the first); 253:1 completes its two in order.
_run "$tmp/tr" "$repo/tracing/trace_report.py" --text "$fixtures/crossing.report"
[ "$rc" = 0 ] || { cat "$tmp/tr"; _fail "trace_report.py crossing: status $rc"; }
[ "$(grep '^OUT_OF_ORDER' "$tmp/tr")" = "OUT_OF_ORDER 253:0 overtook 3 overtaken 2 of 3 completions
OUT_OF_ORDER 253:1 overtook 0 overtaken 0 of 2 completions
OUT_OF_ORDER all overtook 3 overtaken 2 of 5 completions" ] ||
	{ cat "$tmp/tr"; _fail "trace_report.py crossing: wrong out-of-order counts"; }
echo "ok: trace_report.py: out-of-order counts of crossing completions"
_run "$tmp/tr" "$repo/tracing/trace_report.py" --text "$fixtures/no-blkex.report"
_refused "trace_report.py on a capture with no blk_example events" 1 \
	'no completed blk_example request' "$tmp/tr"
_run "$tmp/tr" "$repo/tracing/trace_report.py" -i "$tmp/no-such.dat"
_refused "trace_report.py on a missing capture" 1 'no-such.dat' "$tmp/tr"

# q2c.bt's mode check is in BEGIN; the host has no blk_example
# tracepoints, so BEGIN runs alone with a probe that ends it.
if command -v bpftrace > /dev/null &&
   timeout 60 bpftrace -e 'BEGIN { exit(); }' > /dev/null 2>&1; then
	{ awk '/^BEGIN$/, /^}$/' "$repo/tracing/q2c.bt"
	  echo 'interval:ms:100 { exit(); }'; } > "$tmp/q2c-begin.bt"
	_run "$tmp/bt" timeout 60 bpftrace "$tmp/q2c-begin.bt" 0 sise
	if ! grep -q "unknown mode 'sise'" "$tmp/bt" || grep -q 'Hit Ctrl-C' "$tmp/bt"; then
		cat "$tmp/bt"
		_fail "q2c.bt took the mode 'sise'"
	fi
	for mode in op size disk; do
		_run "$tmp/bt" timeout 60 bpftrace "$tmp/q2c-begin.bt" 0 "$mode"
		grep -q 'Hit Ctrl-C' "$tmp/bt" ||
			{ cat "$tmp/bt"; _fail "q2c.bt refused the mode '$mode'"; }
	done
	echo "ok: q2c.bt: refuses 'sise', takes op, size and disk"
else
	echo "skip: q2c.bt's mode check: bpftrace cannot run here"
fi

# The .deb's tracing tools and README.
if command -v dpkg-buildpackage > /dev/null && command -v dh_dkms > /dev/null; then
	"$repo/scripts/dkms-deb.sh" > "$tmp/deb.out" 2>&1 ||
		{ cat "$tmp/deb.out"; _fail "scripts/dkms-deb.sh failed"; }
	version=$("$repo/scripts/dkms-src.sh" --version)
	dpkg-deb --contents "$repo/build/blk-example-dkms_${version}_all.deb" |
		awk '{ print $1, $6 }' > "$tmp/contents"
	for f in q2c.bt stages.bt capture.sh trace_report.py; do
		grep -q "^-rwxr-xr-x ./usr/share/blk-example/tracing/$f\$" "$tmp/contents" ||
			{ cat "$tmp/contents"; _fail "the .deb has no executable tracing/$f"; }
	done
	for f in blk-example/tracing/lib/bt.sh doc/blk-example-dkms/README.md.gz; do
		grep -q " ./usr/share/$f\$" "$tmp/contents" ||
			{ cat "$tmp/contents"; _fail "the .deb has no /usr/share/$f"; }
	done
	echo "ok: the .deb ships the tracing tools and the README"
else
	echo "skip: the .deb: no dpkg-buildpackage or dh_dkms (make deps)"
fi
