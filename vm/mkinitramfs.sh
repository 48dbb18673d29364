#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: mkinitramfs.sh KVER OUTPUT
# Builds the small initramfs the test VM boots with: busybox and the
# virtio/9p modules of kernel KVER (decompressed, since busybox's insmod
# does not read .ko.xz), in load order, plus initramfs-init as /init.
#
# Environment: VM_MODULES, a root holding lib/modules/KVER for a kernel
# that is not installed (default /).
set -euo pipefail

kver=$1
out=$2
here=$(dirname "$(readlink -f "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$work/bin/busybox"
cp "$here/initramfs-init" "$work/init"
chmod 755 "$work/init"

# modprobe prints the insmod lines each module needs, dependencies first.
for mod in virtio_pci 9pnet_virtio 9p; do
	modprobe -d "${VM_MODULES:-/}" -S "$kver" --show-depends "$mod"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
while read -r ko; do
	name=$(basename "$ko")
	name=${name%.xz}
	name=${name%.zst}
	case $ko in
	*.xz) xz -dc "$ko" > "$work/modules/$name" ;;
	*.zst) zstd -qdc "$ko" > "$work/modules/$name" ;;
	*) cp "$ko" "$work/modules/$name" ;;
	esac
	echo "$name" >> "$work/modules/order"
done

(cd "$work" && find . | cpio --quiet -o -H newc) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
