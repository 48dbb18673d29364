#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage (as root): SOAK_SECONDS=N [BLKEX_KO=FILE] guest.sh
# The soak, run by `make soak-here` (tests/soak/here.sh, also inside each
# VM of `make soak`) and, short, by the case 039-soak-short. BLKEX_KO
# defaults to build/KVER/blk_example.ko of this checkout. For
# SOAK_SECONDS it keeps two disks busy at once:
#   blkex0  four fio verify jobs on 0..96 MiB, random and sequential, block
#           sizes 512 B..1 MiB, depths 1..32, verifying as they go
#           (verify_backlog); a fifth job reads and writes 96..128 MiB,
#           where bad blocks are switched on and off every 256 requests, and
#           delay_us switches between 0 and 200 on the whole disk;
#   blkex1  ext4 filled with checksummed files, some deleted, synced and
#           trimmed in rounds, then checked with fsck;
#   blkex2  a sparse disk (store=sparse) with an 8 MiB write cache, cut in rounds:
#           fio writes a range and flushes it (end_fsync), writes another
#           range unflushed, power 0 and 1 with cache_loss taking turns
#           (all, random, torn), then fio verifies the flushed range;
#           its delay_us switches with blkex0's.
# It prints one "ok - CHECK" or "not ok - CHECK" per check and ends with
# "N passed, N failed"; it exits non-zero if anything was lost.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
repo=$(readlink -f "$here/../..")
# shellcheck source=tests/lib/kmsg-patterns.sh
. "$here/../lib/kmsg-patterns.sh"

secs=${SOAK_SECONDS:-180}
ko=${BLKEX_KO:-$repo/build/$(uname -r)/blk_example.ko}
dbg=/sys/kernel/config/blk_example/blkex0
# The disk with a write cache, made in configfs (blkex2).
cdir=/sys/kernel/config/blk_example/soakc
mnt=/mnt/blkex1
work=$(mktemp -d)
# The unverified range on blkex0, in sectors: 96 MiB to the end (128 MiB).
bad_start=196608
bad_end=262143
passed=0 failed=0

_check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
		passed=$((passed + 1))
	else
		echo "not ok - $what"
		failed=$((failed + 1))
	fi
}

_fio_job() {
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text[text.index("{"):])
for j in d["jobs"]:
    print(j["jobname"], j["error"], j.get("total_err", 0),
          j["read"]["io_bytes"], j["write"]["io_bytes"])
    # When the job ran, for the toggles log (epoch s): fio 3.33 gives
    # the end of the run and the seconds each job took.
    print("# %s ran %d s, %.1f s of I/O, until %.3f" % (j["jobname"],
          j["elapsed"], j["job_runtime"] / 1000, d["timestamp_ms"] / 1000),
          file=sys.stderr)' "$1"
}

# Toggle bad blocks and the delay until the file $work/stop appears: on at
# once, then again each time blkex0 has completed TOGGLE_IOS more requests
# (and at most once a second). Counting requests rather than seconds
# keeps a bad window inside the I/O on any kernel: on the debug kernel
# fio spent 60 of its 70 s setting up, toggles every "2 s" came 20-35 s
# apart (in a run that also forked date, cut and tr per toggle to log
# it), and one run's 10 s of I/O fell between two bad windows, so nothing
# was injected. The loop forks only sleep, and logs with builtins.
TOGGLE_IOS=256
_toggler() {
	local on=0 n=0 last=-1 r w st
	while [ ! -e "$work/stop" ]; do
		read -r r _ _ _ w _ < /sys/block/blkex0/stat
		if [ "$last" -lt 0 ] || [ $((r + w)) -ge $((last + TOGGLE_IOS)) ]; then
			last=$((r + w))
			if [ $on = 0 ]; then
				echo "+$bad_start-$bad_end" > $dbg/badblocks
				echo 200 > $dbg/delay_us
				echo 200 > $cdir/delay_us
			else
				echo clear > $dbg/badblocks
				echo 0 > $dbg/delay_us
				echo 0 > $cdir/delay_us
			fi
			on=$((1 - on))
			n=$((n + 1))
			mapfile -t st < $dbg/stats
			printf '%(%s)T bad=%d requests=%d %s\n' -1 $on "$last" "${st[*]}" >> "$work/toggles.log"
		fi
		sleep 1
	done
	echo clear > $dbg/badblocks
	echo 0 > $dbg/delay_us
	echo 0 > $cdir/delay_us
	echo "$n" > "$work/toggles"
}

