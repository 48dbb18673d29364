#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM, running in the host's root (read-only over 9p).
# It mounts what programs need to write, says it got this far by creating
# /mnt/out/job.started (boot.sh's boot timeout), runs /mnt/out/job.sh
# (written by boot.sh) with its output on the first serial port, stores the
# job's exit status in /mnt/out/job.rc and powers the VM off.
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8

mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
for dir in /tmp /run /root /var/tmp /dev/shm; do
	mount -t tmpfs -o mode=1777 tmpfs "$dir"
done
chmod 700 /root
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
# The driver needs configfs, a module on Debian: insmod does not load it,
# and the mount alone does not either at this point of boot.
modprobe configfs 2>/dev/null
mount -t configfs configfs /sys/kernel/config 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ln -s /proc/self/fd /dev/fd 2>/dev/null
hostname blkex-vm

cd /mnt/out || exit 1
: > /mnt/out/job.started
bash /mnt/out/job.sh > /dev/ttyS0 2>&1 < /dev/null
echo $? > /mnt/out/job.rc
dmesg > /mnt/out/dmesg.log
sync
cd /
umount /mnt/out
echo o > /proc/sysrq-trigger
sleep 60
