#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Planted: the driver as it was before .exit_request flushed a request's
# work item (BLKEX_PLANT_NO_EXIT_FLUSH), with drains that run until their
# list is empty (BLKEX_PLANT_UNBOUNDED_DRAIN) and a 50 ms busy wait after
# each batch (BLKEX_PLANT_DRAIN_DELAY): a scheduler switch frees the pool
# that holds a work item still queued behind the busy worker. With
# CONFIG_DEBUG_OBJECTS_FREE the free of an active work item is reported;
# with KASAN or page poisoning, the worker's read of it. The report can
# leave fio waiting for ever, so the VM is stopped at the first one.
set -euo pipefail
# shellcheck source=tests/debug/planted/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

pattern='ODEBUG: free active|KASAN: (slab|use)-after-free|BUG: kernel NULL pointer|general protection fault'
PLANT_EXPORTS=SCHED_ROUNDS=20 VM_STOP_ON=$pattern _plant_run sched-uaf \
	"BLKEX_PLANT_NO_EXIT_FLUSH BLKEX_PLANT_UNBOUNDED_DRAIN BLKEX_PLANT_DRAIN_DELAY" \
	015-sched-switch "$pattern"
