#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/profile_report.py RESULTS_DIR

The "profile fidelity" table of bench/profile.sh, in Markdown, from what
bench/guest/profile.sh wrote to RESULTS_DIR: the recorded profile
(rec.txt, tracing/profile.sh's @usecs[OP] histograms), q2c.bt's disk-mode
histograms of the replay on blkex0 and of blkex1 without a profile
(q2c.out, keyed as keys.txt says) and fio's JSON (rec.json, rep.json,
floor.json). Per operation: each bucket's share of the requests recorded
and replayed and their difference in percentage points, blkex1's share
beside them (the driver's own floor), the medians interpolated linearly
inside their bucket and fio's clat medians, the worst difference, and
whether the issue's bound holds: every bucket within 3 pp and the
replayed median within 10% of the recorded one.
"""
import argparse
import json
import os
import re
import sys

BOUND_PP = 3.0
BOUND_MEDIAN_PCT = 10.0
ROW = re.compile(r"^\[([0-9]+[KMG]?)(?:, ([0-9]+[KMG]?)\)|\])\s+([0-9]+)")
SUFFIX = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def num(s):
    if s[-1] in SUFFIX:
        return int(s[:-1]) * SUFFIX[s[-1]]
    return int(s)


def hists(path, prefix):
    """{key: {(lo, hi): (label, count)}} of the histograms in path whose
    header is prefix + "KEY]:"."""
    out, cur = {}, None
    for line in open(path):
        line = line.rstrip()
        if line.startswith(prefix) and line.endswith("]:"):
            cur = out.setdefault(line[len(prefix):-2], {})
            continue
        m = ROW.match(line)
        if cur is None or not m:
            cur = None
            continue
        lo = num(m[1])
        hi = num(m[2]) if m[2] else lo + 1
        label = line[:line.index(")" if m[2] else "]") + 1]
        cur[(lo, hi)] = (label, int(m[3]))
    return out


def shares(h):
    total = sum(c for _, c in h.values())
    return {b: 100.0 * c / total for b, (_, c) in h.items()} if total else {}


def median(h):
    """The median, linear inside its bucket, as tests/cases/faults/062."""
    total = sum(c for _, c in h.values())
    cum = 0
    for (lo, hi), (_, c) in sorted(h.items()):
        if c and cum + c >= total / 2:
            return lo + (hi - lo) * (total / 2 - cum) / c
        cum += c
    return None


def fio_median(path, op):
    text = open(path).read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    return job[op]["clat_ns"]["percentile"]["50.000000"] / 1000.0


def us(v):
    return "-" if v is None else f"{v:.1f} us"


def table(out, op, rec, rep, floor):
    """Print one operation's table; return True if the bound holds."""
    buckets = sorted(set(rec) | set(rep) | set(floor))
    labels = {b: (rec.get(b) or rep.get(b) or floor.get(b))[0]
              for b in buckets}
    a, b, f = shares(rec), shares(rep), shares(floor)
    n = [sum(c for _, c in h.values()) for h in (rec, rep, floor)]
    print(f"### {op}\n")
    print(f"| bucket (us) | recorded % | replayed % | diff (pp) "
          f"| no profile % |")
    print("|---|---:|---:|---:|---:|")
    worst, worst_at = 0.0, None
    for k in buckets:
        d = abs(a.get(k, 0.0) - b.get(k, 0.0))
        if d > worst:
            worst, worst_at = d, labels[k]
        print(f"| {labels[k]} | {a.get(k, 0.0):.1f} | {b.get(k, 0.0):.1f} "
              f"| {d:.1f} | {f.get(k, 0.0):.1f} |")
    print(f"| requests | {n[0]} | {n[1]} | | {n[2]} |")
    m = [median(h) for h in (rec, rep, floor)]
    pct = 100.0 * (m[1] - m[0]) / m[0] if m[0] and m[1] is not None else None
    print(f"| median (interpolated) | {us(m[0])} | {us(m[1])} "
          f"| {'-' if pct is None else f'{pct:+.1f}%'} | {us(m[2])} |")
    fm = []
    for name in ("rec", "rep", "floor"):
        try:
            fm.append(fio_median(f"{out}/{name}.json", op))
        except (OSError, ValueError, KeyError):
            fm.append(None)
    print(f"| fio clat median | {us(fm[0])} | {us(fm[1])} | | {us(fm[2])} |")
    ok = worst <= BOUND_PP and pct is not None and abs(pct) <= BOUND_MEDIAN_PCT
    print(f"\nWorst bucket: {worst:.1f} pp at {worst_at}; median "
          f"{'-' if pct is None else f'{pct:+.1f}%'}. Bound (every bucket "
          f"within {BOUND_PP:g} pp, median within {BOUND_MEDIAN_PCT:g}%): "
          f"{'holds' if ok else 'does not hold'}.\n")
    return ok


def main():
    doc = __doc__.split("\n\n", 1)
    ap = argparse.ArgumentParser(prog="bench/profile_report.py",
                                 description=doc[1],
                                 formatter_class=argparse.RawTextHelpFormatter,
                                 epilog="bench/profile.sh runs this on "
                                 "every run it finishes.")
    ap.add_argument("results", metavar="RESULTS_DIR",
                    help="a directory bench/profile.sh wrote")
    out = ap.parse_args().results
    need = ("rec.txt", "q2c.out", "keys.txt")
    missing = [f for f in need if not os.path.isfile(f"{out}/{f}")]
    if missing:
        sys.exit(f"profile_report.py: {out}: no {', '.join(missing)}, so not "
                 "the results of bench/profile.sh")
    keys = dict(line.split(" ", 1) for line in
                open(f"{out}/keys.txt").read().splitlines() if " " in line)
    if set(keys) != {"blkex0", "blkex1"}:
        sys.exit(f"profile_report.py: {out}/keys.txt names no blkex0 and "
                 "blkex1")
    rec = hists(f"{out}/rec.txt", "@usecs[")
    disk = hists(f"{out}/q2c.out", "@disk_usecs[")
    ok, ops = True, 0
    for op in ("read", "write", "other"):
        rep = disk.get(f"{keys['blkex0']}, {op}", {})
        if op not in rec and not rep:
            continue
        if op not in rec or not rep:
            sys.exit(f"profile_report.py: {op}: recorded "
                     f"{'some' if op in rec else 'none'}, replayed "
                     f"{'some' if rep else 'none'}")
        floor = disk.get(f"{keys['blkex1']}, {op}", {})
        ok = table(out, op, rec[op], rep, floor) and ok
        ops += 1
    if not ops:
        sys.exit(f"profile_report.py: {out}: no histogram recorded")
    for d in ("blkex0", "blkex1"):
        for line in open(f"{out}/q2c.out"):
            if line.startswith(f"@disk_overtaken[{keys[d]},"):
                print(f"Overtaken completions, {d}: {line.split()[-1]} "
                      f"({line.split(':')[0]})")
    print(f"\nThe bound {'holds' if ok else 'does not hold'} for every "
          "operation." if ops > 1 else "", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
