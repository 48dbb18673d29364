#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: KASAN catches I/O past a store one sector short
#
# Planted: a store one sector shorter than the disk. vmalloc rounds it up
# to whole pages, so on the stock kernel the last sector reads and writes
# without a sound; KASAN (with KASAN_VMALLOC) reports the first access
# past the allocation.
set -euo pipefail
# shellcheck source=tests/debug/planted/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

_plant_run short-store core/005-bounds \
	'BUG: KASAN: vmalloc-out-of-bounds'
