#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The queue-depth sweep, run by bench/here.sh (make bench-here, and inside
# the VM of make bench) as root. BENCH_REPO is the checkout (default
# /mnt/repo, the VM's), BENCH_OUT the results (default /mnt/out), BLKEX_KO
# the module (default BENCH_REPO/build/KVER/blk_example.ko). Writes to
# BENCH_OUT: raw/*.json (fio json+ per point), points.log (one line per
# point: start and end time, device, workload, numjobs, iodepth, repeat,
# file), irqs.log (per point: file, then how many BLOCK softirqs, local
# timer interrupts and function-call IPIs the point took, summed over the
# CPUs: where completions ran), devices.txt (each device and what it is,
# or why it is left out). Devices run interleaved point by point so drift
# in the emulated CPU hits all of them alike.
#
# BENCH_RESUME=1 (bench/run.sh, booting again after the VM died): the
# points that points.log lists were finished by an earlier boot and are
# skipped, so a crash costs the point it hit, not the run.
#
# Phases: (1) the sweep over BENCH_WORKLOADS x BENCH_NUMJOBS x BENCH_DEPTHS,
# each point BENCH_REPS times for every device but nullblk-poll; (2) the
# polled points: random reads on nullblk-poll with fio --hipri at
# BENCH_POLL_DEPTHS (and on blk_example, if it has poll queues); (3)
# blk_example's workqueue flavours (BENCH_WQ_MODES) side by side with
# null_blk; (4) the per-stage breakdown and the cost of tracing (when
# tracing/stages.bt exists). The grid's knobs and defaults are in
# bench/guest/grid.sh.
set -euo pipefail

repo=${BENCH_REPO:-/mnt/repo}
out=${BENCH_OUT:-/mnt/out}
ko=${BLKEX_KO:-$repo/build/$(uname -r)/blk_example.ko}
# shellcheck source=bench/guest/devices.sh
. "$repo/bench/guest/devices.sh"
# shellcheck source=bench/guest/workloads.sh
. "$repo/bench/guest/workloads.sh"
# shellcheck source=tracing/lib/bt.sh
. "$repo/tracing/lib/bt.sh"

# shellcheck source=bench/guest/grid.sh
. "$repo/bench/guest/grid.sh"
: "${BLKEX_ARGS:=}"

mkdir -p "$out/raw"
if [ "${BENCH_RESUME:-0}" = 1 ]; then
	touch "$out/points.log" "$out/irqs.log"
else
	: > "$out/points.log"
	: > "$out/irqs.log"
fi
bench_lists

have_stages=0
if [ -x "$repo/tracing/stages.bt" ] && command -v bpftrace > /dev/null; then
	have_stages=1
fi

done_points=0

# _progress WHAT: the point about to run, as [N/TOTAL]. No time left:
# guest time under icount is not the host's (idle spells jump ahead);
# bench/run.sh's plan line gives the host's estimate.
_progress() {
	done_points=$((done_points + 1))
	printf 'bench: [%d/%d] %s\n' "$done_points" "$total" "$*"
}

# _point_file LABEL WORKLOAD NUMJOBS IODEPTH REP: the point's fio output.
_point_file() {
	echo "raw/${2}_nj${3}_qd${4}_r${5}_${1}.json"
}

# _point_done FILE: an earlier boot of a resumed run finished that point
# (points.log gets its line only once fio has written FILE).
_point_done() {
	grep -q " $1\$" "$out/points.log"
}

# _irq_sum FILE KEY: the numbers on FILE's line that starts with KEY
# (/proc/softirqs, /proc/interrupts), summed over the CPUs. Builtins only:
# under emulation every process a point starts costs time.
_irq_sum() {
	local key rest v sum=0
	while read -r key rest; do
		[ "$key" = "$2" ] || continue
		for v in $rest; do
			[[ $v =~ ^[0-9]+$ ]] && sum=$((sum + v))
		done
		break
	done < "$1"
	echo "$sum"
}

_irq_counts() {
	echo "$(_irq_sum /proc/softirqs BLOCK:) $(_irq_sum /proc/interrupts LOC:) $(_irq_sum /proc/interrupts CAL:)"
}

# _point LABEL DEV WORKLOAD NUMJOBS IODEPTH REP [FIO ARGS...]; hipri=1
# in its environment polls (io_uring IOPOLL).
_point() {
	local label=$1 dev=$2 wl=$3 nj=$4 qd=$5 rep=$6 rw bs mix size file start
	local -a i0 i1
	shift 6
	read -r rw bs mix <<< "${WORKLOAD[$wl]}"
	size=$((100 / nj))%
	file=$(_point_file "$label" "$wl" "$nj" "$qd" "$rep")
	if _point_done "$file"; then
		_progress "$label $wl numjobs=$nj iodepth=$qd rep $rep: done before"
		return 0
	fi
	_progress "$label $wl numjobs=$nj iodepth=$qd rep $rep"
	read -ra i0 <<< "$(_irq_counts)"
	start=$EPOCHREALTIME
	DEV=$dev RW=$rw BS=$bs RWMIX=$mix IODEPTH=$qd NUMJOBS=$nj HIPRI=${hipri:-0} \
	RUNTIME=$BENCH_RUNTIME RAMP=$BENCH_RAMP SIZE=$size \
		fio "$repo/bench/sweep.fio" --output-format=json+ \
		--output="$out/$file" "$@"
	read -ra i1 <<< "$(_irq_counts)"
	echo "$file $((i1[0] - i0[0])) $((i1[1] - i0[1])) $((i1[2] - i0[2]))" >> "$out/irqs.log"
	echo "$start $EPOCHREALTIME $label $wl $nj $qd $rep $file" >> "$out/points.log"
}

