#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the in-place entry points refuse bad runs before acting
#
# tests/here.sh (sudo make test-here), bench/here.sh (sudo
# make bench-here) and tests/soak/here.sh (sudo make soak-here) say what
# they will do and refuse what they cannot do, before they build, load or
# write anything (tests/lib/here-checks.sh).
# This test will, on the host and without loading anything, run
# tests/here.sh from a copy of the repository with make, insmod, rmmod,
# modprobe, mount and umount replaced by stubs that record a call, and
# check: -h and --help exit 0 and name every knob it reads; an unknown
# argument exits 2 with the usage; a TESTS that matches nothing, a
# HERE_TAP or TEST_SCALE_PCT typo and a KVER that is not the running
# kernel exit 2; run as nobody it refuses as not root; on this host, whose
# kernel cannot load modules, it refuses and says why. Then, with proc and
# sys files faked under HERE_SYSROOT (its test hook), each other refusal:
# modules_disabled, sig_enforce and lockdown with an unsigned module (and
# not with a signed one), no headers at KDIR, configfs not mounted on
# /sys/kernel/config (the message names the mount command), blk_example,
# brd or null_blk loaded, /mnt/blkex0 mounted. Each refusal exits 2 within seconds with
# its message, calls no stub, creates no build/ and leaves nothing in
# TMPDIR. Last, with every check passing and make failing, it prints TAP
# with "1..N", the build and each case not ok and the closing line, exits
# 1 and leaves nothing in TMPDIR. Then the same refusals, as far as they
# apply, for bench/here.sh and tests/soak/here.sh, each naming its own
# make target, plus the bench's own (its tmpfs mounted, /dev/loop0 in use
# with a loop-tmpfs device, a knob typo); with every check passing and
# make failing, each exits 1 having called only make.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/here-refuses

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out/stub" "$out/tmp"
chmod 1777 "$out/tmp"
copy=$out/repo
mkdir "$copy"
git -C "$repo" ls-files -z -co --exclude-standard |
	(cd "$repo" && tar --null -T - -c) | tar -x -C "$copy"
rm -rf "$copy/build"
for tool in make insmod rmmod modprobe mount umount; do
	printf '#!/bin/sh\necho "%s $*" >> %q\nexit 1\n' "$tool" "$out/stub-calls" > "$out/stub/$tool"
	chmod +x "$out/stub/$tool"
