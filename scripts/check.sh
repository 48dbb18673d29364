#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/check.sh            (what `make check` runs; CI runs it too)
# The static checks a kernel reviewer runs, on the host, no VM:
#   checkpatch  scripts/checkpatch.pl --strict --no-tree on blk_example/*.[ch]
#   sparse      a W=1 C=2 build against every installed kernel's headers
#               (vm/kernels.sh); any line of output is a finding
#   shell       shellcheck on every shell script in the repository, found
#               by its shebang
# Prints each finding and exits 1 if there was any.
#
# checkpatch.pl comes from Debian's linux-source-6.12 tarball: only it and
# the two data files it reads are unpacked, once, into build/ksrc.
# Environment: CHECKS (a subset, e.g. CHECKS="checkpatch shell"), KVERS (kernels),
# KSRC_TAR (the tarball).
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/..")
cd "$repo"
tarball=${KSRC_TAR:-/usr/src/linux-source-6.12.tar.xz}
ksrc=$repo/build/ksrc
total=0

# _found TOOL COUNT: account for COUNT findings of TOOL.
_found() {
	echo "check: $1: $2 finding(s)"
	total=$((total + $2))
}

# checkpatch.pl reads spelling.txt and const_structs.checkpatch from its
# own directory; the rest of the kernel tree is not needed with --no-tree.
_unpack_checkpatch() {
	local top=linux-source-6.12 tmp f
	[ -s "$ksrc/scripts/checkpatch.pl" ] && return 0
	[ -r "$tarball" ] || { echo "check: no $tarball: install linux-source-6.12 (make deps)" >&2; exit 2; }
	echo "check: unpacking checkpatch.pl from $tarball into build/ksrc"
	tmp=$(mktemp -d "$repo/build/ksrc.XXXXXX")
	tar -xJf "$tarball" -C "$tmp" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
	for f in spelling.txt const_structs.checkpatch checkpatch.pl; do
		mkdir -p "$ksrc/scripts"
		mv "$tmp/scripts/$f" "$ksrc/scripts/$f"
	done
	rm -rf "$tmp"
}

_checkpatch() {
	local out
	mkdir -p "$repo/build"
	_unpack_checkpatch
	out=$(perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse \
		--no-summary --show-types -f blk_example/*.[ch] || true)
	[ -n "$out" ] && echo "$out"
	_found checkpatch "$(grep -cE '^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):' <<< "$out" || true)"
}

_sparse() {
	local kver out n=0
	for kver in $(vm/kernels.sh); do
		echo "check: W=1 C=2 build for $kver"
		out=$(vm/build-module.sh "$kver" W=1 C=2 2>&1) ||
			out+=$'\n'"build-module.sh failed for $kver"
		# 6.1's Makefile.modfinal says this on stderr whenever the
		# headers package has no vmlinux (Debian's never has): a note
		# about the build tree, not a finding in our code.
		out=$(grep -vxE 'Skipping BTF generation for .*/blk_example\.ko due to unavailability of vmlinux' <<< "$out" || true)
		[ -z "$out" ] && continue
		printf '%s: %s\n' "$kver" "${out//$'\n'/$'\n'$kver: }"
		n=$((n + $(wc -l <<< "$out")))
	done
	_found "sparse/W=1" "$n"
}

# Every tracked (or new, not ignored) file whose first line is a shell
# shebang; outside a git work tree, every file but build/. Finding none
# is a finding. busybox sh has no shellcheck dialect of its own: dash, the
# POSIX subset it implements, is the closest.
_shellcheck() {
	local f line n=0 out
	local -a sh=() busybox=()
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		# Vendored upstream code, which upstream checks its own way.
		case $f in tests/third_party/*) continue ;; esac
		IFS= read -r line < "$f" || true
		case $line in
		'#!/bin/busybox sh'*) busybox+=("$f") ;;
		'#!'*/bash* | '#!'*/sh | '#!'*/sh\ * | '#!'*/dash* | '#!/usr/bin/env '*sh*)
			sh+=("$f") ;;
		esac
	done < <(git ls-files -co --exclude-standard 2> /dev/null ||
		 find . -path ./build -prune -o -path ./.git -prune -o -type f -print)
	echo "check: shellcheck on $((${#sh[@]} + ${#busybox[@]})) scripts"
	[ "$((${#sh[@]} + ${#busybox[@]}))" -gt 0 ] || { _found shellcheck 1; return; }
	out=$( { [ "${#sh[@]}" = 0 ] || shellcheck -x -f gcc "${sh[@]}"; } 2>&1;
	       { [ "${#busybox[@]}" = 0 ] || shellcheck -x -s dash -f gcc "${busybox[@]}"; } 2>&1 ) || true
	if [ -n "$out" ]; then
		echo "$out"
		n=$(wc -l <<< "$out")
	fi
	_found shellcheck "$n"
}

for c in ${CHECKS:-checkpatch sparse shell}; do
	case $c in
	checkpatch | sparse) "_$c" ;;
	shell | shellcheck) _shellcheck ;;
	*) echo "check: unknown check $c" >&2; exit 2 ;;
	esac
done
if [ "$total" != 0 ]; then
	echo "check: FAILED, $total finding(s)"
	exit 1
fi
echo "check: clean"
