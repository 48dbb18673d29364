#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced, after tests/lib/usage.sh, by the in-place entry points
# (tests/here.sh: make test-here; bench/here.sh: make bench-here;
# tests/soak/here.sh: make soak-here), which also run inside every VM of
# make test, make bench and make soak. Two things they share:
#
# here_checks MAKE VM [TOOL...]: the refusals, before anything is built, loaded or written.
#   Each exits 2 with one line naming the fix: a KVER that is not the
#   running kernel; not root; a kernel that cannot load the module (built
#   without module support, /proc/sys/kernel/modules_disabled set, or
#   module.sig_enforce or lockdown with an unsigned module, which is what
#   a build here makes); BLKEX_KO not a file; no kernel headers at KDIR
#   when it must build; configfs not mounted on /sys/kernel/config (the
#   disks are made there; a plain Debian box without systemd's mounts has
#   none); blk_example, brd or null_blk already loaded, or something
#   mounted on /mnt/blkex*; a tool the run needs missing. It
#   reads KVER, KDIR, BLKEX_KO and HERE_SYSROOT (for tests only,
#   tests/host/tooling/009-here-refuses.sh: read the proc and sys files under that
#   directory), and sets here_running, here_kver, here_kdir and here_ko.
#   MAKE is the caller's make target ("make test-here"), VM the VM run
#   and its kernel knob ("make test KVERS"), TOOL the commands it needs.
#
# here_build LOG: build blk_example for here_kver with the headers at
#   here_kdir into build/KVER (vm/build-module.sh), its output in LOG; on
#   success here_ko is the module, on failure LOG is printed as TAP
#   comments and it returns 1. For a run given no BLKEX_KO.
#
# here_leave_on_exit: leave the machine as found, also when interrupted:
#   an EXIT trap unmounts what the cases left mounted under here_tmp,
#   /mnt/blkex* and the bench's tmpfs, detaches the
#   bench's loop devices, removes configfs disks (and unmounts configfs
#   if it was not mounted before), unloads blk_example,
#   brd and null_blk (and loop if this run loaded it), removes the mount
#   points this run made and here_tmp, the temporary directory it makes.

here_checks() {
	local here_make=$1 here_vm=$2 sys=${HERE_SYSROOT:-} why lockdown tool m mounted
	local -a loaded=()
	shift 2
	here_running=$(uname -r)
	here_kver=${KVER:-$here_running}
	here_kdir=${KDIR:-/lib/modules/$here_kver/build}
	here_ko=${BLKEX_KO:-}

	[ "$here_kver" = "$here_running" ] ||
		usage_fail "KVER=$here_kver, but this machine runs $here_running and this runs on the running kernel: boot $here_kver, or run $here_vm=$here_kver (a VM)"
	[ "$(id -u)" = 0 ] ||
		usage_fail "must run as root (it loads modules and mounts disks): sudo $here_make"
	[ -e "$sys/proc/modules" ] ||
		usage_fail "this kernel ($here_running) cannot load modules: it was built without module support (no /proc/modules); boot one that has it, or run ${here_vm% *} (a VM)"
	[ "$(cat "$sys/proc/sys/kernel/modules_disabled" 2> /dev/null)" != 1 ] ||
		usage_fail "this kernel loads no more modules until it reboots (/proc/sys/kernel/modules_disabled is 1): reboot, or run ${here_vm% *} (a VM)"
	if [ -n "$here_ko" ] && { [ ! -f "$here_ko" ] || [ ! -r "$here_ko" ]; }; then
		usage_fail "BLKEX_KO: no module file $here_ko"
	fi

	# The kernel refuses an unsigned module under module.sig_enforce, and
	# under lockdown (which Secure Boot turns on) if it checks signatures.
	why=
	if [ "$(cat "$sys/sys/module/module/parameters/sig_enforce" 2> /dev/null)" = Y ]; then
		why="module.sig_enforce is on (/sys/module/module/parameters/sig_enforce is Y)"
	else
		lockdown=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "$sys/sys/kernel/security/lockdown" 2> /dev/null || true)
		[ -z "$lockdown" ] || [ "$lockdown" = none ] ||
			why="the kernel is in lockdown ($lockdown, /sys/kernel/security/lockdown)"
	fi
	if [ -n "$why" ] && [ -z "$here_ko" ]; then
		usage_fail "$why, so it refuses an unsigned module, and the one this would build is unsigned: sign one (docs/install.md) and pass it as BLKEX_KO=FILE, or run ${here_vm% *} (a VM)"
	fi
	if [ -n "$why" ] && [ "$(tail -c 28 "$here_ko" | tr -d '\n')" != "~Module signature appended~" ]; then
		usage_fail "$why, so it refuses the unsigned module $here_ko: sign it (docs/install.md), or run ${here_vm% *} (a VM)"
	fi

	[ -n "$here_ko" ] || [ -e "$here_kdir/Makefile" ] ||
		usage_fail "no kernel headers at $here_kdir (no Makefile): sudo apt-get install linux-headers-$here_kver, or pass KDIR=/path/to/build or BLKEX_KO=FILE"

	awk '$2 == "/sys/kernel/config" && $3 == "configfs" { f = 1 } END { exit !f }' "$sys/proc/mounts" ||
		usage_fail "configfs is not mounted on /sys/kernel/config, and this run makes its disks there: modprobe configfs && mount -t configfs none /sys/kernel/config"

	for m in blk_example brd null_blk; do
		if grep -q "^$m " "$sys/proc/modules"; then
			loaded+=("$m")
		fi
	done
	[ "${#loaded[@]}" = 0 ] ||
		usage_fail "${loaded[*]} already loaded, and this run loads and unloads it: rmmod ${loaded[*]} first"
	mounted=$(awk '$2 ~ /^\/mnt\/blkex/ { print $2 }' "$sys/proc/mounts" | paste -sd ' ')
	[ -z "$mounted" ] ||
		usage_fail "$mounted mounted, and this run mounts there: umount it first"

	for tool in "$@"; do
		command -v "$tool" > /dev/null ||
			usage_fail "$tool is not installed, and this run needs it: make deps (or apt-get install the package that has $tool)"
	done
}

