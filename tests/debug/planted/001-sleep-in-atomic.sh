#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DESCRIPTION: the debug kernel catches sleeping in atomic context
#
# Planted: store_mutex taken under a spinlock. The stock kernel says
# nothing while the mutex is free; CONFIG_DEBUG_ATOMIC_SLEEP reports the
# first mutex_lock() in atomic context.
set -euo pipefail
# shellcheck source=tests/debug/planted/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

_plant_run sleep-in-atomic core/003-zero-read \
	'BUG: sleeping function called from invalid context'
