#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tracing/profile.sh DEV [SECONDS]
#
# Records DEV's service-time distribution, per operation, in the text that
# blk_example's latency_profile attribute takes: q2c.bt's histogram rows
# under @usecs[read]: / @usecs[write]: / @usecs[other]:. Any block device
# will do, not only blk_example's: the times come from the block layer's
# own events, block:block_rq_issue (blk_mq_start_request(), where q2c.bt's
# blkex_rq_queued fires and where a profile's draw is counted from) to
# block:block_rq_complete. A partition is traced as its whole disk. Stops
# after SECONDS, or on Ctrl-C, SIGINT or SIGTERM (the default, 0: until
# then; SIGTERM also from a script, whose background jobs ignore SIGINT),
# and prints the profile on standard output; what bpftrace says
# goes to standard error, including "Hit Ctrl-C" once it has attached.
#
#   tracing/profile.sh /dev/vda 10 > vda.profile
#   cat vda.profile > /sys/kernel/config/blk_example/blkex0/latency_profile
#
# Requests are matched by their first sector; two in flight at once on
# the same sector (rare but for flushes, which have none) are counted
# once. Needs root and bpftrace.
set -euo pipefail

prog=profile.sh

_usage() {
	cat <<EOF
usage: $prog DEV [SECONDS]

Record the block device DEV's service time per operation (read, write,
other) from block:block_rq_issue to block:block_rq_complete, for SECONDS
or until Ctrl-C (0, the default), and print it as blk_example's
latency_profile takes it (q2c.bt's histogram rows).
EOF
}

case ${1:-} in
-h | --help)
	_usage
	exit 0
	;;
"")
	_usage >&2
	exit 2
	;;
esac
dev=$1
secs=${2:-0}
[[ $secs =~ ^[0-9]+$ ]] || { echo "$prog: SECONDS '$secs' is not a number" >&2; exit 2; }
[ -b "$dev" ] || { echo "$prog: $dev is not a block device" >&2; exit 2; }
command -v bpftrace > /dev/null || { echo "$prog: bpftrace not found" >&2; exit 1; }

# The whole disk's device number: the block events carry the disk's.
name=$(basename "$(readlink -f "$dev")")
sys=/sys/class/block/$name
[ -e "$sys/partition" ] && sys=$(readlink -f "$sys/..")
IFS=: read -r major minor < "$sys/dev"
devt=$(((major << 20) | minor))

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# op: 0 read, 1 write (also a write with a preflush, "FW..."), 2 other.
# Job control on while it starts: a background job of a script ignores
# SIGINT otherwise, and SIGINT is how bpftrace is told to print and end.
set -m
# shellcheck disable=SC2016 # $1 and $2 are bpftrace's
bpftrace -e '
BEGIN
{
	printf("Tracing '"$name"' service time... Hit Ctrl-C to end.\n");
	@label[0] = "read";
	@label[1] = "write";
	@label[2] = "other";
}

tracepoint:block:block_rq_issue
/args->dev == $1/
{
	@start[args->sector] = nsecs;
	@op[args->sector] = strncmp(args->rwbs, "R", 1) == 0 ? 0 :
			    (strncmp(args->rwbs, "W", 1) == 0 ||
			     strncmp(args->rwbs, "FW", 2) == 0 ? 1 : 2);
}

tracepoint:block:block_rq_complete
/args->dev == $1 && @start[args->sector]/
{
	@usecs[@label[@op[args->sector]]] =
		hist((nsecs - @start[args->sector]) / 1000);
	delete(@start[args->sector]);
	delete(@op[args->sector]);
}

interval:s:1
/$2 > 0/
{
	@elapsed_s++;
	if (@elapsed_s >= $2) {
		exit();
	}
}

END
{
	clear(@start);
	clear(@op);
	clear(@label);
	clear(@elapsed_s);
}' "$devt" "$secs" > "$out" 2>&1 &
bt=$!
set +m
trap 'kill -INT $bt 2> /dev/null || true' INT TERM

# Pass bpftrace's own lines on to standard error as they come.
shown=0
while kill -0 $bt 2> /dev/null; do
	n=$(grep -vc '^@usecs\|^\[\|^$' "$out" || true)
	if [ "$n" -gt "$shown" ]; then
		grep -v '^@usecs\|^\[\|^$' "$out" | tail -n +$((shown + 1)) >&2
		shown=$n
	fi
	sleep 0.2
done
status=0
wait $bt || status=$?
if [ "$status" != 0 ] || ! grep -q 'Hit Ctrl-C' "$out"; then
	cat "$out" >&2
	echo "$prog: bpftrace failed (status $status)" >&2
	exit 1
fi
# The histograms, as bpftrace printed them, and nothing else.
awk '/^@usecs\[/ { on = 1 } on && /^(@usecs\[|\[|$)/ { print; next } { on = 0 }' "$out"