# _cfio ARGS...: fio on the cached disk, 8 MiB at a time, crc32c headers.
_cfio() {
	fio --eta=never --output=/dev/null --name=c --filename="$cdev" \
		--direct=1 --ioengine=libaio --iodepth=8 --bs=64k --size=8M \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 "$@"
}

# Cut blkex2's power in rounds until $work/stop appears (at least once):
# what was flushed must verify after the cut; the unflushed range is the
# cache's to lose. Counts rounds, failed verifies and blocks lost.
_cutter() {
	local round=0 bad=0 lost=0 modes=(all random torn) off
	while [ ! -e "$work/stop" ] || [ $round = 0 ]; do
		off=$(((round % 3) * 8))M
		_cfio --rw=write --offset="$off" --randseed=$((round + 1)) \
			--do_verify=0 --end_fsync=1 || bad=$((bad + 1))
		_cfio --rw=randwrite --offset=32M --randseed=7 --do_verify=0 ||
			bad=$((bad + 1))
		echo 0 > $cdir/power
		echo "${modes[round % 3]}" > $cdir/cache_loss
		echo 1 > $cdir/power
		for ((i = 0; i < 100; i++)); do
			[ -b "$cdev" ] && break
			sleep 0.05
		done
		lost=$((lost + $(awk '$1 == "last_cut_lost" { print $2 }' $cdir/cache_stats)))
		_cfio --rw=write --offset="$off" --randseed=$((round + 1)) \
			--verify_only || bad=$((bad + 1))
		round=$((round + 1))
	done
	echo "$round $bad $lost" > "$work/cuts"
}

# Fill blkex1's ext4 in rounds until $work/stop appears; record checksums.
_filler() {
	local round=0 i f
	while [ ! -e "$work/stop" ]; do
		for i in 1 2 3 4; do
			f=r$round-$i
			head -c $(((RANDOM % 2048 + 1) * 1024)) /dev/urandom > "$mnt/$f"
		done
		sync
		# Delete every other file of the previous round; trim now and then.
		rm -f "$mnt/r$((round - 1))-1" "$mnt/r$((round - 1))-3"
		[ $((round % 4)) = 3 ] && fstrim $mnt
		# Keep the disk from filling: drop the oldest round at 48 MiB.
		if [ "$(du -sm $mnt | cut -f1)" -gt 48 ]; then
			rm -f "$mnt/r$((round - 8))"-*
		fi
		round=$((round + 1))
	done
	sync
	(cd $mnt && find . -name 'r*' -type f -print0 | sort -z |
		xargs -0 -r md5sum) > "$work/sums"
	echo "$round" > "$work/rounds"
}

echo "soak: ${secs}s on $(uname -r)"
kmsg_mark
insmod "$ko" nr_devices=2 num_sectors=262144
for d in /dev/blkex0 /dev/blkex1; do
	for ((i = 0; i < 100; i++)); do
		[ -b $d ] && break
		sleep 0.05
	done
done
mkdir $cdir
echo 131072 > $cdir/num_sectors
echo 8 > $cdir/cache_size
echo sparse > $cdir/store
echo 1 > $cdir/power
cdev=/dev/$(cat $cdir/disk_name)
for ((i = 0; i < 100; i++)); do
	[ -b "$cdev" ] && break
	sleep 0.05
done
mkfs.ext4 -q -F /dev/blkex1
mkdir -p $mnt
mount /dev/blkex1 $mnt

