# SPDX-License-Identifier: GPL-2.0
#
# uffd-wp async tracking and PAGEMAP_SCAN for Linux 6.1: the series in
# patches/ and everything that builds, boots and tests it. See README.md.
#
#   make              deps, base tree + series, build, boot, kselftests
#   make check        everything CI runs (gates + debug kernel tests)
#   make export       regenerate patches/ from build/linux
#   make export-check fail when build/linux has work patches/ lacks
#
# Variables: FLAVOR=fast|debug  KSRC=<6.1.y tree or tarball>
#            SUITES=series,peer  TESTS=<name,...>  JOBS=3

FLAVOR ?= fast
SUITES ?= series,peer
TESTS ?=
export KSRC JOBS

T := tools

.PHONY: all check deps tree config build selftests initramfs run test \
	export export-check checkpatch gates clean distclean

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

clean:
	rm -rf build/obj-* build/kst build/initramfs* build/logs build/*.img

distclean:
	rm -rf build
