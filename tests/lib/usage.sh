#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the entry points (tests/run.sh, tests/soak/run.sh,
# tests/debug/run.sh, bench/run.sh, bench/ab.sh, bench/tracecost.sh) so
# that each says what it will do and refuses a typo before it builds or
# boots anything. An entry point's help is its own header comment, the one
# place its knobs are written; USAGE_SEE names the scripts whose
# "Environment:" paragraph it also honours (e.g. vm/boot.sh for
# VM_*), printed after it. Every check ends the script with status 2 and
# a message on stderr that names the valid values.

usage_repo=$(readlink -f "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../..")
usage_self=$(readlink -f "$0")
usage_self=${usage_self#"$usage_repo"/}
USAGE_SEE=()

# usage_text FILE: FILE's header comment (after the SPDX line, up to the
# first line that is not a comment), without the "# ".
usage_text() {
	awk 'NR <= 2 { next }
	     !/^#/ { exit }
	     { sub(/^# ?/, "") }
	     NR == 3 && $0 == "" { next }
	     { print }' "$1"
}

# usage_env FILE: the paragraph of FILE's header that starts with
# "Environment:".
usage_env() {
	usage_text "$1" | awk '/^Environment:/ { on = 1 } on && /^$/ { exit } on'
}

usage_help() {
	local f
	usage_text "$usage_repo/$usage_self"
	for f in "${USAGE_SEE[@]}"; do
		echo
		echo "As $f (these it honours too):"
		usage_env "$usage_repo/$f" | sed 's/^/  /'
	done
}

# usage_fail MESSAGE...: MESSAGE on stderr, exit 2.
usage_fail() {
	echo "$usage_self: $*" >&2
	exit 2
}

# usage_bad MESSAGE...: MESSAGE and the usage lines on stderr, exit 2.
usage_bad() {
	{
		echo "$usage_self: $*"
		usage_text "$usage_repo/$usage_self" | grep '^Usage:'
		echo "$usage_self --help lists every knob."
	} >&2
	exit 2
}

# usage_is_help ARG...: true if any ARG asks for help.
usage_is_help() {
	local a
	for a in "$@"; do
		case $a in -h | --help) return 0 ;; esac
	done
	return 1
}

# usage_noargs "$@": for a script that takes no arguments, only knobs in
# the environment: -h/--help prints the help and exits 0; anything else
# is an error.
usage_noargs() {
	if usage_is_help "$@"; then
		usage_help
		exit 0
	fi
	[ "$#" = 0 ] || usage_bad "unknown argument '$1'"
}

# usage_oneof KNOB VALID...: each word of $KNOB (if set) is one of VALID.
usage_oneof() {
	local knob=$1 w v
	local -a words
	shift
	read -ra words <<< "${!knob:-}"
	for w in "${words[@]}"; do
		usage_in "$knob" "$w" "$@"
	done
}

# usage_in WHAT WORD VALID...: WORD is one of VALID, else an error about WHAT.
usage_in() {
	local what=$1 w=$2 v
	shift 2
	for v in "$@"; do
		[ "$w" = "$v" ] && return 0
	done
	usage_fail "$what: '$w' is not one of: $*"
}

# usage_uint KNOB...: each word of each $KNOB (if set) is a whole number;
# 0 is allowed only where MIN (USAGE_MIN, default 1) allows it.
usage_uint() {
	local knob w
	local -a words
	for knob in "$@"; do
		read -ra words <<< "${!knob:-}"
		for w in "${words[@]}"; do
			if ! [[ $w =~ ^[0-9]+$ ]] || (( 10#$w < ${USAGE_MIN:-1} )); then
				usage_fail "$knob: '$w' is not a whole number >= ${USAGE_MIN:-1}"
			fi
		done
	done
}

# usage_c_names ARRAY: the strings of the C array ARRAY in
# blk_example/main.c (the driver is where those names are defined).
usage_c_names() {
	sed -n "/ $1\[\] = {/,/^};/p" "$usage_repo/blk_example/main.c" |
		grep -o '"[^"]*"' | tr -d '"'
}

# usage_blkex_args KNOB [WHAT]: $KNOB is a list of blk_example's module
# parameters, NAME=VALUE each; wq_mode, work_cpu and store take the
# names the driver has. Errors name WHAT (default KNOB).
usage_blkex_args() {
	local knob=$1 what=${2:-$1} w
	local -a words pnames names
	read -ra words <<< "${!knob:-}"
	mapfile -t pnames < <(sed -n 's/^module_param_cb(\([a-z_0-9]*\),.*/\1/p' \
		"$usage_repo"/blk_example/*.c)
	for w in "${words[@]}"; do
		[[ $w == *=* ]] || usage_fail "$what: '$w' is not NAME=VALUE"
		[[ " ${pnames[*]} " == *" ${w%%=*} "* ]] ||
			usage_fail "$what: '${w%%=*}' is not a parameter of blk_example: ${pnames[*]}"
		case ${w%%=*} in
		wq_mode | work_cpu | store)
			mapfile -t names < <(usage_c_names "blkex_${w%%=*}_names")
			usage_in "$what ${w%%=*}" "${w#*=}" "${names[@]}" ;;
		esac
	done
}

# usage_kernels: the kernels with headers and an image (vm/kernels.sh
# without KVERS), on one line.
usage_kernels() {
	KVERS='' "$usage_repo/vm/kernels.sh" | paste -sd ' '
}

# usage_kver KNOB: each word of $KNOB (if set) is a kernel the VM can boot
# and the module can be built for: headers and /boot/vmlinuz-KVER, unless
# TEST_KDIR and VM_KERNEL say where they are.
usage_kver() {
	local knob=$1 k
	local -a words
	read -ra words <<< "${!knob:-}"
	for k in "${words[@]}"; do
		if { [ -z "${TEST_KDIR:-}" ] && [ ! -d "/lib/modules/$k/build" ]; } ||
		   { [ -z "${VM_KERNEL:-}" ] && [ ! -r "/boot/vmlinuz-$k" ]; }; then
			usage_fail "$knob: no kernel $k with headers and an image; there are: $(usage_kernels)"
		fi
	done
}

# usage_vm_knobs: the knobs of vm/boot.sh that take a number, size or name.
usage_vm_knobs() {
	usage_uint VM_CPUS VM_TIMEOUT VM_BOOT_TIMEOUT VM_BOOT_TRIES
	usage_oneof VM_ACCEL tcg kvm
	[[ -z ${VM_MEM:-} || $VM_MEM =~ ^[0-9]+[KMGT]?$ ]] ||
		usage_fail "VM_MEM: '$VM_MEM' is not a size such as 3G or 2048M"
}

# usage_pick DIR: the cases in DIR, or in its group folders (DIR/GROUP/
# NNN-NAME.sh), that TESTS matches, by file name (e.g. '^00[1-5]-') or by
# GROUP/NAME (e.g. '^tracing/'); not by path: a checkout in, say,
# /work/clone-036 would match every case. In file-name order, whatever
# the group: a case's number places it (099-lockdown runs last).
# TESTS_SKIP=REGEX (the same way) leaves out the cases it matches.
usage_pick() {
	local f
	[ -d "$1" ] || return 0
	while read -r f; do
		usage_case_is "$1" "$f" "${TESTS:-.}" || continue
		[ -n "${TESTS_SKIP:-}" ] && usage_case_is "$1" "$f" "$TESTS_SKIP" &&
			continue
		echo "$f"
	done < <(find "$1" -mindepth 1 -maxdepth 2 -name '[0-9]*.sh' |
		 awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f 2-)
	return 0
}

# usage_case_is DIR FILE REGEX: case FILE of usage_pick DIR matches REGEX
# by its file name or its GROUP/NAME, as TESTS picks.
usage_case_is() {
	[[ ${2##*/} =~ $3 || $(usage_case_name "$1" "$2") =~ $3 ]]
}

# usage_case_name DIR FILE: the name of case FILE of usage_pick DIR in
# results: GROUP/NNN-NAME, or NNN-NAME for a case with no group folder or
# from outside DIR.
usage_case_name() {
	local n=${2%.sh}
	case $n in
	"${1%/}"/*) n=${n#"${1%/}"/} ;;
	*) n=${n##*/} ;;
	esac
	echo "$n"
}
