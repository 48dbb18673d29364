#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/zoned.py RESULTS_DIR

The table of bench/zoned.sh from the fio JSON in RESULTS_DIR/raw
(<point>_<device>_qd<depth>_r<rep>.json): per point, depth and device the
median write IOPS with its min-max, MiB/s, the median of the mean total
latency (fio's lat_ns, submission to completion) and its 99th
percentile, and blkex/nullblk ratios of the medians.
Writes RESULTS_DIR/zoned.csv and RESULTS_DIR/zoned.md (with settings.txt
and check.txt) and prints the table.
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
        m = re.match(r"([a-z]+)_([a-z]+)_qd(\d+)_r\d+\.json$",
                     os.path.basename(path))
        if not m:
            continue
        text = open(path).read()
        wr = json.loads(text[text.index("{"):])["jobs"][0]["write"]
        runs.setdefault((m[1], int(m[3]), m[2]), []).append(
            (wr["iops"], wr["bw_bytes"] / 2**20, wr["lat_ns"]["mean"] / 1000,
             wr["lat_ns"]["percentile"]["99.000000"] / 1000))
    return runs


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) == 2 else 2)
    out = sys.argv[1]
    try:
        runs = load(out)
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"zoned.py: {out}/raw: a fio JSON that cannot be read: {e}")
    if not runs:
        sys.exit(f"zoned.py: no results in {out}/raw")
    keys = sorted({(p, q) for p, q, _ in runs}, key=lambda k: (k[0] != "seqwrite", k))
    csv = ["point,iodepth,device,runs,iops,iops_min,iops_max,mib_s,lat_mean_us,"
           "lat_p99_us,iops_ratio,lat_ratio"]
    md = ["| point | iodepth | device | runs | IOPS median (min-max) | MiB/s "
          "| mean lat us | p99 lat us | IOPS blkex/null | lat blkex/null |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for p, q in keys:
        med = {}
        for d in ("blkex", "nullblk"):
            r = runs.get((p, q, d))
            if not r:
                sys.exit(f"zoned.py: no runs for {p} {d} qd{q}")
            cols = list(zip(*r))
            med[d] = [statistics.median(c) for c in cols] + [min(cols[0]), max(cols[0]), len(r)]
        ri = med["blkex"][0] / med["nullblk"][0]
        rl = med["blkex"][2] / med["nullblk"][2]
        for d in ("blkex", "nullblk"):
            iops, mib, lat, p99, lo, hi, n = med[d]
            ratio = (f"{ri:.3f}", f"{rl:.3f}") if d == "blkex" else ("", "")
            csv.append(f"{p},{q},{d},{n},{iops:.0f},{lo:.0f},{hi:.0f},{mib:.1f},"
                       f"{lat:.1f},{p99:.1f},{ratio[0]},{ratio[1]}")
            md.append(f"| {p} | {q} | {d} | {n} | {iops:.0f} ({lo:.0f}-{hi:.0f}) | "
                      f"{mib:.1f} | {lat:.1f} | {p99:.1f} | {ratio[0]} | {ratio[1]} |")
    with open(f"{out}/zoned.csv", "w") as f:
        f.write("\n".join(csv) + "\n")
    text = "\n".join(md) + "\n"
    for name in ("settings.txt", "check.txt"):
        if os.path.exists(f"{out}/{name}"):
            text += f"\n{name}:\n\n```\n{open(f'{out}/{name}').read()}```\n"
    with open(f"{out}/zoned.md", "w") as f:
        f.write(text)
    print("\n".join(md))


if __name__ == "__main__":
    main()
