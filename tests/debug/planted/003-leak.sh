#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: kmemleak catches the queue array leaked at power-off
#
# Planted: teardown forgets to free the hardware-queue array. Nothing
# notices on the stock kernel; kmemleak's scan after the unload does, and
# the suite fails the case that leaked.
set -euo pipefail
# shellcheck source=tests/debug/planted/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

_plant_run leak core/001-load-size \
	'kmemleak: unreferenced object'