here_build() {
	# shellcheck disable=SC2154 # usage_repo: tests/lib/usage.sh, sourced first
	local repo=$usage_repo
	echo "# building blk_example for $here_kver in build/$here_kver ($here_kdir)"
	if MODULE_OUT=$repo/build/$here_kver TEST_KDIR=$here_kdir \
		"$repo/vm/build-module.sh" "$here_kver" > "$1" 2>&1; then
		here_ko=$repo/build/$here_kver/blk_example.ko
		return 0
	fi
	sed 's/^/#   /' "$1"
	return 1
}

# _here_leave: the EXIT trap of here_leave_on_exit.
_here_leave() {
	local m d
	awk -v d="$here_tmp/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" || true; done
	awk '$2 ~ /^\/mnt\/(blkex|bench-tmpfs)/ { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" || true; done
	for d in /sys/block/loop*/loop/backing_file; do
		if [ -r "$d" ] && [[ $(cat "$d") == /mnt/bench-tmpfs/* ]]; then
			d=${d#/sys/block/}
			losetup -d "/dev/${d%%/*}" || true
		fi
	done
	for d in /sys/kernel/config/blk_example/*/ /sys/kernel/config/nullb/*/; do
		[ -d "$d" ] || continue
		echo 0 2> /dev/null > "$d/power" || true
		rmdir "$d" 2> /dev/null || true
	done
	for m in blk_example brd null_blk loop; do
		[ "$m" != loop ] || [ "$here_loop_before" = 0 ] || continue
		if grep -qs "^$m " /proc/modules; then
			rmmod "$m" 2> /dev/null || { sleep 1; rmmod "$m"; } ||
				echo "${usage_self:-here}: could not unload $m: rmmod $m" >&2
		fi
	done
	# null_blk's set-up mounts configfs where nothing had.
	if [ "$here_configfs_before" = 0 ] && mountpoint -q /sys/kernel/config; then
		umount /sys/kernel/config 2> /dev/null || true
	fi
	for m in /mnt/blkex* /mnt/bench-tmpfs; do
		[ -d "$m" ] && [[ " ${here_points_before[*]} " != *" $m "* ]] &&
			rmdir "$m" 2> /dev/null
	done
	rm -rf "$here_tmp"
	return 0
}

here_leave_on_exit() {
	mapfile -t here_points_before < <(compgen -G '/mnt/blkex*'; compgen -G /mnt/bench-tmpfs || true)
	here_loop_before=0
	! grep -qs '^loop ' /proc/modules || here_loop_before=1
	here_configfs_before=0
	! mountpoint -q /sys/kernel/config || here_configfs_before=1
	here_tmp=$(mktemp -d -t blkex-here.XXXXXX)
	trap _here_leave EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
