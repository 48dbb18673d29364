#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: install-guest.sh NAME=ROOT...     (in the VM, for 002-install)
# For each staging root (a tree with lib/modules/KVER made by make install
# or dkms install, then depmod -b), loads blk_example from it the way a
# user would, with plain `modprobe -d ROOT blk_example num_sectors=N`,
# checks the disk's size and a write read back, and unloads it with
# modprobe -r; then again with plain modprobe, the root's lib/modules
# mounted over /lib/modules. Then the example modprobe.d options each
# root ships, and last module signature enforcement (it cannot be turned
# off again).
# Prints "ok - ..." or "not ok - ..." per step; exits 1 if any failed.
set -uo pipefail

failed=0
n=8192

_ok() { echo "ok - $*"; }
_not_ok() { echo "not ok - $*"; failed=1; }

_wait_for_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# _load_check NAME ROOT SECTORS [modprobe args]: load, check size and I/O,
# unload. ROOT / means plain modprobe, no -d.
_load_check() {
	local name=$1 root=$2 sectors=$3 size bad=0
	local -a mp=(modprobe)
	shift 3
	[ "$root" = / ] || mp+=(-d "$root")
	echo "# $name: ${mp[*]} $*"
	"${mp[@]}" --show-depends blk_example | sed 's/^/#   /'
	if ! "${mp[@]}" "$@"; then
		_not_ok "$name: modprobe failed"
		return
	fi
	_wait_for_dev /dev/blkex0 || { _not_ok "$name: no /dev/blkex0"; return; }
	size=$(cat /sys/block/blkex0/size)
	[ "$size" = "$sectors" ] || { _not_ok "$name: size $size, want $sectors"; bad=1; }
	head -c 1048576 /dev/urandom > /tmp/data
	if ! dd if=/tmp/data of=/dev/blkex0 bs=64k oflag=direct status=none ||
	   ! cmp -n 1048576 /tmp/data /dev/blkex0; then
		_not_ok "$name: data written did not read back"
		bad=1
	fi
	if ! "${mp[@]}" -r blk_example; then
		_not_ok "$name: modprobe -r failed"
		return
	fi
	[ ! -d /sys/module/blk_example ] || { _not_ok "$name: still loaded after modprobe -r"; return; }
	[ "$bad" = 1 ] || _ok "$name: modprobe, $sectors sectors, I/O, modprobe -r"
}

for arg in "$@"; do
	name=${arg%%=*}
	root=${arg#*=}
	n=$((n * 2))
	_load_check "$name" "$root" "$n" blk_example "num_sectors=$n"
done

# The same modules with each tree mounted over /lib/modules, as if
# installed there: plain modprobe.
for arg in "$@"; do
	name=${arg%%=*}
	root=${arg#*=}
	n=$((n * 2))
	if ! mount --bind "$root/lib/modules" /lib/modules; then
		_not_ok "$name: cannot mount it over /lib/modules"
		continue
	fi
	_load_check "$name over /lib/modules" / "$n" blk_example "num_sectors=$n"
	umount /lib/modules
done

# The example etc/modprobe.d/blk_example.conf each root ships (make
# install-conf, the .deb), its first options line uncommented.
mkdir -p /tmp/modprobe.d
for arg in "$@"; do
	name=${arg%%=*}
	conf=${arg#*=}/etc/modprobe.d/blk_example.conf
	if [ ! -s "$conf" ]; then
		_not_ok "$name: no $conf"
		continue
	fi
	sed '0,/^#options blk_example /s//options blk_example /' "$conf" > /tmp/modprobe.d/blk_example.conf
	grep '^options' /tmp/modprobe.d/blk_example.conf | sed 's/^/# /'
	_load_check "$name modprobe.d" "${arg#*=}" 524288 -C /tmp/modprobe.d blk_example
done

# With signatures enforced (what Secure Boot implies), a module that is
# unsigned or signed by a key the kernel does not trust is refused.
echo 1 > /sys/module/module/parameters/sig_enforce
for arg in "$@"; do
	root=${arg#*=}
	if out=$(modprobe -d "$root" blk_example 2>&1); then
		_not_ok "${arg%%=*}: loaded although signatures are enforced"
		modprobe -d "$root" -r blk_example
	else
		echo "# $out"
		case $out in
		*"Key was rejected by service"*) _ok "${arg%%=*}: refused under sig_enforce" ;;
		*) _not_ok "${arg%%=*}: refused for another reason under sig_enforce" ;;
		esac
	fi
done
dmesg | grep -E 'Loading of .* is rejected' | sed 's/^/# kernel: /'
exit "$failed"
