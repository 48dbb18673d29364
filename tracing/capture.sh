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

prog=capture.sh
out=trace.dat
buffer_kb=8192

_usage() {
	cat <<EOF
usage: $prog [-o FILE] [SECONDS | -- COMMAND [ARGS...]]

Record blk_example's request events, block:block_rq_issue/complete and
the workqueue events with trace-cmd, for SECONDS, while COMMAND runs, or
until Ctrl-C (the default). Needs root and the blk_example module loaded.

  -o FILE      write the capture to FILE (default: $out)
  -h, --help   print this help and exit
  SECONDS      stop after this many seconds (default: until Ctrl-C)
  -- COMMAND   record while COMMAND runs, e.g. -- fio job.fio

Then: tracing/trace_report.py -i FILE [--csv requests.csv] [--json FILE]
EOF
}

_usage_error() {
	echo "$prog: $*" >&2
	echo "usage: $prog [-o FILE] [SECONDS | -- COMMAND [ARGS...]] (-h for help)" >&2
	exit 2
}

cmd=()
seconds=
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) _usage; exit 0 ;;
	-o)	[ -n "${2:-}" ] || _usage_error "-o needs a FILE"
		out=$2
		shift 2 ;;
	--)	shift
		[ $# -gt 0 ] || _usage_error "-- needs a COMMAND"
		cmd=("$@")
		break ;;
	-*)	_usage_error "unknown option '$1'" ;;
	*[!0-9]*) _usage_error "'$1' is not a number of seconds" ;;
	*)	[ -z "$seconds" ] || _usage_error "one SECONDS only ('$1')"
		seconds=$1
		shift ;;
	esac
done
if [ -n "$seconds" ]; then
	[ ${#cmd[@]} = 0 ] || _usage_error "SECONDS or -- COMMAND, not both"
	cmd=(sleep "$seconds")
fi

command -v trace-cmd > /dev/null ||
	{ echo "$prog: trace-cmd not found (apt-get install trace-cmd)" >&2; exit 1; }
[ -d /sys/kernel/tracing/events/blk_example ] ||
	[ -d /sys/kernel/debug/tracing/events/blk_example ] ||
	{ echo "$prog: no blk_example events: is the module loaded (and are you root)?" >&2; exit 1; }

events=(-e block:block_rq_issue -e block:block_rq_complete -e workqueue)
for ev in queued work_start locked copied complete; do
	events+=(-e "blk_example:blkex_rq_$ev")
done
exec trace-cmd record -q -b "$buffer_kb" -o "$out" "${events[@]}" "${cmd[@]}"
