#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the bench inside the VM: the workloads a point can run, as
# fio's rw, bs and rwmixread for bench/sweep.fio.

# shellcheck disable=SC2034 # used by the scripts that source this file
declare -A WORKLOAD=(
	[randread-4k]="randread 4k 100"
	[randwrite-4k]="randwrite 4k 0"
	[randrw70-4k]="randrw 4k 70"
	[seqread-128k]="read 128k 100"
	[seqwrite-128k]="write 128k 0"
)
