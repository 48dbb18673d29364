#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: every entry point's --help and refusals, and the install edges
#
# the harness says what it will do, and the build and install
# edges. This test will, on the host and without booting anything, run
# every entry point (tests/run.sh, tests/here.sh, tests/soak/run.sh,
# tests/soak/here.sh, tests/debug/run.sh, bench/run.sh, bench/here.sh,
# bench/ab.sh, bench/tracecost.sh, bench/zoned.sh, bench/profile.sh) from a
# copy of the repository with qemu-system-x86_64, make and fio replaced by
# stubs that record a call, and check: -h and --help exit 0 within a few
# seconds and name every knob the script and the scripts it passes knobs on
# to read (and bench's guest defaults); an unknown argument exits 2 with
# the usage; a misspelt workload, device, wq mode, module parameter, clock,
# kernel or case exits 2 naming the valid values; and none of these calls a
# stub or creates build/ or bench/results/. Then `make help`; that
# MODULE_VERSION in main.c is dkms.conf's PACKAGE_VERSION; for each kernel
# `make install KDIR=...` without KVER into a staging root lands in that
# kernel's lib/modules and depmod's list, with the right vermagic and
# version, and `make uninstall KDIR=...` takes it out; a KVER that is not
# KDIR's is refused; "No kernel build tree" lists the kernels with headers;
# `make clean` keeps build/test-results and `make distclean` does not.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/entry-points

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out/stub"
copy=$out/repo
mkdir "$copy"
git -C "$repo" ls-files -z -co --exclude-standard |
	(cd "$repo" && tar --null -T - -c) | tar -x -C "$copy"
rm -rf "$copy/build" "$copy/bench/results"
for tool in qemu-system-x86_64 make fio; do
	printf '#!/bin/sh\necho "%s $*" >> %q\nexit 1\n' "$tool" "$out/stub-calls" > "$out/stub/$tool"
	chmod +x "$out/stub/$tool"
