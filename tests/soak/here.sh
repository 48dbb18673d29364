#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: sudo tests/soak/here.sh [-h|--help]  (what `sudo make soak-here` runs)
# The soak on the running kernel of this machine, with no VM: builds
# blk_example.ko for it (vm/build-module.sh) and runs tests/soak/guest.sh
# (fio verify, ext4 and fault toggling on two disks for SOAK_SECONDS). It
# prints one "ok - CHECK" or "not ok - CHECK" line per check and ends with
# "N passed, N failed"; exits non-zero on any failure, a lost byte
# included. `make soak` runs this same script inside each kernel it boots.
#
# Before it builds or loads anything it refuses, with status 2 and one
# line naming the fix (tests/lib/here-checks.sh): an unknown argument or
# knob value; a KVER that is not the running kernel; not root; a kernel
# that cannot load the module (no module support, modules_disabled, or
# module.sig_enforce or lockdown with an unsigned module); no kernel
# headers at KDIR when it must build; blk_example, brd or null_blk already
# loaded or something mounted on /mnt/blkex*; fio, mkfs.ext4 or fsck.ext4
# missing. It leaves the machine as it found it: the modules it loaded
# unloaded, nothing mounted on /mnt/blkex*, its mount points and temporary
# files removed, also when interrupted.
#
# Environment:
#   SOAK_SECONDS=N  how long the soak runs; default 180
#   KVER=RELEASE    the kernel to build for; default `uname -r`, and it
#                   must be the running one
#   KDIR=DIR        its build tree; default /lib/modules/KVER/build
#   BLKEX_KO=FILE   a module built already: no build (make soak passes
#                   the one it built for the VM's kernel)
#   SOAK_OUT=DIR    results: build.log, soak.log; default
#                   build/soak/here-KVER
#   HERE_SYSROOT=DIR  for tests only (tests/host/tooling/009-here-refuses.sh):
#                   read the proc and sys files the checks read under DIR
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/../..")
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"
# shellcheck source=tests/lib/here-checks.sh
. "$repo/tests/lib/here-checks.sh"
usage_noargs "$@"
usage_uint SOAK_SECONDS

here_checks "make soak-here" "make soak KVERS" fio mkfs.ext4 fsck.ext4
out=${SOAK_OUT:-$repo/build/soak/here-$here_kver}
here_leave_on_exit

mkdir -p "$out"
out=$(readlink -f "$out")
ko=$here_ko
echo "# soak on $here_kver, $(hostname), in place; log in $out/soak.log"
if [ -z "$ko" ]; then
	if ! here_build "$out/build.log"; then
		echo "not ok - build"
		echo "0 passed, 1 failed"
		exit 1
	fi
	ko=$here_ko
fi

status=0
TMPDIR=$here_tmp SOAK_SECONDS=${SOAK_SECONDS:-180} BLKEX_KO=$(readlink -f "$ko") \
	bash "$here/guest.sh" < /dev/null 2>&1 | tee "$out/soak.log" || status=$?
exit "$status"
