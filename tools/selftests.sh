#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kselftest suites that go into the guest, static, under
# build/kst/<suite>/ (binaries, wrappers, "list" and "settings"):
#
#   series  the series' own tests (the C programs its patches add to
#           tools/testing/selftests/vm) and 6.1's userfaultfd and soft-dirty tests,
#           built against the patched tree's exported uapi headers
#   peer    upstream's pagemap_ioctl and uffd-unit-tests from Debian's
#           linux-source-6.12, against 6.12's uapi headers
#
#   tools/selftests.sh <flavor>
. "$(dirname "$0")/common.sh"

flavor=${1:?fast or debug}
obj=$BUILD/obj-$flavor
kst=$BUILD/kst
CC=${CC:-gcc}
CFLAGS="-O2 -Wall -static -U_FORTIFY_SOURCE"
LDLIBS="-lrt -lpthread -lm"

suite_init() { rm -rf "${kst:?}/$1"; mkdir -p "$kst/$1"; : > "$kst/$1/list"; }
add() { echo "$2" >> "$kst/$1/list"; }

# A wrapper script per invocation with arguments; runner.sh runs files.
wrapper() {
	local suite=$1 name=$2; shift 2
	printf '#!/bin/sh\n# %s\nexec %s\n' "$name" "$*" > "$kst/$suite/$name"
	chmod +x "$kst/$suite/$name"
	add "$suite" "$name"
}

# C files the series adds to the vm selftests, helpers (*_common.c) aside.
series_tests() {
	git -C "$TREE" diff --name-only --diff-filter=A base -- tools/testing/selftests/vm/ |
		grep '\.c$' | grep -v '_common\.c$' | xargs -r -n1 basename
}

build_series() {
	local vm=$TREE/tools/testing/selftests/vm out=$kst/series
	suite_init series
	[ -d "$obj/hdr/include" ] || die "no headers in $obj/hdr (run tools/build.sh $flavor)"
	local inc="-isystem $obj/hdr/include -I $TREE/tools/testing/selftests"
	(
		cd "$vm"
		# 6.1's own uffd and soft-dirty tests guard against regressions.
		$CC $CFLAGS $inc userfaultfd.c vm_util.c $LDLIBS -o "$out/userfaultfd"
		$CC $CFLAGS $inc soft-dirty.c vm_util.c $LDLIBS -o "$out/soft-dirty"
		# The series' own tests: the programs its patches add.
		for t in $(series_tests); do
			$CC $CFLAGS $inc "$t" vm_util.c $LDLIBS -o "$out/${t%.c}"
		done
	)
	for t in $(series_tests); do
		add series "${t%.c}"
	done
	wrapper series userfaultfd-anon ./userfaultfd anon 20 8
	wrapper series userfaultfd-shmem ./userfaultfd shmem 20 8
	wrapper series userfaultfd-hugetlb ./userfaultfd hugetlb 64 8
	wrapper series userfaultfd-hugetlb-shared ./userfaultfd hugetlb_shared 64 8 /mnt/work/hugetlbfs/uffd-test
	add series soft-dirty
	echo "timeout=600" > "$out/settings"
}

PEER_TARBALL=/usr/src/linux-source-6.12.tar.xz
build_peer() {
	local src=$BUILD/linux-6.12 out=$kst/peer
	suite_init peer
	if [ ! -f "$src/Makefile" ]; then
		[ -f "$PEER_TARBALL" ] || die "no $PEER_TARBALL: apt-get install linux-source-6.12"
		rm -rf "$src" && mkdir -p "$src"
		tar -C "$src" --strip-components=1 -xf "$PEER_TARBALL"
	fi
	[ -d "$src/usr/hdr/include" ] || make -s -C "$src" headers_install INSTALL_HDR_PATH="$src/usr/hdr" >/dev/null
	local mm=$src/tools/testing/selftests/mm
	local inc="-isystem $src/usr/hdr/include -isystem $src/tools/include/uapi -I $src/tools/testing/selftests"
	# 6.1 has no MFD_NOEXEC_SEAL (6.3): tools/peer/compat.c retries without it.
	local compat="$TOP/tools/peer/compat.c -Wl,--wrap=memfd_create"
	# Upstream's warnings are upstream's: keep them in a log, not here.
	(
		cd "$mm"
		$CC $CFLAGS $inc pagemap_ioctl.c vm_util.c thp_settings.c $compat $LDLIBS -o "$out/pagemap_ioctl"
		$CC $CFLAGS $inc uffd-unit-tests.c uffd-common.c vm_util.c thp_settings.c $compat $LDLIBS \
			-o "$out/uffd-unit-tests"
	) 2>"$LOGS/peer-build.log" || { cat "$LOGS/peer-build.log"; die "the peer suite does not build"; }
	add peer pagemap_ioctl
	add peer uffd-unit-tests
	echo "timeout=900" > "$out/settings"
}

# The dirty-tracking stress tool and the ioctl fuzzer (tools/stress), with
# budgets from the kernel command line (kst.stress_seconds, see run.sh).
build_stress() {
	local src=$TOP/tools/stress out=$kst/stress
	suite_init stress
	[ -d "$obj/hdr/include" ] || die "no headers in $obj/hdr (run tools/build.sh $flavor)"
	$CC $CFLAGS -isystem "$obj/hdr/include" "$src/stress.c" $LDLIBS -o "$out/stress-tool"
	$CC $CFLAGS -isystem "$obj/hdr/include" "$src/fuzz.c" $LDLIBS -o "$out/fuzz-tool"
	$CC $CFLAGS -isystem "$obj/hdr/include" "$src/race.c" $LDLIBS -o "$out/race-tool"
	# The checker must see a lost write: -x drops reports on purpose.
	printf '#!/bin/sh\n# the checker finds lost writes when the tracker drops reports\n./stress-tool -x -t 8 -d /mnt/work\n[ $? = 1 ] && echo "# ok: violations found, as injected" && exit 0\necho "# the checker missed injected lost writes"; exit 1\n' \
		> "$out/stress-selfcheck"
	chmod +x "$out/stress-selfcheck"
	add stress stress-selfcheck
	# The programs are *-tool: the wrappers take the test names.
	wrapper stress fuzz './fuzz-tool -t "${FUZZ_SECONDS:-20}"'
	wrapper stress stress './stress-tool -t "${STRESS_SECONDS:-30}" -d /mnt/work'
	# Readers against pmd transitions, THP on and off (tools/stress/race.c).
	wrapper stress race-thp './race-tool -t "${RACE_SECONDS:-15}" -H always'
	wrapper stress race-nothp './race-tool -t "${RACE_SECONDS:-15}" -H never'
	wrapper stress race-tight './race-tool -t "${RACE_SECONDS:-15}" -H always -T -c 2 -r 1'
	echo "timeout=7200" > "$out/settings"
}

case ${2:-all} in
series) build_series ;;
peer) build_peer ;;
stress) build_stress ;;
all) build_series; build_peer; build_stress ;;
esac
log "selftests: $(cat "$kst"/*/list | wc -l) tests in $(ls "$kst" | wc -w) suites"
