#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: build-module.sh KVER [MAKE ARGS...]
# Builds blk_example.ko for kernel KVER from a copy of the sources in
# build/KVER/src (out-of-tree builds write next to their sources, and each
# kernel needs its own objects), leaving build/KVER/blk_example.ko.
# BLKEX_BUILD_DIR=DIR builds in DIR/src and leaves DIR/blk_example.ko
# instead (bench/tracecost.sh builds two variants side by side).
set -euo pipefail

kver=$1
shift
repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../..")
kdir=/lib/modules/$kver/build
dst=${BLKEX_BUILD_DIR:-$repo/build/$kver}
src=$dst/src

[ -d "$kdir" ] || { echo "build-module.sh: no headers at $kdir (install linux-headers-$kver)" >&2; exit 2; }
mkdir -p "$src"
cp -u "$repo/Kbuild" "$src/"
mkdir -p "$src/blk_example"
rm -f "$src"/blk_example/*.[ch]
cp -p "$repo"/blk_example/*.[ch] "$src/blk_example/"
make -s -C "$kdir" M="$src" "$@" modules
cp "$src/blk_example.ko" "$dst/blk_example.ko"
