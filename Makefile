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
#   make install       PREFIX=/usr/local DESTDIR= : library, <kshm.h> and a
#                      private copy of <linux/kshm.h> under include/kshm/,
#                      pc, man; never $(PREFIX)/include/linux/kshm.h
#   make install-uapi  PREFIX=/usr/local DESTDIR= : <linux/kshm.h>, the
#                      driver's UAPI header, for programs using the ioctls
#   make module        kshm.ko for KDIR (default: the running kernel)

KDIR ?= /lib/modules/$(shell uname -r)/build
export V

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

install: lib
	$(MAKE) -C lib install

install-uapi:
	$(MAKE) -C lib install-uapi

clean:
	-$(MAKE) -C driver clean
	rm -rf build

.PHONY: all lib examples tools tests module module-if-headers deps vm-programs \
	check check-debug compile-matrix check-flavours demo bench install install-uapi clean
