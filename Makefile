# ballast — memory ballooning for Xen.
#
#   make            build everything the installed packages allow
#   make deps       install the Debian packages `make check` needs (as root)
#   make deps-lab   add what the real-Xen lab needs (QEMU, debootstrap...,
#                   and deps-deb's packages: the lab installs the .debs)
#   make deps-deb   add what `make deb` needs (debhelper, dh-dkms, lintian)
#   make deps-fuzz  add what `make fuzz` needs (clang and its fuzzer runtime)
#   make check      unit tests + simulator scenarios, plain and ASan/UBSan,
#                   the man pages against --help, the kernel module build,
#                   and no include circle (tests/include-circles)
#   make demo       boot a real Xen under QEMU and watch ballast work
#   make e2e        the end-to-end tests in a real Xen (root, 35-60 min)
#   make sim        run every simulator scenario, traces in build/sim/
#   make plots      render the traces to PNG with gnuplot
#   make bench      policy decision-time benchmark
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS each (tests/fuzz)
#   make mutate     single-point mutations against the fast tests (tests/mutate)
#   make install    DESTDIR= PREFIX=/usr/local (no test framework needed)
#   make uninstall  the same DESTDIR= PREFIX=
#   make deb        Debian packages (debian/) into build/deb/, then lintian
#
# Each part adds its objects, programs and tests from its own module.mk.
# VARIANT=plain (default) or VARIANT=san (AddressSanitizer + UBSan) selects
# the build directory build/$(VARIANT); VARIANT=fuzz (clang, libFuzzer
# coverage + ASan/UBSan) is what `make fuzz` builds.

VARIANT ?= plain
B := build/$(VARIANT)

CC ?= cc
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -MMD -MP \
	-Ixenstore-schema -Ischeduler -I$(B)/gen
ifeq ($(VARIANT),san)
CFLAGS_VARIANT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
LDFLAGS_VARIANT := -fsanitize=address,undefined
else ifeq ($(VARIANT),fuzz)
CC := clang
CFLAGS_VARIANT := -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
LDFLAGS_VARIANT := -fsanitize=address,undefined
else
CFLAGS_VARIANT := -O2
LDFLAGS_VARIANT :=
endif
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS_VARIANT) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS_VARIANT) $(LDFLAGS)

PREFIX ?= /usr/local
DESTDIR ?=
UNITDIR ?= $(PREFIX)/lib/systemd/system

# --- dependencies -----------------------------------------------------------
# Debian packages, by what needs them. `make deps` installs what `make check`
# needs; deps-lab, deps-plots and deps-deb add the rest.
DEB_BUILD := gcc make libc6-dev
DEB_TEST := libcunit1-dev
DEB_XEN := libxen-dev libxenstore4 libinih-dev libyajl-dev libsystemd-dev \
	libncurses-dev
DEB_KERNEL := linux-headers-amd64 kmod
DEB_PACKAGES := $(DEB_BUILD) $(DEB_TEST) $(DEB_XEN) $(DEB_KERNEL)
# The lab (make e2e, demo, bench-e2e; tests/e2e/lib/host.sh HOST_PKGS); it
# installs ballast from the .debs of `make deb`, so deps-lab adds DEB_DEB;
# gnuplot draws the demo's picture.
DEB_LAB := qemu-system-x86 debootstrap e2fsprogs cpio busybox-static gnuplot-nox
DEB_FUZZ := clang libclang-rt-14-dev
DEB_PLOTS := gnuplot-nox
DEB_DEB := dpkg-dev devscripts debhelper dh-dkms lintian

have = $(shell test -e $(1) && echo y)
HAVE_CUNIT := $(call have,/usr/include/CUnit/CUnit.h)
HAVE_XEN := $(and $(call have,/usr/include/xenctrl.h),$(call have,/usr/include/xenstore.h))
HAVE_INIH := $(call have,/usr/include/ini.h)
HAVE_YAJL := $(call have,/usr/include/yajl/yajl_gen.h)
HAVE_SYSTEMD := $(call have,/usr/include/systemd/sd-daemon.h)
HAVE_NCURSES := $(call have,/usr/include/ncursesw/curses.h)
MISSING :=
$(if $(HAVE_XEN),,$(eval MISSING += libxen-dev))
$(if $(HAVE_INIH),,$(eval MISSING += libinih-dev))
$(if $(HAVE_YAJL),,$(eval MISSING += libyajl-dev))
$(if $(HAVE_SYSTEMD),,$(eval MISSING += libsystemd-dev))
$(if $(HAVE_NCURSES),,$(eval MISSING += libncurses-dev))
# What `make install` needs; the tests need CUnit too.
MISSING_INSTALL := $(MISSING)
$(if $(HAVE_CUNIT),,$(eval MISSING += libcunit1-dev))

