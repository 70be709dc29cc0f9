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
	# Test counts from the QEMU run; every failed stage counts as a failure.
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOGS/check-qemu.txt" 2>/dev/null | tail -1)
	[ -n "$line" ] && read -r p _ f _ k _ <<< "${line//,/}"
	f=$((f + $(printf '%s\n' "${stages[@]}" | grep -c ' FAILED ' || true)))
	echo "$p passed, $f failed, $k skipped"
}
trap summary EXIT

T=$TOP/tools
rm -f "$LOGS/check-qemu.txt"
stage deps "$T/deps.sh" || exit 1
stage tree "$T/tree.sh" || exit 1
stage checkpatch "$T/gates/checkpatch.sh" || true
stage export "$T/export.sh" --check || true
stage config "$T/config.sh" "$flavor" || exit 1
stage builds "$T/gates/prefix.sh" "$flavor" || exit 1
stage selftests "$T/selftests.sh" "$flavor" || exit 1
stage initramfs "$T/initramfs.sh" || exit 1
rm -f "$LOGS/check-qemu.txt"
qemu_run() { set -o pipefail; "$T/run.sh" "$flavor" "${SUITES:-series,peer}" "${TESTS:-}" | tee "$LOGS/check-qemu.txt"; }
stage qemu qemu_run || true
exit $rc
