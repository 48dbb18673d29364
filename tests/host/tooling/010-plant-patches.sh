#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: every planted-bug patch applies to and builds with the driver
#
# The planted bugs that prove the debug lane and the plant cases can fail
# are patches (tests/debug/planted/patches) that the build helper applies
# to its copy of the sources (vm/build-module.sh, PLANT_PATCHES). A
# driver change that moves their context would break those cases only when
# they run (the debug lane rarely does). This test will check, on the
# host with no VM, that the driver's sources hold no planted code (no
# BLKEX_PLANT_); that each patch applies alone to a copy of the current
# sources with no fuzz; that all of them apply one after another (the
# cases stack some); that a copy whose context moved is refused, so this
# check can fail; and that the module builds with all of them for the
# newest kernel (vm/kernels.sh) without touching the checkout. Runs
# in about 20 s, most of it the build.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
patches=$repo/tests/debug/planted/patches
out=$repo/build/plant-patches
# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out"

# _copy DIR: a fresh copy of the sources the build takes (Kbuild and
# blk_example/), as vm/build-module.sh copies them.
_copy() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -p "$repo/Kbuild" "$1/"
	cp -rp "$repo/blk_example" "$1/"
}

# _apply DIR PATCH: apply PATCH to DIR as the build helper does.
_apply() {
	patch -d "$1" -p1 --fuzz=0 --no-backup-if-mismatch -s < "$2"
}

echo "== no planted code in blk_example/"
if grep -rn BLKEX_PLANT_ "$repo/blk_example"; then
	_fail "blk_example/ holds planted code: it belongs in a patch in $patches"
fi

mapfile -t all < <(find "$patches" -maxdepth 1 -name '*.patch' | sort)
[ "${#all[@]}" -gt 0 ] || _fail "no patch in $patches"
names=()
for p in "${all[@]}"; do
	names+=("$(basename "$p" .patch)")
done
echo "patches: ${names[*]}"

echo "== each alone"
for p in "${all[@]}"; do
	_copy "$out/alone"
	_apply "$out/alone" "$p" > "$out/alone.log" 2>&1 || {
		cat "$out/alone.log"
		_fail "$(basename "$p") no longer applies to blk_example/: refresh it against the current sources"
	}
	diff -qr "$repo/blk_example" "$out/alone/blk_example" > /dev/null &&
		_fail "$(basename "$p") changed nothing"
	echo "ok: $(basename "$p")"
done

echo "== all, one after another"
_copy "$out/all"
for p in "${all[@]}"; do
	_apply "$out/all" "$p" || _fail "$(basename "$p") does not apply after the ones before it"
done

echo "== a copy whose context moved is refused"
_copy "$out/moved"
# Every context line of every patch gets a character more: none may apply.
find "$out/moved/blk_example" -name '*.[ch]' -exec sed -i 's/^\(.\)/\1 /' {} +
for p in "${all[@]}"; do
	if _apply "$out/moved" "$p" > /dev/null 2>&1; then
		_fail "$(basename "$p") applied to sources it does not fit: this check cannot see a broken patch"
	fi
done
echo "ok: none applies"

kver=$("$repo/vm/kernels.sh" | tail -n 1)
[ -n "$kver" ] || _fail "no kernel with headers installed"
echo "== the module with all of them, for $kver"
before=$(git -C "$repo" status --porcelain -- blk_example Kbuild 2> /dev/null || true)
MODULE_OUT=$out/build PLANT_PATCHES="${names[*]}" \
	"$repo/vm/build-module.sh" "$kver" ||
	_fail "the module does not build with ${names[*]}"
[ -s "$out/build/blk_example.ko" ] || _fail "no $out/build/blk_example.ko"
for f in "$out"/all/blk_example/*.[ch]; do
	cmp -s "$f" "$out/build/src/blk_example/${f##*/}" ||
		_fail "the build's copy of ${f##*/} is not the sources with every patch applied"
done
[ "$(git -C "$repo" status --porcelain -- blk_example Kbuild 2> /dev/null || true)" = "$before" ] ||
	_fail "the build changed the checkout's sources"
grep -rq BLKEX_PLANT_ "$repo/blk_example" && _fail "the build patched the checkout"
echo "ok: built, the checkout untouched"
echo "PASS"
