#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the kernel versions the tests run on, one per line, oldest first:
# $KVERS if set, else every installed kernel image that has headers.
set -euo pipefail

if [ -n "${KVERS:-}" ]; then
	read -ra list <<< "$KVERS"
	printf '%s\n' "${list[@]}"
	exit 0
fi
for img in /boot/vmlinuz-*; do
	kver=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$kver/build" ] && echo "$kver"
done | sort -V
