#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/dkms-deb.sh        (make dkms-deb)
# Builds build/blk-example-dkms_VERSION_all.deb with Debian's dh-dkms: the
# DKMS source tree (scripts/dkms-src.sh), the example
# /etc/modprobe.d/blk_example.conf, the tracing tools (tracing/*.bt,
# capture.sh, trace_report.py, lib/) in /usr/share/blk-example/tracing and
# the READMEs in /usr/share/doc/blk-example-dkms, plus maintainer scripts
# that run dkms add/build/install on installation and dkms remove on
# removal.
# Offline; needs debhelper and dh-dkms (make deps). VERSION comes from
# dkms.conf.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/..")
version=$("$repo/scripts/dkms-src.sh" --version)
work=$repo/build/deb
pkg=$work/blk-example-$version
deb=blk-example-dkms_${version}_all.deb

rm -rf "$work"
mkdir -p "$pkg"
cp -r "$repo/packaging/debian" "$pkg/debian"
"$repo/scripts/dkms-src.sh" "$pkg" > /dev/null
mv "$pkg/blk-example-$version" "$pkg/src"
cp "$repo/packaging/blk_example.conf" "$pkg/"
mkdir -p "$pkg/tracing/lib" "$pkg/doc"
cp "$repo"/tracing/*.bt "$repo/tracing/capture.sh" \
	"$repo/tracing/trace_report.py" "$pkg/tracing/"
cp "$repo"/tracing/lib/*.sh "$pkg/tracing/lib/"
cp "$repo/README.md" "$pkg/doc/README.md"
cp "$repo/tracing/README.md" "$pkg/doc/README.tracing.md"

commit=$(git -C "$repo" describe --always --dirty 2> /dev/null || echo unknown)
cat > "$pkg/debian/changelog" <<END
blk-example ($version) unstable; urgency=medium

  * Built from blk_example $commit.

 -- $(sed -n 's/^Maintainer: //p' "$pkg/debian/control")  $(date -R)
END

(cd "$pkg" && dpkg-buildpackage --build=all -us -uc) > "$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; echo "dkms-deb: dpkg-buildpackage failed" >&2; exit 1; }
cp "$work/$deb" "$repo/build/$deb"
echo "dkms-deb: build/$deb"
dpkg-deb --info "$repo/build/$deb" | sed -n 's/^ \(Package\|Version\|Depends\):/  \1:/p'
dpkg-deb --contents "$repo/build/$deb" | awk '{ print "  " $6 }'
