#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: the stress suite alone (tools/stress: stress-selfcheck,
# fuzz, stress) on the debug kernel in QEMU, for longer runs than
# make check gives it. Ends with the stress tool's own verdict line,
# "stress: N ops, M violations, seed S".
#
#   STRESS_SECONDS=300 FUZZ_SECONDS=60 tools/stress/run.sh
#   KERNEL=<bzImage> FLAVOR=<name>   run on another kernel (e.g. upstream)
. "$(dirname "$0")/../common.sh"

flavor=${FLAVOR:-debug}
export STRESS_SECONDS=${STRESS_SECONDS:-300} FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# Three race runs (THP on, off, tight) share a quarter of the stress budget each.
export RACE_SECONDS=${RACE_SECONDS:-$((STRESS_SECONDS / 4))}
export TIMEOUT=${TIMEOUT:-$((STRESS_SECONDS + FUZZ_SECONDS + 3 * RACE_SECONDS + 900))}
# With the optional tail, PMD markers on (KPARAMS= for the default, off).
if [ -z "${KPARAMS+set}" ] && has_tail; then
	export KPARAMS=$MARKERS_ON
fi
if [ -z "${KERNEL:-}" ]; then
	"$TOP/tools/build.sh" "$flavor"
fi
"$TOP/tools/selftests.sh" "${SELFTESTS_FLAVOR:-$flavor}" stress
"$TOP/tools/initramfs.sh"
set +e
"$TOP/tools/run.sh" "$flavor" stress
rc=$?
set -e
ktap=$LOGS/ktap-$flavor.log
grep -E '^# fuzz: [0-9]+ calls' "$ktap" | sed 's/^# //' || echo "fuzz: no result"
grep -E '^# (# )?[0-9]+ epochs in' "$ktap" | sed 's/^[# ]*//' || true
grep -E '^# race: [0-9]+ transitions' "$ktap" | sed 's/^# //' || echo "race: no result"
line=$(grep -E '^# stress: [0-9]+ ops' "$ktap" | tail -1 | sed 's/^# //')
echo "${line:-stress: 0 ops, 1 violations, seed unknown (no result; see $ktap)}"
[ -n "$line" ] && [ $rc = 0 ]
