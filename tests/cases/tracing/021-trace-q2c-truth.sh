#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tracing/q2c.bt against fio. With q2c.bt attached by operation, by size and
# by disk, fio does 4000 4 KiB random reads at iodepth 8, then 200 16 KiB
# and 100 128 KiB random writes. This test will check that the histograms
# count exactly the I/Os fio did, per operation, per size and, in bpftrace's
# JSON output, per disk (its major and minor number), that the disk's own
# counters agree, and that q2c.bt's mean read latency is not above fio's
# completion latency mean.
DESCRIPTION="q2c.bt counts exactly fio's I/Os, per op, size and disk"

# shellcheck source=tests/lib/tracing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tracing.sh"

requires() {
	_have_program bpftrace
	_have_program fio
}

# _json_counts OUT MAP [KEY...]: from bpftrace -f json output, the count of
# each KEY of stats map MAP, or with no KEY the number of its keys.
_json_counts() {
	python3 - "$@" <<'PY'
import json, sys
out, name, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
for line in open(out):
    if line.startswith("{"):
        d = json.loads(line)
        if d["type"] == "stats" and name in d["data"]:
            m = d["data"][name]
            print(" ".join(str(m[k]["count"]) if k in m else "-"
                           for k in keys) if keys else len(m))
PY
}

test_case() {
	local ios op size disk reads0 count mean clat majmin
	ios=$(_scaled 4000)
	_load
	reads0=$(_reads)
	_bt_start "$TMPDIR"/op.out "$TRACING/q2c.bt"
	op=$BT_PID
	_bt_start "$TMPDIR"/size.out "$TRACING/q2c.bt" 0 size
	size=$BT_PID
	_bt_start "$TMPDIR"/disk.out -f json "$TRACING/q2c.bt" 0 disk
	disk=$BT_PID

	_fio --name=w16k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=16k --iodepth=1 --number_ios=200 --size=64M
	_fio --name=w128k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=128k --iodepth=1 --number_ios=100 --size=64M
	_fio --name=r4k --filename="$BLKEX_DEV" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=8 --number_ios="$ios" --size=64M
	_expect_eq "fio reads" "$(_fio_field "['jobs'][0]['read']['total_ios']")" "$ios"
	clat=$(_fio_field "['jobs'][0]['read']['clat_ns']['mean']")

	_bt_stop "$op" "$TMPDIR"/op.out
	_bt_stop "$size" "$TMPDIR"/size.out
	_bt_stop "$disk" "$TMPDIR"/disk.out
	cat "$TMPDIR"/op.out "$TMPDIR"/size.out "$TMPDIR"/disk.out

	_expect_eq "disk reads" "$(($(_reads) - reads0))" "$ios"
	read -r count mean <<< "$(_bt_stats "$TMPDIR"/op.out read)"
	_expect_eq "q2c.bt read count" "$count" "$ios"
	_expect_eq "q2c.bt read histogram" "$(_bt_hist_total "$TMPDIR"/op.out '@usecs[read]')" "$ios"
	_expect_eq "q2c.bt write count" "$(_bt_stats "$TMPDIR"/op.out write | cut -d' ' -f1)" 300
	_expect_eq "q2c.bt other count" "$(_bt_stats "$TMPDIR"/op.out other | cut -d' ' -f1)" ""
	_expect_eq "q2c.bt 4k count" "$(_bt_stats "$TMPDIR"/size.out 4k | cut -d' ' -f1)" "$ios"
	_expect_eq "q2c.bt 8k-64k count" "$(_bt_stats "$TMPDIR"/size.out 8k-64k | cut -d' ' -f1)" 200
	_expect_eq "q2c.bt 128k+ count" "$(_bt_stats "$TMPDIR"/size.out 128k+ | cut -d' ' -f1)" 100
	_expect_eq "q2c.bt 128k+ histogram" "$(_bt_hist_total "$TMPDIR"/size.out '@usecs[128k+]')" 100
	majmin=$(tr : , < "/sys/block/$(basename "$BLKEX_DEV")/dev")
	_expect_eq "q2c.bt -f json disk $majmin counts (read write)" \
		"$(_json_counts "$TMPDIR"/disk.out @disk_ns "$majmin,read" "$majmin,write")" "$ios 300"
	_expect_eq "q2c.bt -f json @disk_ns keys (one disk: read, write)" \
		"$(_json_counts "$TMPDIR"/disk.out @disk_ns)" 2

	echo "q2c mean ${mean} ns, fio clat mean ${clat} ns"
	awk -v q="$mean" -v c="$clat" 'BEGIN { exit !(q > 0 && q <= c) }' ||
		_fail "q2c.bt mean $mean ns is not in (0, fio clat mean $clat ns]"
}
