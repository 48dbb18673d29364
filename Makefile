# SPDX-License-Identifier: GPL-2.0
#
# User entry points. The module itself is described in Kbuild.
#
#   make                 build blk_example.ko for the running kernel
#   make KDIR=...        ... or for the kernel build tree at KDIR
#   make deps            install what the tests and tools need (Debian)
#   make test            run the VM test suite on every installed kernel
#   make bench           the main job: fio sweeps vs brd and null_blk in the VM
#   make soak            fio verify + ext4 + fault toggling in the VM for
#                        SOAK_SECONDS (default 180) on every kernel
#   make clean

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

all: modules

modules:
	@test -d $(KDIR) || { echo "No kernel build tree at $(KDIR): install linux-headers-$(KVER) or pass KDIR=/path/to/build" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build

deps:
	scripts/deps.sh

test:
	tests/run.sh

bench:
	bench/run.sh

soak:
	tests/soak/run.sh

.PHONY: all modules clean deps test bench soak
