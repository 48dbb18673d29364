#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one bench sweep into data, a Markdown report and PNG plots.

Reads what bench/guest/sweep.sh and bench/hostload.sh left in RESULTS_DIR
(points.log, groups/*.json or raw/*.json, and if there: machine.txt,
devices.txt, irqs.log, hostload.log, stages/*.txt), splits each
groups/*.json (fio runs of several points) into RESULTS_DIR/raw/*.json
(one per point), and writes, to OUT_DIR (default: RESULTS_DIR):
  points.csv   one row per fio run, with the host's load during it
  summary.csv  median, min and max over repeats, and ratios to null_blk/brd
  report.md    the devices, the speed targets, where each device's
               completions ran, the ratio tables, stages, flagged points
  plots/*.png  IOPS (or MiB/s), its ratio to null_blk, and latency
               (fio's lat, submission to completion) vs iodepth per
               workload; each stage's share and mean vs iodepth
Every comparison is a ratio between devices measured in the same boot;
the absolute figures are emulated (QEMU TCG) and every plot says so.
"""

import argparse
import csv
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys

DEVICES = ["blkex", "blkex-sparse", "blkex-none", "brd", "nullblk",
           "nullblk-deferred", "nullblk-poll", "loop-tmpfs", "loop-tmpfs-dio"]
REFERENCE = "nullblk"  # null_blk memory_backed=1 irqmode=0
# What each device stands for (bench/guest/devices.sh sets them up).
DEVICE_ROLE = {
    "blkex": "blk_example: completion deferred to a work item",
    "blkex-sparse": "blk_example store=sparse: pages in an xarray, "
                    "allocated on first write",
    "blkex-none": "blk_example store=none: no data, the request path alone",
    "brd": "the kernel's bio-based RAM disk, no blk-mq: the outer bound",
    "nullblk": "null_blk irqmode=0: blk-mq, completed inline in queue_rq",
    "nullblk-deferred": "null_blk irqmode=1 with one hardware queue: "
                        "every completion in the BLOCK softirq",
    "nullblk-poll": "null_blk with a poll queue, fio --hipri: polled "
                    "completion (polled phase only)",
    "loop-tmpfs": "loop over a tmpfs file, direct I/O off: the kernel's "
                  "own workqueue-deferred driver",
    "loop-tmpfs-dio": "the same with direct I/O on",
}
# Another process using more than this many host cores during a point may
# have slowed the emulated CPU: the point is flagged in the report.
LOADED_CORES = 0.5
STAGES = ["wq_delay", "mutex_wait", "copy", "completion"]
# One style per device, so that references whose lines overlap stay
# apart: colour, dash and point type all differ.
STYLE = {"blkex": "lc rgb '#d62728' dt 1 pt 7 ps 1.2",
         "blkex-sparse": "lc rgb '#e377c2' dt 2 pt 8 ps 1.2",
         "blkex-none": "lc rgb '#7f7f7f' dt 3 pt 10 ps 1.2",
         "brd": "lc rgb '#1f77b4' dt 2 pt 5",
         "nullblk": "lc rgb '#2ca02c' dt 3 pt 9 ps 1.4",
         "nullblk-deferred": "lc rgb '#9467bd' dt 4 pt 4 ps 1.6",
         "nullblk-poll": "lc rgb '#8c564b' dt 5 pt 13 ps 1.4",
         "loop-tmpfs": "lc rgb '#ff7f0e' dt 2 pt 11 ps 1.4",
         "loop-tmpfs-dio": "lc rgb '#17becf' dt 3 pt 6 ps 1.4"}
PROG = "sweep_report.py"


METRICS = ("iops", "bw_kib", "lat_mean_us", "lat_p50_us", "lat_p99_us",
           "clat_mean_us", "clat_p50_us", "clat_p99_us")


class BadInput(Exception):
    """Results that cannot be read: the message says which and why."""


def fio_metrics(path):
    """IOPS, KiB/s and latencies (us) of one fio json+ file.

    lat is fio's total latency, submission to completion: what the program
    waits. clat leaves out the submit call, and at iodepth 1 null_blk
    (irqmode=0) serves the whole request inside that call, so its clat is
    only the reaping while blk_example's carries the copy and the deferral.
    """
    try:
        with open(path) as f:
            text = f.read()
        job = json.loads(text[text.index("{"):])["jobs"][0]
    except (OSError, ValueError, KeyError, IndexError) as e:
        raise BadInput(f"{path}: not a fio JSON output ({e})") from None
    sides = [job[d] for d in ("read", "write") if job[d]["total_ios"] > 0]
    if not sides:
        raise BadInput(f"{path}: fio did no I/O (error {job.get('error')})")
    ios = sum(s["total_ios"] for s in sides)
    iops = sum(s["iops"] for s in sides)
    bw = sum(s["bw"] for s in sides)
    mean = sum(s["clat_ns"]["mean"] * s["total_ios"] for s in sides) / ios
    lat = sum(s["lat_ns"]["mean"] * s["total_ios"] for s in sides) / ios
    # Percentiles cannot be merged; a mixed workload reports its reads'.
    pct = sides[0]["clat_ns"].get("percentile", {})
    # lat percentiles need lat_percentiles=1 (bench/sweep.fio); an older
    # run has none and its latency plot shows lat's mean.
    lpct = sides[0]["lat_ns"].get("percentile", {})
    return {
        "ios": ios,
        "iops": iops,
        "bw_kib": bw,
        "lat_mean_us": lat / 1000,
        "clat_mean_us": mean / 1000,
        "clat_p50_us": pct.get("50.000000", 0) / 1000,
        "clat_p99_us": pct.get("99.000000", 0) / 1000,
        "lat_p50_us": lpct.get("50.000000", 0) / 1000,
        "lat_p99_us": lpct.get("99.000000", 0) / 1000,
    }


def split_groups(results):
    """Write raw/NAME.json for each point of each groups/*.json.

    bench/guest/sweep.sh runs a group of points (the devices of one
    workload, job count, depth and repeat) as one fio process, a section
    per point named after its file, each its own reporting group; fio's
    json+ then holds one job per point. Each raw/NAME.json gets that
    job alone, with the run's other keys and the disk_util of its device,
    so it reads like the output of a fio run of that point by itself. A
    group file that is not JSON is skipped: a boot died during it, and its
    points are not in points.log (the resumed boot ran it again).
    """
    for path in sorted(glob.glob(f"{results}/groups/*.json")):
        try:
            with open(path) as f:
                text = f.read()
            doc = json.loads(text[text.index("{"):])
            jobs = doc["jobs"]
        except (OSError, ValueError, KeyError):
            continue
        os.makedirs(f"{results}/raw", exist_ok=True)
        for job in jobs:
            dev = os.path.basename(job.get("job options", {})
                                   .get("filename", ""))
            one = dict(doc, jobs=[job],
                       disk_util=[d for d in doc.get("disk_util", [])
                                  if d.get("name") == dev])
            with open(f"{results}/raw/{job['jobname']}.json", "w") as f:
                json.dump(one, f, indent=2)


def read_irqs(out):
    """FILE -> (BLOCK softirqs, local timer irqs, call IPIs) of each point.

    bench/guest/sweep.sh takes them from /proc/softirqs and
    /proc/interrupts before and after each fio run, summed over the CPUs.
    """
    irqs = {}
    try:
        with open(f"{out}/irqs.log") as f:
            for line in f:
                try:
                    path, block, loc, cal = line.split()
                    irqs[path] = (int(block), int(loc), int(cal))
                except ValueError:
                    continue    # a line cut short when the VM died
    except OSError:
        pass
    return irqs


def host_load(samples, start, end):
    """Peak of the host's other CPU use (cores) during [start, end]."""
    during = [o for t, o in samples if start <= t <= end + 1]
    return max(during) if during else 0.0


def read_points(out):
    samples = []
    if os.path.exists(f"{out}/hostload.log"):
        with open(f"{out}/hostload.log") as f:
            for line in f:
                try:
                    t, other, _ = line.split()
                    samples.append((float(t), float(other)))
                except ValueError:
                    continue    # a line cut short when the bench stopped
    irqs = read_irqs(out)
    rows = []
    with open(f"{out}/points.log") as f:
        for n, line in enumerate(f, 1):
            try:
                start, end, label, wl, nj, qd, rep, path = line.split()
                float(start), float(end), int(nj), int(qd), int(rep)
            except ValueError:
                raise BadInput(f"{out}/points.log:{n}: not a point line "
                               "(START END LABEL WORKLOAD NUMJOBS IODEPTH "
                               "REP FILE)") from None
            row = {"label": label, "workload": wl, "numjobs": int(nj),
                   "iodepth": int(qd), "rep": int(rep)}
            row.update(fio_metrics(f"{out}/{path}"))
            if path in irqs:
                row["block_softirqs"], row["timer_irqs"], \
                    row["call_ipis"] = irqs[path]
            other = host_load(samples, float(start), float(end))
            row["host_other_cores"] = round(other, 2)
            row["flagged"] = int(other > LOADED_CORES)
            rows.append(row)
    if not rows:
        raise BadInput(f"{out}/points.log is empty: the sweep finished no "
                       "point")
    return rows


def summarise(rows):
    """Median and range over repeats for each (label, workload, nj, qd)."""
    groups = {}
    for r in rows:
        key = (r["label"], r["workload"], r["numjobs"], r["iodepth"])
        groups.setdefault(key, []).append(r)
    summary = {}
    for key, rs in groups.items():
        s = {"n": len(rs), "flagged": sum(r["flagged"] for r in rs)}
        for m in METRICS:
            vals = [r[m] for r in rs]
            s[m] = statistics.median(vals)
            s[m + "_min"] = min(vals)
            s[m + "_max"] = max(vals)
        summary[key] = s
    return summary


def ratio(summary, a, b, metric="iops"):
    """Ratio of medians a/b for the same point, or None."""
    if a in summary and b in summary and summary[b][metric]:
        return summary[a][metric] / summary[b][metric]
    return None


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f}x"


def fmt_range(s, m, scale=1, digits=0):
    v, lo, hi = (s[m] / scale, s[m + "_min"] / scale, s[m + "_max"] / scale)
    return f"{v:.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}]"


def write_csv(path, rows, fields):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def sweep_points(summary):
    """Workload -> numjobs -> sorted depths of the main sweep."""
    grid = {}
    for (label, wl, nj, qd) in summary:
        if label in DEVICES:
            grid.setdefault(wl, {}).setdefault(nj, set()).add(qd)
    return {wl: {nj: sorted(d) for nj, d in njs.items()}
            for wl, njs in grid.items()}


def table_sweep(summary, grid, md):
    for wl, njs in sorted(grid.items()):
        metric = "bw_kib" if wl.startswith("seq") else "iops"
        unit = "MiB/s" if metric == "bw_kib" else "kIOPS"
        scale = 1024 if metric == "bw_kib" else 1000
        md.append(f"\n### {wl}: {unit}, median [min-max]\n")
        devs = [d for d in DEVICES
                if any((d, wl, nj, qd) in summary
                       for nj in njs for qd in njs[nj])]
        md.append("| numjobs | iodepth | " + " | ".join(devs) +
                  " | blkex/null_blk | blkex/brd | mean lat blkex/null_blk (submit to completion) |")
        md.append("|" + "---|" * (len(devs) + 5))
        for nj in sorted(njs):
            for qd in njs[nj]:
                cells = []
                for d in devs:
                    s = summary.get((d, wl, nj, qd))
                    cells.append(fmt_range(s, metric, scale, 1) if s else "-")
                key = lambda d: (d, wl, nj, qd)
                md.append(
                    f"| {nj} | {qd} | " + " | ".join(cells) + " | " +
                    fmt_ratio(ratio(summary, key("blkex"), key(REFERENCE),
                                    metric)) + " | " +
                    fmt_ratio(ratio(summary, key("blkex"), key("brd"),
                                    metric)) + " | " +
                    fmt_ratio(ratio(summary, key("blkex"), key(REFERENCE),
                                    "lat_mean_us")) + " |")


def io_metric(wl):
    """The figure a workload is judged by: bandwidth for 128k, else IOPS."""
    return "bw_kib" if wl.startswith("seq") else "iops"


def targets(summary, grid, md, found, results="."):
    """Issue 19's speed targets, each as measured ratios.

    Every ratio is of medians over the repeats of one point, both devices
    measured in the same boot; a target over several points is met when
    every point meets it, and the table gives the worst point. Each row
    also goes to found, as a dict, for the JSON form.
    """
    md.append("\n## Speed targets (ratios of medians over repeats, same "
              "boot)\n")
    md.append("Each ratio is blk_example's median over the repeats of a "
              "point divided by the peer's at the same point (IOPS, or "
              "bandwidth for 128k; mean fio lat for latency, where lower "
              "is better). A target over several points is met only if "
              "every point meets it; the worst point is named.\n")
    md.append("| target | goal | measured: worst point (range, points) "
              "| met |")
    md.append("|---|---|---|---|")

    def line(name, goal, pts, lower=False, why=None):
        """One row. pts: (point name, ratio or None); lower: the ratio
        must stay at or under goal (latency); goal None: reported only."""
        pts = [(p, v) for p, v in pts if v is not None]
        row = {"target": name, "goal": goal, "points": len(pts)}
        if not pts:
            md.append(f"| {name} | {fmt_goal(goal, lower)} | "
                      f"{why or 'not measured in this run'} | - |")
            row["met"] = None
            found.append(row)
            return
        worst = (max if lower else min)(pts, key=lambda pv: pv[1])
        vals = [v for _, v in pts]
        if goal is None:
            met = None
        elif lower:
            met = all(v <= goal for v in vals)
        else:
            met = all(v >= goal for v in vals)
        row.update({"min": round(min(vals), 4), "max": round(max(vals), 4),
                    "worst": worst[0], "worst_ratio": round(worst[1], 4),
                    "met": met})
        found.append(row)
        rng = (f"; {min(vals):.2f}-{max(vals):.2f}x over {len(vals)} points"
               if len(vals) > 1 else "")
        md.append(f"| {name} | {fmt_goal(goal, lower)} | {worst[1]:.2f}x "
                  f"({worst[0]}){rng} | "
                  f"{'-' if met is None else 'yes' if met else 'no'} |")

    def pts_vs(ref, wls, min_qd=0, metric=None, dev="blkex"):
        return [(f"{wl} nj{nj} qd{qd}",
                 ratio(summary, (dev, wl, nj, qd), (ref, wl, nj, qd),
                       metric or io_metric(wl)))
                for wl in wls for nj, depths in sorted(grid.get(wl, {}).items())
                for qd in depths if qd >= min_qd]

    rand = ("randread-4k", "randwrite-4k")
    for wl in rand:
        line(f"{wl}, iodepth >= 16, 1 and 2 jobs: IOPS vs nullblk", 1.25,
             pts_vs(REFERENCE, [wl], 16))
        line(f"{wl}, iodepth >= 16, 1 and 2 jobs: IOPS vs brd", 0.85,
             pts_vs("brd", [wl], 16))
    lat = ("randread-4k", 1, 1)
    line("randread-4k iodepth 1: mean latency vs nullblk", 1.3,
         [("nj1 qd1", ratio(summary, ("blkex",) + lat, (REFERENCE,) + lat,
                            "lat_mean_us"))], lower=True)
    polled = [("blkex-hipri nj1 qd1",
               ratio(summary, ("blkex-hipri",) + lat, ("nullblk-poll",) + lat,
                     "lat_mean_us"))]
    io_poll = "?"
    try:
        with open(f"{results}/blkex-io-poll") as f:
            io_poll = f.read().strip() or "?"
    except OSError:
        pass
    line("randread-4k iodepth 1, polled (hipri): mean latency vs "
         "nullblk-poll", 1.0, polled, lower=True,
         why=f"not measured: blk_example has no poll queues (queue/io_poll "
             f"{io_poll})" if ("nullblk-poll",) + lat in summary else None)
    line("randread-4k iodepth 1: blkex (not polled) mean latency vs "
         "nullblk-poll polled (reported)", None,
         [("nj1 qd1", ratio(summary, ("blkex",) + lat, ("nullblk-poll",) + lat,
                            "lat_mean_us"))], lower=True)
    wls = sorted(grid)
    for ref in ("loop-tmpfs", "loop-tmpfs-dio"):
        line(f"every point: vs {ref}", 1.5, pts_vs(ref, wls))
    line("every point: ahead of nullblk-deferred", 1.0,
         pts_vs("nullblk-deferred", wls))
    seq = ("seqread-128k", "seqwrite-128k")
    for wl in seq:
        line(f"{wl}: bandwidth vs brd", 0.9, pts_vs("brd", [wl]))
    # Issue 25: store=sparse may become the default only within 3% of
    # flat at every default point (4k at depth, 128k); none is reported.
    for wl in rand:
        line(f"{wl}, iodepth >= 16: store=sparse vs flat (blkex)", 0.97,
             pts_vs("blkex", [wl], 16, dev="blkex-sparse"))
    for wl in seq:
        line(f"{wl}: store=sparse vs flat (blkex)", 0.97,
             pts_vs("blkex", [wl], dev="blkex-sparse"))
    for wl in rand + seq:
        line(f"{wl}: store=none vs flat (blkex, reported)", None,
             pts_vs("blkex", [wl], 16 if wl in rand else 0,
                    dev="blkex-none"))
    tdepths = sorted({qd for (label, _, _, qd) in summary
                      if label == "traced"})
    qd = 32 if 32 in tdepths else tdepths[-1] if tdepths else 32
    line(f"stages.bt attached, iodepth {qd}: IOPS vs untraced", 0.95,
         [(f"{wl} qd{qd}", ratio(summary, ("traced", wl, 1, qd),
                                 ("untraced", wl, 1, qd)))
          for wl in rand])


def fmt_goal(goal, lower):
    if goal is None:
        return "reported"
    return f"<= {goal:.2f}x" if lower else f">= {goal:.2f}x"


def table_completions(rows, md):
    """Where each device's completions ran: interrupts per I/O.

    A device that defers its completions to the BLOCK softirq takes one
    softirq per request (fewer when one softirq finds several); one that
    completes them from a timer takes a local timer interrupt per request;
    one that completes inline takes neither. Medians over the repeats of
    the random reads (the 4k workload every run has), per device and depth.
    """
    pts = {}
    for r in rows:
        if "block_softirqs" not in r or not r["ios"]:
            continue
        if r["workload"] != "randread-4k" or r["numjobs"] != 1:
            continue
        pts.setdefault((r["label"], r["iodepth"]), []).append(r)
    if not pts:
        return
    md.append("\n## Where completions ran: interrupts per I/O\n")
    md.append("randread-4k, numjobs 1, median over repeats; counted from "
              "/proc/softirqs and /proc/interrupts around each fio run, both "
              "CPUs (I/Os are fio's, after any ramp). Inline completion "
              "takes none of them per I/O; the BLOCK softirq, a timer or an "
              "IPI about one.\n")
    md.append("| device | iodepth | I/Os | BLOCK softirqs / I/O | "
              "local timer irqs / I/O | call IPIs / I/O |")
    md.append("|---|---|---|---|---|---|")
    order = {d: i for i, d in enumerate(DEVICES)}
    for (label, qd), rs in sorted(pts.items(), key=lambda kv: (
            order.get(kv[0][0], len(order)), kv[0][0], kv[0][1])):
        if label not in order:
            continue
        med = {k: statistics.median(r[k] / r["ios"] for r in rs)
               for k in ("block_softirqs", "timer_irqs", "call_ipis")}
        ios = statistics.median(r["ios"] for r in rs)
        md.append(f"| {label} | {qd} | {ios:.0f} | "
                  f"{med['block_softirqs']:.3f} | {med['timer_irqs']:.3f} | "
                  f"{med['call_ipis']:.3f} |")


def devices_md(results, md):
    """The devices of the run: what each stands for and how it was set up."""
    md.append("\n## Devices\n")
    md.append("| device | stands for | set up as (devices.txt) |")
    md.append("|---|---|---|")
    setup = {}
    try:
        with open(f"{results}/devices.txt") as f:
            for line in f:
                name, _, rest = line.strip().partition(" ")
                setup[name] = rest
    except OSError:
        pass
    for d in DEVICES:
        if d in setup or not setup:
            md.append(f"| {d} | {DEVICE_ROLE[d]} | "
                      f"{setup.get(d, 'no devices.txt in this run')} |")
    md.append("\nAll 512-byte blocks, no I/O scheduler, run interleaved "
              "point by point. Mixed workloads report total IOPS and their "
              "reads' percentiles.")


def table_variants(summary, md):
    modes = sorted({label[3:-8] for (label, *_rest) in summary
                    if label.startswith("wq-") and label.endswith("-nullblk")})
    if not modes:
        return
    md.append("\n## Workqueue flavours (wq_mode@work_cpu), each vs null_blk "
              "loaded alongside\n")
    md.append("| wq_mode@work_cpu | workload | iodepth | blkex kIOPS | null_blk kIOPS "
              "| IOPS ratio | mean latency ratio |")
    md.append("|---|---|---|---|---|---|---|")
    for mode in modes:
        for (label, wl, nj, qd), s in sorted(summary.items()):
            if label != f"wq-{mode}":
                continue
            ref = (f"wq-{mode}-nullblk", wl, nj, qd)
            r = summary.get(ref)
            md.append(
                f"| {mode} | {wl} | {qd} | {fmt_range(s, 'iops', 1000, 1)} "
                f"| {fmt_range(r, 'iops', 1000, 1) if r else '-'} | "
                f"{fmt_ratio(ratio(summary, (label, wl, nj, qd), ref))} | "
                f"{fmt_ratio(ratio(summary, (label, wl, nj, qd), ref, 'lat_mean_us'))} |")


def parse_stages(path):
    """Per-stage mean (us) from a tracing/stages.bt summary, or None.

    stages.bt prints, on exit, one line per stage in a machine-readable
    block: 'STAGE name count mean_ns ...'.
    """
    means = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4 and parts[0] == "STAGE":
                means[parts[1]] = float(parts[3]) / 1000
    return means or None


def stage_rows(out):
    rows = []
    for path in sorted(glob.glob(f"{out}/stages/*.txt")):
        name = os.path.basename(path)[:-4]
        try:
            wl, qd, rep = name.rsplit("_", 2)
            int(qd[2:])
        except ValueError:
            raise BadInput(f"{path}: not named WORKLOAD_qdN_rN.txt") from None
        means = parse_stages(path)
        if means:
            row = {"workload": wl, "iodepth": int(qd[2:]), "rep": rep[1:]}
            row.update({s: means.get(s, 0.0) for s in STAGES})
            rows.append(row)
    return rows


def table_stages(rows, md):
    if not rows:
        return
    md.append("\n## Where the time goes: mean per stage (us), stages.bt\n")
    md.append("| workload | iodepth | rep | " + " | ".join(STAGES) +
              " | sum |")
    md.append("|" + "---|" * (len(STAGES) + 4))
    for r in rows:
        md.append(f"| {r['workload']} | {r['iodepth']} | {r['rep']} | " +
                  " | ".join(f"{r[s]:.1f}" for s in STAGES) +
                  f" | {sum(r[s] for s in STAGES):.1f} |")


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def caveat(machine):
    """The line every plot of absolute figures carries."""
    if "clock: host" in machine:
        return ("In place (make bench-here), this machine's real clock: "
                "absolute figures are its own (machine.txt says which).")
    clock = "icount clock" if "clock: icount" in machine else \
        "wall clock" if "clock: wall" in machine else "clock unknown"
    return (f"Emulated: QEMU TCG, {clock}. Absolute figures are not a real "
            "machine's; only ratios between devices count.")


def plot_head(png, title, note, size="900,560"):
    """gnuplot's set-up for one PNG: title, and note as a caption below."""
    return (f'set terminal pngcairo size {size} font ",10" noenhanced\n'
            f'set output "{png}"\nset title "{title}"\n'
            'set bmargin 5\n'
            f'set label 99 "{note}" at screen 0.5, screen 0.025 center '
            'font ",9" textcolor rgb "#555555"\n')


def plot_sweep(pdir, summary, grid, machine):
    note = caveat(machine)
    for wl, njs in grid.items():
        metric = "bw_kib" if wl.startswith("seq") else "iops"
        ylabel = "MiB/s" if metric == "bw_kib" else "IOPS"
        scale = 1024 if metric == "bw_kib" else 1
        for nj, depths in njs.items():
            base = f"{pdir}/{wl}_nj{nj}"
            devs = [d for d in DEVICES
                    if all((d, wl, nj, qd) in summary for qd in depths)]
            has_lat_pct = all(summary[(d, wl, nj, qd)]["lat_p50_us"] > 0
                              for d in devs for qd in depths)
            cols = ("y", "ymin", "ymax", "lat50", "lat99", "ratio")
            with open(base + ".dat", "w") as f:
                f.write("# iodepth " + " ".join(
                    f"{d}_{m}" for d in devs for m in cols) + "\n")
                for qd in depths:
                    vals = [str(qd)]
                    for d in devs:
                        s = summary[(d, wl, nj, qd)]
                        r = ratio(summary, (d, wl, nj, qd),
                                  (REFERENCE, wl, nj, qd), metric)
                        if has_lat_pct:
                            lat = (s["lat_p50_us"], s["lat_p99_us"])
                        else:
                            lat = (s["lat_mean_us"], s["lat_mean_us"])
                        vals += [f"{s[metric] / scale:.2f}",
                                 f"{s[metric + '_min'] / scale:.2f}",
                                 f"{s[metric + '_max'] / scale:.2f}",
                                 f"{lat[0]:.2f}", f"{lat[1]:.2f}",
                                 "NaN" if r is None else f"{r:.4f}"]
                    f.write(" ".join(vals) + "\n")
            n = len(cols)
            common = ('set logscale x 2\nset key outside right\nset grid\n'
                      'set xlabel "iodepth"\n')
            tput = [f'"{base}.dat" using 1:{2 + n * i}:{3 + n * i}:'
                    f'{4 + n * i} with yerrorlines {STYLE[d]} title "{d}"'
                    for i, d in enumerate(devs)]
            gnuplot(plot_head(f"{base}_{metric}.png",
                              f"{wl}, numjobs {nj}: {ylabel} vs iodepth "
                              "(median, min-max)", note) + common +
                    f'set ylabel "{ylabel} (emulated)"\n'
                    f'set yrange [0:*]\nplot ' + ", ".join(tput) + "\n")
            if REFERENCE in devs:
                rat = [f'"{base}.dat" using 1:{7 + n * i} with linespoints '
                       f'{STYLE[d]} title "{d}"'
                       for i, d in enumerate(devs)]
                gnuplot(plot_head(f"{base}_ratio.png",
                                  f"{wl}, numjobs {nj}: {ylabel} relative "
                                  "to null_blk (ratio of medians, same "
                                  "boot)",
                                  "Ratios between devices measured in the "
                                  "same emulated boot: the figures that "
                                  "count.") + common +
                        f'set ylabel "{ylabel} / null_blk {ylabel}"\n'
                        'set yrange [0:*]\n'
                        'plot ' + ", ".join(rat) + ", 1 with lines lc "
                        'rgb "#888888" dt 1 notitle\n')
            what = ("p50 (left) and p99 (right)" if has_lat_pct else
                    "mean (this run has no lat percentiles)")
            panels = []
            for col, name in ((5, "p50"), (6, "p99")):
                lines = [f'"{base}.dat" using 1:{col + n * i} with '
                         f'linespoints {STYLE[d]} title "{d}"'
                         for i, d in enumerate(devs)]
                panels.append(f'set title "{name if has_lat_pct else "mean"}"'
                              '\nplot ' + ", ".join(lines) + "\n")
            if not has_lat_pct:
                panels = panels[:1]
            gnuplot(plot_head(f"{base}_latency.png", "", note,
                              "1100,560") + common +
                    'set ylabel "usec (emulated)"\nset logscale y\n'
                    f'set multiplot layout 1,{len(panels)} title '
                    f'"{wl}, numjobs {nj}: latency, submission to '
                    f'completion (fio lat), {what}"\n' +
                    "".join(panels) + "unset multiplot\n")


def plot_stages(pdir, rows, machine):
    """Per workload: each stage's share of q2c, and its mean, vs iodepth.

    Shares show every depth and the small stages alike, which stacked
    microseconds did not (depth 1 and the copy were a sliver); the means
    are on a log scale for the same reason.
    """
    note = caveat(machine)
    for wl in sorted({r["workload"] for r in rows}):
        by_qd = {}
        for r in rows:
            if r["workload"] == wl:
                by_qd.setdefault(r["iodepth"], []).append(r)
        dat = f"{pdir}/stages_{wl}.dat"
        with open(dat, "w") as f:
            f.write("# iodepth " + " ".join(STAGES) + " " +
                    " ".join(f"{s}_pct" for s in STAGES) + "\n")
            for qd in sorted(by_qd):
                med = [statistics.median(r[s] for r in by_qd[qd])
                       for s in STAGES]
                total = sum(med) or 1
                f.write(f"{qd} " + " ".join(f"{m:.3f}" for m in med) + " " +
                        " ".join(f"{100 * m / total:.2f}" for m in med) +
                        "\n")
        k = len(STAGES)
        colour = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
        shares = [f'"{dat}" using {k + i + 2}:xtic(1) lc rgb "{colour[i]}" '
                  f'title "{s}"' for i, s in enumerate(STAGES)]
        means = [f'"{dat}" using 1:{i + 2} with linespoints lw 2 '
                 f'lc rgb "{colour[i]}" dt {i + 1} pt {(5, 7, 9, 11)[i]} '
                 'notitle' for i, s in enumerate(STAGES)]
        gnuplot(plot_head(f"{pdir}/stages_{wl}.png", "", note, "1200,560") +
                'set multiplot layout 1,2 title "blk_example '
                f'{wl}: where the time goes vs iodepth (stages.bt)"\n'
                'set title "share of queue-to-completion time"\n'
                'set style data histograms\nset style histogram rowstacked\n'
                'set style fill solid 0.8 border -1\nset boxwidth 0.7\n'
                'set key outside right top vertical\nset xlabel "iodepth"\n'
                'set ylabel "% of q2c"\nset yrange [0:100]\n'
                'set grid ytics\nplot ' + ", ".join(shares) + "\n"
                'set title "mean per stage (log scale)"\n'
                'set style data linespoints\nunset xtics\nset xtics\n'
                'set logscale x 2\nset logscale y\nset yrange [*:*]\n'
                'set ylabel "usec (emulated)"\nset grid\n'
                'plot ' + ", ".join(means) + "\nunset multiplot\n")


def check_dir(results):
    """Fail with a message unless results looks like a bench results dir."""
    if not os.path.isdir(results):
        raise BadInput(f"{results}: no such directory")
    if not os.path.isfile(f"{results}/points.log"):
        raise BadInput(f"{results}: no points.log, so not the results of "
                       "bench/run.sh (they are in bench/results/<time>-<kver>/"
                       "; bench/sample holds a small one)")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split("\n\n")[0],
        epilog="Example: bench/sweep_report.py bench/sample -o /tmp/sample "
               "(a small sweep kept in the tree). bench/run.sh runs this "
               "on every sweep it finishes.")
    ap.add_argument("results", metavar="RESULTS_DIR",
                    help="a directory bench/run.sh wrote (points.log, raw/)")
    ap.add_argument("-o", "--out", metavar="OUT_DIR",
                    help="where to write the report (default: RESULTS_DIR)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write points, summary, targets and stages "
                         "as JSON to FILE ('-': standard output)")
    ap.add_argument("--no-plots", action="store_true",
                    help="skip the PNG plots (no gnuplot needed)")
    return ap.parse_args(argv)


def report(args):
    results = args.results.rstrip("/") or "/"
    check_dir(results)
    out = args.out or results
    os.makedirs(out, exist_ok=True)
    split_groups(results)
    rows = read_points(results)
    fields = ["label", "workload", "numjobs", "iodepth", "rep", "ios", "iops",
              "bw_kib", "lat_mean_us", "lat_p50_us", "lat_p99_us",
              "clat_mean_us", "clat_p50_us", "clat_p99_us",
              "block_softirqs", "timer_irqs", "call_ipis",
              "host_other_cores", "flagged"]
    write_csv(f"{out}/points.csv", rows, fields)

    summary = summarise(rows)
    srows = []
    for (label, wl, nj, qd), s in sorted(summary.items()):
        row = {"label": label, "workload": wl, "numjobs": nj, "iodepth": qd}
        row.update(s)
        for ref in (REFERENCE, "brd"):
            r = ratio(summary, (label, wl, nj, qd), (ref, wl, nj, qd))
            row[f"iops_vs_{ref}"] = None if r is None else round(r, 3)
        srows.append(row)
    write_csv(f"{out}/summary.csv", srows, list(srows[0].keys()))

    grid = sweep_points(summary)
    stages = stage_rows(results)
    md = ["# blk_example bench report\n"]
    try:
        with open(f"{results}/machine.txt") as f:
            machine = f.read().strip()
    except OSError:
        machine = "machine.txt: missing"
    md.append("```\n" + machine + "\n```")
    if "clock: icount" in machine:
        md.append("\nClock: icount. Guest time counts the instructions the "
                  "emulated CPUs execute (1 ns each), so IOPS and latency "
                  "measure emulated work, not host seconds, and repeat "
                  "whatever else the host runs. Compare devices by their "
                  "ratios; the absolute figures mean nothing outside QEMU.")
    elif "clock: host" in machine:
        md.append("\nClock: host. Measured in place (make bench-here) on the "
                  "machine and kernel above, with its real clock, no "
                  "emulator: the absolute figures are that machine's, and "
                  "repeats vary with whatever else it ran.")
    devices_md(results, md)
    found = []
    targets(summary, grid, md, found, results)
    table_completions(rows, md)
    md.append("\n## Sweep")
    table_sweep(summary, grid, md)
    table_variants(summary, md)
    table_stages(stages, md)
    flagged = [r for r in rows if r["flagged"]]
    if not os.path.exists(f"{results}/hostload.log"):
        md.append("\n## Host load\n\nNot sampled (in place, the bench's "
                  "own load is the host's).")
    else:
        md.append(f"\n## Host load\n\n{len(flagged)} of {len(rows)} runs "
                  f"had more than {LOADED_CORES} host cores busy outside the "
                  "VM " + ("(with the icount clock this slows the run, not "
                           "its figures)." if "clock: icount" in machine else
                           "(their numbers may be low)."))
    for r in flagged:
        md.append(f"- {r['label']} {r['workload']} numjobs={r['numjobs']} "
                  f"iodepth={r['iodepth']} rep {r['rep']}: "
                  f"{r['host_other_cores']} cores")
    with open(f"{out}/report.md", "w") as f:
        f.write("\n".join(md) + "\n")

    if args.json:
        doc = {"machine": machine, "points": rows, "summary": srows,
               "targets": found, "stages": stages}
        if args.json == "-":
            json.dump(doc, sys.stdout, indent=1)
            print()
        else:
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")

    if args.no_plots:
        return
    if not shutil.which("gnuplot"):
        raise BadInput("gnuplot not found: install gnuplot-nox, or use "
                       "--no-plots (the CSV, JSON and report.md are written)")
    os.makedirs(f"{out}/plots", exist_ok=True)
    plot_sweep(f"{out}/plots", summary, grid, machine)
    plot_stages(f"{out}/plots", stages, machine)


def main(argv=None):
    args = parse_args(argv)
    try:
        report(args)
    except BadInput as e:
        sys.exit(f"{PROG}: {e}")
    except OSError as e:
        sys.exit(f"{PROG}: {e.filename or ''}: {e.strerror}")
    except subprocess.CalledProcessError as e:
        sys.exit(f"{PROG}: gnuplot failed (status {e.returncode})")
    if args.json != "-":
        print(f"{PROG}: wrote {args.out or args.results}/report.md")


if __name__ == "__main__":
    main()
