#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/debug/run.sh [-h|--help]  (what `make test-debug` runs)
# The whole VM suite on a kernel that reports what a stock kernel hides:
# lockdep, sleeping in atomic context, KASAN, kmemleak, debug objects, hung
# tasks (tests/debug/debug.config). Builds that kernel first, or reuses
# the cached build (tests/debug/build-kernel.sh; the first build takes
# about half an hour on two cores), builds the module against it, runs
# every case of tests/cases scaled down, then the planted-bug cases of
# tests/debug/planted instead of the host cases. Output as tests/run.sh.
# Before the kernel build it refuses (status 2) an unknown argument, a
# TESTS that matches no case and a knob that is not a number.
#
# Environment:
#   TESTS=REGEX       as tests/run.sh, over tests/cases and
#                     tests/debug/planted; default: all
#   TEST_SCALE_PCT=N  I/O sizes of the cases in percent; here default 10
#   BT_ATTACH_S=N     seconds bpftrace may take to attach; here default 900
#   VM_TIMEOUT=S      here default 14400 (4 hours)
#   VM_BOOT_TIMEOUT=S here default 1200 (20 minutes)
#   VM_APPEND=ARGS    appended to "kasan_multi_shot no5lvl"
#   BLKEX_CACHE=DIR   where the debug kernel is cached; default
#                     $XDG_CACHE_HOME/blk_example, XDG_CACHE_HOME
#                     defaulting to ~/.cache (tests/debug/build-kernel.sh)
#   JOBS=N            make -j for the kernel build; default nproc
#   VM_MEM, VM_CPUS, VM_BOOT_TRIES, VM_QEMU_ARGS as vm/boot.sh.
# KVERS, TEST_KDIR, TEST_HOST_DIR, VM_KERNEL and VM_MODULES are set here,
# to the debug kernel.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/usage.sh
. "$here/../lib/usage.sh"
USAGE_SEE=(vm/boot.sh)
usage_noargs "$@"
usage_uint TEST_SCALE_PCT BT_ATTACH_S JOBS
usage_vm_knobs
[ -n "$(usage_pick "$here/../cases")$(usage_pick "$here/planted")" ] ||
	usage_fail "TESTS: no case of tests/cases or tests/debug/planted matches '${TESTS:-}'"
dir=$("$here/build-kernel.sh")
kver=$(cat "$dir/kernelrelease")

export KVERS=$kver
export VM_KERNEL=$dir/bzImage
export VM_MODULES=$dir/root
export TEST_KDIR=$dir/obj
export TEST_HOST_DIR=$here/planted
export TEST_SCALE_PCT=${TEST_SCALE_PCT:-10}
export BT_ATTACH_S=${BT_ATTACH_S:-900}
export VM_TIMEOUT=${VM_TIMEOUT:-14400}
# It boots in about 3.5 minutes; a boot that hangs is given up after 20.
export VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-1200}
# Every KASAN report, not only the first, so that each case is judged.
# no5lvl: QEMU's -cpu max offers 5-level paging, and then about one boot
# in ten stopped at once with "KASAN: wild-memory-access" in an interrupt
# taken inside identify_cpu(). That function clears boot_cpu_data's
# feature bits before it reads them back; until the alternatives are
# patched, pgtable_l5_enabled() reads those bits, so for that moment
# KASAN sizes its shadow for 4-level paging and takes every address of
# the 5-level direct map as wild. With 4-level paging there is no such
# moment.
export VM_APPEND="kasan_multi_shot no5lvl ${VM_APPEND:-}"
exec "$here/../run.sh"
