#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-request latencies and the stage summary from a trace-cmd capture.

Usage: tracing/trace_report.py [-i trace.dat] [--csv FILE]

Reads `trace-cmd report` of a capture made by tracing/capture.sh, matches
the blk_example events of each request by (dev, hctx, tag), writes one CSV
row per completed request (to FILE, or nowhere) and prints the same
summary as tracing/stages.bt: "STAGE name count mean_ns q2c_pct", here
followed by exact p50_ns and p99_ns. The stages are defined as in
stages.bt, including its rule for a request without a stage's event.
"""
import argparse
import csv
import re
import subprocess
import sys

STAGES = ["wq_delay", "mutex_wait", "copy", "completion", "q2c"]
# The blk_example events in a request's order; "complete" ends it. Any
# other (blkex_rq_stages, if the capture has it) is left out.
EVENTS = ["queued", "work_start", "locked", "copied", "complete"]
OPS = {0: "read", 1: "write"}

LINE = re.compile(r"^\s*.*?-\d+\s+\[\d+\]\s+(\d+)\.(\d{9}):\s+(\w+):\s+(.*)$")
FIELD = re.compile(r"(\w+)=(\S*)")


def events(path):
    """(ts_ns, event, fields) for each event, from trace-cmd's raw format."""
    cmd = ["trace-cmd", "report", "-R", "-t", "-i", path]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            m = LINE.match(line)
            if m:
                sec, nsec, name, rest = m.groups()
                yield int(sec) * 10**9 + int(nsec), name, dict(FIELD.findall(rest))
    if p.returncode:
        sys.exit(f"trace_report.py: trace-cmd report -i {path} failed")


def stages(ts):
    """Stage durations from the timestamps of one request's events.

    A missing event takes the time of the one before it, so the stage it
    starts is zero and the stages still add up to q2c.
    """
    t = [ts["queued"]]
    for ev in EVENTS[1:]:
        t.append(ts.get(ev, t[-1]))
    return [t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[4] - t[0]]


def percentile(sorted_vals, pct):
    """Nearest-rank percentile."""
    i = max(0, -(-len(sorted_vals) * pct // 100) - 1)
    return sorted_vals[i]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-i", dest="input", default="trace.dat")
    ap.add_argument("--csv", help="write one row per request here")
    args = ap.parse_args()

    inflight = {}           # (dev, hctx, tag) -> {event: ts}
    rows = []
    counts = {"unmatched": 0, "block_rq_issue": 0, "block_rq_complete": 0,
              "blkex_work": 0}
    for ts, name, f in events(args.input):
        if name.startswith("blkex_rq_") and name[len("blkex_rq_"):] in EVENTS:
            ev = name[len("blkex_rq_"):]
            counts[ev] = counts.get(ev, 0) + 1
            key = (int(f["dev"]), int(f["hctx"]), int(f["tag"]))
            if ev == "queued":
                inflight[key] = {"queued": ts}
            elif key not in inflight:
                counts["unmatched"] += 1    # queued before the capture
            elif ev != "complete":
                inflight[key][ev] = ts
            else:
                times = inflight.pop(key)
                times["complete"] = ts
                dev = key[0]
                rows.append([f"{dev >> 20}:{dev & 0xfffff}", key[1], key[2],
                             OPS.get(int(f["op"]), "other"), int(f["sector"]),
                             int(f["nr_bytes"]), int(f["error"])] +
                            stages(times))
        elif name in ("block_rq_issue", "block_rq_complete"):
            counts[name] += 1
        elif name == "workqueue_execute_start" and "blkex_work" in f.get("function", ""):
            counts["blkex_work"] += 1

    if args.csv:
        with open(args.csv, "w", newline="") as out:
            w = csv.writer(out)
            w.writerow(["dev", "hctx", "tag", "op", "sector", "bytes", "error"] +
                       [f"{s}_ns" for s in STAGES])
            w.writerows(rows)

    print("events: " + " ".join(f"{e}={counts.get(e, 0)}" for e in EVENTS) +
          f" unmatched={counts['unmatched']} incomplete={len(inflight)}")
    print(f"block: block_rq_issue={counts['block_rq_issue']} "
          f"block_rq_complete={counts['block_rq_complete']} (all devices); "
          f"blkex_work runs={counts['blkex_work']}")
    print(f"\n      name          count      mean_ns  q2c_pct      p50_ns      p99_ns")
    n = len(rows)
    q2c = sum(r[-1] for r in rows)
    for i, s in enumerate(STAGES):
        vals = sorted(r[7 + i] for r in rows)
        total = sum(vals)
        print(f"STAGE {s:<10} {n:8d} {total / n if n else 0:12.1f} "
              f"{100 * total / q2c if q2c else 0:6.1f} "
              f"{percentile(vals, 50) if n else 0:11d} "
              f"{percentile(vals, 99) if n else 0:11d}")


if __name__ == "__main__":
    main()
