#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: docs/parameters.md lists every module parameter and attribute
#
# docs/parameters.md is the one list of the driver's settings, and this
# case keeps it from drifting as settings come and go. It will, on the
# host and without booting anything, build blk_example.ko for each
# installed kernel (vm/build-module.sh, into build/parameters-doc/KVER)
# and read its parameters with `modinfo -F parm`; read the configfs
# attributes from the driver's sources (every &blkex_*_attr_NAME in an
# attribute array of blk_example/*.c, which is what CONFIGFS_ATTR and
# CONFIGFS_ATTR_RO name and what a disk's directory shows); and check
# that the doc's table has one row per setting, names each parameter as
# `both` or `param` and each attribute as `both` or `configfs` in its last
# column, and names nothing else. Then it proves the comparison can fail:
# a copy of the doc without the first row, and one with a made-up row,
# must each be refused.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/parameters-doc
doc=$repo/docs/parameters.md

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out"
mapfile -t kvers < <("$repo/vm/kernels.sh")
[ "${#kvers[@]}" -gt 0 ] || _fail "no kernel with headers installed"

# The parameters of each kernel's build: the same source, so the same list.
for kver in "${kvers[@]}"; do
	MODULE_OUT=$out/$kver "$repo/vm/build-module.sh" "$kver" > "$out/build-$kver.log" 2>&1 ||
		{ tail -n 20 "$out/build-$kver.log"; _fail "the build for $kver failed"; }
	modinfo -F parm "$out/$kver/blk_example.ko" | cut -d: -f1 | sort -u > "$out/params-$kver"
	[ -s "$out/params-$kver" ] || _fail "modinfo lists no parameter for $kver"
done
for kver in "${kvers[@]}"; do
	cmp -s "$out/params-${kvers[0]}" "$out/params-$kver" ||
		_fail "the parameters differ between ${kvers[0]} and $kver: $(diff "$out/params-${kvers[0]}" "$out/params-$kver" | tr '\n' ' ')"
done
cp "$out/params-${kvers[0]}" "$out/params"

# The attributes: what the attribute arrays hold (CONFIGFS_ATTR(blkex_X_,
# NAME) defines blkex_X_attr_NAME; only an array entry makes it a file).
grep -ohP '&blkex_\w*?_attr_\K[a-z0-9_]+(?=,)' "$repo"/blk_example/*.c | sort -u > "$out/attrs"
[ "$(wc -l < "$out/attrs")" -ge 10 ] ||
	_fail "found only $(wc -l < "$out/attrs") attributes in blk_example/*.c: $(tr '\n' ' ' < "$out/attrs")"
echo "module parameters: $(tr '\n' ' ' < "$out/params")"
echo "configfs attributes: $(tr '\n' ' ' < "$out/attrs")"

# _compare DOC: every setting has its row and every row a setting; prints
# each mismatch and returns 1 if there is any.
_compare() {
	python3 - "$1" "$out/params" "$out/attrs" <<'EOF'
import re, sys
doc, params, attrs = sys.argv[1:]
params = set(open(params).read().split())
attrs = set(open(attrs).read().split())
rows, bad = {}, []
head = None             # the header of the table the line is in
for line in open(doc):
    line = line.rstrip('\n')
    if not line.startswith('|'):
        head = None
        continue
    cells = [c.strip() for c in line.strip('|').split('|')]
    if head is None:
        head = cells
        continue
    if set(line) <= set('|-: ') or head[0] != 'name' or head[-1] != 'module param / configfs':
        continue
    m = re.fullmatch(r'`([a-z0-9_]+)`', cells[0])
    if not m:
        bad.append('a row with no `name` in its first cell: ' + line[:60])
        continue
    name, where = m.group(1), cells[-1]
    if name in rows:
        bad.append(name + ': two rows')
    if where not in ('both', 'param', 'configfs'):
        bad.append(name + ': last column is "' + where + '", not both, param or configfs')
    rows[name] = where
if not rows:
    bad.append('no table with a "name" first and a "module param / configfs" last column')
for p in sorted(params):
    if p not in rows:
        bad.append('module parameter ' + p + ': no row')
    elif rows[p] not in ('both', 'param'):
        bad.append('module parameter ' + p + ': its row says ' + rows[p])
for a in sorted(attrs):
    if a not in rows:
        bad.append('configfs attribute ' + a + ': no row')
    elif rows[a] not in ('both', 'configfs'):
        bad.append('configfs attribute ' + a + ': its row says ' + rows[a])
for name, where in sorted(rows.items()):
    if where in ('both', 'param') and name not in params:
        bad.append(name + ': the doc says module parameter, modinfo has none')
    if where in ('both', 'configfs') and name not in attrs:
        bad.append(name + ': the doc says configfs attribute, the sources have none')
for b in bad:
    print('  ' + b)
print('%d rows, %d parameters, %d attributes, %d mismatches' %
      (len(rows), len(params), len(attrs), len(bad)))
sys.exit(1 if bad else 0)
EOF
}

echo "== docs/parameters.md"
_compare "$doc" || _fail "docs/parameters.md does not match the module and its sources"

# The comparison can fail: a row missing, and a row too many.
awk -v tick='`' 'index($0, "| " tick) == 1 && !done { done = 1; next } { print }' "$doc" > "$out/missing.md"
echo "== without its first row"
if _compare "$out/missing.md"; then
	_fail "a doc without its first row passed"
fi
# shellcheck disable=SC2016 # the backticks are markdown, not a command
sed '/^| `num_sectors` /a | `no_such_setting` | uint | 0 | 0 | nothing | both |' "$doc" > "$out/extra.md"
grep -q no_such_setting "$out/extra.md" || _fail "could not add a made-up row to a copy of the doc"
echo "== with a made-up row"
if _compare "$out/extra.md"; then
	_fail "a doc with a made-up setting passed"
fi
echo "docs/parameters.md lists the $(wc -l < "$out/params") parameters and $(wc -l < "$out/attrs") attributes"
