#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034
#
# Kernel log lines that fail a test wherever they appear: oopses, warnings,
# lockdep, sanitizer and hung-task reports, sleeping in atomic context.
# kmemleak's own "N new suspected memory leaks" is not one: the suite's
# scans print it for boot-time objects too, and add each leak it finds to
# the case's log as "kmemleak: unreferenced object ..." (tests/lib/suite.sh).
KMSG_BAD='BUG:|WARNING:|Oops|general protection fault|Call Trace:|blocked for more than|circular locking|recursive locking|inconsistent lock state|lock held when returning|sleeping function called from invalid context|KASAN|kmemleak: (unreferenced object|Memory pool empty|Cannot allocate|Kernel memory leak detector disabled)|UBSAN|list_(add|del) corruption|refcount_t:|ODEBUG|workqueue lockup|soft lockup|hard LOCKUP|rcu: INFO|self-detected stall|Kernel panic'