read -ra want <<< "$BENCH_DEVICES"
# shellcheck disable=SC2086 # BLKEX_ARGS is a list of parameters
bench_devices_up "$ko" "$out" "${want[@]}" -- $BLKEX_ARGS > "$out/devices.up"
mapfile -t up < "$out/devices.up"
rm -f "$out/devices.up"
devs=()
polled=()
for d in "${up[@]}"; do
	case $d in
	nullblk-poll) polled+=(nullblk-poll) ;;
	*) devs+=("$d") ;;
	esac
done
# blk_example's polled points, once it has poll queues.
if [ "${#polled[@]}" -gt 0 ] && [[ " ${devs[*]} " == *" blkex "* ]] &&
   [ "$(cat /sys/block/blkex0/queue/io_poll)" = 1 ]; then
	polled+=(blkex)
fi
cat /sys/block/blkex0/queue/io_poll > "$out/blkex-io-poll" 2> /dev/null || true
total=$(bench_points "$have_stages" "${devs[@]}" "${polled[@]}")
total=$((total + (${#polled[@]} > 1 ? ${#pdepths[@]} * BENCH_REPS : 0)))
echo "bench: $(uname -r), $(nproc) CPUs, $BENCH_MB MiB devices (${up[*]}), $total points"
t0=$SECONDS
cat /sys/module/blk_example/parameters/{wq_mode,work_cpu} > "$out/blkex-wq-mode"

# (1) The sweep.
for wl in "${wls[@]}"; do
	for nj in "${njs[@]}"; do
		for qd in "${depths[@]}"; do
			for ((rep = 1; rep <= BENCH_REPS; rep++)); do
				for d in "${devs[@]}"; do
					_point "$d" "${BENCH_DEV[$d]}" "$wl" "$nj" "$qd" "$rep"
				done
			done
		done
	done
done

# (2) Polled: io_uring IOPOLL (fio's hipri), so the submitter reaps its
# own completions from the poll queue. Labelled NAME-hipri but for
# nullblk-poll, which exists for this.
for qd in "${pdepths[@]}"; do
	for ((rep = 1; rep <= BENCH_REPS; rep++)); do
		for d in "${polled[@]}"; do
			label=$d
			[ "$d" = nullblk-poll ] || label=$d-hipri
			hipri=1 _point "$label" "${BENCH_DEV[$d]}" randread-4k 1 "$qd" "$rep"
		done
	done
done

# _blkex_reload PARAMS...: a fresh blk_example with other parameters.
_blkex_reload() {
	rmmod blk_example
	insmod "$ko" num_sectors=$((BENCH_MB * 2048)) "$@"
	_bench_wait_dev /dev/blkex0
	fio --name=fill --filename=/dev/blkex0 --rw=write --bs=1M --direct=1 \
		--ioengine=io_uring --iodepth=8 --output=/dev/null
}

# _traced_point OUTPUT POINT ARGS...: a point with tracing/stages.bt
# attached; its summary goes to OUTPUT. bpftrace needs seconds to attach
# under emulation, so the load starts only once BEGIN has printed. A script
# that does not attach or stop cleanly (tracing/lib/bt.sh) costs that
# point's summary, not the run: the miss goes to stages/misses.log.
_traced_point() {
	local txt=$1
	shift
	if _point_done "$(_point_file "$1" "$3" "$4" "$5" "$6")"; then
		_point "$@"
		return 0
	fi
	bt_start "$txt" "$repo/tracing/stages.bt" ||
		echo "bench: $txt: stages.bt did not attach" | tee -a "$out/stages/misses.log"
	_point "$@"
	bt_stop "$BT_PID" ||
		echo "bench: $txt: stages.bt $BT_ERR" | tee -a "$out/stages/misses.log"
}

# (3) Workqueue flavours, each reloaded and compared with null_blk in turn.
# An entry is WQ_MODE or WQ_MODE@WORK_CPU (work_cpu defaults to auto).
for mode in "${modes[@]}"; do
	cpu=auto
	[[ $mode == *@* ]] && cpu=${mode#*@}
	_blkex_reload wq_mode="${mode%@*}" work_cpu="$cpu"
	for wl in randread-4k randwrite-4k; do
		for qd in "${vdepths[@]}"; do
			for ((rep = 1; rep <= BENCH_REPS; rep++)); do
				_point "wq-$mode" /dev/blkex0 "$wl" 1 "$qd" "$rep"
				_point "wq-$mode-nullblk" /dev/nullb0 "$wl" 1 "$qd" "$rep"
			done
		done
	done
done

# (4) Where the time goes, and what tracing costs: at each depth a run with
# tracing/stages.bt attached and one without, back to back, twice.
if [ "$have_stages" = 1 ]; then
	# shellcheck disable=SC2086 # BLKEX_ARGS is a list of parameters
	_blkex_reload $BLKEX_ARGS
	mkdir -p "$out/stages"
	for wl in randread-4k randwrite-4k; do
		for qd in "${sdepths[@]}"; do
			for rep in 1 2; do
				_traced_point "$out/stages/${wl}_qd${qd}_r${rep}.txt" \
					traced /dev/blkex0 "$wl" 1 "$qd" "$rep"
				_point untraced /dev/blkex0 "$wl" 1 "$qd" "$rep"
			done
		done
	done
fi

bench_devices_down
echo "bench: done in $((SECONDS - t0)) s"
