#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside the VM by bench/profile.sh: record a device no one here
# wrote and replay it on blk_example. A loop device over a PROFILE_MB MiB
# file in /mnt/out, which the VM reaches over 9p without a cache (loop,
# 9p and virtio, with the host's I/O behind them), is recorded with
# tracing/profile.sh while one fio job runs on it (PROFILE_RW, PROFILE_BS,
# iodepth PROFILE_DEPTH, PROFILE_IOS I/Os, direct, io_uring). Then
# blk_example.ko from /mnt/out is loaded with two disks: blkex0 takes the
# recorded profile through configfs and runs the same job under
# tracing/q2c.bt in disk mode; blkex1, without a profile, runs it too, as
# the driver's own floor. Writes to /mnt/out: rec.txt (the profile),
# rec.json, rep.json and floor.json (fio), q2c.out (q2c.bt) and keys.txt
# ("blkex0 MAJOR, MINOR" as q2c.bt keys a disk, and blkex1's).
set -euo pipefail

repo=/mnt/repo
out=/mnt/out
# shellcheck source=tracing/lib/bt.sh
. "$repo/tracing/lib/bt.sh"

: "${PROFILE_RW:=randread}"
: "${PROFILE_BS:=4k}"
: "${PROFILE_DEPTH:=4}"
: "${PROFILE_IOS:=5000}"
: "${PROFILE_MB:=32}"

# _job DEV JSON: the job recorded and replayed, its fio JSON in JSON.
_job() {
	fio --name=job --filename="$1" --direct=1 --ioengine=io_uring \
		--rw="$PROFILE_RW" --bs="$PROFILE_BS" --iodepth="$PROFILE_DEPTH" \
		--number_ios="$PROFILE_IOS" --size="${PROFILE_MB}M" \
		--eta=never --output-format=json --output="$2"
}

# _key DISK: the disk's device number as q2c.bt's disk mode keys it.
_key() {
	sed 's/:/, /' "/sys/block/$1/dev"
}

echo "profile: $(uname -r), $(nproc) CPUs, $PROFILE_RW $PROFILE_BS iodepth $PROFILE_DEPTH, $PROFILE_IOS I/Os"
modprobe loop
backing=$out/loop.img
truncate -s "${PROFILE_MB}M" "$backing"
loop=$(losetup -f --show "$backing")

# profile.sh prints "Hit Ctrl-C" on stderr once bpftrace has attached.
set -m
"$repo/tracing/profile.sh" "$loop" > "$out/rec.txt" 2> "$out/rec.err" &
bt=$!
set +m
for ((i = 0; i < 1800; i++)); do
	grep -q 'Hit Ctrl-C' "$out/rec.err" && break
	kill -0 $bt 2> /dev/null || break
	sleep 0.1
done
grep -q 'Hit Ctrl-C' "$out/rec.err" ||
	{ cat "$out/rec.err"; echo "profile: profile.sh did not attach" >&2; exit 1; }
echo "profile: recording $loop"
_job "$loop" "$out/rec.json"
kill -TERM $bt
wait $bt || { cat "$out/rec.err"; echo "profile: profile.sh failed" >&2; exit 1; }
losetup -d "$loop"
rm -f "$backing"
cat "$out/rec.txt"

insmod "$out/blk_example.ko" nr_devices=2 num_sectors=$((PROFILE_MB * 2048))
cfs=/sys/kernel/config/blk_example
cat "$out/rec.txt" > "$cfs/blkex0/latency_profile"
for d in blkex0 blkex1; do
	udevadm settle 2> /dev/null || true
	for ((i = 0; i < 100; i++)); do
		[ -b /dev/$d ] && break
		sleep 0.1
	done
	echo "$d $(_key $d)"
done > "$out/keys.txt"

bt_start "$out/q2c.out" "$repo/tracing/q2c.bt" 0 disk ||
	{ cat "$out/q2c.out"; echo "profile: q2c.bt did not attach" >&2; exit 1; }
echo "profile: replaying on blkex0, then blkex1 without a profile"
_job /dev/blkex0 "$out/rep.json"
_job /dev/blkex1 "$out/floor.json"
bt_stop "$BT_PID" ||
	{ cat "$out/q2c.out"; echo "profile: q2c.bt $BT_ERR" >&2; exit 1; }
rmmod blk_example
echo "profile: done"