done
: > "$out/stub-calls"
chmod 666 "$out/stub-calls"
chmod -R a+rX "$out"
running=$(uname -r)
mapfile -t kvers < <("$repo/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || _fail "no kernel with headers installed"
headers=/lib/modules/${kvers[0]}/build

# _knobs FILE...: the upper-case variables the files read, ${NAME...}.
_knobs() {
	grep -ohE '\$\{[A-Z][A-Z0-9_]*' "$@" | cut -c3- | sort -u
}

# The knobs of the three as the caller may have them (tests/run.sh passes
# TESTS on): each _run starts without them.
unset=()
for knob in $(cd "$repo" && _knobs tests/here.sh tests/lib/here-checks.sh \
	bench/here.sh bench/knobs.sh bench/guest/grid.sh tests/soak/here.sh); do
	unset+=(-u "$knob")
done
mapfile -t knobs < <(_knobs "$repo/tests/here.sh" "$repo/tests/lib/here-checks.sh")

# _run WANT [VAR=VALUE...] [-- ARG...]: run the copy's $entry with
# the stubs first on PATH, TMPDIR=$out/tmp and the VAR=VALUE settings (as
# nobody if AS_NOBODY is set); it must exit WANT within 5 seconds. For a
# refusal (2) it must also call no stub, create no build/ and leave
# nothing in TMPDIR. Output in $out/stdout and $out/stderr.
_run() {
	local want=$1 status=0 t0 ms
	local -a env=() args=() as=()
	shift
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		env+=("$1")
		shift
	done
	[ "$#" = 0 ] || { shift; args=("$@"); }
	[ -z "${AS_NOBODY:-}" ] ||
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	t0=$(date +%s%N)
	"${as[@]}" env "${unset[@]}" PATH="$out/stub:$PATH" TMPDIR="$out/tmp" "${env[@]}" \
		timeout 60 "$copy/$entry" "${args[@]}" \
		> "$out/stdout" 2> "$out/stderr" < /dev/null || status=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "== ${env[*]} $entry ${args[*]} -> $status in ${ms} ms"
	sed 's/^/   stderr: /' "$out/stderr" | head -n 5
	[ "$status" = "$want" ] || _fail "${env[*]} $entry ${args[*]}: exit status $status, want $want"
	[ "$ms" -lt 5000 ] || [ "$want" != 2 ] || _fail "${env[*]} $entry ${args[*]}: took $ms ms"
	[ -z "$(ls -A "$out/tmp")" ] || _fail "${env[*]} $entry ${args[*]}: left $(ls "$out/tmp") in TMPDIR"
	[ "$want" = 2 ] || return 0
	[ ! -s "$out/stub-calls" ] || _fail "${env[*]} $entry ${args[*]}: ran $(cat "$out/stub-calls")"
	[ ! -e "$copy/build" ] || _fail "${env[*]} $entry ${args[*]}: created build/: $(ls "$copy/build")"
}

# 1. Help, arguments and knobs.
entry=tests/here.sh
echo "knobs read: ${knobs[*]}"
[ "${#knobs[@]}" -ge 9 ] || _fail "found only ${#knobs[@]} knobs in tests/here.sh and here-checks.sh"
for opt in --help -h; do
	_run 0 -- "$opt"
	_expect_in "$out/stdout" "here.sh $opt" "${knobs[@]}" "Usage:" "make test-here"
done
_run 2 -- --no-such-option
_expect_in "$out/stderr" "an unknown argument" "Usage:" "--no-such-option"
_run 2 TESTS='^no-such-case'
_expect_in "$out/stderr" "a TESTS that matches nothing" "no case" "no-such-case"
_run 2 HERE_TAP=numbered
_expect_in "$out/stderr" "a HERE_TAP typo" "HERE_TAP" "raw"
_run 2 TEST_SCALE_PCT=half
_expect_in "$out/stderr" "a TEST_SCALE_PCT typo" "TEST_SCALE_PCT"
_run 2 KVER=0.0-none
_expect_in "$out/stderr" "a KVER that is not running" "KVER=0.0-none" "$running"

# 2. Not root.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	AS_NOBODY=1 _run 2
	_expect_in "$out/stderr" "as nobody" "must run as root" "sudo make test-here"
else
	echo "== not root: skipped (needs root and setpriv to become nobody)"
fi

# 3. This host's own kernel, as it is.
if [ ! -e /proc/modules ]; then
	_run 2
	_expect_in "$out/stderr" "no module support" "cannot load modules" "/proc/modules"
elif [ "$(cat /proc/sys/kernel/modules_disabled)" = 1 ]; then
	_run 2
	_expect_in "$out/stderr" "modules_disabled" "modules_disabled"
else
	echo "== this host can load modules: its refusals are only faked below"
fi

# 4. Each refusal, from faked proc and sys files. _sysroot resets them to a
# kernel that can load an unsigned module and has nothing loaded.
sys=$out/sysroot
_sysroot() {
	rm -rf "$sys"
	mkdir -p "$sys/proc/sys/kernel" "$sys/sys/module/module/parameters" \
		"$sys/sys/kernel/security"
	echo "ext4 1015808 1 - Live 0x0000000000000000" > "$sys/proc/modules"
	echo 0 > "$sys/proc/sys/kernel/modules_disabled"
	echo N > "$sys/sys/module/module/parameters/sig_enforce"
	echo "[none] integrity confidentiality" > "$sys/sys/kernel/security/lockdown"
	printf '%s\n' "/dev/vda / ext4 rw 0 0" \
		"configfs /sys/kernel/config configfs rw,nosuid,nodev,noexec,relatime 0 0" \
		> "$sys/proc/mounts"
}

# _no_configfs: the faked mounts without configfs, as on a plain Debian
# box that mounts only what its fstab names (no systemd mounts).
_no_configfs() {
	sed -i '/ configfs /d' "$sys/proc/mounts"
}
ko=$out/unsigned.ko
signed=$out/signed.ko
printf 'ELF...' > "$ko"
printf 'ELF...~Module signature appended~\n' > "$signed"
chmod a+r "$ko" "$signed"

_sysroot
echo 1 > "$sys/proc/sys/kernel/modules_disabled"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "modules_disabled" "modules_disabled is 1" "reboot"

_sysroot
rm "$sys/proc/modules"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "no /proc/modules" "cannot load modules"

_sysroot
echo Y > "$sys/sys/module/module/parameters/sig_enforce"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "sig_enforce, building" "sig_enforce" "unsigned" "BLKEX_KO"
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$ko"
_expect_in "$out/stderr" "sig_enforce, BLKEX_KO unsigned" "sig_enforce" "unsigned module $ko"
echo "blk_example 40960 0 - Live 0x0" >> "$sys/proc/modules"
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$signed"
_expect_in "$out/stderr" "sig_enforce, a signed module, past the signature check" "rmmod blk_example"

_sysroot
echo "none integrity [confidentiality]" > "$sys/sys/kernel/security/lockdown"
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$ko"
_expect_in "$out/stderr" "lockdown" "lockdown (confidentiality" "unsigned module"

_sysroot
_run 2 HERE_SYSROOT="$sys" KDIR=/nonexistent
_expect_in "$out/stderr" "no headers" "no kernel headers at /nonexistent" "linux-headers-$running"
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$out/no-such.ko"
_expect_in "$out/stderr" "BLKEX_KO missing" "BLKEX_KO" "no-such.ko"

_sysroot
_no_configfs
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$ko"
_expect_in "$out/stderr" "configfs not mounted" "configfs is not mounted on /sys/kernel/config" \
	"mount -t configfs none /sys/kernel/config"

_sysroot
echo "brd 16384 0 - Live 0x0" >> "$sys/proc/modules"
echo "null_blk 65536 0 - Live 0x0" >> "$sys/proc/modules"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "brd and null_blk loaded" "brd null_blk already loaded" "rmmod brd null_blk first"

_sysroot
echo "/dev/blkex0 /mnt/blkex0 ext4 rw 0 0" >> "$sys/proc/mounts"
_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$ko"
_expect_in "$out/stderr" "a mount on /mnt/blkex0" "/mnt/blkex0 mounted" "umount"

# 5. Every check passes and the build fails (make is a stub): TAP for all
# cases, each not run, exit 1, nothing left in TMPDIR. KVER is the running
# kernel's; its headers are another's, which is all the build check reads.
_sysroot
ncases=$(find "$copy/tests/cases" -maxdepth 2 -name '[0-9]*.sh' | wc -l)
_run 1 HERE_SYSROOT="$sys" KDIR="$headers"
cat "$out/stdout"
_expect_in "$out/stdout" "a run whose build fails" "TAP version 13" "1..$((ncases + 1))" \
	"not ok 1 build" "not ok $((ncases + 1)) " "# not run: no module" \
	"0 passed, $((ncases + 1)) failed, 0 skipped"
grep -q "^make .*M=$copy/build/$running/src" "$out/stub-calls" ||
	_fail "the build did not run make for build/$running: $(cat "$out/stub-calls")"
[ -e "$copy/build/test-results/here-$running/build.log" ] || _fail "no build.log"
if grep -Ev '^make ' "$out/stub-calls"; then
	_fail "a run whose build failed called more than make"
fi

# 6. bench/here.sh and tests/soak/here.sh: the same refusals, each naming
# its own make target. The run above built: start clean again.
rm -rf "$copy/build"
: > "$out/stub-calls"
for entry in bench/here.sh tests/soak/here.sh; do
	target=bench-here vm="make bench"
	[ "$entry" = bench/here.sh ] || target=soak-here vm="make soak"
	echo "=== $entry"
	for opt in --help -h; do
		_run 0 -- "$opt"
		_expect_in "$out/stdout" "$entry $opt" "Usage:" "make $target" \
			KVER KDIR BLKEX_KO HERE_SYSROOT
	done
	_run 2 -- --no-such-option
	_expect_in "$out/stderr" "$entry: an unknown argument" "Usage:" "--no-such-option"
	_run 2 KVER=0.0-none
	_expect_in "$out/stderr" "$entry: a KVER that is not running" "KVER=0.0-none" "$running" "$vm"
	if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
		AS_NOBODY=1 _run 2
		_expect_in "$out/stderr" "$entry as nobody" "must run as root" "sudo make $target"
	fi
	if [ ! -e /proc/modules ]; then
		_run 2
		_expect_in "$out/stderr" "$entry: no module support" "cannot load modules" "$vm"
	fi
	_sysroot
	echo 1 > "$sys/proc/sys/kernel/modules_disabled"
	_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
	_expect_in "$out/stderr" "$entry: modules_disabled" "modules_disabled is 1"
	_sysroot
	echo "none integrity [confidentiality]" > "$sys/sys/kernel/security/lockdown"
	_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
	_expect_in "$out/stderr" "$entry: lockdown, building" "lockdown (confidentiality" "BLKEX_KO"
	_run 2 HERE_SYSROOT="$sys" BLKEX_KO="$ko"
	_expect_in "$out/stderr" "$entry: lockdown, unsigned" "unsigned module $ko"
	_sysroot
	_run 2 HERE_SYSROOT="$sys" KDIR=/nonexistent
	_expect_in "$out/stderr" "$entry: no headers" "no kernel headers at /nonexistent"
	echo "null_blk 65536 0 - Live 0x0" >> "$sys/proc/modules"
	_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
	_expect_in "$out/stderr" "$entry: null_blk loaded" "null_blk already loaded" "rmmod null_blk"
	_sysroot
	echo "/dev/blkex1 /mnt/blkex1 ext4 rw 0 0" >> "$sys/proc/mounts"
	_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
	_expect_in "$out/stderr" "$entry: a mount on /mnt/blkex1" "/mnt/blkex1 mounted"
	_sysroot
	_no_configfs
	_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
	_expect_in "$out/stderr" "$entry: configfs not mounted" \
		"mount -t configfs none /sys/kernel/config"
done

entry=bench/here.sh
_run 2 BENCH_WORKLOADS=randred-4k
_expect_in "$out/stderr" "bench/here.sh: a workload typo" randred-4k randread-4k
_run 2 BENCH_CLOCK=wal
_expect_in "$out/stderr" "bench/here.sh: a clock typo" host icount wall
_sysroot
echo "tmpfs /mnt/bench-tmpfs tmpfs rw 0 0" >> "$sys/proc/mounts"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "bench/here.sh: its tmpfs mounted" "/mnt/bench-tmpfs mounted"
_sysroot
mkdir -p "$sys/sys/block/loop0/loop"
echo /var/lib/some.img > "$sys/sys/block/loop0/loop/backing_file"
_run 2 HERE_SYSROOT="$sys" KDIR="$headers"
_expect_in "$out/stderr" "bench/here.sh: loop0 in use" "/dev/loop0 is in use" "BENCH_DEVICES"
# Without a loop device in the sweep, loop0 is not its business: on to
# the build, which fails (make is a stub), after nothing but make.
: > "$out/stub-calls"
_run 1 HERE_SYSROOT="$sys" KDIR="$headers" BENCH_DEVICES="blkex nullblk" BENCH_OUT="$out/bench-out"
grep -q "^make .*M=$copy/build/$running/src" "$out/stub-calls" ||
	_fail "bench/here.sh did not run make for build/$running: $(cat "$out/stub-calls")"
! grep -Ev '^make ' "$out/stub-calls" || _fail "bench/here.sh's failed build called more than make"

entry=tests/soak/here.sh
_sysroot
: > "$out/stub-calls"
_run 1 HERE_SYSROOT="$sys" KDIR="$headers" SOAK_OUT="$out/soak-out"
_expect_in "$out/stdout" "soak-here whose build fails" "not ok - build" "0 passed, 1 failed"
! grep -Ev '^make ' "$out/stub-calls" || _fail "soak-here's failed build called more than make"

rm -rf "$copy" "$sys"
echo "here.sh, bench/here.sh, soak/here.sh: all refusals as expected"
