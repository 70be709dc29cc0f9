#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs (make check), stage by stage, with timings:
# deps, tree, queue lint + checkpatch, export-check, config, prefix builds
# with sparse/W=1/coccicheck against the base, selftests, the QEMU run of
# the series and peer suites on the debug kernel.
. "$(dirname "$0")/common.sh"

flavor=${FLAVOR:-debug}
stages=()
rc=0
stage() {
	local name=$1 t0 s
	shift
	t0=$(date +%s)
	log "==== $name"
	if "$@"; then s=ok; else s=FAILED; rc=1; fi
	stages+=("$(printf '%-12s %-6s %4ds' "$name" "$s" $(( $(date +%s) - t0 )))")
	[ $s = ok ]
}
summary() {
	local p=0 f=0 k=0 line
	echo "---- stage timings"
	printf '%s\n' "${stages[@]}"
	# Test counts from the QEMU runs; every failed stage counts as a failure.
	local file a b c
	for file in "$LOGS/check-qemu.txt" "$LOGS/check-qemu-off.txt"; do
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$file" 2>/dev/null | tail -1)
		[ -n "$line" ] || continue
		read -r a _ b _ c _ <<< "${line//,/}"
		p=$((p + a)) f=$((f + b)) k=$((k + c))
	done
	f=$((f + $(printf '%s\n' "${stages[@]}" | grep -c ' FAILED ' || true)))
	echo "$p passed, $f failed, $k skipped"
}
trap summary EXIT

T=$TOP/tools
rm -f "$LOGS/check-qemu.txt"
stage deps "$T/deps.sh" || exit 1
stage tree "$T/tree.sh" || exit 1
stage checkpatch "$T/gates/checkpatch.sh" || true
# The verdict below rests on tools/ktap.py: test it first.
stage ktap-tests "$T/ktap_test.py" || true
stage export "$T/export.sh" --check || true
stage config "$T/config.sh" "$flavor" || exit 1
stage builds "$T/gates/prefix.sh" "$flavor" || exit 1
# What changed upstream since the reviewed 6.12.y release: a line, never
# a failure (Documentation/upstream-differences.rst).
watch() { "$T/upstream-watch.py" --summary || echo "upstream-watch: the tool failed"; }
stage upstream-watch watch
stage selftests "$T/selftests.sh" "$flavor" || exit 1
stage initramfs "$T/initramfs.sh" || exit 1
rm -f "$LOGS/check-qemu.txt" "$LOGS/check-qemu-off.txt"
# With the optional tail, the main boot turns PMD markers on, so that every
# suite (upstream's too) runs over them; a second, short boot checks the
# default (off) and races readers against pmd transitions there too.
markers=
has_tail && markers=$MARKERS_ON
qemu_run() {
	set -o pipefail
	KPARAMS="${KPARAMS:-$markers}" "$T/run.sh" "$flavor" "${SUITES:-series,peer}" "${TESTS:-}" |
		tee "$LOGS/check-qemu.txt"
}
qemu_off() {
	set -o pipefail
	RUN_TAG=-off KPARAMS= "$T/run.sh" "$flavor" series,stress uffd_wp_pmd_marker,race-tight |
		tee "$LOGS/check-qemu-off.txt"
}
stage qemu qemu_run || true
if [ -n "$markers" ] && [ -z "${TESTS:-}" ]; then
	stage qemu-off qemu_off || true
fi
exit $rc
