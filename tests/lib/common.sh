#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the test cases, sourced inside the VM by suite.sh before each
# case. Names follow blktests: _like_this. Sizes scale with environment
# variables so a slow (debug) kernel can run the same cases smaller.

# This checkout (/mnt/repo in the VM), and the module tests/here.sh built
# in it for the running kernel (tests/here.sh passes BLKEX_KO).
BLKEX_REPO=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/../..")
BLKEX_KO=${BLKEX_KO:-$BLKEX_REPO/build/$(uname -r)/blk_example.ko}
BLKEX_DEV=/dev/blkex0
# The driver's configfs tree (README "configfs"); guest-init.sh mounts it.
CFS=/sys/kernel/config/blk_example
# Scale for I/O sizes and counts: 1 on a stock kernel.
TEST_SCALE_PCT=${TEST_SCALE_PCT:-100}

# _scaled N: N scaled by TEST_SCALE_PCT, at least 1.
_scaled() {
	local n=$(( $1 * TEST_SCALE_PCT / 100 ))
	echo $(( n > 0 ? n : 1 ))
}

_skip() {
	echo "SKIP_REASON: $*"
	exit 77
}

_fail() {
	echo "FAIL: $*"
	exit 1
}

_have_program() {
	command -v "$1" > /dev/null || _skip "$1 is not installed"
}

_module_loaded() {
	[ -d /sys/module/blk_example ]
}

# _wait_for_dev DEV: devtmpfs creates the node asynchronously to add_disk().
_wait_for_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.05
	done
	_fail "$1 did not appear"
}

# _load [PARAM=VALUE...]: insmod the module and wait for its first disk.
# _mnt_dir NAME: make and print a mount point of the case's own, NAME
# under its TMPDIR: /mnt may be read-only (live images, containers), and
# the run's temporary directory is always writable. suite.sh unmounts
# what a case leaves mounted there before it removes the directory.
_mnt_dir() {
	mkdir -p "$TMPDIR/mnt/$1"
	echo "$TMPDIR/mnt/$1"
}

_load() {
	insmod "$BLKEX_KO" "$@" || _fail "insmod $* failed"
	_wait_for_dev "$BLKEX_DEV"
}

_unload() {
	local i
	for ((i = 0; i < 50; i++)); do
		rmmod blk_example 2> /dev/null && return 0
		sleep 0.1
	done
	rmmod blk_example || _fail "rmmod failed"
}

_dev_bytes() {
	blockdev --getsize64 "${1:-$BLKEX_DEV}"
}

# _fio ARGS...: fio with JSON output to $FIO_JSON, failing the case on error.
FIO_JSON=${FIO_JSON:-${TMPDIR:-/tmp}/fio.json}
_fio() {
	fio --output-format=json --output="$FIO_JSON" --eta=never "$@" ||
		{ cat "$FIO_JSON"; _fail "fio $* failed"; }
}

# _fio_field EXPR: a value from the last fio JSON, e.g. "['jobs'][0]['error']".
_fio_field() {
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text[text.index("{"):])  # fio may print warnings first
print(eval("d" + sys.argv[2]))' "$FIO_JSON" "$1"
}

# _fio_stop PID WHEN: a fio started in the background (its JSON to
# FIO_JSON) must still be running (else "fio ended WHEN"); stop it and
# check that it read something and no job failed. fio exits non-zero on
# SIGTERM, so its JSON says whether a job failed.
_fio_stop() {
	kill -0 "$1" || _fail "fio ended $2"
	kill -TERM "$1"
	wait "$1" || true
	_expect_eq "fio errors" "$(_fio_field "['jobs'][0]['error']")" 0
	[ "$(_fio_field "['jobs'][0]['read']['io_bytes']")" -gt 0 ] ||
		_fail "fio verified nothing"
}

# _expect_eq WHAT GOT WANT
_expect_eq() {
	[ "$2" = "$3" ] || _fail "$1: got '$2', want '$3'"
	echo "$1: $2"
}

# _cfs_new NAME [ATTR=VALUE...]: mkdir a configfs disk, set ATTRs, power it
# on and wait for its node; prints its /dev path.
_cfs_new() {
	local dir=$CFS/$1 kv disk
	shift
	mkdir "$dir" || _fail "mkdir $dir failed"
	for kv in "$@"; do
		echo "${kv#*=}" > "$dir/${kv%%=*}" || _fail "$dir: $kv refused"
	done
	echo 1 > "$dir/power" || _fail "$dir: power=1 refused"
	disk=/dev/$(cat "$dir/disk_name")
	_wait_for_dev "$disk"
	echo "$disk"
}

# _insmod_refused ERRNO_TEXT PATTERN PARAM...: insmod with PARAMs must fail
# with ERRNO_TEXT (insmod's words for the errno, e.g. "Invalid
# parameters"), the kernel must log "blk_example: " followed by PATTERN (a
# grep pattern), and no module may be left loaded.
_insmod_refused() {
	local want=$1 pattern=$2 err
	shift 2
	kmsg_mark
	if err=$(insmod "$BLKEX_KO" "$@" 2>&1); then
		_fail "insmod $* succeeded"
	fi
	echo "$* -> $err"
	echo "$err" | grep -q "$want" || _fail "insmod $*: '$err', want '$want'"
	kmsg_since | grep -q "blk_example: $pattern" ||
		_fail "no kernel message '$pattern' for $*"
	! _module_loaded || _fail "module loaded with $*"
	return 0
}

# _cfs_refused DIR FILE ERRNO_TEXT MESSAGE FORMAT [ARG]: printf FORMAT ARG
# to the configfs disk DIR's FILE in one write; it must fail with
# ERRNO_TEXT, and the kernel must log "blk_example: DISK: MESSAGE" (a grep
# pattern), DISK being DIR's disk_name.
_cfs_refused() {
	local dir=$1 file=$2 want=$3 msg=$4 err disk
	shift 4
	disk=$(cat "$dir/disk_name")
	kmsg_mark
	# shellcheck disable=SC2059 # a format may carry a NUL on purpose
	if err=$(printf "$@" 2>&1 > "$dir/$file"); then
		_fail "writing '$*' to $file succeeded"
	fi
	echo "$file <- '$(echo "$*" | cut -c1-48)': $err"
	echo "$err" | grep -q "$want" || _fail "$file <- '$*': '$err', want '$want'"
	kmsg_since | grep -q "blk_example: $disk: $msg" ||
		_fail "no message '$disk: $msg' for $file <- '$*'"
}

# _cfs_rm_all: rmdir every disk made with mkdir (the parameters' disks
# refuse rmdir and go with rmmod).
_cfs_rm_all() {
	local d
	[ -d "$CFS" ] || return 0
	for d in "$CFS"/*/; do
		[ -d "$d" ] && rmdir "$d" 2> /dev/null
	done
	return 0
}

# The cases' trace instance and kprobe events (_trace_inst, _kprobe_on).
# shellcheck source=tests/lib/trace-instance.sh
. "$(dirname "${BASH_SOURCE[0]}")/trace-instance.sh"
