# SPDX-License-Identifier: GPL-2.0
# Shared settings for the tools/*.sh scripts. Sourced, not executed.
set -eu

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}
PATCHES=$TOP/patches
LOGS=$BUILD/logs
mkdir -p "$BUILD" "$LOGS"

# Deterministic identity and dates for the synthetic base commit and for
# the commits git am creates, so that re-exporting is byte-identical.
export GIT_COMMITTER_NAME="MM Founding Team"
export GIT_COMMITTER_EMAIL="mm-team@uffd-wp.dev"
BASE_DATE="2000-01-01T00:00:00Z"

JOBS=${JOBS:-3}

# The series is the upstream-parity backport followed by an optional tail
# beyond upstream (PMD-level uffd-wp markers). patches/series marks where
# the tail starts; PARITY_ONLY=1 builds and tests the series without it.
TAIL_SUBJECT="mm: add PMD-level uffd-wp markers"
TAIL_MARK="# ---- beyond upstream, optional: PMD-level uffd-wp markers (PARITY_ONLY=1 stops here)"
PARITY_ONLY=${PARITY_ONLY:-0}
# Whether build/linux has the tail, and the kernel parameter that turns it on.
has_tail() { git -C "$TREE" log --format=%s base..HEAD 2>/dev/null | grep -qxF "$TAIL_SUBJECT"; }
MARKERS_ON=uffd_pmd_markers=on

log()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print the commit that the series sits on.
base_rev() { git -C "$TREE" rev-parse --verify -q refs/tags/base; }

# Content hashes behind build/tree-stamp (see tools/tree.sh).
patches_sum() {
	(echo "parity-only $PARITY_ONLY"; cd "$PATCHES" && cat series $(grep -v '^#' series) 2>/dev/null) |
		sha1sum | cut -c1-40
}
tree_sum() {
	echo "$(git -C "$TREE" rev-parse HEAD) $(git -C "$TREE" status --porcelain | sha1sum | cut -c1-40)"
}
