#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one bench run into data, a Markdown report and PNG plots.

Usage: bench/report.py RESULTS_DIR

Reads what bench/guest/sweep.sh and bench/hostload.sh left in RESULTS_DIR
(points.log, raw/*.json, hostload.log, stages/*.txt, machine.txt) and writes:
  points.csv   one row per fio run, with the host's load during it
  summary.csv  median, min and max over repeats, and ratios to null_blk/brd
  report.md    the ratio tables, the speed targets, stages, flagged points
  plots/*.png  IOPS and p50/p99 latency vs iodepth per workload; stage bars
Every comparison is a ratio between devices measured in the same boot.
"""

import csv
import glob
import json
import os
import statistics
import subprocess
import sys

DEVICES = ["blkex", "brd", "nullblk", "nullblk-softirq"]
REFERENCE = "nullblk"  # null_blk memory_backed=1 irqmode=0
# Another process using more than this many host cores during a point may
# have slowed the emulated CPU: the point is flagged in the report.
LOADED_CORES = 0.5
STAGES = ["wq_delay", "mutex_wait", "copy", "completion"]


def fio_metrics(path):
    """IOPS, KiB/s and latencies (us) of one fio json+ file.

    lat is fio's total latency, submission to completion: what the program
    waits. clat leaves out the submit call, and at iodepth 1 null_blk
    (irqmode=0) serves the whole request inside that call, so its clat is
    only the reaping while blk_example's carries the copy and the deferral.
    """
    with open(path) as f:
        text = f.read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    sides = [job[d] for d in ("read", "write") if job[d]["total_ios"] > 0]
    ios = sum(s["total_ios"] for s in sides)
    iops = sum(s["iops"] for s in sides)
    bw = sum(s["bw"] for s in sides)
    mean = sum(s["clat_ns"]["mean"] * s["total_ios"] for s in sides) / ios
    lat = sum(s["lat_ns"]["mean"] * s["total_ios"] for s in sides) / ios
    # Percentiles cannot be merged; a mixed workload reports its reads'.
    pct = sides[0]["clat_ns"].get("percentile", {})
    return {
        "iops": iops,
        "bw_kib": bw,
        "lat_mean_us": lat / 1000,
        "clat_mean_us": mean / 1000,
        "clat_p50_us": pct.get("50.000000", 0) / 1000,
        "clat_p99_us": pct.get("99.000000", 0) / 1000,
    }


def host_load(samples, start, end):
    """Peak of the host's other CPU use (cores) during [start, end]."""
    during = [o for t, o in samples if start <= t <= end + 1]
    return max(during) if during else 0.0


def read_points(out):
    samples = []
    if os.path.exists(f"{out}/hostload.log"):
        with open(f"{out}/hostload.log") as f:
            for line in f:
                t, other, _ = line.split()
                samples.append((float(t), float(other)))
    rows = []
    with open(f"{out}/points.log") as f:
        for line in f:
            start, end, label, wl, nj, qd, rep, path = line.split()
            row = {"label": label, "workload": wl, "numjobs": int(nj),
                   "iodepth": int(qd), "rep": int(rep)}
            row.update(fio_metrics(f"{out}/{path}"))
            other = host_load(samples, float(start), float(end))
            row["host_other_cores"] = round(other, 2)
            row["flagged"] = int(other > LOADED_CORES)
            rows.append(row)
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
        for m in ("iops", "bw_kib", "lat_mean_us", "clat_mean_us",
                  "clat_p50_us", "clat_p99_us"):
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


def targets(summary, grid, md):
    """The speed targets of the bench, each as measured ratios."""
    md.append("\n## Speed targets (ratios of medians, same boot)\n")
    md.append("| target | measured | met |")
    md.append("|---|---|---|")

    def line(name, vals, ok=None):
        """One row; ok is None for a figure reported, not a target."""
        vals = [v for v in vals if v is not None]
        if not vals:
            md.append(f"| {name} | not measured in this run | - |")
            return
        met = "-" if ok is None else "yes" if all(map(ok, vals)) else "no"
        md.append(f"| {name} | min {min(vals):.2f}x, max {max(vals):.2f}x "
                  f"over {len(vals)} points | {met} |")

    for wl in ("randread-4k", "randwrite-4k"):
        vals = [ratio(summary, ("blkex", wl, nj, qd), (REFERENCE, wl, nj, qd))
                for nj, depths in grid.get(wl, {}).items()
                for qd in depths if qd >= 16]
        line(f"{wl} iodepth>=16 IOPS >= 1.0x null_blk", vals,
             lambda v: v >= 1.0)
    vals = [ratio(summary, ("blkex", "randread-4k", 1, 1),
                  (REFERENCE, "randread-4k", 1, 1), "lat_mean_us")]
    line("randread-4k iodepth 1 mean latency (submit to completion) "
         "<= 2.0x null_blk", vals, lambda v: v <= 2.0)
    vals = [ratio(summary, ("blkex", "randread-4k", 1, 1),
                  (REFERENCE, "randread-4k", 1, 1), "clat_mean_us")]
    line("randread-4k iodepth 1 mean clat, after the submit call "
         "(reported)", vals)
    for wl in ("seqread-128k", "seqwrite-128k"):
        pts = [(nj, qd) for nj, depths in grid.get(wl, {}).items()
               for qd in depths]
        vals = [ratio(summary, ("blkex", wl, nj, qd), (REFERENCE, wl, nj, qd),
                      "bw_kib") for nj, qd in pts]
        line(f"{wl} bandwidth >= 1.0x null_blk", vals, lambda v: v >= 1.0)
        vals = [ratio(summary, ("blkex", wl, nj, qd), ("brd", wl, nj, qd),
                      "bw_kib") for nj, qd in pts]
        line(f"{wl} bandwidth vs brd (reported)", vals)
    tdepths = sorted({qd for (label, _, _, qd) in summary
                      if label == "traced"})
    if tdepths:
        qd = 32 if 32 in tdepths else tdepths[-1]
        vals = [ratio(summary, ("traced", wl, 1, qd), ("untraced", wl, 1, qd))
                for wl in ("randread-4k", "randwrite-4k")]
        line(f"IOPS with stages.bt attached >= 0.90x untraced, iodepth {qd}",
             vals, lambda v: v >= 0.90)


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
        wl, qd, rep = name.rsplit("_", 2)
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


def plot_sweep(out, summary, grid):
    pdir = f"{out}/plots"
    for wl, njs in grid.items():
        metric = "bw_kib" if wl.startswith("seq") else "iops"
        ylabel = "MiB/s" if metric == "bw_kib" else "IOPS"
        scale = 1024 if metric == "bw_kib" else 1
        for nj, depths in njs.items():
            base = f"{pdir}/{wl}_nj{nj}"
            devs = [d for d in DEVICES
                    if all((d, wl, nj, qd) in summary for qd in depths)]
            with open(base + ".dat", "w") as f:
                f.write("# iodepth " + " ".join(
                    f"{d}_{m}" for d in devs
                    for m in ("y", "ymin", "ymax", "p50", "p99")) + "\n")
                for qd in depths:
                    vals = [str(qd)]
                    for d in devs:
                        s = summary[(d, wl, nj, qd)]
                        vals += [f"{s[metric] / scale:.2f}",
                                 f"{s[metric + '_min'] / scale:.2f}",
                                 f"{s[metric + '_max'] / scale:.2f}",
                                 f"{s['clat_p50_us']:.2f}",
                                 f"{s['clat_p99_us']:.2f}"]
                    f.write(" ".join(vals) + "\n")
            common = (
                'set terminal pngcairo size 900,560 font ",10" noenhanced\n'
                'set logscale x 2\nset key outside right\nset grid\n'
                'set xlabel "iodepth"\n')
            tput = [f'"{base}.dat" using 1:{2 + 5 * i}:{3 + 5 * i}:'
                    f'{4 + 5 * i} with yerrorlines title "{d}"'
                    for i, d in enumerate(devs)]
            gnuplot(common +
                    f'set output "{base}_{metric}.png"\n'
                    f'set title "{wl}, numjobs {nj}: {ylabel} vs iodepth '
                    f'(median, min-max)"\nset ylabel "{ylabel}"\n'
                    f'set yrange [0:*]\nplot ' + ", ".join(tput) + "\n")
            lat = []
            for i, d in enumerate(devs):
                lat.append(f'"{base}.dat" using 1:{5 + 5 * i} with '
                           f'linespoints lt {i + 1} dt 1 title "{d} p50"')
                lat.append(f'"{base}.dat" using 1:{6 + 5 * i} with '
                           f'linespoints lt {i + 1} dt 2 title "{d} p99"')
            gnuplot(common +
                    f'set output "{base}_latency.png"\n'
                    f'set title "{wl}, numjobs {nj}: completion latency '
                    f'p50 (solid) and p99 (dashed)"\n'
                    'set ylabel "usec"\nset logscale y\nplot ' +
                    ", ".join(lat) + "\n")


def plot_stages(out, rows):
    pdir = f"{out}/plots"
    for wl in sorted({r["workload"] for r in rows}):
        by_qd = {}
        for r in rows:
            if r["workload"] == wl:
                by_qd.setdefault(r["iodepth"], []).append(r)
        dat = f"{pdir}/stages_{wl}.dat"
        with open(dat, "w") as f:
            f.write("iodepth " + " ".join(STAGES) + "\n")
            for qd in sorted(by_qd):
                f.write(f"{qd} " + " ".join(
                    f"{statistics.median(r[s] for r in by_qd[qd]):.2f}"
                    for s in STAGES) + "\n")
        cols = [f'"{dat}" using {i + 2}:xtic(1) title "{s}"'
                for i, s in enumerate(STAGES)]
        gnuplot('set terminal pngcairo size 900,560 font ",10" noenhanced\n'
                f'set output "{pdir}/stages_{wl}.png"\n'
                f'set title "blk_example {wl}: mean time per stage vs '
                'iodepth (stages.bt)"\n'
                'set style data histograms\nset style histogram rowstacked\n'
                'set style fill solid 0.8 border -1\nset boxwidth 0.7\n'
                'set key outside right\nset xlabel "iodepth"\n'
                'set ylabel "usec"\nset yrange [0:*]\nset grid ytics\n'
                'plot ' + ", ".join(cols) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(f"{out}/plots", exist_ok=True)
    rows = read_points(out)
    fields = ["label", "workload", "numjobs", "iodepth", "rep", "iops",
              "bw_kib", "lat_mean_us", "clat_mean_us", "clat_p50_us",
              "clat_p99_us", "host_other_cores", "flagged"]
    write_csv(f"{out}/points.csv", rows, fields)

    summary = summarise(rows)
    srows = []
    for (label, wl, nj, qd), s in sorted(summary.items()):
        row = {"label": label, "workload": wl, "numjobs": nj, "iodepth": qd}
        row.update(s)
        for ref in (REFERENCE, "brd"):
            r = ratio(summary, (label, wl, nj, qd), (ref, wl, nj, qd))
            row[f"iops_vs_{ref}"] = "" if r is None else f"{r:.3f}"
        srows.append(row)
    write_csv(f"{out}/summary.csv", srows, list(srows[0].keys()))

    grid = sweep_points(summary)
    stages = stage_rows(out)
    md = ["# blk_example bench report\n"]
    with open(f"{out}/machine.txt") as f:
        machine = f.read().strip()
    md.append("```\n" + machine + "\n```")
    if "clock: icount" in machine:
        md.append("\nClock: icount. Guest time counts the instructions the "
                  "emulated CPUs execute (1 ns each), so IOPS and latency "
                  "measure emulated work, not host seconds, and repeat "
                  "whatever else the host runs. Compare devices by their "
                  "ratios; the absolute figures mean nothing outside QEMU.")
    md.append("\nDevices: blkex = blk_example; brd = the kernel's bio-based "
              "RAM disk; nullblk = null_blk memory_backed=1 irqmode=0; "
              "nullblk-softirq = the same with irqmode=1. All 512-byte "
              "blocks, no I/O scheduler, run interleaved point by point. "
              "Mixed workloads report total IOPS and their reads' "
              "percentiles.")
    targets(summary, grid, md)
    md.append("\n## Sweep")
    table_sweep(summary, grid, md)
    table_variants(summary, md)
    table_stages(stages, md)
    flagged = [r for r in rows if r["flagged"]]
    md.append(f"\n## Host load\n\n{len(flagged)} of {len(rows)} runs had "
              f"more than {LOADED_CORES} host cores busy outside the VM "
              + ("(with the icount clock this slows the run, not its "
                 "figures)." if "clock: icount" in machine else
                 "(their numbers may be low)."))
    for r in flagged:
        md.append(f"- {r['label']} {r['workload']} numjobs={r['numjobs']} "
                  f"iodepth={r['iodepth']} rep {r['rep']}: "
                  f"{r['host_other_cores']} cores")
    with open(f"{out}/report.md", "w") as f:
        f.write("\n".join(md) + "\n")

    plot_sweep(out, summary, grid)
    plot_stages(out, stages)


if __name__ == "__main__":
    main()
