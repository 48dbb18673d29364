#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by bench/run.sh (make bench) and bench/here.sh (make
# bench-here), after tests/lib/usage.sh: bench_knobs checks the sweep's
# knobs against the names the guest scripts know, on the host rather
# than an hour into a boot, and sets the grid's defaults
# (bench/guest/grid.sh). Every check exits 2 naming the valid values.

bench_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=bench/guest/workloads.sh
. "$bench_dir/guest/workloads.sh"
# shellcheck source=bench/guest/devices.sh
. "$bench_dir/guest/devices.sh"

bench_knobs() {
	local mode
	local -a wls devs wq_modes work_cpus modes
	usage_oneof BENCH_QUICK 0 1
	usage_oneof BENCH_FULL 0 1
	[ "${BENCH_QUICK:-0}" = 0 ] || [ "${BENCH_FULL:-0}" = 0 ] ||
		usage_fail "BENCH_QUICK=1 and BENCH_FULL=1: pick one"
	# shellcheck source=bench/guest/grid.sh
	. "$bench_dir/guest/grid.sh"
	mapfile -t wls < <(printf '%s\n' "${!WORKLOAD[@]}" | sort)
	usage_oneof BENCH_WORKLOADS "${wls[@]}"
	mapfile -t devs < <(printf '%s\n' "${!BENCH_DEV[@]}" | sort)
	usage_oneof BENCH_DEVICES "${devs[@]}"
	mapfile -t wq_modes < <(usage_c_names blkex_wq_mode_names)
	mapfile -t work_cpus < <(usage_c_names blkex_work_cpu_names)
	read -ra modes <<< "${BENCH_WQ_MODES:-}"
	for mode in "${modes[@]}"; do
		usage_in "BENCH_WQ_MODES workqueue" "${mode%@*}" "${wq_modes[@]}"
		[[ $mode != *@* ]] || usage_in "BENCH_WQ_MODES work_cpu" "${mode#*@}" "${work_cpus[@]}"
	done
	usage_uint BENCH_DEPTHS BENCH_NUMJOBS BENCH_REPS BENCH_MB \
		BENCH_VARIANT_DEPTHS BENCH_STAGE_DEPTHS BENCH_POLL_DEPTHS
	if ! [[ $BENCH_RUNTIME =~ ^[0-9]+(ms)?$ ]] || (( 10#${BENCH_RUNTIME%ms} == 0 )); then
		usage_fail "BENCH_RUNTIME: '$BENCH_RUNTIME' is not a time > 0 such as 2 (seconds) or 250ms"
	fi
	[[ $BENCH_RAMP =~ ^[0-9]+(ms)?$ ]] ||
		usage_fail "BENCH_RAMP: '$BENCH_RAMP' is not a time such as 0, 1 (seconds) or 500ms"
	usage_blkex_args BLKEX_ARGS
}

# bench_planned: what the grid bench_knobs set runs, with the stage phase
# if this machine has bpftrace and tracing/stages.bt, as one line: POINTS
# RUNS RELOADS ATTACHES SNAPS (bench_points, then bench_runs, grid.sh).
bench_planned() {
	local have_stages=0
	local -a plan_devs
	[ ! -x "$bench_dir/../tracing/stages.bt" ] || ! command -v bpftrace > /dev/null ||
		have_stages=1
	read -ra plan_devs <<< "$BENCH_DEVICES"
	echo "$(bench_points "$have_stages" "${plan_devs[@]}")" \
		"$(bench_runs "$have_stages" "${plan_devs[@]}")"
}