done
mapfile -t kvers < <("$repo/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || _fail "no kernel with headers installed"

# _run WANT ENTRY [ARG...] (environment from the caller's VAR=... prefix):
# run ENTRY of the copy with the stubs first on PATH; it must exit WANT
# within 5 seconds, call no stub and create neither build/ nor
# bench/results/. Its stdout is in $out/stdout, stderr in $out/stderr.
_run() {
	local want=$1 entry=$2 status=0 t0
	shift 2
	t0=$(date +%s%N)
	PATH=$out/stub:$PATH timeout 60 "$copy/$entry" "$@" \
		> "$out/stdout" 2> "$out/stderr" || status=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "== $entry $* -> $status in ${ms} ms"
	sed 's/^/   stderr: /' "$out/stderr" | head -n 5
	[ "$status" = "$want" ] || _fail "$entry $*: exit status $status, want $want"
	[ "$ms" -lt 5000 ] || _fail "$entry $*: took $ms ms"
	[ ! -s "$out/stub-calls" ] || _fail "$entry $*: ran $(cat "$out/stub-calls")"
	[ ! -e "$copy/build" ] || _fail "$entry $*: created build/: $(ls "$copy/build")"
	[ ! -e "$copy/bench/results" ] || _fail "$entry $*: created bench/results/"
}

# _knobs FILE...: the upper-case variables the files read, ${NAME...}.
_knobs() {
	grep -ohE '\$\{[A-Z][A-Z0-9_]*' "$@" | cut -c3- |
		grep -vxE 'BASH_SOURCE|BENCH_RESUME' | sort -u
}

# 1. --help and -h, and what each help must name.
vm_knobs=$(_knobs "$repo/vm/boot.sh")
declare -A reads=(
	[tests/run.sh]="tests/run.sh vm/kernels.sh vm/build-module.sh"
	[tests/here.sh]="tests/here.sh tests/lib/here-checks.sh"
	[tests/soak/run.sh]="tests/soak/run.sh vm/kernels.sh vm/build-module.sh"
	[tests/soak/here.sh]="tests/soak/here.sh tests/soak/guest.sh tests/lib/here-checks.sh"
	[tests/debug/run.sh]="tests/debug/run.sh tests/debug/build-kernel.sh"
	[bench/run.sh]="bench/run.sh bench/knobs.sh bench/guest/grid.sh vm/build-module.sh"
	[bench/here.sh]="bench/here.sh bench/knobs.sh bench/guest/sweep.sh bench/guest/grid.sh tests/lib/here-checks.sh"
	[bench/ab.sh]="bench/ab.sh bench/guest/ab.sh"
	[bench/tracecost.sh]="bench/tracecost.sh bench/ab.sh bench/guest/ab.sh"
	[bench/zoned.sh]="bench/zoned.sh bench/guest/zoned.sh"
	[bench/profile.sh]="bench/profile.sh bench/guest/profile.sh"
)
for entry in "${!reads[@]}"; do
	read -ra files <<< "${reads[$entry]}"
	# The in-place entry points boot nothing: no VM_* knobs.
	mapfile -t knobs < <(cd "$repo" && _knobs "${files[@]}"
		[[ $entry == */here.sh ]] || echo "$vm_knobs")
	for opt in --help -h; do
		_run 0 "$entry" "$opt"
		[ -s "$out/stdout" ] || _fail "$entry $opt printed nothing"
		_expect_in "$out/stdout" "$entry $opt" "${knobs[@]}"
	done
	_run 2 "$entry" --no-such-option
	_expect_in "$out/stderr" "$entry --no-such-option" "Usage:" "--no-such-option"
done

# bench/run.sh's and bench/here.sh's help give the grid's defaults: each
# `: "${BENCH_X:=V}"` of bench/guest/grid.sh, V's words in the help.
for entry in bench/run.sh bench/here.sh; do
	_run 0 "$entry" --help
	while read -r knob value; do
		[[ $value == \$* ]] && continue
		read -ra words <<< "$value"
		_expect_in "$out/stdout" "$entry --help, $knob's default" "$knob" "${words[@]}"
	done < <(sed -n 's/^: "\${\(BENCH_[A-Z_]*\):=\(.*\)}"$/\1 \2/p' "$repo/bench/guest/grid.sh")
done

# 2. Misspelt names and numbers fail at once, naming the valid values.
workloads=(randread-4k randwrite-4k randrw70-4k seqread-128k seqwrite-128k)
BENCH_WORKLOADS="randread-4k randred-4k" _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_WORKLOADS typo" randred-4k "${workloads[@]}"
BENCH_DEVICES=nullb _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_DEVICES typo" nullb blkex brd nullblk-deferred nullblk-poll loop-tmpfs loop-tmpfs-dio
BENCH_WQ_MODES="unbound percpu@far" _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_WQ_MODES work_cpu typo" far local next auto
BENCH_WQ_MODES=bound _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_WQ_MODES typo" bound percpu percpu-highpri unbound-highpri
BENCH_CLOCK=wal _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_CLOCK typo" icount wall
BENCH_DEPTHS="1,16" _run 2 bench/run.sh
_expect_in "$out/stderr" "BENCH_DEPTHS typo" BENCH_DEPTHS
BENCH_WORKLOADS="randred-4k" _run 2 bench/here.sh
_expect_in "$out/stderr" "bench/here.sh BENCH_WORKLOADS typo" randred-4k "${workloads[@]}"
BENCH_WQ_MODES=bound _run 2 bench/here.sh
_expect_in "$out/stderr" "bench/here.sh BENCH_WQ_MODES typo" bound percpu unbound-highpri
BENCH_CLOCK=wal _run 2 bench/here.sh
_expect_in "$out/stderr" "bench/here.sh BENCH_CLOCK typo" host icount wall
BENCH_REPORT=yes _run 2 bench/here.sh
_expect_in "$out/stderr" "bench/here.sh BENCH_REPORT typo" BENCH_REPORT
BENCH_QUICK=1 BLKEX_ARGS="wq_mode=bound" _run 2 bench/run.sh
_expect_in "$out/stderr" "BLKEX_ARGS wq_mode typo" bound unbound-highpri
BLKEX_ARGS="nr_device=2" _run 2 bench/run.sh
_expect_in "$out/stderr" "BLKEX_ARGS parameter typo" nr_device nr_devices queue_depth
KVER=0.0-none _run 2 bench/run.sh
_expect_in "$out/stderr" "KVER typo" "${kvers[@]}"
AB_WORKLOAD=randred-4k _run 2 bench/ab.sh a=. b=.
_expect_in "$out/stderr" "AB_WORKLOAD typo" "${workloads[@]}"
_run 2 bench/ab.sh a=.
_run 2 bench/ab.sh a=. a=.+queue_depth=16
_run 2 bench/ab.sh a=. b=no-such-revision
_run 2 bench/ab.sh a=. b=.+wq_mode=bound
AB_WORKLOAD=randred-4k _run 2 bench/tracecost.sh
_expect_in "$out/stderr" "AB_WORKLOAD typo via tracecost" "${workloads[@]}"
ZONED_SCHED=deadline _run 2 bench/zoned.sh
_expect_in "$out/stderr" "ZONED_SCHED typo" deadline none mq-deadline
ZONED_ZONE_MB=3 _run 2 bench/zoned.sh
ZONED_DEPTHS="1,16" _run 2 bench/zoned.sh
BLKEX_ARGS="zone_sise=4" _run 2 bench/zoned.sh
PROFILE_RW=randred _run 2 bench/profile.sh
_expect_in "$out/stderr" "PROFILE_RW typo" randred randread randwrite
PROFILE_IOS=5k _run 2 bench/profile.sh
KVERS="${kvers[0]} 0.0-none" _run 2 tests/run.sh
_expect_in "$out/stderr" "KVERS typo" "${kvers[@]}"
TESTS='^no-such-case' _run 2 tests/run.sh
TEST_SCALE_PCT=half _run 2 tests/run.sh
TESTS='^no-such-case' _run 2 tests/debug/run.sh
SOAK_SECONDS=3m _run 2 tests/soak/run.sh
SOAK_SECONDS=3m _run 2 tests/soak/here.sh
_expect_in "$out/stderr" "soak/here.sh SOAK_SECONDS typo" SOAK_SECONDS
KVERS=0.0-none _run 2 tests/soak/run.sh
_expect_in "$out/stderr" "soak KVERS typo" "${kvers[@]}"

# 3. make help names every target.
echo "== make help"
make -s -C "$repo" help > "$out/make-help" || _fail "make help failed"
cat "$out/make-help"
mapfile -t targets < <(sed -n 's/^\.PHONY://p' "$repo/Makefile" | tr ' ' '\n' |
	grep -vxE 'all|modules|')
for t in "${targets[@]}"; do
	grep -q "^make $t " "$out/make-help" || _fail "make help does not list $t"
done

# 4. The version modinfo shows is the package's.
version=$("$repo/scripts/dkms-src.sh" --version)
mver=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$repo/blk_example/main.c")
[ "$mver" = "$version" ] ||
	_fail "MODULE_VERSION is '$mver' in main.c, dkms.conf says '$version'"

# 5. make install KDIR=... without KVER: that kernel's tree and depmod.
root=$out/root
for kver in "${kvers[@]}"; do
	echo "== make install KDIR=/lib/modules/$kver/build"
	src=$("$repo/scripts/dkms-src.sh" "$out/src-$kver")
	make -s -C "$src" KDIR="/lib/modules/$kver/build" INSTALL_MOD_PATH="$root" install
	ko=$(compgen -G "$root/lib/modules/$kver/updates/blk_example.ko*") ||
		_fail "make install KDIR=...$kver left no module in its updates/: $(find "$root" -name '*.ko*')"
	grep -q '^updates/blk_example\.ko' "$root/lib/modules/$kver/modules.dep" ||
		_fail "depmod was not run for $kver"
	[ "$(modinfo -F version "$ko")" = "$version" ] || _fail "$kver: modinfo version is not $version"
	[[ $(modinfo -F vermagic "$ko") == "$kver "* ]] || _fail "$kver: vermagic is not $kver's"
done
installed=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd ' ')
[ "$installed" = "$(printf '%s\n' "${kvers[@]}" | sort | paste -sd ' ')" ] ||
	_fail "make install wrote lib/modules/ for: $installed"

