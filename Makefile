# SPDX-License-Identifier: GPL-2.0
#
# User entry points, one line each (`make help` prints them). The module
# itself is described in Kbuild. KVER defaults to the release of KDIR when
# only KDIR is given, else to `uname -r`; KDIR to /lib/modules/$(KVER)/build.
#
#   make                 build blk_example.ko for KVER (or the tree at KDIR)
#   make help            this list
#   make deps            install what the tests and tools need (Debian)
#   make check           checkpatch, sparse + W=1 on every kernel, shellcheck
#   make test            the VM test suite on every installed kernel (tests/run.sh --help)
#   make test-debug      ... on a lockdep + KASAN + kmemleak kernel (tests/debug/run.sh --help)
#   make test-here       the suite on this machine's running kernel, as root, no VM (tests/here.sh --help)
#   make bench           fio sweeps vs brd, null_blk and loop in the VM (bench/run.sh --help)
#   make bench-here      the same sweep and report on this machine's running kernel, as root, no VM (bench/here.sh --help)
#   make soak            fio verify + ext4 + faults in the VM (tests/soak/run.sh --help)
#   make soak-here       the soak on this machine's running kernel, as root, no VM (tests/soak/here.sh --help)
#   make install         into $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates, then depmod for KVER
#   make uninstall       ... and out again, then depmod for KVER
#   make install-conf    the example /etc/modprobe.d/blk_example.conf
#   make dkms-src        the DKMS source tree into $(DESTDIR)/usr/src
#   make dkms-deb        build/blk-example-dkms_<version>_all.deb (dh-dkms)
#   make clean           the module's objects (KDIR's kbuild clean) and build/, but for results
#   make distclean       clean, and all of build/, test results (build/test-results, build/soak) too
#
# bench/results/ (the bench's reports) is never removed by make.

KVER_GIVEN := $(filter-out undefined,$(origin KVER))
# The release KDIR was built as: UTS_RELEASE, what the module's vermagic
# says and modprobe matches. (Debian's 6.1 headers say 6.1.192 in
# include/config/kernel.release, not 6.1.0-N-amd64.)
blkex_krel = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2> /dev/null)
ifeq ($(KVER_GIVEN),)
ifneq ($(filter-out undefined,$(origin KDIR)),)
KVER := $(blkex_krel)
else
KVER := $(shell uname -r)
endif
endif
KDIR ?= /lib/modules/$(KVER)/build

# The kernels that have a build tree, for the message when KDIR has none.
blkex_have_headers = for d in /lib/modules/*/build; do \
		[ -d "$$d" ] && k=$${d%/build} && echo "  $${k\#\#*/} (KVER=$${k\#\#*/})"; \
	done; true
blkex_need_kdir = test -d $(KDIR) || { \
	echo "No kernel build tree at $(KDIR): install linux-headers-$(or $(KVER),RELEASE) or pass KDIR=/path/to/build" >&2; \
	echo "Kernels with headers here:" >&2; { $(blkex_have_headers); } >&2; exit 1; }
# install and uninstall act on one kernel's tree: KVER must be KDIR's.
blkex_need_kver = $(blkex_need_kdir); \
	test -n "$(KVER)" || { echo "Cannot tell which kernel $(KDIR) is for (no include/generated/utsrelease.h): pass KVER" >&2; exit 1; }; \
	test -z "$(blkex_krel)" || test "$(blkex_krel)" = "$(KVER)" || { \
	echo "KVER=$(KVER) but $(KDIR) is for $(blkex_krel): give one of them, or both alike" >&2; exit 1; }

all: modules

modules:
	@$(blkex_need_kdir)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

# Without a kernel tree (KDIR) kbuild cannot clean: its outputs go by name.
# The suite's and the soak's results stay until make distclean.
blkex_results = build/test-results build/soak
blkex_kclean = if [ -d $(KDIR) ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		echo "no kernel tree at $(KDIR): removing kbuild's outputs by name"; \
		rm -f *.ko *.o *.mod *.mod.c .*.cmd Module.symvers modules.order \
			blk_example/*.o blk_example/.*.cmd; \
	fi
clean:
	@$(blkex_kclean)
	@if [ -d build ]; then \
		find build -mindepth 1 -maxdepth 1 $(foreach r,$(blkex_results),! -path $(r)) -exec rm -rf {} +; \
		for r in $(blkex_results); do \
			[ ! -d $$r ] || echo "kept $$r (test results): make distclean removes it"; \
		done; \
	fi

distclean:
	@$(blkex_kclean)
	rm -rf build

deps:
	scripts/deps.sh

test:
	tests/run.sh

test-here:
	tests/here.sh

test-debug:
	tests/debug/run.sh

bench:
	bench/run.sh

bench-here:
	bench/here.sh

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

install:
	@$(blkex_need_kver)
	$(MAKE) --no-print-directory modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(blkex_root) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) KERNELRELEASE=$(KVER) \
		$(blkex_nosign) modules_install
	$(blkex_depmod)

uninstall:
	@$(blkex_need_kver)
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

soak-here:
	tests/soak/here.sh

.PHONY: all modules help clean distclean deps test test-here test-debug bench bench-here soak soak-here check install uninstall install-conf dkms-src dkms-deb
