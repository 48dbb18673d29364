#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the host-side cases (tests/host/*.sh): how a case fails.

# _fail MESSAGE...: print FAIL: MESSAGE and end the case with status 1.
_fail() {
	echo "FAIL: $*"
	exit 1
}

# _expect_in FILE WHAT WORD...: every WORD appears in FILE, or _fail.
_expect_in() {
	local file=$1 what=$2 w
	shift 2
	for w in "$@"; do
		grep -qF -- "$w" "$file" || _fail "$what: no '$w' in it"
	done
}