# A KVER that is not KDIR's is refused, before anything is installed.
if [ "${#kvers[@]}" -gt 1 ]; then
	echo "== make install KVER=${kvers[0]} KDIR=...${kvers[1]}"
	rm -rf "$out/root-mismatch"
	if make -s -C "$src" KVER="${kvers[0]}" KDIR="/lib/modules/${kvers[1]}/build" \
		INSTALL_MOD_PATH="$out/root-mismatch" install 2> "$out/stderr"; then
		_fail "make install took KVER=${kvers[0]} with ${kvers[1]}'s KDIR"
	fi
	cat "$out/stderr"
	[ ! -e "$out/root-mismatch" ] || _fail "the refused install wrote $out/root-mismatch"
fi

for kver in "${kvers[@]}"; do
	echo "== make uninstall KDIR=/lib/modules/$kver/build"
	make -s -C "$out/src-$kver/blk-example-$version" KDIR="/lib/modules/$kver/build" \
		INSTALL_MOD_PATH="$root" uninstall
	! compgen -G "$root/lib/modules/$kver/updates/blk_example.ko*" ||
		_fail "make uninstall KDIR=... left $kver's module"
	! grep -q blk_example "$root/lib/modules/$kver/modules.dep" ||
		_fail "modules.dep of $kver still lists the module"
done

# 6. No build tree: the kernels that have one.
echo "== make KDIR=/nonexistent"
if make -s -C "$copy" KDIR=/nonexistent 2> "$out/stderr"; then
	_fail "make with no kernel tree succeeded"
fi
cat "$out/stderr"
_expect_in "$out/stderr" "No kernel build tree message" "${kvers[@]}"

# 7. make clean keeps the test results, make distclean does not.
echo "== make clean, make distclean"
mkdir -p "$copy/build/test-results/host" "$copy/build/soak" "$copy/build/${kvers[0]}"
make -s -C "$copy" KDIR="/lib/modules/${kvers[0]}/build" clean
for d in test-results/host soak; do
	[ -d "$copy/build/$d" ] || _fail "make clean removed build/$d, test results"
done
[ ! -e "$copy/build/${kvers[0]}" ] || _fail "make clean left build/${kvers[0]}"
make -s -C "$copy" KDIR="/lib/modules/${kvers[0]}/build" distclean
[ ! -e "$copy/build" ] || _fail "make distclean left build/"
rm -rf "$copy"
echo "entry points and install edges: all as expected"
