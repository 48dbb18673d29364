#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/run.sh [-h|--help]        (what `make bench` runs)
# The main job: builds blk_example for KVER, boots it under QEMU and runs
# there what `sudo make bench-here` runs on a real machine (bench/here.sh:
# blk_example, brd and null_blk side by side and the fio sweep,
# bench/guest/sweep.sh); then turns the results into a CSV, a Markdown
# report and PNG plots (bench/sweep_report.py). Results land in
# bench/results/<time>-<kver>/ (ignored by git). Before it builds
# anything it refuses (status 2) an unknown argument, a name that is not a
# workload, device or workqueue flavour, a number that is not one, and a
# kernel without headers or image.
#
# Environment: the sweep's, here and in bench/here.sh (lists are
# space-separated; defaults in brackets, from bench/guest/grid.sh; Q:
# BENCH_QUICK=1's, F: BENCH_FULL=1's):
#   BENCH_QUICK=0|1      1: two depths, one workload, proving the pipeline
#                        produces every artefact (CI) [0]
#   BENCH_FULL=0|1       1: the whole grid, every depth 1..128, 3 s runs
#                        after 1 s of ramp, loop-tmpfs-dio too: hours [0]
#   BENCH_WORKLOADS      of randread-4k randwrite-4k randrw70-4k
#                        seqread-128k seqwrite-128k (bench/guest/workloads.sh)
#                        [all five; Q randread-4k]
#   BENCH_DEVICES        of blkex blkex-sparse blkex-none brd nullblk
#                        nullblk-deferred nullblk-poll loop-tmpfs
#                        loop-tmpfs-dio (bench/guest/devices.sh says what
#                        each is; nullblk-poll runs only in the polled
#                        phase) [blkex blkex-sparse blkex-none brd nullblk
#                        nullblk-deferred nullblk-poll loop-tmpfs; F all nine]
#   BENCH_DEPTHS         iodepths [1 16 128; Q 1 16; F 1 2 4 8 16 32 64 128]
#   BENCH_NUMJOBS        fio job counts [1 2; Q 1]
#   BENCH_REPS=N         repeats of every point [3; Q 2]
#   BENCH_RUNTIME=T      time of each point, seconds or Nms [250ms; F 3]
#   BENCH_RAMP=T         ramp-up before each point, seconds or Nms (0
#                        allowed) [0; F 1]
#   BENCH_MB=N           size of every device in MiB [64; F 256]
#   BENCH_POLL_DEPTHS    iodepths of the polled phase (fio --hipri on
#                        nullblk-poll) [1; F 1 16 128]
#   BENCH_WQ_MODES       workqueue flavours compared in phase 3, each
#                        WQ_MODE or WQ_MODE@WORK_CPU; WQ_MODE one of
#                        percpu percpu-highpri unbound unbound-highpri,
#                        WORK_CPU one of local next auto (blk_example's
#                        wq_mode and work_cpu) [percpu@auto percpu@local
#                        percpu@next percpu-highpri unbound
#                        unbound-highpri; Q percpu@next unbound]
#   BENCH_VARIANT_DEPTHS iodepths of phase 3 [32; Q 16; F 1 32]
#   BENCH_STAGE_DEPTHS   iodepths of phase 4, the per-stage breakdown
#                        [32; Q 16; F BENCH_DEPTHS]
#   BLKEX_ARGS           blk_example's module parameters, NAME=VALUE each
#                        (modinfo blk_example) [none]
#
# And the VM's:
#   KVER=V               the kernel [the newest with headers]
#   BENCH_CLOCK=icount|wall  the guest's clock, see below [icount]
#   BENCH_BOOTS=N        boots in all when the VM dies mid-sweep [3]
#   BENCH_OUT=DIR        the results directory [bench/results/<time>-<kver>]
#   VM_STOP_ON=REGEX     end a boot whose console matches it, to resume
#                        in the next (BENCH_BOOTS); empty: never
#                        [a fatal kernel fault: Oops, BUG, panic...]
#   VM_MEM [3G], VM_TIMEOUT [14400] and the other VM_* of vm/boot.sh
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
USAGE_SEE=(vm/build-module.sh vm/boot.sh)
usage_noargs "$@"
usage_kver KVER
kver=${KVER:-$("$repo/vm/kernels.sh" | tail -n 1)}
[ -n "$kver" ] || { echo "bench: no kernel with headers installed; run make deps" >&2; exit 2; }

# The guest's clock. icount (default): QEMU advances guest time by the
# instructions the vCPUs execute (-icount shift=0: 1 ns each; sleep=off:
# idle time costs nothing), so every figure is emulated work, repeatable
# to a fraction of a percent whatever else the host runs. wall: guest time
# follows the host's clock, as on a real machine, and a loaded host skews
# it (hostload.sh flags such points).
case ${BENCH_CLOCK:=icount} in
icount) clock_args="-icount shift=0,sleep=off" ;;
wall) clock_args= ;;
*) usage_fail "BENCH_CLOCK: '$BENCH_CLOCK' is not one of: icount wall" ;;
esac

# The names the guest knows, checked here rather than an hour into a boot.
# shellcheck source=bench/knobs.sh
. "$here/knobs.sh"
bench_knobs
usage_uint BENCH_BOOTS
usage_vm_knobs

