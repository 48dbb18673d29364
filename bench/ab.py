#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/ab.py RESULTS_DIR NAME...

The table of bench/ab.sh from the fio JSON in RESULTS_DIR/raw
(<name>_qd<depth>_r<rep>.json; null_blk is "nullblk"): per iodepth and
build, the median IOPS (reads and writes) with its min-max, the median of
the mean total latency (fio's lat_ns, submission to completion, of the
direction with more I/Os), and both as ratios to the first NAME and to
null_blk. Ratios are of medians.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys


def load(out):
    runs = {}
    for path in glob.glob(f"{out}/raw/*.json"):
        m = re.match(r"([a-z0-9-]+)_qd(\d+)_r(\d+)\.json$",
                     os.path.basename(path))
        if not m:
            continue
        text = open(path).read()
        job = json.loads(text[text.index("{"):])["jobs"][0]
        rd, wr = job["read"], job["write"]
        main = rd if rd["total_ios"] >= wr["total_ios"] else wr
        runs.setdefault((int(m[2]), m[1]), []).append(
            (rd["iops"] + wr["iops"], main["lat_ns"]["mean"]))
    return runs


def main():
    doc = __doc__.split("\n\n", 1)
    ap = argparse.ArgumentParser(prog="bench/ab.py", description=doc[1],
                                 epilog="bench/ab.sh runs this on every "
                                 "A/B it finishes.")
    ap.add_argument("results", metavar="RESULTS_DIR",
                    help="a directory bench/ab.sh wrote (raw/*.json)")
    ap.add_argument("names", metavar="NAME", nargs="+",
                    help="the builds, as named to bench/ab.sh; the first "
                         "is the baseline")
    args = ap.parse_args()
    out, names = args.results, args.names
    if not os.path.isdir(f"{out}/raw"):
        sys.exit(f"ab.py: {out}: no raw/ directory, so not the results "
                 "of bench/ab.sh")
    try:
        runs = load(out)
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"ab.py: {out}/raw: a fio JSON that cannot be read: {e}")
    if not runs:
        sys.exit(f"ab.py: no results in {out}/raw")
    devs = names + ["nullblk"]
    depths = sorted({k[0] for k in runs})
    missing = [f"{d} qd{q}" for q in depths for d in devs if (q, d) not in runs]
    if missing:
        sys.exit(f"ab.py: no runs for {', '.join(missing)}")
    print(f"median (min-max) of {len(runs[(depths[0], names[0])])} runs; "
          f"ratios of medians to {names[0]} and to null_blk")
    print(f"{'iodepth':>7} {'build':<12} {'IOPS':>24} {'lat us':>8} "
          f"{'IOPS/' + names[0]:>14} {'lat/' + names[0]:>13} "
          f"{'IOPS/null':>9} {'lat/null':>8}")
    for qd in depths:
        med = {}
        for d in devs:
            iops = [r[0] for r in runs[(qd, d)]]
            lat = statistics.median(r[1] for r in runs[(qd, d)])
            med[d] = (statistics.median(iops), min(iops), max(iops), lat)
        for d in devs:
            i, lo, hi, lat = med[d]
            print(f"{qd:>7} {d:<12} {i:>9.0f} ({lo:.0f}-{hi:.0f}) "
                  f"{lat / 1000:>8.1f} "
                  f"{i / med[names[0]][0]:>14.4f} "
                  f"{lat / med[names[0]][3]:>13.4f} "
                  f"{i / med['nullblk'][0]:>9.4f} "
                  f"{lat / med['nullblk'][3]:>8.4f}")


if __name__ == "__main__":
    main()
