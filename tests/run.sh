#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/run.sh            (what `make test` runs)
# Builds the module for each kernel (tests/vm/kernels.sh), boots each one
# under QEMU, runs the cases in tests/cases inside, then the host-side
# cases in tests/host (each boots its own VM if it needs one), and prints TAP, ending
# with "N passed, N failed, N skipped". Exits non-zero on any failure,
# including a kernel log with an oops, warning or lockdep report anywhere
# in a boot.
#
# Environment: KVERS="v1 v2" (kernels), TESTS=REGEX (matched against the
# cases' file names), TEST_SCALE_PCT (I/O sizes, default 100),
# BT_ATTACH_S (how long bpftrace may take to attach, default 180),
# TEST_HOST_DIR (the host-side cases, default tests/host), TEST_KDIR as
# in tests/vm/build-module.sh, VM_* as in tests/vm/boot.sh.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/..")
results=$repo/build/test-results
# shellcheck source=tests/lib/kmsg-patterns.sh
. "$here/lib/kmsg-patterns.sh"

mapfile -t kvers < <("$here/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || { echo "run.sh: no kernel with headers installed; run make deps" >&2; exit 2; }
# _pick DIR: the cases in DIR whose file name matches TESTS. The name, not
# the path: a checkout in, say, /work/clone-036 would match every case.
_pick() {
	local f
	[ -d "$1" ] || return 0
	while read -r f; do
		[[ ${f##*/} =~ ${TESTS:-.} ]] && echo "$f"
	done < <(find "$1" -maxdepth 1 -name '[0-9]*.sh' | sort)
	return 0
}
mapfile -t cases < <(_pick "$here/cases")
mapfile -t hcases < <(_pick "${TEST_HOST_DIR:-$here/host}")
[ "$((${#cases[@]} + ${#hcases[@]}))" -gt 0 ] || { echo "run.sh: no case matches TESTS=${TESTS:-}" >&2; exit 2; }

[ "${#cases[@]}" -gt 0 ] || kvers=()
passed=0 failed=0 skipped=0 n=0
echo "TAP version 13"
echo "1..$(( (${#cases[@]} + 2) * ${#kvers[@]} + ${#hcases[@]} ))"

# _result LINE KVER: number a guest result line and count it.
_result() {
	local line=$1 kver=$2 status rest
	n=$((n + 1))
	case $line in
	"not ok - "*) status="not ok"; rest=${line#not ok - }; failed=$((failed + 1)) ;;
	*"# SKIP"*) status=ok; rest=${line#ok - }; skipped=$((skipped + 1)) ;;
	*) status=ok; rest=${line#ok - }; passed=$((passed + 1)) ;;
	esac
	echo "$status $n $kver/$rest"
}

for kver in "${kvers[@]}"; do
	out=$results/$kver
	rm -rf "$out"
	mkdir -p "$out"
	echo "# $kver: building the module"
	if ! "$here/vm/build-module.sh" "$kver" > "$out/build.log" 2>&1; then
		sed 's/^/#   /' "$out/build.log"
		_result "not ok - build" "$kver"
	else
		_result "ok - build" "$kver"
	fi

	{
		echo "export TEST_SCALE_PCT=${TEST_SCALE_PCT:-100}"
		echo "export BT_ATTACH_S=${BT_ATTACH_S:-180}"
		printf 'exec bash /mnt/repo/tests/lib/suite.sh'
		for c in "${cases[@]}"; do
			printf ' /mnt/repo/tests/cases/%s' "$(basename "$c")"
		done
		echo
	} > "$out/suite-job.sh"

	echo "# $kver: booting the VM"
	seen=0
	while IFS= read -r line; do
		case $line in
		"ok - "* | "not ok - "*)
			_result "$line" "$kver"
			seen=$((seen + 1)) ;;
		*) echo "# $line" ;;
		esac
	done < <("$here/vm/boot.sh" "$kver" "$out/suite-job.sh" "$out" 2>&1 ||
		 echo "# VM exit status $?")

	for ((i = seen; i < ${#cases[@]}; i++)); do
		_result "not ok - $(basename "${cases[i]}" .sh) # the VM stopped before it ran" "$kver"
	done

	bad=$(grep -E "$KMSG_BAD" "$out/console.log" 2> /dev/null | head -n 5 || true)
	if [ -s "$out/console.log" ] && [ -z "$bad" ]; then
		_result "ok - kernel-log-clean" "$kver"
	else
		[ -n "$bad" ] && printf '#   kernel: %s\n' "${bad//$'\n'/$'\n'#   kernel: }"
		_result "not ok - kernel-log-clean" "$kver"
	fi
done

for hcase in "${hcases[@]}"; do
	name=$(basename "$hcase" .sh)
	log=$results/host/$name.log
	mkdir -p "$results/host"
	echo "# host: $name"
	start=$SECONDS
	if "$hcase" > "$log" 2>&1; then
		_result "ok - $name ($((SECONDS - start))s)" host
	else
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/#   /'
		_result "not ok - $name ($((SECONDS - start))s)" host
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
