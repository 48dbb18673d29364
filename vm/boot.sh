#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: boot.sh [-h|--help] KVER JOB OUTDIR
# Boots Debian kernel KVER under QEMU (TCG), runs the bash script JOB inside
# it (see guest-init.sh) and streams the job's output to stdout. The guest
# sees the host's root read-only as /, this repository read-only at
# /mnt/repo and OUTDIR writable at /mnt/out; the kernel console goes to
# OUTDIR/console.log. Exits with the job's status; 124 if the VM ran past
# VM_TIMEOUT seconds, 125 if it died without reporting a status or had not
# started the job after VM_BOOT_TIMEOUT seconds (a kernel that hangs while
# it boots would otherwise hold a run for all of VM_TIMEOUT).
#
# A boot that never reaches the job is tried again, up to VM_BOOT_TRIES
# times in all: nothing of this repository has run in the guest by then
# (the job loads the module), so the fault is the kernel's or the
# emulator's, and it should not fail a run of the driver's tests (the
# debug kernel stopped like this in about one boot in ten until
# tests/debug/run.sh passed no5lvl; see there). Each such boot's console
# is kept as console.boot-N.log and named on stderr; a stop after the job
# started is never retried.
#
# Environment: VM_ACCEL (tcg, the default, or kvm: -accel kvm -cpu host
# instead of TCG, 10-100 times faster where KVM works; opt-in, because on
# this project's 2-core CI host /dev/kvm exists but stock kernels hang
# booting under it, so kvm is untested beyond QEMU's command line),
# VM_MEM (default 2G), VM_CPUS (2), VM_TIMEOUT (1800),
# VM_BOOT_TIMEOUT (600), VM_BOOT_TRIES (2), VM_STOP_ON (an extended regex:
# stop the VM, with status 126, once the kernel console matches it; for
# tests that expect a crash the kernel survives, such as an oops in a
# kworker, which otherwise leaves the job hung until VM_TIMEOUT),
# VM_APPEND (extra kernel command line), VM_KERNEL (image; default
# /boot/vmlinuz-KVER), VM_MODULES (a root holding lib/modules/KVER, for a
# kernel that is not installed: shared as the guest's /lib/modules),
# VM_QEMU_ARGS (extra QEMU options, split on spaces).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
if usage_is_help "$@"; then
	usage_help
	exit 0
fi
[ "$#" = 3 ] || usage_bad "takes KVER JOB OUTDIR, not: $*"
usage_oneof VM_ACCEL tcg kvm
kver=$1
job=$2
out=$3
kernel=${VM_KERNEL:-/boot/vmlinuz-$kver}
timeout=${VM_TIMEOUT:-1800}
boot_timeout=${VM_BOOT_TIMEOUT:-600}

[ -r "$kernel" ] || { echo "boot.sh: no kernel image $kernel" >&2; exit 2; }
mkdir -p "$out"
out=$(readlink -f "$out")
cp "$job" "$out/job.sh"

modules=${VM_MODULES:-/}/lib/modules
initrd=$repo/build/vm/initramfs-$kver.img
if [ ! -s "$initrd" ] || [ "$here/initramfs-init" -nt "$initrd" ] ||
   [ "$here/mkinitramfs.sh" -nt "$initrd" ] ||
   [ "$modules/$kver/modules.dep" -nt "$initrd" ]; then
	mkdir -p "$(dirname "$initrd")"
	"$here/mkinitramfs.sh" "$kver" "$initrd"
fi

share=security_model=none,multidevs=remap
case ${VM_ACCEL:-tcg} in
tcg) accel=(-accel 'tcg,thread=single' -cpu max) ;;
kvm) accel=(-accel kvm -cpu host) ;;
esac
read -ra extra <<< "${VM_QEMU_ARGS:-}"
if [ -n "${VM_MODULES:-}" ]; then
	extra+=(-virtfs "local,path=$modules,mount_tag=modules,readonly=on,$share")
fi

# One boot: runs the VM to its end and prints its status as above.
boot_once() {
	local qemu tailer status=0 start=$SECONDS

	rm -f "$out/job.rc" "$out/job.started" "$out/serial.log" \
		"$out/console.log" "$out/qemu.pid"
	# thread=single: multi-threaded TCG has been seen to oops while a
	# stock kernel patches its own code at boot; KVM is opt-in (above).
	qemu-system-x86_64 \
		"${accel[@]}" -smp "${VM_CPUS:-2}" \
		-m "${VM_MEM:-2G}" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS1 loglevel=5 panic=-1 mitigations=off ${VM_APPEND:-}" \
		-serial "file:$out/serial.log" -serial "file:$out/console.log" \
		-virtfs "local,path=/,mount_tag=hostroot,readonly=on,$share" \
		-virtfs "local,path=$repo,mount_tag=repo,readonly=on,$share" \
		-virtfs "local,path=$out,mount_tag=out,$share" \
		"${extra[@]}" < /dev/null > "$out/qemu.log" 2>&1 &
	qemu=$!
	echo "$qemu" > "$out/qemu.pid"

	touch "$out/serial.log"
	# sed -u: line by line, so a run's results show as they come (tr
	# would hold them in its buffer until the VM ends).
	tail -n +1 -f "$out/serial.log" --pid="$qemu" | sed -u 's/\r//g' >&3 &
	tailer=$!

	while kill -0 "$qemu" 2>/dev/null; do
		if (( SECONDS - start > timeout )); then
			echo "boot.sh: $kver ran past ${timeout}s, stopping the VM" >&2
			kill "$qemu" 2>/dev/null || true
			status=124
			break
		fi
		if [ -n "${VM_STOP_ON:-}" ] &&
		   grep -Eq "$VM_STOP_ON" "$out/console.log" 2> /dev/null; then
			echo "boot.sh: $kver console matched VM_STOP_ON, stopping the VM" >&2
			kill "$qemu" 2>/dev/null || true
			status=126
			break
		fi
		if [ ! -e "$out/job.started" ] &&
		   (( SECONDS - start > boot_timeout )); then
			echo "boot.sh: $kver had not started the job after ${boot_timeout}s, stopping the VM; see $out/console.log" >&2
			kill "$qemu" 2>/dev/null || true
			status=125
			break
		fi
		sleep 1
	done
	wait "$qemu" 2>/dev/null || true
	wait "$tailer" 2>/dev/null || true

	if [ "$status" = 0 ]; then
		if [ -s "$out/job.rc" ]; then
			status=$(cat "$out/job.rc")
		else
			echo "boot.sh: the VM stopped without a job status; see $out/console.log" >&2
			status=125
		fi
	fi
	echo "$status"
}

tries=${VM_BOOT_TRIES:-2}
rm -f "$out"/console.boot-*.log
exec 3>&1
for (( try = 1; ; try++ )); do
	status=$(boot_once)
	if [ "$status" != 125 ] || [ -e "$out/job.started" ] ||
	   (( try >= tries )); then
		break
	fi
	cp "$out/console.log" "$out/console.boot-$try.log"
	echo "boot.sh: $kver stopped before it started the job (boot $try of $tries), booting again; that boot's console: $out/console.boot-$try.log" >&2
done
exit "$status"
