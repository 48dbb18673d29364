#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tracing/capture.sh [-o FILE] [SECONDS | -- COMMAND [ARGS...]]
#
# Records the five blk_example events of a request's stages (not
# blkex_rq_stages, which repeats what they say and would add its stamps
# to the cost) with block:block_rq_issue,
# block:block_rq_complete and the workqueue events into FILE (default
# trace.dat): for SECONDS, while COMMAND runs, or until Ctrl-C. Then
#   tracing/trace_report.py -i FILE --csv requests.csv
# prints the per-stage summary and writes one row per request.
#
# The buffers are sized so that a few thousand requests a second are not
# dropped under emulation; check "dropped events: 0" in
# `trace-cmd report --stat -i FILE` when tracing much more than that.
set -euo pipefail

out=trace.dat
if [ "${1:-}" = -o ]; then
	out=$2
	shift 2
fi

events=(-e block:block_rq_issue -e block:block_rq_complete -e workqueue)
for ev in queued work_start locked copied complete; do
	events+=(-e "blk_example:blkex_rq_$ev")
done
cmd=()
case ${1:-} in
--)	shift; cmd=("$@") ;;
'')	;;
*[!0-9]*) echo "usage: $0 [-o FILE] [SECONDS | -- COMMAND...]" >&2; exit 2 ;;
*)	cmd=(sleep "$1") ;;
esac

[ -d /sys/kernel/tracing/events/blk_example ] ||
	[ -d /sys/kernel/debug/tracing/events/blk_example ] ||
	{ echo "capture.sh: no blk_example events: is the module loaded?" >&2; exit 1; }

exec trace-cmd record -q -b 8192 -o "$out" "${events[@]}" "${cmd[@]}"
