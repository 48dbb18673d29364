#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: sudo bench/here.sh [-h|--help]   (what `sudo make bench-here` runs)
# The bench on the running kernel of this machine, with no VM and its
# real clock: builds blk_example.ko for it (vm/build-module.sh), loads
# blk_example, brd and null_blk side by side, runs the same fio sweep as
# make bench (bench/guest/sweep.sh, with BENCH_REPO this checkout) and
# turns it into the same CSV, report and plots (bench/sweep_report.py).
# machine.txt, at the top of the report, names the machine (host name,
# CPU model, CPUs, memory), the kernel and the clock. `make bench` runs
# this same script inside the VM it boots (BENCH_CLOCK=icount or wall,
# BENCH_REPORT=0: the report is made on the host).
#
# Before it builds or loads anything it refuses, with status 2 and one
# line naming the fix (tests/lib/here-checks.sh): an unknown argument; a
# knob bench/run.sh would refuse; a KVER that is not the running kernel;
# not root; a kernel that cannot load the module (no module support,
# modules_disabled, or module.sig_enforce or lockdown with an unsigned
# module); no kernel headers at KDIR when it must build; blk_example, brd
# or null_blk already loaded, something mounted on /mnt/blkex* or
# /mnt/bench-tmpfs, or /dev/loop0 or /dev/loop1 in use while a loop-tmpfs
# device is asked for (the sweep takes those two); fio missing, or
# python3 or gnuplot when it makes the report. It leaves the machine as
# it found it: the modules it loaded unloaded, the loop devices detached,
# nothing mounted on /mnt/blkex* or /mnt/bench-tmpfs, its mount points
# and temporary files removed, also when interrupted.
#
# Environment: the sweep's knobs of bench/run.sh (below), and
#   KVER=RELEASE         the kernel to build for [`uname -r`]; it must be
#                        the running one
#   KDIR=DIR             its build tree [/lib/modules/KVER/build]
#   BLKEX_KO=FILE        a module built already: no build (make bench
#                        passes the one it built for the VM's kernel)
#   BENCH_OUT=DIR        the results directory
#                        [bench/results/<time>-here-<kver>]
#   BENCH_CLOCK=host|icount|wall  the clock this machine's time comes
#                        from, for machine.txt and the report [host: its
#                        real clock]; make bench sets its VM's
#   BENCH_REPORT=0|1     1: make the report here [1]
#   HERE_SYSROOT=DIR     for tests only (tests/host/tooling/009-here-refuses.sh):
#                        read the proc and sys files the checks read
#                        under DIR
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=tests/lib/here-checks.sh
. "$repo/tests/lib/here-checks.sh"
# shellcheck source=bench/knobs.sh
. "$here/knobs.sh"
USAGE_SEE=(bench/run.sh)
usage_noargs "$@"
bench_knobs
usage_oneof BENCH_CLOCK host icount wall
usage_oneof BENCH_REPORT 0 1
clock=${BENCH_CLOCK:-host}
report=${BENCH_REPORT:-1}

tools=(fio losetup)
[ "$report" = 0 ] || tools+=(python3 gnuplot)
here_checks "make bench-here" "make bench KVER" "${tools[@]}"
sys=${HERE_SYSROOT:-}
! grep -qs ' /mnt/bench-tmpfs ' "$sys/proc/mounts" ||
	usage_fail "/mnt/bench-tmpfs mounted, and the sweep mounts its tmpfs there: umount it first"
if [[ " $BENCH_DEVICES " == *" loop-tmpfs"* ]]; then
	for d in loop0 loop1; do
		[ ! -e "$sys/sys/block/$d/loop/backing_file" ] ||
			usage_fail "/dev/$d is in use, and the sweep's loop-tmpfs devices are /dev/loop0 and /dev/loop1: losetup -d /dev/$d, or leave loop-tmpfs out of BENCH_DEVICES"
	done
fi

kver=$here_kver
out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-here-$kver}
here_leave_on_exit
mkdir -p "$out"
out=$(readlink -f "$out")

read -r points runs _ < <(bench_planned)
run_ms=$(( $(bench_ms "$BENCH_RUNTIME") + $(bench_ms "$BENCH_RAMP") ))
echo "bench: plan: $points points of $BENCH_RUNTIME (ramp $BENCH_RAMP) in $runs fio runs, $BENCH_REPS repeats, devices $BENCH_DEVICES; $((points * run_ms / 1000)) s of fio, plus each run's start and the set-up"
echo "bench: results in $out"

ko=$here_ko
if [ -z "$ko" ]; then
	here_build "$out/build.log" || exit 1
	ko=$here_ko
fi

# What produced these figures. make bench wrote its host's and the VM's
# lines first (and the commit, which the guest may not read); a resumed
# sweep has them all already.
declare -A clocks=(
	[host]="host (this machine's real clock; no emulator)"
	[icount]="icount (QEMU counts instructions: 1 ns each)"
	[wall]="wall (QEMU follows the host's clock)"
)
_machine() {
	grep -qs "^$1: " "$out/machine.txt" || echo "$1: $2" >> "$out/machine.txt"
}
_machine machine "$(hostname), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1048576 + 0.5) " GiB" }' /proc/meminfo)"
_machine kernel "$kver"
_machine clock "${clocks[$clock]}"
_machine fio "$(fio --version)"
_machine commit "$(git -C "$repo" describe --always --dirty 2> /dev/null || echo unknown)"

BENCH_REPO=$repo BENCH_OUT=$out BLKEX_KO=$(readlink -f "$ko") TMPDIR=$here_tmp \
	bash "$repo/bench/guest/sweep.sh" < /dev/null 2>&1 | tee -a "$out/sweep.log"

if [ "$report" = 1 ]; then
	"$here/sweep_report.py" "$out"
	echo "bench: report: $out/report.md"
fi
