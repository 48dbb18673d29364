#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The queue-depth sweep, run by bench/here.sh (make bench-here, and inside
# the VM of make bench) as root. BENCH_REPO is the checkout (default
# /mnt/repo, the VM's), BENCH_OUT the results (default /mnt/out), BLKEX_KO
# the module (default BENCH_REPO/build/KVER/blk_example.ko). Each
# (workload, numjobs, iodepth, repeat) is one fio run with one section per
# device, the devices one after another in the same order each time, so
# drift in the emulated CPU hits all of them alike and fio starts once per
# point, not once per device. Writes to BENCH_OUT: groups/*.json (fio json+
# per run; bench/sweep_report.py splits them into raw/<point>.json on the
# report's side), points.log (one line per point: start and end time,
# device, workload, numjobs, iodepth, repeat, file), irqs.log (for the
# one-job random-read points, where completions ran: the point's file,
# then how many BLOCK softirqs, local timer interrupts and function-call
# IPIs its own I/O took, summed over the CPUs, from snapshots fio takes
# just before and after the section; two-job points are not counted, as
# the snapshots would serialise their jobs), devices.txt (each device and
# what it is, or why it is left out).
#
# BENCH_RESUME=1 (bench/run.sh, booting again after the VM died): the fio
# runs whose points points.log lists were finished by an earlier boot and
# are skipped; a run cut short runs again whole.
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

# The finished points (points.log's files), looked up without a process
# per point: under emulation every process a point starts costs time.
declare -A finished=()
while read -r _ _ _ _ _ _ _ file; do
	finished[$file]=1
done < "$out/points.log"

# Every group of points is one fio process (its start under emulation
# costs more than a 250 ms point): the job file is bench/sweep.fio's
# options, then a section per device. fio runs the sections one after
# another (stonewall) and reports each on its own (new_group);
# bench/sweep_report.py splits groups/*.json into raw/*.json, one per
# point, on the host. fio works in a tmpfs directory (guest-init.sh):
# its exec_prerun/exec_postrun output lands there. sweep.fio's own
# filename= stays out: a job's filename= adds to the one it inherits,
# so each section would do half its I/O on the first device.
fio_global=
while IFS= read -r line; do
	[ "$line" = "[point]" ] && break
	[[ $line == filename=* ]] || fio_global+=$line$'\n'
done < "$repo/bench/sweep.fio"
snap=/run/bench-group
mkdir -p "$snap" "$out/groups"
cd "$snap"
groups=0

# _progress N WHAT: N points about to run (or skipped), as [DONE/TOTAL].
# No time left: guest time under icount is not the host's (idle spells
# jump ahead); bench/run.sh's plan line gives the host's estimate.
_progress() {
	done_points=$((done_points + $1))
	shift
	printf 'bench: [%d/%d] %s\n' "$done_points" "$total" "$*"
}

# _snap_sums FILE: BLOCK softirqs, local timer interrupts and function-call
# IPIs in one snapshot (/proc/softirqs then /proc/interrupts), each summed
# over the CPUs, into the array sums. Builtins only.
_snap_sums() {
	local key rest v i sum
	sums=()
	while read -r key rest; do
		case $key in
		BLOCK:) i=0 ;;
		LOC:) i=1 ;;
		CAL:) i=2 ;;
		*) continue ;;
		esac
		sum=0
		for v in $rest; do
			[[ $v =~ ^[0-9]+$ ]] && sum=$((sum + v))
		done
		sums[i]=$sum
	done < "$1"
}

# _irq_delta PREFIX: the interrupts a section took, as "BLOCK LOC CAL" in
# delta (no subshell):
# from the earliest of its PREFIX.pre.* snapshots (exec_prerun, right
# before the section's I/O) to the latest of its PREFIX.post.* ones
# (exec_postrun, right after). With numjobs > 1 every clone takes its
# own; counters only grow, so the smallest "before" and the largest
# "after" span all of the section's I/O.
_irq_delta() {
	local f i
	local -a lo=() hi=() sums
	for f in "$1".pre.*; do
		_snap_sums "$f"
		for i in 0 1 2; do
			[ -n "${lo[i]:-}" ] && (( lo[i] <= sums[i] )) || lo[i]=${sums[i]}
		done
	done
	for f in "$1".post.*; do
		_snap_sums "$f"
		for i in 0 1 2; do
			[ -n "${hi[i]:-}" ] && (( hi[i] >= sums[i] )) || hi[i]=${sums[i]}
		done
	done
	delta="$((hi[0] - lo[0])) $((hi[1] - lo[1])) $((hi[2] - lo[2]))"
}

