#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the VM entry points (tests/run.sh, tests/soak/run.sh,
# bench/run.sh, bench/ab.sh): the one "for each kernel: build, boot,
# collect" loop. Each of them checks its knobs first, then calls
#
#   vm_each_kernel KVER...
#
# which, for each KVER in turn, calls the caller's hooks:
#   each_job KVER       (required) make the results directory and the
#                       module, write the job the guest runs (an in-place
#                       entry point, exec'd from /mnt/repo), and set
#                       EACH_OUT (the results directory, the guest's
#                       /mnt/out) and EACH_JOB (the job file); leaving
#                       EACH_JOB empty skips the boot (a failed build it
#                       reported).
#   each_line LINE      (optional) each line the VM prints, its job's
#                       output and boot.sh's messages alike; without it
#                       they go to stdout and stderr as they are.
#   each_again KVER STATUS BOOT  (optional) after boot number BOOT ended
#                       with a non-zero STATUS: true to boot again (the
#                       bench resumes a sweep whose VM died).
#   each_done KVER STATUS  (optional) after the last boot, with its status.
# The VM_* knobs reach vm/boot.sh through the environment, as the caller
# sets them. The hooks keep the score; each_again runs where set -e does
# not (an if), the others where it does.

vm_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=tests/lib/kmsg-patterns.sh
. "$vm_dir/../tests/lib/kmsg-patterns.sh"

vm_each_kernel() {
	local kver boot status line
	for kver in "$@"; do
		EACH_OUT='' EACH_JOB=''
		each_job "$kver"
		[ -n "$EACH_JOB" ] || continue
		for (( boot = 1; ; boot++ )); do
			status=0
			if declare -F each_line > /dev/null; then
				while IFS= read -r line; do
					each_line "$line"
				done < <("$vm_dir/boot.sh" "$kver" "$EACH_JOB" "$EACH_OUT" 2>&1)
				wait "$!" || status=$?
			else
				"$vm_dir/boot.sh" "$kver" "$EACH_JOB" "$EACH_OUT" || status=$?
			fi
			if [ "$status" = 0 ] || ! declare -F each_again > /dev/null ||
			   ! each_again "$kver" "$status" "$boot"; then
				break
			fi
		done
		if declare -F each_done > /dev/null; then
			each_done "$kver" "$status"
		fi
	done
}

# vm_build KVER OUT [MAKE ARGS...]: build the module for KVER into
# build/KVER (vm/build-module.sh), its output in OUT/build.log; on failure
# print that log as TAP comments and return 1.
vm_build() {
	local kver=$1 out=$2
	shift 2
	"$vm_dir/build-module.sh" "$kver" "$@" > "$out/build.log" 2>&1 && return 0
	sed 's/^/#   /' "$out/build.log"
	return 1
}

# vm_console_clean OUT: the VM's kernel console (OUT/console.log) is
# there and has no oops, warning or lockdep report; else print the first
# five such lines and return 1.
vm_console_clean() {
	local bad
	bad=$(grep -E "$KMSG_BAD" "$1/console.log" 2> /dev/null | head -n 5 || true)
	[ -n "$bad" ] && echo "$bad"
	[ -s "$1/console.log" ] && [ -z "$bad" ]
}
