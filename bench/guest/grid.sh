#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by bench/run.sh (for its checks and the plan line) and, inside
# the VM, by bench/guest/sweep.sh: the grid of a sweep. A BENCH_* knob
# set in the environment wins; the others take BENCH_QUICK=1's values
# (CI: proves the pipeline), BENCH_FULL=1's (the whole grid, hours) or
# the default's (every target of the report, in under 30 minutes here).
# bench_points counts the points that grid makes, bench_runs the fio
# processes, reloads and bpftrace attaches they take.

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_DEPTHS:=1 16}" "${BENCH_WORKLOADS:=randread-4k}"
	: "${BENCH_NUMJOBS:=1}" "${BENCH_REPS:=2}" "${BENCH_MB:=64}"
	: "${BENCH_WQ_MODES:=percpu@next unbound}" "${BENCH_VARIANT_DEPTHS:=16}"
	: "${BENCH_STAGE_DEPTHS:=16}"
elif [ "${BENCH_FULL:-0}" = 1 ]; then
	: "${BENCH_DEPTHS:=1 2 4 8 16 32 64 128}" "${BENCH_RUNTIME:=3}"
	: "${BENCH_RAMP:=1}" "${BENCH_VARIANT_DEPTHS:=1 32}" "${BENCH_MB:=256}"
	: "${BENCH_DEVICES:=blkex blkex-sparse blkex-none brd nullblk nullblk-deferred nullblk-poll loop-tmpfs loop-tmpfs-dio}"
	: "${BENCH_STAGE_DEPTHS:=$BENCH_DEPTHS}" "${BENCH_POLL_DEPTHS:=1 16 128}"
fi
: "${BENCH_MB:=64}"
: "${BENCH_REPS:=3}"
: "${BENCH_RUNTIME:=250ms}"
: "${BENCH_RAMP:=0}"
: "${BENCH_DEPTHS:=1 16 128}"
: "${BENCH_NUMJOBS:=1 2}"
: "${BENCH_WORKLOADS:=randread-4k randwrite-4k randrw70-4k seqread-128k seqwrite-128k}"
: "${BENCH_DEVICES:=blkex blkex-sparse blkex-none brd nullblk nullblk-deferred nullblk-poll loop-tmpfs}"
: "${BENCH_WQ_MODES:=percpu@auto percpu@local percpu@next percpu-highpri unbound unbound-highpri}"
: "${BENCH_VARIANT_DEPTHS:=32}"
: "${BENCH_STAGE_DEPTHS:=32}"
: "${BENCH_POLL_DEPTHS:=1}"

# bench_ms TIME: a fio time, N seconds or Nms, in milliseconds.
bench_ms() {
	case $1 in
	*ms) echo "${1%ms}" ;;
	*) echo $(($1 * 1000)) ;;
	esac
}

# bench_lists: the grid's lists as arrays, for bench_points and the sweep:
# depths njs wls modes vdepths sdepths pdepths. Bash scoping gives them to
# the caller, as its locals if it declared them so.
bench_lists() {
	# shellcheck disable=SC2034 # used by the callers
	{
		read -ra depths <<< "$BENCH_DEPTHS"
		read -ra njs <<< "$BENCH_NUMJOBS"
		read -ra wls <<< "$BENCH_WORKLOADS"
		read -ra modes <<< "$BENCH_WQ_MODES"
		read -ra vdepths <<< "$BENCH_VARIANT_DEPTHS"
		read -ra sdepths <<< "$BENCH_STAGE_DEPTHS"
		read -ra pdepths <<< "$BENCH_POLL_DEPTHS"
	}
}

# _bench_devs DEVICE...: how many of them run in the sweep, into the
# caller's local sweep, and whether nullblk-poll, which runs only in the
# polled phase, is among them (polled: 0 or 1).
_bench_devs() {
	local d
	sweep=0 polled=0
	for d in "$@"; do
		case $d in
		nullblk-poll) polled=1 ;;
		*) sweep=$((sweep + 1)) ;;
		esac
	done
}

# bench_points STAGES DEVICE...: the fio runs of the grid with these
# devices (the polled device runs only in the polled phase), STAGES 1 if
# the stage phase runs.
bench_points() {
	local stages=$1 sweep polled n
	local -a depths njs wls modes vdepths sdepths pdepths
	shift
	_bench_devs "$@"
	bench_lists
	n=$(( ${#wls[@]} * ${#njs[@]} * ${#depths[@]} * BENCH_REPS * sweep +
	      polled * ${#pdepths[@]} * BENCH_REPS +
	      ${#modes[@]} * 2 * ${#vdepths[@]} * BENCH_REPS * 2 +
	      stages * 2 * ${#sdepths[@]} * 2 * 2 ))
	echo "$n"
}

# bench_runs STAGES DEVICE...: what besides the points costs time, for the
# plan line: the fio processes (bench/guest/sweep.sh runs a group of
# points in each: the devices of one workload, job count, depth and
# repeat), the module reloads (a workqueue flavour each, and the stage
# phase's), the bpftrace attaches and the one-job random-read points,
# which take interrupt counts, as "RUNS RELOADS ATTACHES COUNTED".
bench_runs() {
	local stages=$1 sweep polled rr=0 wl nj one=0
	local -a depths njs wls modes vdepths sdepths pdepths
	shift
	_bench_devs "$@"
	bench_lists
	for wl in "${wls[@]}"; do
		[ "$wl" != randread-4k ] || rr=1
	done
	for nj in "${njs[@]}"; do
		[ "$nj" != 1 ] || one=1
	done
	echo "$(( ${#wls[@]} * ${#njs[@]} * ${#depths[@]} * BENCH_REPS * (sweep > 0) +
		  polled * ${#pdepths[@]} * BENCH_REPS +
		  ${#modes[@]} * 2 * ${#vdepths[@]} * BENCH_REPS +
		  stages * 2 * ${#sdepths[@]} * 2 * 2 ))" \
	     "$(( ${#modes[@]} + stages ))" "$(( stages * 2 * ${#sdepths[@]} * 2 ))" \
	     "$(( rr * one * ${#depths[@]} * BENCH_REPS * sweep +
		  polled * ${#pdepths[@]} * BENCH_REPS +
		  ${#modes[@]} * ${#vdepths[@]} * BENCH_REPS * 2 +
		  stages * ${#sdepths[@]} * 2 * 2 ))"
}
