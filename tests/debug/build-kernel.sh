#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: build-kernel.sh
# Builds the debug kernel of `make test-debug` from Debian's
# linux-source-6.12: x86_64 defconfig with debug.config merged over it.
# The build is cached outside the work tree, keyed by the source package's
# version and the fragment's hash, so only the first run on a machine pays
# for it (about half an hour on two cores). Prints the cache directory,
# which holds:
#   bzImage        the kernel the VM boots
#   kernelrelease  its `uname -r`
#   root/          its modules, as root/lib/modules/RELEASE
#   obj/           the build tree, the KDIR for out-of-tree modules
#
# Environment: BLKEX_CACHE (default ~/.cache/blk_example), JOBS (nproc).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
fragment=$here/debug.config
tarball=/usr/src/linux-source-6.12.tar.xz
[ -r "$tarball" ] || { echo "build-kernel.sh: no $tarball; run make deps" >&2; exit 2; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
hash=$(sha256sum "$fragment" | cut -c1-12)
cache=${BLKEX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blk_example}
dir=$cache/debug-kernel/$srcver-$hash
log=$dir/build.log

if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
echo "build-kernel.sh: building the debug kernel in $dir (log: $log)" >&2
start=$SECONDS
{
	if [ ! -e "$dir/src/Makefile" ]; then
		rm -rf "$dir/src"
		mkdir -p "$dir/src"
		tar -xJf "$tarball" -C "$dir/src" --strip-components=1
	fi
	make -C "$dir/src" O="$dir/obj" defconfig
	"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/obj" \
		"$dir/obj/.config" "$fragment"
	make -C "$dir/src" O="$dir/obj" olddefconfig
} > "$log" 2>&1

# merge_config.sh only warns when a dependency drops an option: a kernel
# without one of the checkers would pass everything, so that is fatal.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$dir/obj/.config" && continue ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt% is not set}
		grep -q "^$opt=" "$dir/obj/.config" || continue ;;
	*) continue ;;
	esac
	echo "build-kernel.sh: '$line' did not survive olddefconfig" >&2
	missing=1
done < "$fragment"
[ "$missing" = 0 ] || exit 1

jobs=${JOBS:-$(nproc)}
if ! make -C "$dir/src" O="$dir/obj" -j"$jobs" bzImage modules >> "$log" 2>&1 ||
   ! make -C "$dir/src" O="$dir/obj" INSTALL_MOD_PATH="$dir/root" \
	INSTALL_MOD_STRIP=1 modules_install >> "$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "build-kernel.sh: the build failed; see $log" >&2
	exit 1
fi
cp "$dir/obj/arch/x86/boot/bzImage" "$dir/bzImage"
make -s -C "$dir/src" O="$dir/obj" kernelrelease > "$dir/kernelrelease"
echo "build-kernel.sh: built $(cat "$dir/kernelrelease") in $(( (SECONDS - start) / 60 )) min" >&2
touch "$dir/done"
echo "$dir"
