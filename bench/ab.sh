#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/ab.sh NAME=REV[:MAKEARG...][+PARAM...] NAME=... ...
# Builds of blk_example side by side in one VM boot. Each NAME is the
# driver's sources (Kbuild, blk_example/) at git revision REV, "." for the
# working tree, built with the make arguments after the colons and loaded
# with the module parameters after the plus signs. The guest
# (bench/guest/ab.sh) loads each build in turn beside null_blk
# (memory_backed=1, irqmode=0) and runs one fio point per depth; every
# repeat runs them all, in a rotated order, so drift hits all alike. The
# guest clock counts instructions (as bench/run.sh's BENCH_CLOCK=icount),
# so a change of a percent shows even on a loaded host. bench/ab.py then
# prints per depth each build's median IOPS and mean latency and their
# ratios to the first build and to null_blk.
#
#   bench/ab.sh before=cc153df~ after=cc153df     what one commit changed
#   bench/ab.sh notrace=.:BLKEX_TRACEPOINTS=n normal=.   (bench/tracecost.sh)
#   bench/ab.sh q128=. q256=.+queue_depth=256      one build, two settings
#
# Results land in bench/results/<time>-ab-<kver>/: NAME.ko, NAME.args,
# raw/, ab.txt. Before it builds anything it refuses (status 2) fewer than
# two builds, a malformed or repeated NAME, a REV git does not know, an
# unknown option, a name that is not a workload or module parameter and a
# number that is not one. -h or --help prints this.
#
# Environment: AB_WORKLOAD (default randread-4k; one of randread-4k
# randwrite-4k randrw70-4k seqread-128k seqwrite-128k, as
# bench/guest/workloads.sh), AB_DEPTHS (iodepths, "1 16 32"), AB_NUMJOBS
# (1), AB_REPS (5), BENCH_MB (device size in MiB, 64), BENCH_RUNTIME
# (seconds a point, 3), BENCH_RAMP (ramp-up seconds, 0 allowed, 1),
# AB_HIPRI (1: polled I/O, fio --hipri, for every build whose disk has
# poll queues (queue/io_poll 1; the others run unpolled), and null_blk
# gets a poll queue and is polled too; 0, the default: nothing polled),
# BLKEX_ARGS (module parameters of every build, NAME=VALUE each; none),
# KVER (default: the newest kernel with headers), BENCH_OUT (results
# directory), VM_MEM (3G), VM_TIMEOUT (3600), VM_QEMU_ARGS and the other
# VM_* knobs of vm/boot.sh.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=vm/each-kernel.sh
. "$repo/vm/each-kernel.sh"
USAGE_SEE=(vm/boot.sh)
if usage_is_help "$@"; then
	usage_help
	exit 0
fi

# _spec SPEC: split NAME=REV[:MAKEARG...][+PARAM...] into name, rev,
# parts (REV and the make arguments) and params.
_spec() {
	local build
	name=${1%%=*}
	build=${1#*=}
	params=
	if [[ $build == *+* ]]; then
		params=${build#*+}
		params=${params//+/ }
		build=${build%%+*}
	fi
	IFS=: read -ra parts <<< "$build"
	rev=${parts[0]:-}
}

seen=" "
for spec in "$@"; do
	[[ $spec != -* ]] || usage_bad "unknown option '$spec'"
	_spec "$spec"
	[[ $spec == *=* && $name =~ ^[a-z0-9-]+$ && -n $rev ]] ||
		usage_bad "'$spec' is not NAME=REV[:MAKEARG...][+PARAM...] (NAME: a-z, 0-9, -)"
	[[ $seen != *" $name "* ]] || usage_fail "$name given twice"
	seen+="$name "
	[ "$rev" = . ] || git -C "$repo" rev-parse -q --verify "$rev^{commit}" > /dev/null ||
		usage_fail "$name: git knows no revision '$rev'"
	# shellcheck disable=SC2034 # read by usage_blkex_args
	spec_params=$params
	usage_blkex_args spec_params "$name's parameters"
done
[ $# -ge 2 ] || usage_bad "needs two builds or more"
usage_kver KVER
# shellcheck source=bench/guest/workloads.sh
. "$here/guest/workloads.sh"
mapfile -t wls < <(printf '%s\n' "${!WORKLOAD[@]}" | sort)
[ -z "${AB_WORKLOAD:-}" ] || usage_in AB_WORKLOAD "$AB_WORKLOAD" "${wls[@]}"
usage_uint AB_DEPTHS AB_NUMJOBS AB_REPS BENCH_MB BENCH_RUNTIME
[ -z "${AB_HIPRI:-}" ] || usage_in AB_HIPRI "$AB_HIPRI" 0 1
USAGE_MIN=0 usage_uint BENCH_RAMP
usage_blkex_args BLKEX_ARGS
usage_vm_knobs

kver=${KVER:-$("$repo/vm/kernels.sh" | tail -n 1)}
[ -n "$kver" ] || { echo "ab: no kernel with headers installed; run make deps" >&2; exit 2; }
kdir=/lib/modules/$kver/build
out=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-ab-$kver}
mkdir -p "$out"
out=$(readlink -f "$out")

# The hooks of vm_each_kernel (vm/each-kernel.sh), for this one kernel:
# every build, and the job that runs them side by side.
each_job() {
	local spec mod tree what v
	EACH_OUT=$out
	EACH_JOB=$out/ab-job.sh
	names=()
	: > "$out/machine.txt"
	for spec in "${specs[@]}"; do
		_spec "$spec"
		mod=$repo/build/ab/$kver/$name
		rm -rf "$mod"
		mkdir -p "$mod"
		if [ "$rev" = . ]; then
			tree=$repo
			rev="working tree ($(git -C "$repo" describe --always --dirty))"
		else
			tree=$mod/tree
			mkdir "$tree"
			git -C "$repo" archive "$rev" Kbuild blk_example | tar -x -C "$tree"
			rev="$rev ($(git -C "$repo" rev-parse --short "$rev"))"
		fi
		what="$rev${parts[1]:+ ${parts[*]:1}}${params:+, loaded with $params}"
		echo "ab: building $name: $what"
		TEST_KDIR=$kdir MODULE_SRC=$tree MODULE_OUT=$mod \
			"$repo/vm/build-module.sh" "$kver" "${parts[@]:1}"
		cp "$mod/blk_example.ko" "$out/$name.ko"
		echo "$params" > "$out/$name.args"
		echo "$name: $what" >> "$out/machine.txt"
		names+=("$name")
	done
	{
		printf 'export AB_BUILDS=%q\n' "${names[*]}"
		for v in AB_WORKLOAD AB_DEPTHS AB_NUMJOBS AB_REPS BENCH_MB BENCH_RUNTIME \
			 BENCH_RAMP BLKEX_ARGS AB_HIPRI; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		echo 'exec bash /mnt/repo/bench/guest/ab.sh'
	} > "$EACH_JOB"
	echo "ab: results in $out"
}

# A failed boot ends the run with its status, as boot.sh's own would.
each_done() {
	[ "$2" = 0 ] || exit "$2"
}

specs=("$@")
VM_MEM=${VM_MEM:-3G} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -icount shift=0,sleep=off" \
	vm_each_kernel "$kver"

"$here/ab.py" "$out" "${names[@]}" | tee "$out/ab.txt"