# verify_backlog is small because a time_based job never verifies what it
# wrote after its last backlog: at 256, a 2 s soak on the debug kernel
# (a dozen 1 MiB writes in seq-large) read nothing back at all.
cat > "$work/soak.fio" <<JOB
[global]
filename=/dev/blkex0
direct=1
time_based
runtime=$secs
verify=crc32c
verify_backlog=4
verify_fatal=1
verify_state_save=0
[rand-mixed]
ioengine=io_uring
rw=randwrite
offset=0
size=24M
bssplit=512/10:4k/40:16k/20:64k/20:1M/10
iodepth=32
[seq-large]
ioengine=libaio
rw=write
offset=24M
size=24M
bs=1M
iodepth=4
[rand-small-sync]
ioengine=psync
rw=randwrite
offset=48M
size=24M
bsrange=512-16k
[seq-mid]
ioengine=io_uring
rw=write
offset=72M
size=24M
bs=128k
iodepth=8
[injected]
ioengine=io_uring
rw=randrw
offset=$((bad_start * 512))
size=32M
bs=4k
iodepth=8
verify=null
continue_on_error=io
JOB

rm -f "$work/stop" "$work/toggles.log"
_toggler &
toggler=$!
_filler &
filler=$!
_cutter &
cutter=$!
fio_rc=0
fio --output-format=json --output="$work/fio.json" --eta=never "$work/soak.fio" ||
	fio_rc=$?
touch "$work/stop"
wait $toggler $filler $cutter

echo "# fio (job, error, total_err, bytes read, bytes written):"
_fio_job "$work/fio.json" > "$work/jobs" || echo "no-fio-output 1 1 0 0" > "$work/jobs"
sed 's/^/#   /' "$work/jobs"
echo "# fault stats: $(tr '\n' ' ' < $dbg/stats); toggles $(cat "$work/toggles")"
echo "# toggles (epoch s, bad blocks on after it, blkex0's requests so far, the fault counts):"
sed 's/^/#   /' "$work/toggles.log"
echo "# ext4 rounds $(cat "$work/rounds"), files $(wc -l < "$work/sums")"
read -r cuts cut_bad cut_lost < "$work/cuts"
echo "# $cdev: $cuts cuts, $cut_bad failed fio runs, $cut_lost unflushed blocks lost"

# Every verify job wrote, read back what it wrote (verify_backlog) and
# had no error, a mismatch (EILSEQ) included.
_verified() {
	awk '$1 != "injected" && ($2 != 0 || $3 != 0 || $4 == 0 || $5 == 0) { bad = 1 }
	     END { exit bad }' "$work/jobs"
}
_injected() {
	awk '$1 == "injected" && $3 > 0 { ok = 1 } END { exit !ok }' "$work/jobs"
}
_fsck_clean() {
	umount $mnt || return 1
	if ! fsck.ext4 -fn /dev/blkex1 > "$work/fsck" 2>&1; then
		cat "$work/fsck"
		return 1
	fi
}
_files_intact() {
	mount /dev/blkex1 $mnt && (cd $mnt && md5sum --quiet -c "$work/sums") &&
		umount $mnt
}
_cuts_verified() {
	[ "$cuts" -gt 0 ] && [ "$cut_bad" = 0 ] && [ "$cut_lost" -gt 0 ]
}
_kmsg_clean() {
	! kmsg_since | grep -E "$KMSG_BAD"
}

_check "fio verify jobs: each read back, no error, no mismatch (exit $fio_rc)" _verified
_check "errors were injected into the unverified range" _injected
_check "ext4 on blkex1: fsck clean" _fsck_clean
_check "ext4 on blkex1: every file kept its checksum" _files_intact
_check "$cdev: flushed data verified after each of $cuts cuts, unflushed lost" _cuts_verified
_check "rmdir of the cached disk" rmdir $cdir
_check "rmmod after the soak" rmmod blk_example
_check "kernel log clean" _kmsg_clean
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
