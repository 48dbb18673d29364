#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: make install, the .deb and dkms install a module that loads
#
# the three ways a user installs blk_example. This test will, on the host
# and for each kernel (vm/kernels.sh), run `make install` into a
# staging INSTALL_MOD_PATH with the example modprobe.d file, build the .deb
# with `make dkms-deb`, unpack it and let dkms itself build and install its
# source into a private dkms tree; then boot each kernel and load each
# staged module with `modprobe -d ROOT blk_example num_sectors=N` and, with
# ROOT's lib/modules mounted over /lib/modules, with plain `modprobe
# blk_example num_sectors=N`, check the disk and unload it with modprobe -r;
# check that the example modprobe.d options apply and that signature
# enforcement refuses both modules (tests/host/lib/install-guest.sh); and
# finally check `make uninstall`. Nothing outside build/install-test is
# written: not /var/lib/dkms, not /lib/modules.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/install-test
# shellcheck source=tests/lib/kmsg-patterns.sh
. "$repo/tests/lib/kmsg-patterns.sh"

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out"
mapfile -t kvers < <("$repo/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || _fail "no kernel with headers installed"

# 1. make install, from a copy of the sources per kernel (out-of-tree
# builds write next to their sources).
mi=$out/make-install
for kver in "${kvers[@]}"; do
	echo "== make install, $kver"
	src=$("$repo/scripts/dkms-src.sh" "$out/src-$kver")
	cp -r "$repo/packaging" "$src/"
	make -s -C "$src" KVER="$kver" INSTALL_MOD_PATH="$mi" install
	ls "$mi/lib/modules/$kver/updates/"blk_example.ko* ||
		_fail "make install left no module in updates/"
	grep '^updates/blk_example\.ko' "$mi/lib/modules/$kver/modules.dep" ||
		_fail "depmod did not list the module"
done
make -s -C "$src" INSTALL_MOD_PATH="$mi" install-conf
[ -s "$mi/etc/modprobe.d/blk_example.conf" ] || _fail "make install-conf installed nothing"

# 2. make dkms-deb; its content, built and installed by dkms for each
# kernel. The MOK key dkms signs with is a throwaway one made here.
echo "== make dkms-deb"
make -s -C "$repo" dkms-deb
version=$("$repo/scripts/dkms-src.sh" --version)
deb=$repo/build/blk-example-dkms_${version}_all.deb
dkroot=$out/dkms
dpkg-deb -x "$deb" "$dkroot"
mkdir -p "$out/dkms-tree"
export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
trees=(--dkmstree "$out/dkms-tree" --sourcetree "$dkroot/usr/src"
       --installtree "$dkroot/lib/modules")
dkms add "blk-example/$version" "${trees[@]}"
for kver in "${kvers[@]}"; do
	echo "== dkms install, $kver"
	mkdir -p "$dkroot/lib/modules/$kver"
	dkms install "blk-example/$version" -k "$kver" "${trees[@]}" --no-depmod
	depmod -b "$dkroot" "$kver" 2> /dev/null
	grep '^updates/dkms/blk_example\.ko' "$dkroot/lib/modules/$kver/modules.dep" ||
		_fail "dkms did not install the module for $kver"
done
dkms status "${trees[@]}"

# 3. In the VM, each kernel loads each.
for kver in "${kvers[@]}"; do
	echo "== VM, $kver"
	vm=$out/vm-$kver
	mkdir -p "$vm"
	rel=${out#"$repo"/}
	echo "exec bash /mnt/repo/tests/host/lib/install-guest.sh make-install=/mnt/repo/$rel/make-install dkms=/mnt/repo/$rel/dkms" > "$vm/job.in"
	status=0
	"$repo/vm/boot.sh" "$kver" "$vm/job.in" "$vm" || status=$?
	bad=$(grep -E "$KMSG_BAD" "$vm/console.log" | head -n 5 || true)
	[ -z "$bad" ] || _fail "$kver: kernel log: $bad"
	[ "$status" = 0 ] || _fail "$kver: a load in the VM failed (status $status)"
done

# 4. make uninstall takes it out and depmod forgets it.
for kver in "${kvers[@]}"; do
	echo "== make uninstall, $kver"
	make -s -C "$out/src-$kver/blk-example-$version" KVER="$kver" INSTALL_MOD_PATH="$mi" uninstall
	! ls "$mi/lib/modules/$kver/updates/"blk_example.ko* 2> /dev/null ||
		_fail "make uninstall left the module"
	! grep blk_example "$mi/lib/modules/$kver/modules.dep" ||
		_fail "modules.dep still lists the module"
done
echo "all installs loaded on: ${kvers[*]}"
