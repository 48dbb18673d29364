#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cases' own trace instance and kprobe events: made and read by the
# cases (through common.sh), named and removed when left behind by
# suite.sh. The top-level trace is shared (with trace-cmd and, in place,
# with the user's own tracing): a case records there nothing it reads
# back, never clears it and never switches it off.

TRACEFS=/sys/kernel/tracing
TRACE_INST=$TRACEFS/instances/blkex-case

# _trace_inst: a fresh, empty TRACE_INST, recording.
_trace_inst() {
	[ ! -d $TRACE_INST ] || rmdir $TRACE_INST
	mkdir $TRACE_INST
}

# _trace_inst_rm: remove TRACE_INST, and with it every event it enabled.
_trace_inst_rm() {
	rmdir $TRACE_INST
}

# Kprobe events for the cases that prove a driver path ran (014, 043),
# defined by name and removed by name (never by truncating kprobe_events,
# which holds a user's probes too) and recorded in TRACE_INST. Their
# names begin with blkex_, which is how _trace_leftovers finds them.

# _kprobe_on NAME DEFINITION [FILTER]: define kprobe event NAME
# ("p:NAME func" or "r:NAME func ret=$retval:s32") with an optional
# filter, and record it in a fresh TRACE_INST. Fails if the probe cannot
# be placed.
_kprobe_on() {
	local probe=$1 def=$2 filter=${3:-}
	echo "$def" >> $TRACEFS/kprobe_events || return 1
	_trace_inst
	[ -z "$filter" ] || echo "$filter" > "$TRACE_INST/events/kprobes/$probe/filter"
	echo 1 > "$TRACE_INST/events/kprobes/$probe/enable"
}

# _kprobe_trace NAME: what TRACE_INST recorded of NAME so far.
_kprobe_trace() {
	grep -F " $1:" $TRACE_INST/trace || true
}

# _kprobe_off NAME: remove TRACE_INST (which stops recording), then NAME.
_kprobe_off() {
	_trace_inst_rm
	echo "-:$1" >> $TRACEFS/kprobe_events
}

# _trace_leftovers: name what of the above exists, "WHAT; " each: a case
# that failed between _trace_inst or _kprobe_on and its undo leaves it,
# and so does a run interrupted then.
_trace_leftovers() {
	local m
	[ ! -d $TRACE_INST ] || echo -n "trace instance ${TRACE_INST##*/}; "
	for m in "$TRACEFS"/events/kprobes/blkex_*/; do
		[ -d "$m" ] && m=${m%/} && echo -n "kprobe event ${m##*/}; "
	done
	return 0
}

# _trace_leftovers_rm: remove them, the instance first, which disables
# what it enabled (an enabled kprobe event cannot be removed).
_trace_leftovers_rm() {
	local m
	[ ! -d $TRACE_INST ] || rmdir $TRACE_INST
	for m in "$TRACEFS"/events/kprobes/blkex_*/; do
		[ -d "$m" ] && m=${m%/} && echo "-:${m##*/}" >> $TRACEFS/kprobe_events
	done
	return 0
}
