#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/soak/run.sh [-h|--help]   (what `make soak` runs)
# Builds the module and runs the soak (tests/soak/guest.sh: fio verify,
# ext4 and fault toggling) in a VM on each kernel. Prints the soak's check
# lines, each prefixed with the kernel, and ends with "N passed, N
# failed"; exits non-zero on any failure, a lost byte included. Logs:
# build/soak/KVER/. Before it builds anything it refuses (status 2) an
# unknown argument, a kernel without headers or image and a knob that is
# not a number.
#
# Environment:
#   SOAK_SECONDS=N  how long the soak runs on each kernel; default 180
#                   (the VM is given SOAK_SECONDS + 900 s in all)
#   KVERS="V1 V2"   kernels; default: every kernel in /boot with headers
#                   (tests/vm/kernels.sh)
#   VM_*            the VM (tests/vm/boot.sh, below)
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/../..")
# shellcheck source=tests/lib/kmsg-patterns.sh
. "$here/../lib/kmsg-patterns.sh"
# shellcheck source=tests/lib/usage.sh
. "$here/../lib/usage.sh"
USAGE_SEE=(tests/vm/build-module.sh tests/vm/boot.sh)
usage_noargs "$@"
usage_uint SOAK_SECONDS
usage_kver KVERS
usage_vm_knobs
secs=${SOAK_SECONDS:-180}
read -ra kvers <<< "${KVERS:-$("$here/../vm/kernels.sh" | tr '\n' ' ')}"
[ "${#kvers[@]}" -gt 0 ] || { echo "soak: no kernel with headers installed; run make deps" >&2; exit 2; }

passed=0 failed=0
for kver in "${kvers[@]}"; do
	out=$repo/build/soak/$kver
	rm -rf "$out"
	mkdir -p "$out"
	if ! "$here/../vm/build-module.sh" "$kver" > "$out/build.log" 2>&1; then
		sed 's/^/#   /' "$out/build.log"
		echo "not ok - $kver/build"
		failed=$((failed + 1))
		continue
	fi
	printf 'export SOAK_SECONDS=%d\nexec bash /mnt/repo/tests/soak/guest.sh\n' \
		"$secs" > "$out/soak-job.sh"
	seen=0
	while IFS= read -r line; do
		case $line in
		"ok - "*) echo "ok - $kver/${line#ok - }"; passed=$((passed + 1)); seen=1 ;;
		"not ok - "*) echo "not ok - $kver/${line#not ok - }"; failed=$((failed + 1)); seen=1 ;;
		*" passed, "*" failed") ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <(VM_TIMEOUT=$((secs + 900)) "$here/../vm/boot.sh" "$kver" \
		 "$out/soak-job.sh" "$out" 2>&1 || echo "VM exit status $?")
	if [ "$seen" = 0 ]; then
		echo "not ok - $kver/soak # the VM stopped before it reported"
		failed=$((failed + 1))
	fi
	if [ -s "$out/console.log" ] && ! grep -qE "$KMSG_BAD" "$out/console.log"; then
		echo "ok - $kver/kernel-log-clean"
		passed=$((passed + 1))
	else
		echo "not ok - $kver/kernel-log-clean"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
