#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: build-module.sh KVER [MAKE ARGS...]
# Builds blk_example.ko for kernel KVER from a copy of the sources in
# build/KVER/src (out-of-tree builds write next to their sources, and each
# kernel needs its own objects), leaving build/KVER/blk_example.ko.
#
# Environment: TEST_KDIR (the kernel build tree; default
# /lib/modules/KVER/build), MODULE_SRC (a directory holding Kbuild and
# blk_example/, e.g. another revision's; default this repository),
# MODULE_OUT (where src/ and the .ko go; default build/KVER), KCFLAGS
# (extra compiler flags, as for any kernel build), PLANT_PATCHES (planted
# bugs to build with, for the cases that prove a check can fail: names of
# patches in tests/debug/planted/patches, applied in order to the copy in
# src/, never to the sources; default none).
set -euo pipefail

kver=$1
shift
repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/..")
kdir=${TEST_KDIR:-/lib/modules/$kver/build}
from=${MODULE_SRC:-$repo}
out=${MODULE_OUT:-$repo/build/$kver}
src=$out/src

[ -d "$kdir" ] || { echo "build-module.sh: no kernel tree at $kdir (install linux-headers-$kver)" >&2; exit 2; }
mkdir -p "$src"
cp -p "$from/Kbuild" "$src/"
mkdir -p "$src/blk_example"
rm -f "$src"/blk_example/*.[ch]
cp -p "$from"/blk_example/*.[ch] "$src/blk_example/"
for p in ${PLANT_PATCHES:-}; do
	f=$repo/tests/debug/planted/patches/$p.patch
	[ -r "$f" ] || { echo "build-module.sh: PLANT_PATCHES: no $f" >&2; exit 2; }
	patch -d "$src" -p1 --fuzz=0 --no-backup-if-mismatch -s < "$f"
done
# The copies keep their sources' times, so make would keep objects built
# from another set of patches: rebuild all when the set changes.
if [ "$(cat "$src/plant-patches" 2> /dev/null)" != "${PLANT_PATCHES:-}" ]; then
	touch "$src"/blk_example/*.[ch]
	echo "${PLANT_PATCHES:-}" > "$src/plant-patches"
fi
make -s -C "$kdir" M="$src" "$@" modules
cp "$src/blk_example.ko" "$out/blk_example.ko"
