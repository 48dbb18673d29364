#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: bench/tracecost.sh          (KVER=... picks the kernel)
# What blk_example's tracepoints cost when no one listens: bench/ab.sh
# with the working tree built twice, with BLKEX_TRACEPOINTS=n (Kbuild:
# NOTRACE, every trace_blkex_*() an empty inline; blk_example/trace.h) and
# as usual (tracepoints behind static keys, nobody tracing), 4 KiB random
# reads at iodepth 1, 16 and 32. In its table the row "normal" gives the
# ratios normal/notrace: IOPS 1.0 and latency 1.0 mean no cost.
# Results land in bench/results/<time>-tracecost-<kver>/. Not part of
# make test or bench.
# Environment: TRACECOST_REPS (5), TRACECOST_DEPTHS ("1 16 32"), and
# those of bench/ab.sh.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
kver=${KVER:-$("$here/../tests/vm/kernels.sh" | tail -n 1)}
export KVER=$kver
export AB_REPS=${TRACECOST_REPS:-${AB_REPS:-5}}
export AB_DEPTHS=${TRACECOST_DEPTHS:-${AB_DEPTHS:-1 16 32}}
export BENCH_OUT=${BENCH_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-tracecost-$kver}
exec "$here/ab.sh" notrace=.:BLKEX_TRACEPOINTS=n normal=.
