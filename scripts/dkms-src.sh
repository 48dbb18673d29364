#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/dkms-src.sh [PARENT]      (make dkms-src)
#        scripts/dkms-src.sh --version
# Copies the files DKMS builds from (dkms.conf, Makefile, Kbuild and
# blk_example/*.[ch]) into PARENT/blk-example-VERSION (PARENT defaults to
# /usr/src, where `dkms add blk-example/VERSION` looks) and prints that
# directory. VERSION is PACKAGE_VERSION in dkms.conf, the only place the
# project's version is written. The .deb and the tests use this list too.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/..")
version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$repo/dkms.conf")
[ -n "$version" ] || { echo "dkms-src.sh: no PACKAGE_VERSION in dkms.conf" >&2; exit 2; }
if [ "${1:-}" = --version ]; then
	echo "$version"
	exit 0
fi

dest=${1:-/usr/src}/blk-example-$version
rm -rf "$dest"
mkdir -p "$dest/blk_example"
cp "$repo/dkms.conf" "$repo/Makefile" "$repo/Kbuild" "$dest/"
cp "$repo"/blk_example/*.[ch] "$dest/blk_example/"
echo "$dest"
