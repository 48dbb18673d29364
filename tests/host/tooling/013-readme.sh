#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: README.md fits in 250 lines and every link in it resolves
#
# Page one is for someone deciding whether to use the driver; the rest
# lives in docs/. This case will, on the host, check that README.md has at
# most 250 lines, and that every relative link and image in it and in the
# docs it links to (docs/*.md, docs/bench/README.md, tracing/README.md)
# names a file of the repository and, with a #fragment, a heading of that
# file (GitHub's anchors: lower case, punctuation dropped, spaces to
# dashes). Then it proves the check can fail: a copy of README.md with a
# link to a missing file, and one to a missing heading, must be refused.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
out=$repo/build/readme-check

# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"

rm -rf "$out"
mkdir -p "$out"
lines=$(wc -l < "$repo/README.md")
echo "README.md: $lines lines"
[ "$lines" -le 250 ] || _fail "README.md has $lines lines, more than 250"

# _links FILE...: each relative link of each FILE that names a missing file
# or heading, one a line; returns 1 if there is any. Links are relative to
# the file's directory, or to LINKS_BASE if set (for a copy of a file).
_links() {
	python3 - "$repo" "$@" <<'EOF'
import os, re, sys
repo, files = sys.argv[1], sys.argv[2:]

def anchors(path):
    out, fence = set(), False
    for line in open(path):
        if line.startswith('```'):
            fence = not fence
        if fence or not line.startswith('#'):
            continue
        title = line.lstrip('#').strip().lower()
        title = re.sub(r'[^\w\- ]', '', title)
        out.add(title.replace(' ', '-'))
    return out

bad = n = 0
for f in files:
    text = open(f).read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'[a-z]+:', target):
            continue
        n += 1
        path, _, frag = target.partition('#')
        base = os.environ.get('LINKS_BASE') or os.path.dirname(f)
        full = os.path.normpath(os.path.join(base, path)) if path else f
        if not os.path.exists(full):
            print('%s: %s: no such file' % (os.path.relpath(f, repo), target))
            bad += 1
        elif frag and frag not in anchors(full):
            print('%s: %s: no such heading' % (os.path.relpath(f, repo), target))
            bad += 1
print('%d links checked, %d broken' % (n, bad))
sys.exit(1 if bad else 0)
EOF
}

_links "$repo/README.md" "$repo"/docs/*.md "$repo/docs/bench/README.md" \
	"$repo/tracing/README.md" || _fail "broken links"

# The check can fail: one broken link in a copy, and only that one.
for bad in docs/no-such-file.md docs/design.md#no-such-heading; do
	cp "$repo/README.md" "$out/README.md"
	echo "[gone]($bad)" >> "$out/README.md"
	if LINKS_BASE=$repo _links "$out/README.md" > "$out/links.log"; then
		_fail "a link to $bad passed"
	fi
	cat "$out/links.log"
	grep -q ", 1 broken" "$out/links.log" ||
		_fail "the copy with a link to $bad: not exactly one broken link"
	grep -qF "$bad" "$out/links.log" || _fail "the copy with a link to $bad: not named"
done
echo "README.md and the docs it links: every link resolves"
