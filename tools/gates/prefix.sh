#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Walk the series one patch at a time in build/linux, building each prefix
# incrementally (base first, the whole series last, so the last build is
# the test kernel). At the base and at the top, run sparse (C=2) with W=1
# and coccicheck's report-mode scripts on every .c file the series
# touches; fail on any finding the top has that the base has not.
#
#   tools/gates/prefix.sh <flavor>
#   SKIP_PREFIX=1   build only the base and the top
. "$(dirname "$0")/../common.sh"

flavor=${1:-debug}
obj=$BUILD/obj-$flavor
out=$LOGS/gates
mkdir -p "$out"
cd "$TREE"
[ -z "$(git status --porcelain)" ] || die "build/linux has uncommitted edits: commit or 'make export' first"
branch=series
git rev-parse -q --verify "$branch" >/dev/null || die "no branch $branch in build/linux"
trap 'git -C "$TREE" checkout -q -f "$branch"' EXIT

touched_c() { git diff --name-only base "$branch" -- '*.c' ':!tools/' ':!Documentation/'; }

# Normalise "file:line:col: warning: text" so findings compare across
# commits whose line numbers differ; numbers inside the text ("preceding
# lock on line 5656") become N for the same reason.
numbers() { sed -E ':a; s/^(([^:]*: ){'"$1"'}[^0-9]*)[0-9]+/\1N/; ta'; }
normalise() {
	sed -E 's/^([^:]+):[0-9]+:([0-9]+:)? /\1: /' | grep -E ': (warning|error|note): ' |
		numbers 1 | LC_ALL=C sort
}

analyse() {
	local tag=$1 files=() f
	for f in $(touched_c); do
		[ -f "$f" ] || continue
		# Only files this config compiles: they have an object (or will).
		[ -f "$obj/${f%.c}.o" ] && files+=("${f%.c}.o")
	done
	: > "$out/sparse-$tag.txt"
	if [ ${#files[@]} -gt 0 ]; then
		# C=2 checks everything make visits; keep the touched files' lines.
		"$TOP/tools/build.sh" "$flavor" C=2 W=1 "${files[@]}" 2>&1 | sed 's|^\./||' | normalise |
			grep -F -f <(touched_c) > "$out/sparse-$tag.txt" || true
	fi
	: > "$out/cocci-$tag.txt"
	local srcs=()
	for f in $(touched_c); do [ -f "$f" ] && srcs+=("$f"); done
	if [ ${#srcs[@]} -gt 0 ] && command -v spatch >/dev/null; then
		# coccicheck's report mode, one spatch per script and file.
		grep -l '^virtual report' $(find scripts/coccinelle -name '*.cocci') | LC_ALL=C sort |
		while read -r s; do for f in "${srcs[@]}"; do echo "$s $f"; done; done |
		xargs -P "$JOBS" -n 2 sh -c 'spatch -D report --very-quiet --no-show-diff --no-includes \
			--include-headers --timeout 120 --cocci-file "$0" "$1" 2>/dev/null | \
			sed -E "s|^$PWD/||; s|^([^:]+):[0-9]+:[0-9-]+:|\1:|; s|^|$(basename "$0"): |"' |
			numbers 2 | LC_ALL=C sort > "$out/cocci-$tag.txt"
	fi
}

# The analysers must be able to find something, or silence means nothing.
if command -v spatch >/dev/null; then
	printf 'void f(void *x)\n{\n\tif (x)\n\t\tkfree(x);\n}\n' > "$out/probe.c"
	spatch -D report --very-quiet --no-show-diff --cocci-file scripts/coccinelle/free/ifnullfree.cocci \
		"$out/probe.c" 2>/dev/null | grep -q WARNING || die "coccinelle finds nothing on a known finding"
else
	die "spatch (coccinelle) is not installed"
fi
command -v sparse >/dev/null || die "sparse is not installed"

git checkout -q --detach base
log "prefix: building the base"
"$TOP/tools/build.sh" "$flavor" || die "the base does not build"
analyse base
n=0
total=$(git rev-list --count base.."$branch")
for c in $(git rev-list --reverse base.."$branch"); do
	n=$((n + 1))
	[ -n "${SKIP_PREFIX:-}" ] && [ $n -lt "$total" ] && continue
	git checkout -q --detach "$c"
	subj=$(git log -1 --format=%s "$c")
	# A build of an earlier prefix drops options its Kconfig lacks: take
	# the fragments again where a patch adds options, and for the top.
	if [ $n = "$total" ] || git diff --name-only "$c~1" "$c" | grep -q 'Kconfig'; then
		"$TOP/tools/config.sh" "$flavor" > "$out/config-$n.log" 2>&1 ||
			{ cat "$out/config-$n.log"; die "prefix $n/$total: the config does not take: $subj"; }
	fi
	if ! "$TOP/tools/build.sh" "$flavor" > "$out/build-$n.log" 2>&1; then
		cat "$out/build-$n.log"
		die "prefix $n/$total does not build: $subj"
	fi
	if grep -E 'warning:|error:' "$out/build-$n.log"; then
		die "prefix $n/$total builds with warnings: $subj"
	fi
	log "prefix: $n/$total builds: $subj"
done
analyse top
git checkout -q -f "$branch"

rc=0
for kind in sparse cocci; do
	new=$(LC_ALL=C comm -13 "$out/$kind-base.txt" "$out/$kind-top.txt")
	if [ -n "$new" ]; then
		echo "$kind: new findings against the base:"
		echo "$new" | sed 's/^/  /'
		rc=1
	else
		log "$kind: no new findings ($(wc -l < "$out/$kind-base.txt") in the base, $(wc -l < "$out/$kind-top.txt") at the top)"
	fi
done
exit $rc
