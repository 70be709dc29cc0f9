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

log()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print the commit that the series sits on.
base_rev() { git -C "$TREE" rev-parse --verify -q refs/tags/base; }

# Content hashes behind build/tree-stamp (see tools/tree.sh).
patches_sum() {
	(cd "$PATCHES" && cat series $(grep -v '^#' series) 2>/dev/null) | sha1sum | cut -c1-40
}
tree_sum() {
	echo "$(git -C "$TREE" rev-parse HEAD) $(git -C "$TREE" status --porcelain | sha1sum | cut -c1-40)"
}
