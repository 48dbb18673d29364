#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-request latencies and the stage summary from a trace-cmd capture.

Reads `trace-cmd report` of a capture made by tracing/capture.sh, matches
the blk_example events of each request by (dev, hctx, tag), writes one CSV
row per completed request (--csv) and prints the same summary as
tracing/stages.bt: "STAGE name count mean_ns q2c_pct", here followed by
exact (nearest-rank) p50_ns and p99_ns. The stages are defined as in
stages.bt, including its rule for a request without a stage's event.
"OUT_OF_ORDER" counts, per disk and all disks together, the completions
that overtook an earlier request (one queued before it completed after it,
or is still in flight when the capture ends) and the completions that
were overtaken (one queued after it completed before it): both are 0
when a disk completes in the order it was queued (latency_profile lets
requests cross).
--json writes the summary and the event counts as JSON. A capture with
no completed blk_example request is an error (status 1), not a table of
zeros.
"""
import argparse
import csv
import json
import re
import shutil
import subprocess
import sys

PROG = "trace_report.py"

STAGES = ["wq_delay", "mutex_wait", "copy", "completion", "q2c"]
# The blk_example events in a request's order; "complete" ends it. Any
# other (blkex_rq_stages, if the capture has it) is left out.
EVENTS = ["queued", "work_start", "locked", "copied", "complete"]
OPS = {0: "read", 1: "write", 2: "flush"}

LINE = re.compile(r"^\s*.*?-\d+\s+\[\d+\]\s+(\d+)\.(\d{9}):\s+(\w+):\s+(.*)$")
FIELD = re.compile(r"(\w+)=(\S*)")


def parse(lines):
    """(ts_ns, event, fields) for each event line of `trace-cmd report -R -t`."""
    for line in lines:
        m = LINE.match(line)
        if m:
            sec, nsec, name, rest = m.groups()
            yield int(sec) * 10**9 + int(nsec), name, dict(FIELD.findall(rest))


def events(path):
    """The events of capture path, read through trace-cmd report."""
    if not shutil.which("trace-cmd"):
        sys.exit(f"{PROG}: trace-cmd not found (apt-get install trace-cmd); "
                 "or pass the text of `trace-cmd report -R -t` with --text")
    try:
        open(path, "rb").close()
    except OSError as e:
        sys.exit(f"{PROG}: {path}: {e.strerror} (make one with "
                 "tracing/capture.sh)")
    cmd = ["trace-cmd", "report", "-R", "-t", "-i", path]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                          stderr=subprocess.PIPE) as p:
        yield from parse(p.stdout)
        err = p.stderr.read()
    if p.returncode:
        sys.exit(f"{PROG}: trace-cmd report -i {path} failed: "
                 f"{err.strip().splitlines()[-1] if err.strip() else ''}")


def text_events(path):
    """The events of a saved `trace-cmd report -R -t` ('-': stdin)."""
    if path == "-":
        yield from parse(sys.stdin)
        return
    try:
        with open(path) as f:
            yield from parse(f)
    except OSError as e:
        sys.exit(f"{PROG}: {path}: {e.strerror}")


def stages(ts):
    """Stage durations from the timestamps of one request's events.

    A missing event takes the time of the one before it, so the stage it
    starts is zero and the stages still add up to q2c.
    """
    t = [ts["queued"]]
    for ev in EVENTS[1:]:
        t.append(ts.get(ev, t[-1]))
    return [t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[4] - t[0]]


def out_of_order(done, pending):
    """(overtook, overtaken) from one disk's (queued_ts) in completion order.

    pending: the queued times of its requests still in flight at the end,
    which complete after every completion seen.
    """
    overtook = overtaken = 0
    latest = None
    for q in done:
        if latest is not None and q < latest:
            overtaken += 1
        latest = q if latest is None else max(latest, q)
    earliest = min(pending) if pending else None
    for q in reversed(done):
        if earliest is not None and earliest < q:
            overtook += 1
        earliest = q if earliest is None else min(earliest, q)
    return overtook, overtaken


def percentile(sorted_vals, pct):
    """Nearest-rank percentile."""
    i = max(0, -(-len(sorted_vals) * pct // 100) - 1)
    return sorted_vals[i]


def main():
    ap = argparse.ArgumentParser(
        prog=PROG, description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example: tracing/capture.sh -o trace.dat 10; "
               "tracing/trace_report.py -i trace.dat --csv requests.csv")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("-i", dest="input", metavar="FILE", default="trace.dat",
                     help="the trace-cmd capture (default: trace.dat)")
    src.add_argument("--text", metavar="FILE",
                     help="read the output of `trace-cmd report -R -t` "
                          "saved in FILE ('-': standard input) instead of "
                          "running trace-cmd")
    ap.add_argument("--csv", metavar="FILE",
                    help="write one row per completed request to FILE")
    ap.add_argument("--json", metavar="FILE",
                    help="write the event counts and the stage summary as "
                         "JSON to FILE ('-': standard output, instead of "
                         "the table)")
    args = ap.parse_args()
    source = args.text if args.text else args.input

    inflight = {}           # (dev, hctx, tag) -> {event: ts}
    rows = []
    done = {}               # dev -> [queued ts], in completion order
    counts = {"unmatched": 0, "block_rq_issue": 0, "block_rq_complete": 0,
              "blkex_work": 0}
    stream = text_events(args.text) if args.text else events(args.input)
    for ts, name, f in stream:
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
                done.setdefault(dev, []).append(times["queued"])
                rows.append([f"{dev >> 20}:{dev & 0xfffff}", key[1], key[2],
                             OPS.get(int(f["op"]), "other"), int(f["sector"]),
                             int(f["nr_bytes"]), int(f["error"])] +
                            stages(times))
        elif name in ("block_rq_issue", "block_rq_complete"):
            counts[name] += 1
        elif name == "workqueue_execute_start" and "blkex_work" in f.get("function", ""):
            counts["blkex_work"] += 1

    if not rows:
        seen = sum(counts.get(e, 0) for e in EVENTS)
        sys.exit(f"{PROG}: {source}: no completed blk_example request "
                 f"({seen} blk_example events): was the module loaded, "
                 "and doing I/O, while capture.sh recorded?")

    if args.csv:
        with open(args.csv, "w", newline="") as out:
            w = csv.writer(out)
            w.writerow(["dev", "hctx", "tag", "op", "sector", "bytes", "error"] +
                       [f"{s}_ns" for s in STAGES])
            w.writerows(rows)

    ooo = {}
    for dev, queued in done.items():
        pending = [t["queued"] for k, t in inflight.items() if k[0] == dev]
        ooo[f"{dev >> 20}:{dev & 0xfffff}"] = \
            out_of_order(queued, pending) + (len(queued),)

    n = len(rows)
    q2c = sum(r[-1] for r in rows)
    summary = []
    for i, s in enumerate(STAGES):
        vals = sorted(r[7 + i] for r in rows)
        total = sum(vals)
        summary.append({"stage": s, "count": n, "mean_ns": round(total / n, 1),
                        "q2c_pct": round(100 * total / q2c, 1) if q2c else 0,
                        "p50_ns": percentile(vals, 50),
                        "p99_ns": percentile(vals, 99)})
    if args.json:
        doc = {"capture": source,
               "events": {e: counts.get(e, 0) for e in EVENTS},
               "unmatched": counts["unmatched"], "incomplete": len(inflight),
               "block_rq_issue": counts["block_rq_issue"],
               "block_rq_complete": counts["block_rq_complete"],
               "blkex_work_runs": counts["blkex_work"],
               "stages": summary,
               "out_of_order": {d: {"overtook": a, "overtaken": b,
                                    "completions": c}
                                for d, (a, b, c) in ooo.items()}}
        if args.json == "-":
            json.dump(doc, sys.stdout, indent=1)
            print()
            return
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")

    print("events: " + " ".join(f"{e}={counts.get(e, 0)}" for e in EVENTS) +
          f" unmatched={counts['unmatched']} incomplete={len(inflight)}")
    print(f"block: block_rq_issue={counts['block_rq_issue']} "
          f"block_rq_complete={counts['block_rq_complete']} (all devices); "
          f"blkex_work runs={counts['blkex_work']}")
    print(f"\n      name          count      mean_ns  q2c_pct      p50_ns      p99_ns")
    for r in summary:
        print(f"STAGE {r['stage']:<10} {r['count']:8d} {r['mean_ns']:12.1f} "
              f"{r['q2c_pct']:6.1f} {r['p50_ns']:11d} {r['p99_ns']:11d}")
    print()
    for d, (a, b, c) in sorted(ooo.items()):
        print(f"OUT_OF_ORDER {d} overtook {a} overtaken {b} of {c} completions")
    print(f"OUT_OF_ORDER all overtook {sum(v[0] for v in ooo.values())} "
          f"overtaken {sum(v[1] for v in ooo.values())} of {n} completions")


if __name__ == "__main__":
    main()
