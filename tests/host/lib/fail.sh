#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the host-side cases (tests/host/*.sh).

# _fail MESSAGE...: print FAIL: MESSAGE and end the case with status 1.
_fail() {
	echo "FAIL: $*"
	exit 1
}
