#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/tracecost.py RESULTS_DIR

The table of bench/tracecost.sh from the fio JSON in RESULTS_DIR/raw
(<build>_qd<depth>_r<rep>.json, build normal or notrace): per iodepth,
each build's median IOPS with its min-max, and the ratios normal/notrace
of the median IOPS and of the median mean total latency (fio's lat_ns:
submission to completion; at iodepth 1 its clat is only the part after
the submit call returns).
"""
import glob
import json
import os
import re
import statistics
import sys


def load(out):
    runs = {}
    for path in glob.glob(f"{out}/raw/*.json"):
        m = re.match(r"(\w+)_qd(\d+)_r(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        text = open(path).read()
        read = json.loads(text[text.index("{"):])["jobs"][0]["read"]
        runs.setdefault((int(m[2]), m[1]), []).append(
            (read["iops"], read["lat_ns"]["mean"]))
    return runs


def main():
    runs = load(sys.argv[1])
    if not runs:
        sys.exit(f"tracecost.py: no results in {sys.argv[1]}/raw")
    print("4k randread, tracing off, median (min-max) of "
          f"{len(next(iter(runs.values())))} runs per build")
    print(f"{'iodepth':>7} {'normal IOPS':>25} {'notrace IOPS':>25} "
          f"{'IOPS ratio':>10} {'lat ratio':>9}")
    for qd in sorted({k[0] for k in runs}):
        iops = {}
        lat = {}
        for b in ("normal", "notrace"):
            v = [r[0] for r in runs[(qd, b)]]
            iops[b] = (statistics.median(v), min(v), max(v))
            lat[b] = statistics.median(r[1] for r in runs[(qd, b)])
        n, t = iops["normal"], iops["notrace"]
        print(f"{qd:>7} {n[0]:>8.0f} ({n[1]:.0f}-{n[2]:.0f}) "
              f"{t[0]:>8.0f} ({t[1]:.0f}-{t[2]:.0f}) "
              f"{n[0] / t[0]:>10.4f} {lat['normal'] / lat['notrace']:>9.4f}")
    print("ratios normal/notrace: IOPS 1.0 and lat 1.0 mean no cost; "
          "the cost is 1 - IOPS ratio")


if __name__ == "__main__":
    main()
