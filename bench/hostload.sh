#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: hostload.sh OUTFILE PIDFILE
# Samples the host once a second while the bench runs: appends
# "epoch other_cores load1" to OUTFILE, where other_cores is the CPU time
# (in cores) used by everything except the QEMU process whose pid
# vm/boot.sh writes to PIDFILE. The emulated CPU slows down when anything else runs, so
# bench/sweep_report.py flags points measured while other_cores was high.
set -euo pipefail

outfile=$1
pidfile=$2
hz=$(getconf CLK_TCK)

_busy() {	# all CPUs' busy jiffies: user nice system irq softirq steal
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

_qemu() {	# the VM's jiffies (utime + stime), 0 before it starts
	local pid
	pid=$(cat "$pidfile" 2> /dev/null || true)
	if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
		sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'
	else
		echo 0
	fi
}

prev_t=$(date +%s.%N) prev_b=$(_busy) prev_q=$(_qemu)
while sleep 1; do
	t=$(date +%s.%N) b=$(_busy) q=$(_qemu)
	[ "$q" -lt "$prev_q" ] && prev_q=$q
	awk -v t="$t" -v pt="$prev_t" -v b="$b" -v pb="$prev_b" -v q="$q" \
	    -v pq="$prev_q" -v hz="$hz" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
	    'BEGIN { o = ((b - pb) - (q - pq)) / hz / (t - pt);
		     printf "%.3f %.2f %s\n", t, (o < 0 ? 0 : o), l }' >> "$outfile"
	prev_t=$t prev_b=$b prev_q=$q
done
