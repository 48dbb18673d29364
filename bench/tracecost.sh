#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/tracecost.sh [-h|--help]
# What blk_example's tracepoints cost when no one listens: bench/ab.sh
# with the working tree built twice, with BLKEX_TRACEPOINTS=n (Kbuild:
# NOTRACE, every trace_blkex_*() an empty inline; blk_example/trace.h) and
# as usual (tracepoints behind static keys, nobody tracing), 4 KiB random
# reads at iodepth 1, 16 and 32. In its table the row "normal" gives the
# ratios normal/notrace: IOPS 1.0 and latency 1.0 mean no cost.
# Results land in bench/results/<time>-tracecost-<kver>/. Not part of
# make test or bench. Knobs are checked as bench/ab.sh does, before any
# build.
#
# Environment: TRACECOST_REPS (AB_REPS, default 5), TRACECOST_DEPTHS
# (AB_DEPTHS, default "1 16 32"), KVER (default: the newest kernel with
# headers), BENCH_OUT (default bench/results/<time>-tracecost-<kver>), and
# those of bench/ab.sh (below).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/usage.sh
. "$here/../tests/lib/usage.sh"
USAGE_SEE=(bench/ab.sh vm/boot.sh)
usage_noargs "$@"
usage_uint TRACECOST_REPS TRACECOST_DEPTHS
usage_kver KVER
kver=${KVER:-$("$here/../vm/kernels.sh" | tail -n 1)}
export KVER=$kver
export AB_REPS=${TRACECOST_REPS:-${AB_REPS:-5}}
export AB_DEPTHS=${TRACECOST_DEPTHS:-${AB_DEPTHS:-1 16 32}}
export BENCH_OUT=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-tracecost-$kver}
exec "$here/ab.sh" notrace=.:BLKEX_TRACEPOINTS=n normal=.
