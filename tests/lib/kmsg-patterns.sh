#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034
#
# Kernel log lines that fail a test wherever they appear: oopses, warnings,
# lockdep, sanitizer and hung-task reports, sleeping in atomic context,
# and the OOM killer's report (a store must fail a write, not OOM-kill).
# kmemleak's own "N new suspected memory leaks" is not one: the suite's
# scans print it for boot-time objects too, and add each leak it finds to
# the case's log as "kmemleak: unreferenced object ..." (tests/lib/suite.sh).
KMSG_BAD='BUG:|WARNING:|Oops|general protection fault|Call Trace:|blocked for more than|circular locking|recursive locking|inconsistent lock state|lock held when returning|sleeping function called from invalid context|KASAN|kmemleak: (unreferenced object|Memory pool empty|Cannot allocate|Kernel memory leak detector disabled)|UBSAN|list_(add|del) corruption|refcount_t:|ODEBUG|workqueue lockup|soft lockup|hard LOCKUP|rcu: INFO|self-detected stall|Kernel panic|Out of memory|invoked oom-killer|oom-kill:'

# The kernel log is never cleared: on a user's own machine (tests/here.sh)
# it is theirs. kmsg_mark remembers its last line in KMSG_MARK, and
# kmsg_since prints the lines after the last line equal to KMSG_MARK: what
# the kernel said since the mark. If the ring buffer wrapped past the mark,
# every line left came after it, and all are printed.
kmsg_mark() {
	KMSG_MARK=$(dmesg | tail -n 1)
}

kmsg_since() {
	dmesg | KMSG_MARK=${KMSG_MARK:-} awk '
		{ line[NR] = $0 }
		$0 == ENVIRON["KMSG_MARK"] { from = NR }
		END { for (i = from + 1; i <= NR; i++) print line[i] }'
}
