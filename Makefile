# SPDX-License-Identifier: GPL-2.0
# kshm: the top level only delegates. Quiet by default; V=1 shows commands.
#
#   make               the library, the examples, the tools and the test
#                      programs (the host unit tests and the VM's static
#                      programs); the module too when the running kernel's
#                      headers are installed
#   make check         unit tests on the host, then the VM tests in the
#                      Debian 6.1 and 6.12 kernels (installs what it needs)
#   make check-debug   the VM tests and the hardening tests on a debug kernel
#                      (KASAN, lockdep, kmemleak, fault injection)
#   make compile-matrix  kshm.ko and the client modules with W=1 -Werror
#                      against 6.1 and 6.12 in every Debian flavour
#                      (amd64, cloud-amd64, rt-amd64)
#   make check-flavours  compile-matrix (and 7.3), then the VM tests on
#                      6.1 rt (PREEMPT_RT) and on the newest Debian kernel
#   make demo          boot a VM and run the first examples with fault_log=1
#   make bench         the copy path against the mapping, in the VM
#   make install       PREFIX=/usr/local DESTDIR= KDIR= INSTALL_MOD_PATH= :
#                      kshm.ko for KDIR through kbuild's modules_install
#                      (INSTALL_MOD_PATH defaults to DESTDIR; depmod runs
#                      when both are empty), the library, <kshm.h> and a
#                      private copy of <linux/kshm.h> under include/kshm/,
#                      pc, man pages, kshmctl, the udev rule and the
#                      modprobe.d example; never $(PREFIX)/include/linux/
#                      (Documentation/install.md)
#   make install-uapi  PREFIX=/usr/local DESTDIR= : <linux/kshm.h>, the
#                      driver's UAPI header, for programs using the ioctls
#   make uninstall, make uninstall-uapi: remove what those put in place
#   make dkms-install  kshm.ko through DKMS, rebuilt for every new kernel
#   make dkms-remove   takes it out of DKMS again
#   make module        kshm.ko for KDIR (default: the running kernel)

KDIR ?= /lib/modules/$(shell uname -r)/build
export V
VERSION := $(shell cat VERSION)

all: lib examples tools tests module-if-headers

lib:
	$(MAKE) -C lib

examples: lib
	$(MAKE) -C examples

# kshmctl links libkshm.a: never two builds of lib/ at once under -j.
tools: lib
	$(MAKE) -C tools

tests: vm-programs
	$(MAKE) -C tests/lib

module:
	$(MAKE) -C driver KDIR=$(KDIR)

module-if-headers:
	@if [ -f $(KDIR)/Makefile ]; then $(MAKE) -C driver KDIR=$(KDIR); \
	else echo "  SKIP kshm.ko: no headers at $(KDIR) (make check builds it for the test kernels)"; fi

deps:
	@scripts/deps.sh

# Static programs the VM guest runs: tests, helpers, examples, tools.
vm-programs:
	$(MAKE) -C tests vm-programs
	$(MAKE) -C lib
	$(MAKE) -C tests/lib vm-programs
	$(MAKE) -C examples vm-programs
	$(MAKE) -C tools vm-programs
	tests/consumer/build
	tests/docs/build

# Static checks, host unit tests, then the VM suite; one closing count.
check: deps
	@tests/check

# The VM suite plus the hardening tests (100,000 stress operations, fault
# injection, kmemleak) on a KASAN + lockdep kernel built from Debian's
# linux-source-6.1 (cached after the first build, about 5 minutes).
check-debug: deps
	@scripts/debug-kernel.sh
	@tests/vm/run --debug

# Every Debian header flavour of 6.1 and 6.12; deps.sh --matrix unpacks
# those the base install has not.
compile-matrix:
	@scripts/deps.sh --matrix
	@scripts/compile-matrix.sh

# Not in make check, for time: compile-matrix, the newest kernel's build
# included, then the VM suite on 6.1 rt and the newest kernel (7.3 today,
# built for in a Debian 13 tree: scripts/newest-kernel.sh).
check-flavours:
	@scripts/deps.sh --matrix --flavours
	@tests/check-flavours

demo: deps
	tests/vm/run --demo

# Copy path against mapping, as ratios, in each test kernel and backing.
bench: deps
	tests/vm/run --bench