# _point_name VAR LABEL WORKLOAD NUMJOBS IODEPTH REP: the point's name
# into VAR: its fio section, raw/NAME.json, its line in points.log. No
# subshell: under emulation every process a point starts costs time.
_point_name() {
	printf -v "$1" '%s_nj%s_qd%s_r%s_%s' "$3" "$4" "$5" "$6" "$2"
}

# _group WORKLOAD NUMJOBS IODEPTH REP LABEL=DEV...: the points of these
# devices, in this order, in one fio run; hipri=1 in its environment polls
# (io_uring IOPOLL). Each section is named after its point's file. In a
# group of random reads with one job (the points of the report's "where
# completions ran", the polled points and the flavours) each section
# also takes the interrupt counters right before and after its own I/O,
# and irqs.log gets a line per point. The other groups skip them: two
# snapshots (a shell and a cat each) cost a third of a point under
# emulation, and with two jobs they made the clones' I/O run one after
# the other in guest time (twice the IOPS of the same point without). A
# resumed run skips a group whose points are all finished, and reruns it
# whole if not.
_group() {
	local wl=$1 nj=$2 qd=$3 rep=$4 rw bs mix p label name i start end delta
	local count=0
	local job=$snap/group.fio snapcmd='cat /proc/softirqs /proc/interrupts >'
	local -a labels=() names=() devs=()
	shift 4
	for p in "$@"; do
		labels+=("${p%%=*}")
		devs+=("${p#*=}")
		_point_name name "${p%%=*}" "$wl" "$nj" "$qd" "$rep"
		names+=("$name")
	done
	for name in "${names[@]}"; do
		[ -n "${finished[raw/$name.json]:-}" ] || break
	done
	if [ -n "${finished[raw/$name.json]:-}" ]; then
		for label in "${labels[@]}"; do
			_progress 1 "$label $wl numjobs=$nj iodepth=$qd rep $rep: done before"
		done
		return 0
	fi
	_progress "${#labels[@]}" "$wl numjobs=$nj iodepth=$qd rep $rep: ${labels[*]}"
	groups=$((groups + 1))
	[ "$wl" != randread-4k ] || [ "$nj" != 1 ] || count=1
	{
		printf '%s' "$fio_global"
		for i in "${!names[@]}"; do
			# $$: the shell fio starts, one per clone; the trailing
			# `&& :` takes fio's own redirection of the command's output.
			printf '[%s]\nstonewall\nnew_group\nfilename=%s\n' "${names[i]}" "${devs[i]}"
			[ "$count" = 1 ] || continue
			printf 'exec_prerun=%s %s && :\n' "$snapcmd" "$snap/g$groups.$i.pre.\$\$"
			printf 'exec_postrun=%s %s && :\n' "$snapcmd" "$snap/g$groups.$i.post.\$\$"
		done
	} > "$job"
	read -r rw bs mix <<< "${WORKLOAD[$wl]}"
	start=$EPOCHREALTIME
	DEV=${devs[0]} RW=$rw BS=$bs RWMIX=$mix IODEPTH=$qd NUMJOBS=$nj \
	HIPRI=${hipri:-0} RUNTIME=$BENCH_RUNTIME RAMP=$BENCH_RAMP \
	SIZE=$((100 / nj))% \
		fio "$job" --output-format=json+ --eta=never \
		--output="$out/groups/${names[0]}.json"
	end=$EPOCHREALTIME
	for i in "${!names[@]}"; do
		[ "$count" = 1 ] || break
		_irq_delta "$snap/g$groups.$i"
		echo "raw/${names[i]}.json $delta" >> "$out/irqs.log"
	done
	for i in "${!names[@]}"; do
		echo "$start $end ${labels[i]} $wl $nj $qd $rep raw/${names[i]}.json" >> "$out/points.log"
		finished[raw/${names[i]}.json]=1
	done
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
# bench_points counts nullblk-poll's polled points, and any other device
# as a sweep device: blk_example's polled points come on top.
total=$(bench_points "$have_stages" "${devs[@]}" "${polled[@]:0:1}")
total=$((total + (${#polled[@]} > 1 ? ${#pdepths[@]} * BENCH_REPS : 0)))
echo "bench: $(uname -r), $(nproc) CPUs, $BENCH_MB MiB devices (${up[*]}), $total points"
t0=$SECONDS
cat /sys/module/blk_example/parameters/{wq_mode,work_cpu} > "$out/blkex-wq-mode"

# (1) The sweep: one fio run per workload, job count, depth and repeat,
# every device in it one after another, so drift in the emulated CPU hits
# them alike.
pairs=()
for d in "${devs[@]}"; do
	pairs+=("$d=${BENCH_DEV[$d]}")
done
for wl in "${wls[@]}"; do
	for nj in "${njs[@]}"; do
		for qd in "${depths[@]}"; do
			for ((rep = 1; rep <= BENCH_REPS; rep++)); do
				_group "$wl" "$nj" "$qd" "$rep" "${pairs[@]}"
			done
		done
	done
done

# (2) Polled: io_uring IOPOLL (fio's hipri), so the submitter reaps its
# own completions from the poll queue. Labelled NAME-hipri but for
# nullblk-poll, which exists for this.
pairs=()
for d in "${polled[@]}"; do
	label=$d
	[ "$d" = nullblk-poll ] || label=$d-hipri
	pairs+=("$label=${BENCH_DEV[$d]}")
done
if [ "${#pairs[@]}" -gt 0 ]; then
	for qd in "${pdepths[@]}"; do
		for ((rep = 1; rep <= BENCH_REPS; rep++)); do
			hipri=1 _group randread-4k 1 "$qd" "$rep" "${pairs[@]}"
		done
	done
fi

# _blkex_reload PARAMS...: a fresh blk_example with other parameters.
_blkex_reload() {
	_bench_blkex_cfs_down
	rmmod blk_example
	insmod "$ko" num_sectors=$((BENCH_MB * 2048)) "$@"
	_bench_wait_dev /dev/blkex0
	fio --name=fill --filename=/dev/blkex0 --rw=write --bs=1M --direct=1 \
		--ioengine=io_uring --iodepth=8 --output=/dev/null
}

# _traced_group OUTPUT WORKLOAD NUMJOBS IODEPTH REP LABEL=DEV: a point
# with tracing/stages.bt attached; its summary goes to OUTPUT. bpftrace
# needs seconds to attach under emulation, so the load starts only once
# BEGIN has printed. A script that does not attach or stop cleanly
# (tracing/lib/bt.sh) costs that point's summary, not the run: the miss
# goes to stages/misses.log.
_traced_group() {
	local txt=$1 p=$6 name
	shift
	_point_name name "${p%%=*}" "$1" "$2" "$3" "$4"
	if [ -n "${finished[raw/$name.json]:-}" ]; then
		_group "$@"
		return 0
	fi
	bt_start "$txt" "$repo/tracing/stages.bt" ||
		echo "bench: $txt: stages.bt did not attach" | tee -a "$out/stages/misses.log"
	_group "$@"
	bt_stop "$BT_PID" ||
		echo "bench: $txt: stages.bt $BT_ERR" | tee -a "$out/stages/misses.log"
}

# (3) Workqueue flavours, each reloaded and compared with null_blk in turn
# (the two in one fio run). An entry is WQ_MODE or WQ_MODE@WORK_CPU
# (work_cpu defaults to auto).
for mode in "${modes[@]}"; do
	cpu=auto
	[[ $mode == *@* ]] && cpu=${mode#*@}
	_blkex_reload wq_mode="${mode%@*}" work_cpu="$cpu"
	for wl in randread-4k randwrite-4k; do
		for qd in "${vdepths[@]}"; do
			for ((rep = 1; rep <= BENCH_REPS; rep++)); do
				_group "$wl" 1 "$qd" "$rep" "wq-$mode=/dev/blkex0" \
					"wq-$mode-nullblk=/dev/nullb0"
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
				_traced_group "$out/stages/${wl}_qd${qd}_r${rep}.txt" \
					"$wl" 1 "$qd" "$rep" traced=/dev/blkex0
				_group "$wl" 1 "$qd" "$rep" untraced=/dev/blkex0
			done
		done
	done
fi

bench_devices_down
echo "bench: done in $((SECONDS - t0)) s"