# Filled in by the module.mk files. A module sets per-directory compiler
# flags with a target-specific MOD_CFLAGS, e.g. $(B)/dom0-tools/%.o: MOD_CFLAGS := ...
LIBS :=
BINS :=
TEST_BINS :=
BENCH_BINS :=
FUZZ_BINS :=
SIM_BIN :=
INSTALL_TARGETS :=
UNINSTALL_TARGETS :=
PROGRAMS :=

.DEFAULT_GOAL := all

# The one version string of every program's --version: the release in
# linux-frontend/Makefile (which DKMS and debian/changelog carry too). A
# main.o that prints it lists $(VERSION_H) as a prerequisite.
BALLAST_VERSION := $(shell sed -n 's/^VERSION := //p' linux-frontend/Makefile)
VERSION_H := $(B)/gen/ballast_version.h

include xenstore-schema/module.mk
include scheduler/module.mk
include linux-frontend/module.mk
include dom0-tools/module.mk
include tests/module.mk

# --- rules ----------------------------------------------------------------
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(MOD_CFLAGS) -c $< -o $@

$(VERSION_H): linux-frontend/Makefile
	@mkdir -p $(@D)
	printf '#define BALLAST_VERSION "%s"\n' '$(BALLAST_VERSION)' > $@

$(B)/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

.PHONY: all deps check build-tests list-tests sim plots bench e2e demo \
	bench-e2e install clean module check-missing fuzz build-fuzz list-fuzz mutate
.PHONY: deps-lab deps-plots deps-deb deps-fuzz programs check-missing-install uninstall deb

all: $(LIBS) $(BINS) $(TEST_BINS) check-missing

check-missing:
	@if [ -n "$(strip $(MISSING))" ]; then \
	  echo "ballast: not built for lack of Debian packages: $(strip $(MISSING))" >&2; \
	  echo "ballast: run 'make deps' (as root) to install them" >&2; \
	  exit 1; \
	fi

check-missing-install:
	@if [ -n "$(strip $(MISSING_INSTALL))" ]; then \
	  echo "ballast: cannot install for lack of Debian packages: $(strip $(MISSING_INSTALL))" >&2; \
	  exit 1; \
	fi

apt_install = @if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	$$SUDO apt-get update && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y \
	  --no-install-recommends $(1)

deps:
	$(call apt_install,$(DEB_PACKAGES))

deps-lab:
	$(call apt_install,$(DEB_LAB) $(DEB_DEB))

deps-plots:
	$(call apt_install,$(DEB_PLOTS))

deps-deb:
	$(call apt_install,$(DEB_DEB))

deps-fuzz:
	$(call apt_install,$(DEB_FUZZ))

build-tests: check-missing $(TEST_BINS)

list-tests:
	@echo $(TEST_BINS)

# No circle of includes, both variants, then every suite, then the kernel module.
check:
	tests/include-circles
	$(MAKE) VARIANT=plain build-tests
	$(MAKE) VARIANT=san build-tests
	$(MAKE) VARIANT=plain check-man check-cli
	tests/deb/check-install
	tests/e2e/check-debs
	@! grep -nE '^[^#]*-Werror' linux-frontend/Kbuild || \
	  { echo 'linux-frontend/Kbuild: -Werror belongs in KCFLAGS (CI), not in what DKMS builds' >&2; exit 1; }
	$(MAKE) -C linux-frontend KCFLAGS=-Werror
	tests/run-suites $$($(MAKE) -s VARIANT=plain list-tests) \
	                 $$($(MAKE) -s VARIANT=san list-tests)

module:
	$(MAKE) -C linux-frontend

sim: $(SIM_BIN)
	tests/sim/run-all $(SIM_BIN) build/sim

plots: sim
	tests/sim/plot-all build/sim

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do $$b || exit 1; done

# Not part of check: each harness runs FUZZ_SECONDS (CI: 20) and fails on
# the first crash, leak or sanitizer report (tests/fuzz/README.md).
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) VARIANT=fuzz build-fuzz
	tests/fuzz/run $(FUZZ_SECONDS) $$($(MAKE) -s VARIANT=fuzz list-fuzz)

build-fuzz: check-missing $(FUZZ_BINS)

list-fuzz:
	@echo $(FUZZ_BINS)

mutate:
	tests/mutate/run

e2e:
	tests/e2e/run-e2e

demo:
	tests/e2e/demo

bench-e2e:
	tests/e2e/bench-e2e

# The installed programs only: no test framework needed.
programs: check-missing-install $(PROGRAMS)

install: check-missing-install $(INSTALL_TARGETS)

uninstall: $(UNINSTALL_TARGETS)

# debian/ built from a copy of the tree (the files git knows, edited or
# not), so the checkout stays clean; packages and lintian's verdict in
# build/deb/.
deb:
	tests/deb/build-deb build/deb $(DEB_DEB)

clean:
	rm -rf build
	-$(MAKE) -C linux-frontend clean

-include $(shell find build -name '*.d' -type f 2>/dev/null)
