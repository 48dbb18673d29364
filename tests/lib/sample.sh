#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Is one bpftrace histogram a fair sample of another? Sourced by the
# tracing cases after tracing.sh (for _bt_hist_rows), and by
# tests/host/tooling/004-sample-fair.sh.
#
# A run that samples 1 in P of the requests another run sees in full
# (stages.bt's PERIOD) has, at or below any row, a count close to
# binomial: n draws at that row's share F of every request (drawing
# without replacement varies less, so the binomial is the cautious
# model). A sampled count is rejected when a fair sample reaches it, or
# stays under it, with a chance below SAMPLE_ALPHA. The tails are summed
# exactly, in logs, because a normal approximation is wrong where it
# matters: the p99 of 50 samples is their maximum.
#
# SAMPLE_ALPHA: per row and side. stages.bt's five histograms have about
# 70 rows between them, so a fair sample fails 022 about once in 6000
# runs, while a whole histogram one row off fails at the rows round its
# median (tests/host/tooling/004-sample-fair.sh checks both). Measured
# with tests/lib/sample-sim.sh on 2026-11-23: of 15000 random samples
# drawn from the three fixtures' histograms (5000 each, at 501, 51 and 50
# requests), none was rejected; the smallest chance of a row was 1.0e-4.
SAMPLE_ALPHA=${SAMPLE_ALPHA:-0.000001}

# SAMPLE_ROWS: the command that prints a histogram's rows, called as
# "$SAMPLE_ROWS OUT MAP" (default _bt_hist_rows); the host test and
# sample-sim.sh give their own, to feed altered or simulated samples.
SAMPLE_ROWS=${SAMPLE_ROWS:-_bt_hist_rows}

# SAMPLE_TAILS: awk text; tails(n, q, k) sets ge to P(Bin(n, q) >= k) and
# lt to P(Bin(n, q) < k).
SAMPLE_TAILS='
	function tails(n, q, k,  i, lp) {
		ge = lt = 0
		if (q <= 0) { ge = k <= 0; lt = k > 0; return }
		if (q >= 1) { ge = k <= n; lt = k > n; return }
		lp = n * log(1 - q)
		for (i = 0; i <= n; i++) {
			if (i > 0)
				lp += log(n - i + 1) - log(i) + log(q) - log(1 - q)
			if (i >= k)
				ge += exp(lp)
			else
				lt += exp(lp)
		}
	}'

# _sample_hist_fair ALL SAMPLED MAP N: true if at every row of histogram
# MAP in the bpftrace output SAMPLED (N requests), its count at or below
# that row is one that a fair sample of MAP in ALL reaches, and one it
# stays at or under, with a chance of at least SAMPLE_ALPHA. Prints the
# least likely row.
_sample_hist_fair() {
	{
		"$SAMPLE_ROWS" "$1" "$3" | sed 's/^/A /'
		"$SAMPLE_ROWS" "$2" "$3" | sed 's/^/S /'
	} | sort -k2,2n -k1,1 | awk -v m="$3" -v n="$4" -v a="$SAMPLE_ALPHA" '
		'"$SAMPLE_TAILS"'
		# flush: the cumulative counts up to the row just read.
		function flush() {
			up[++rows] = last; ca += pa; cs += ps
			cum_a[rows] = ca; cum_s[rows] = cs; pa = ps = 0
		}
		NR > 1 && $2 != last { flush() }
		{ last = $2; if ($1 == "A") pa += $3; else ps += $3 }
		END {
			flush()
			worst = 2
			for (i = 1; i <= rows; i++) {
				tails(n, cum_a[i] / ca, cum_s[i]); hi = ge
				tails(n, cum_a[i] / ca, cum_s[i] + 1); lo = lt
				p = hi < lo ? hi : lo
				if (p < worst) {
					worst = p; at = up[i]; c = cum_s[i]; f = cum_a[i]
				}
			}
			printf "%s: %d rows; least likely for a fair sample: %d of %d sampled up to row %d, against %d of %d; chance %.3g\n", m, rows, c, n, at, f, ca, worst
			exit !(worst >= a && cs == n)
		}'
}

# _sample_row_fair ALL MAP PCT GOT N: true if GOT, the pPCT row of a
# sample of N requests, is a row that a fair sample of MAP in ALL gives
# with a chance of at least SAMPLE_ALPHA on either side. The pPCT row is
# the first whose count reaches k = ceil(N PCT / 100) (_bt_hist_pct): a
# fair sample's is at or below row GOT with chance P(Bin(N, F(GOT)) >= k)
# and at or above it with chance P(Bin(N, F(below GOT)) < k).
_sample_row_fair() {
	[[ $4 =~ ^[0-9]+$ ]] || { echo "$2: no p$3 row ('$4')"; return 1; }
	"$SAMPLE_ROWS" "$1" "$2" | awk -v m="$2" -v p="$3" -v g="$4" -v n="$5" \
		-v a="$SAMPLE_ALPHA" '
		'"$SAMPLE_TAILS"'
		{ up[NR] = $1; cnt[NR] = $2; all += $2 }
		$1 < g { below += $2 }
		$1 <= g { upto += $2 }
		END {
			for (i = 1; c * 100 < all * p; i++)
				c += cnt[i]
			k = int(n * p / 100); if (k < n * p / 100) k++
			tails(n, upto / all, k); lo = ge
			tails(n, below / all, k); hi = lt
			printf "%s p%s: row %d sampled, %d of all; chance of a fair sample in that row or below %.3g, in it or above %.3g\n", m, p, g, up[i - 1], lo, hi
			exit !(lo >= a && hi >= a)
		}'
}

# _sample_count_fair GOT ALL PERIOD: true if GOT requests of ALL is a
# count that taking each request with chance 1/PERIOD, independently
# (stages.bt's hash of seq), reaches and stays at or under with a chance
# of at least SAMPLE_ALPHA each.
_sample_count_fair() {
	awk -v k="$1" -v n="$2" -v q="$(awk -v p="$3" 'BEGIN { print 1 / p }')" \
		-v a="$SAMPLE_ALPHA" '
		'"$SAMPLE_TAILS"'
		BEGIN {
			tails(n, q, k); hi = ge
			tails(n, q, k + 1); lo = lt
			printf "sampled count %d of %d at 1 in %d: chance of a fair count this high %.3g, this low %.3g\n", k, n, 1 / q, hi, lo
			exit !(hi >= a && lo >= a)
		}'
}
