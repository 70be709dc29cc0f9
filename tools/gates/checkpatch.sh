#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint the queue (as Debian's check-patches.sh does) and run
# checkpatch.pl --strict on every patch of patches/series.
. "$(dirname "$0")/../common.sh"

rc=0
cd "$PATCHES"
# The queue: every listed file exists, none is listed twice, no orphans.
dups=$(grep -v '^#' series | sort | uniq -d)
[ -z "$dups" ] || { echo "queue: listed twice: $dups"; rc=1; }
for p in $(grep -v '^#' series); do
	[ -f "$p" ] || { echo "queue: $p is listed in series but missing"; rc=1; }
done
for p in *.patch; do
	[ -e "$p" ] || continue
	[ "$p" = 0000-cover-letter.patch ] && continue
	grep -qxF "$p" series || { echo "queue: $p is not in series"; rc=1; }
done

n=0
for p in $(grep -v '^#' series); do
	n=$((n + 1))
	# FILE_PATH_CHANGES asks whether MAINTAINERS needs updating for an
	# added file; answer it instead of printing it: every added file
	# must already have a maintainer entry (get_maintainer.pl).
	out=$("$TREE/scripts/checkpatch.pl" --strict --quiet --no-summary --show-types \
		--ignore FILE_PATH_CHANGES "$p" 2>&1) || true
	for f in $(sed -n 's|^+++ b/||p' "$p"); do
		grep -q "^--- /dev/null" <(grep -B1 "^+++ b/$f$" "$p") || continue
		grep -q "^+++ b/MAINTAINERS$" "$p" && continue
		(cd "$TREE" && ./scripts/get_maintainer.pl --no-git --no-rolestats -f "$f" 2>/dev/null) |
			grep -v 'linux-kernel@vger.kernel.org' | grep -q . ||
			out="$out${out:+$'\n'}$f: added file without a MAINTAINERS entry"
	done
	if [ -n "$out" ]; then
		echo "checkpatch: $p:"
		echo "$out" | sed 's/^/  /'
		rc=1
	fi
done
[ $rc = 0 ] && log "checkpatch: $n patches clean (--strict)"
exit $rc