# The plan: how many points and fio runs, and about how long. Seconds of
# the QEMU process's CPU time, measured on this machine under the icount
# clock (docs/bench/2026-12-03-fast-default.md); with thread=single that
# is the wall time on an idle 2-core host, and a host shared with other
# VMs stretches it (twice, with four others running). A guest second of
# fio I/O costs est_per_s; each fio run (a group of points: bench/guest/
# sweep.sh) est_per_run more, each point in it est_per_point, and each
# random-read point's two interrupt snapshots est_per_snap; a module
# reload with its fill est_per_reload, a bpftrace attach and stop
# est_per_attach; the boot, the devices' set-up and the report
# est_fixed. Hundredths, to keep to the shell's integers.
est_per_s=320 est_per_run=65 est_per_point=15 est_per_snap=30
est_per_reload=200 est_per_attach=2800 est_fixed=4000
read -r points runs reloads attaches snaps < <(bench_planned)
run_ms=$(( $(bench_ms "$BENCH_RUNTIME") + $(bench_ms "$BENCH_RAMP") ))
est=$(( (est_fixed + points * (run_ms * est_per_s / 1000 + est_per_point) +
	 runs * est_per_run + snaps * est_per_snap + reloads * est_per_reload +
	 attaches * est_per_attach) / 100 ))
echo "bench: plan: $points points of $BENCH_RUNTIME (ramp $BENCH_RAMP) in $runs fio runs, $BENCH_REPS repeats, devices $BENCH_DEVICES; about $(( (est + 30) / 60 )) min of emulation (the wall time on an idle 2-core host; other VMs on it stretch that)"

out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-$kver}
mkdir -p "$out"
out=$(readlink -f "$out")

# The hooks of vm_each_kernel (vm/each-kernel.sh), for this one kernel.
# The guest runs what a user runs on their own machine (make bench-here),
# with the module built here, and leaves the report to this side, where
# the host-load samples are.
each_job() {
	local v
	EACH_OUT=$out
	EACH_JOB=$out/sweep-job.sh
	echo "bench: building blk_example for $kver"
	"$repo/vm/build-module.sh" "$kver"
	{
		for v in BENCH_MB BENCH_REPS BENCH_RUNTIME BENCH_RAMP BENCH_DEPTHS \
			 BENCH_NUMJOBS BENCH_WORKLOADS BENCH_DEVICES BENCH_WQ_MODES \
			 BENCH_VARIANT_DEPTHS BENCH_STAGE_DEPTHS BENCH_POLL_DEPTHS \
			 BLKEX_ARGS BENCH_CLOCK; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		echo "export BLKEX_KO=/mnt/repo/build/$kver/blk_example.ko"
		echo "export BENCH_OUT=/mnt/out BENCH_REPORT=0"
		echo 'exec bash /mnt/repo/bench/here.sh'
	} > "$EACH_JOB"
	{
		echo "host: $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1048576) " GiB" }' /proc/meminfo), $(uname -r)"
		echo "qemu: $(qemu-system-x86_64 --version | head -n 1)"
		echo "vm: -accel tcg,thread=single -smp ${VM_CPUS:-2} -m ${VM_MEM:-3G} $clock_args"
		echo "commit: $(git -C "$repo" describe --always --dirty 2> /dev/null || echo unknown)"
	} > "$out/machine.txt"
	before=0
}

# The emulator has been seen to crash a guest kernel now and then under
# icount (a double fault or an oops with garbage EFLAGS, in code the
# driver never runs, and not again on a rerun). A sweep whose VM died
# boots again and resumes after the last finished point
# (BENCH_RESUME=1, bench/guest/sweep.sh), up to BENCH_BOOTS boots in all,
# as long as each boot finished at least one point; each dead boot's
# console is kept as console.died-N.log. A guest that faulted does not
# always die: after an oops in fio's submission it hung until VM_TIMEOUT
# (4 h), so a boot is also ended at the console's first fatal fault.
export VM_STOP_ON=${VM_STOP_ON-'Oops|BUG: |double fault|general protection fault|Kernel panic'}
each_again() {
	local status=$2 boot=$3 after
	after=$(wc -l 2> /dev/null < "$out/points.log" || echo 0)
	(( boot < ${BENCH_BOOTS:-3} && after > before )) || return 1
	cp "$out/console.log" "$out/console.died-$boot.log"
	echo "bench: the VM died after $after points (status $status, boot $boot of ${BENCH_BOOTS:-3}; console: $out/console.died-$boot.log); booting again to resume" >&2
	grep -q '^export BENCH_RESUME=1$' "$EACH_JOB" ||
		sed -i '1i export BENCH_RESUME=1' "$EACH_JOB"
	before=$after
}

each_done() {
	local status=$2
	kill "$sampler" 2> /dev/null || true
	if [ "$status" != 0 ]; then
		echo "bench: the sweep failed (status $status); see $out/serial.log and $out/console.log" >&2
		exit "$status"
	fi
}

"$here/hostload.sh" "$out/hostload.log" "$out/qemu.pid" &
sampler=$!
trap 'kill "$sampler" 2> /dev/null || true' EXIT
echo "bench: results in $out"
VM_MEM=${VM_MEM:-3G} VM_TIMEOUT=${VM_TIMEOUT:-14400} \
VM_QEMU_ARGS="${VM_QEMU_ARGS:-} $clock_args" \
	vm_each_kernel "$kver"

"$here/sweep_report.py" "$out"
echo "bench: report: $out/report.md"