# Where make install puts what is not the library's or kshmctl's. udev and
# kmod also read /usr/local/lib/{udev/rules.d,modprobe.d}.
PREFIX ?= /usr/local
UDEVDIR ?= $(PREFIX)/lib/udev
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= updates
# The release kshm.ko is built for, as its vermagic says: Debian's 6.1
# headers give kbuild's own "make kernelrelease" as 6.1.NNN, not 6.1.0-N-amd64.
krel = $(or $(shell sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell uname -r))
moddir = $(INSTALL_MOD_PATH)/lib/modules/$(krel)/$(INSTALL_MOD_DIR)
# depmod is ours to run, only for the live system: Debian's headers have
# no System.map, so kbuild skips it; DEPMOD=true keeps a kernel tree that
# has one from writing modules.dep into a DESTDIR.
live_depmod = [ -n "$(INSTALL_MOD_PATH)" ] || depmod -a $(krel)

install: install-module
	$(MAKE) -C lib install
	$(MAKE) -C tools install
	@echo "  INST $(DESTDIR)$(UDEVDIR)/rules.d/60-kshm.rules"
	@install -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(MODPROBEDIR)
	@install -m 644 udev/60-kshm.rules $(DESTDIR)$(UDEVDIR)/rules.d/
	@echo "  INST $(DESTDIR)$(MODPROBEDIR)/kshm.conf"
	@install -m 644 modprobe.d/kshm.conf $(DESTDIR)$(MODPROBEDIR)/
	@[ -n "$(DESTDIR)" ] || ldconfig

install-module:
	@if [ ! -f $(KDIR)/Makefile ]; then \
		echo "  SKIP kshm.ko: no headers at $(KDIR) (KDIR=, or make dkms-install)"; \
	else \
		$(MAKE) -C driver KDIR=$(KDIR) modules && \
		echo "  INST $(moddir)/kshm.ko" && \
		$(MAKE) -s -C driver KDIR=$(KDIR) modules_install KERNELRELEASE=$(krel) \
			INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
			INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=true && \
		$(live_depmod); \
	fi

install-uapi:
	$(MAKE) -C lib install-uapi

# Exactly what install put in place (kbuild may have compressed kshm.ko).
uninstall:
	$(MAKE) -C lib uninstall
	$(MAKE) -C tools uninstall
	@echo "  RM   $(moddir)/kshm.ko"
	@rm -f $(moddir)/kshm.ko $(addprefix $(moddir)/kshm.ko,.gz .xz .zst) \
		$(DESTDIR)$(UDEVDIR)/rules.d/60-kshm.rules \
		$(DESTDIR)$(MODPROBEDIR)/kshm.conf
	@[ ! -d $(moddir) ] || rmdir --ignore-fail-on-non-empty $(moddir)
	@[ ! -d $(INSTALL_MOD_PATH)/lib/modules/$(krel) ] || $(live_depmod)

uninstall-uapi:
	$(MAKE) -C lib uninstall-uapi

# DKMS: the sources it builds from go to $(DKMS_SOURCE_TREE)/kshm-VERSION.
# DKMS_FLAGS go to every dkms command (tests/install/dkms passes scratch
# trees), DKMS_KERNEL to build and install (default: the running kernel).
DKMS ?= dkms
DKMS_SOURCE_TREE ?= /usr/src
DKMS_FLAGS ?=
DKMS_KERNEL ?=
dkms_src := $(DKMS_SOURCE_TREE)/kshm-$(VERSION)
dkms := $(DKMS) --sourcetree $(DKMS_SOURCE_TREE) $(DKMS_FLAGS)

dkms-source:
	@echo "  INST $(dkms_src)"
	@rm -rf $(dkms_src)
	@install -d $(dkms_src)/driver $(dkms_src)/include/linux \
		$(dkms_src)/include/uapi/linux
	@install -m 644 driver/Kbuild driver/Makefile driver/*.[ch] $(dkms_src)/driver/
	@install -m 644 include/linux/*.h $(dkms_src)/include/linux/
	@install -m 644 include/uapi/linux/*.h $(dkms_src)/include/uapi/linux/
	@install -m 644 VERSION $(dkms_src)/
	@sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(dkms_src)/dkms.conf

# Again after a change: the sources are replaced and the module rebuilt.
dkms-install: dkms-source
	@$(dkms) status -m kshm -v $(VERSION) | grep -q . || \
		$(dkms) add -m kshm -v $(VERSION)
	$(dkms) build --force -m kshm -v $(VERSION) $(DKMS_KERNEL)
	$(dkms) install --force -m kshm -v $(VERSION) $(DKMS_KERNEL)

dkms-remove:
	$(dkms) remove -m kshm -v $(VERSION) --all
	rm -rf $(dkms_src)

clean:
	-$(MAKE) -C driver clean
	rm -rf build

.PHONY: all lib examples tools tests module module-if-headers deps vm-programs \
	check check-debug compile-matrix check-flavours demo bench install install-module install-uapi \
	uninstall uninstall-uapi dkms-source dkms-install dkms-remove clean
