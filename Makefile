# SPDX-License-Identifier: GPL-2.0
#
# uffd-wp async tracking and PAGEMAP_SCAN for Linux 6.1: the series in
# patches/ and everything that builds, boots and tests it. See README.md.
#
#   make              deps, base tree + series, build, boot, kselftests
#   make check        everything CI runs (gates + debug kernel tests)
#   make export       regenerate patches/ from build/linux
#   make export-check fail when build/linux has work patches/ lacks
#   make stress       the dirty-tracking stress tool and fuzzer, debug kernel
#   make bench        ours vs upstream 6.12 in QEMU: Documentation/bench-results.md
#   make upstream-watch  what changed upstream since the reviewed 6.12.y release
#
# Variables: FLAVOR=fast|debug  KSRC=<6.1.y tree or tarball>
#            SUITES=series,peer,stress  TESTS=<name,...>  JOBS=3
#            STRESS_SECONDS=N FUZZ_SECONDS=N (make stress; defaults 300, 60)

FLAVOR ?= fast
SUITES ?= series,peer,stress
TESTS ?=
STRESS_SECONDS ?= 300
FUZZ_SECONDS ?= 60
export KSRC JOBS

T := tools

.PHONY: all check deps tree config build selftests initramfs run test \
	export export-check checkpatch gates check-builds clean distclean bench stress \
	upstream-watch

all: deps tree build selftests initramfs run

check:
	FLAVOR=debug SUITES=$(SUITES) TESTS=$(TESTS) $(T)/check.sh

deps:
	$(T)/deps.sh

tree:
	$(T)/tree.sh

config: tree
	$(T)/config.sh $(FLAVOR)

build: config
	$(T)/build.sh $(FLAVOR)

selftests:
	$(T)/selftests.sh $(FLAVOR)

initramfs:
	$(T)/initramfs.sh

run:
	$(T)/run.sh $(FLAVOR) $(SUITES) $(TESTS)

# Rebuild what changed and run only the named tests: make test TESTS=soft-dirty
test: build selftests initramfs run

export:
	$(T)/export.sh

export-check:
	$(T)/export.sh --check

checkpatch:
	$(T)/gates/checkpatch.sh

gates: checkpatch export-check
	$(T)/gates/prefix.sh $(FLAVOR)

# Long runs of tools/stress (make check runs it for 30 s): the last line
# is "stress: N ops, M violations, seed S".
stress: deps tree
	STRESS_SECONDS=$(STRESS_SECONDS) FUZZ_SECONDS=$(FUZZ_SECONDS) $(T)/stress/run.sh

# The series on other configs and arches, as the kernel test robot builds it
check-builds: tree
	WITH_CROSS=1 $(T)/deps.sh
	$(T)/check-builds.sh

# Our kernel and upstream 6.12 (same config), booted alternately in QEMU,
# the same benchmark in each: tools/bench/run.sh (BOOTS=, ROUNDS=).
bench:
	WITH_BENCH=1 $(T)/deps.sh
	$(T)/tree.sh
	$(T)/bench/run.sh

clean:
	rm -rf build/obj-* build/kst build/initramfs* build/logs build/*.img

distclean:
	rm -rf build

# The upstream 6.12.y release the series mirrors was last reviewed at
# tools/upstream/reviewed: list what changed in the installed
# linux-source-6.12 since, and whether the series applies to the
# installed linux-source-6.1 (Documentation/upstream-differences.rst).
upstream-watch:
	$(T)/deps.sh
	$(T)/upstream-watch.py
