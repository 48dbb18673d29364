# SPDX-License-Identifier: GPL-2.0
#
# User entry points. The module itself is described in Kbuild.
#
#   make                 build blk_example.ko for the running kernel
#   make KDIR=...        ... or for the kernel build tree at KDIR
#   make deps            install what the tests and tools need (Debian)
#   make test            run the VM test suite on every installed kernel
#   make test-debug      ... on a lockdep + KASAN + kmemleak kernel built from
#                        linux-source-6.12 (cached in ~/.cache/blk_example)
#   make bench           the main job: fio sweeps vs brd and null_blk in the VM
#   make check           checkpatch, sparse + W=1 on every kernel, shellcheck
#   make install         into /lib/modules/$(KVER)/updates, then depmod
#   make uninstall       ... and out again
#   make install-conf    the example /etc/modprobe.d/blk_example.conf
#   make dkms-src        the DKMS source tree into $(DESTDIR)/usr/src
#   make dkms-deb        build/blk-example-dkms_<version>_all.deb (dh-dkms)
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

test-debug:
	tests/debug/run.sh

bench:
	bench/run.sh

check:
	scripts/check.sh

# Installing. modules_install puts the module under $(INSTALL_MOD_DIR) and
# honours INSTALL_MOD_PATH (a staging root); its own depmod step is skipped
# without System.map, which headers packages lack, hence ours. Its SIGN
# step needs the kernel's own signing key, which a headers package lacks:
# without one it is turned off (it would only print SSL errors); DKMS
# signs with its MOK key instead.
INSTALL_MOD_DIR ?= updates
DEPMOD ?= /sbin/depmod
blkex_root = $(abspath $(INSTALL_MOD_PATH))
blkex_depmod = $(DEPMOD) $(if $(blkex_root),-b $(blkex_root)) $(KVER)
blkex_nosign = $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(blkex_root) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(blkex_nosign) modules_install
	$(blkex_depmod)

uninstall:
	rm -f $(blkex_root)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/blk_example.ko*
	-rmdir --ignore-fail-on-non-empty $(blkex_root)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
	$(blkex_depmod)

install-conf:
	@if [ -e $(blkex_root)/etc/modprobe.d/blk_example.conf ]; then \
		echo "keeping the existing $(blkex_root)/etc/modprobe.d/blk_example.conf"; \
	else \
		install -D -m 0644 packaging/blk_example.conf $(blkex_root)/etc/modprobe.d/blk_example.conf; \
	fi

dkms-src:
	scripts/dkms-src.sh $(abspath $(DESTDIR))/usr/src

dkms-deb:
	scripts/dkms-deb.sh

soak:
	tests/soak/run.sh

.PHONY: all modules clean deps test test-debug bench soak check install uninstall install-conf dkms-src dkms-deb
