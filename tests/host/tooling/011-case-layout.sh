#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: cases in groups, uniquely numbered, one-line DESCRIPTIONs
#
# The suite finds cases one folder down (tests/cases/GROUP, tests/host/
# GROUP), runs them in number order whatever the group and names their
# logs by NNN-NAME alone (tests/lib/usage.sh usage_pick, tests/lib/
# suite.sh). This test will check, on the host with no VM, that every
# case is in a group folder (tests/cases: core, tracing, faults, zoned;
# tests/host: tooling, driver), that no two cases of one tree share a
# number, that each has exactly one DESCRIPTION of one line and at most
# 80 characters, that usage_pick lists them in number order with
# 099-lockdown last, and that TESTS picks a group by GROUP/ and a case
# by its file name. Runs in about a second.
set -euo pipefail

repo=$(readlink -f "$(dirname "$(readlink -f "$0")")/../../..")
# shellcheck source=tests/host/lib/fail.sh
. "$repo/tests/host/lib/fail.sh"
# shellcheck source=tests/lib/usage.sh
. "$repo/tests/lib/usage.sh"

# _tree DIR GROUP...: DIR's cases are all in one of GROUPs, with unique
# numbers and one short DESCRIPTION each (PREFIX: "DESCRIPTION=" for the
# VM cases, "# DESCRIPTION: " for the host cases).
_tree() {
	local dir=$1 prefix=$2 f rel n d
	local -A seen=()
	shift 2
	[ -z "$(find "$dir" -maxdepth 1 -name '[0-9]*.sh')" ] ||
		_fail "cases outside a group folder: $(find "$dir" -maxdepth 1 -name '[0-9]*.sh')"
	while read -r f; do
		rel=${f#"$dir"/}
		[[ " $* " == *" ${rel%%/*} "* ]] || _fail "$rel: not in a group ($*)"
		n=${f##*/}
		n=${n%%-*}
		[ -z "${seen[$n]:-}" ] || _fail "$rel and ${seen[$n]} share the number $n"
		seen[$n]=$rel
		[ "$(grep -c "^$prefix" "$f")" = 1 ] || _fail "$rel: not exactly one ^$prefix line"
		d=$(grep "^$prefix" "$f")
		[ "${#d}" -le 80 ] || _fail "$rel: DESCRIPTION longer than 80 characters: $d"
		[[ $prefix != DESCRIPTION=* || $d =~ ^DESCRIPTION=\"[^\"]+\"$ ]] ||
			_fail "$rel: DESCRIPTION is not one line in double quotes: $d"
		# The host cases' one line is followed by a blank comment line
		# or the code, not by more of the same sentence.
		if [[ $prefix == "# "* ]]; then
			grep -A 1 "^$prefix" "$f" | tail -n 1 | grep -qvE '^# .' ||
				_fail "$rel: DESCRIPTION goes on over more lines"
		fi
	done < <(find "$dir" -mindepth 2 -name '[0-9]*.sh')
	[ "${#seen[@]}" -gt 0 ] || _fail "no case in $dir"
	echo "ok: $dir: ${#seen[@]} cases in $*"
}

_tree "$repo/tests/cases" 'DESCRIPTION=' core tracing faults zoned
_tree "$repo/tests/host" '# DESCRIPTION: ' tooling driver

mapfile -t all < <(TESTS='' usage_pick "$repo/tests/cases")
mapfile -t names < <(for f in "${all[@]}"; do echo "${f##*/}"; done)
[ "$(printf '%s\n' "${names[@]}")" = "$(printf '%s\n' "${names[@]}" | sort)" ] ||
	_fail "usage_pick does not list the cases in number order: ${names[*]}"
[ "${names[-1]}" = 099-lockdown.sh ] || _fail "the last case is ${names[-1]}, not 099-lockdown"
echo "ok: ${#all[@]} cases in number order, 099-lockdown last"

mapfile -t picked < <(TESTS='^tracing/' usage_pick "$repo/tests/cases")
want=$(find "$repo/tests/cases/tracing" -name '[0-9]*.sh' | sort)
[ "$(printf '%s\n' "${picked[@]}")" = "$want" ] ||
	_fail "TESTS='^tracing/' picked ${picked[*]}, not the tracing group"
mapfile -t picked < <(TESTS='^004-fio' usage_pick "$repo/tests/cases")
if [ "${#picked[@]}" != 1 ] ||
   [ "$(usage_case_name "$repo/tests/cases" "${picked[0]}")" != core/004-fio-verify ]; then
	_fail "TESTS='^004-fio' picked ${picked[*]}, not core/004-fio-verify"
fi
echo "ok: TESTS picks a group by GROUP/ and a case by file name"
echo "PASS"
