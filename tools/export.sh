#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate patches/ from the commits base..HEAD of build/linux.
#
#   tools/export.sh          write patches/ (numbered format-patch files,
#                            0000-cover-letter.patch and series)
#   tools/export.sh --check  exit 1, naming what differs, when the tree
#                            has commits or edits that patches/ lacks
#
# The cover letter's subject and text are kept in patches/0000-cover-letter.patch
# itself: edit them there; shortlog, diffstat and the "Base:" paragraph are regenerated.
. "$(dirname "$0")/common.sh"

check=0
[ "${1:-}" = --check ] && check=1
[ -d "$TREE/.git" ] || die "no tree at $TREE (run 'make tree')"
if [ "$PARITY_ONLY" = 1 ]; then
	[ $check = 1 ] && { echo "export-check: PARITY_ONLY=1 tree, not compared"; exit 0; }
	die "PARITY_ONLY=1: the tree lacks the tail; export from a whole tree"
fi

# Subject and body of the current cover letter, as a branch description.
cover_description() {
	local cover=$PATCHES/0000-cover-letter.patch
	if [ ! -f "$cover" ]; then
		printf 'uffd-wp async tracking and PAGEMAP_SCAN for 6.1\n\n*** BLURB HERE ***\n'
		return
	fi
	# The subject may be folded onto continuation lines (RFC 5322).
	awk '
		/^Subject: / { subj = $0; sub(/^Subject: \[[^]]*\] */, "", subj); insubj = 1; next }
		insubj && /^[ \t]/ { s = $0; sub(/^[ \t]+/, "", s); subj = subj " " s; next }
		insubj { print subj; print ""; insubj = 0; hdr = 1 }
		hdr && /^$/ && !body { body = 1; next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { print }
	' "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# What the series sits on, from what tools/tree.sh recorded: no
# base-commit (the base is a tarball import that exists nowhere else).
base_text() {
	local kver id pkg=
	kver=$(cat "$BUILD/base-version" 2>/dev/null || make -s -C "$TREE" kernelversion)
	id=$(cat "$BUILD/base-id" 2>/dev/null || true)
	case $id in
	"tarball linux-source-6.1.tar.xz "*)
		pkg=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true) ;;
	esac
	if [ -n "$pkg" ]; then
		echo "Base: Linux $kver as Debian's linux-source-6.1 $pkg ships it, the"
		echo "tree this series was tested on; no base-commit, as that tree is a"
		echo "tarball, not a git commit."
	else
		echo "Base: Linux $kver ($id); no base-commit, as the tree was imported"
		echo "from a tarball or directory, not a git commit."
	fi
}

generate() {
	local out=$1 n
	mkdir -p "$out"
	n=$(git -C "$TREE" rev-list --count base..HEAD)
	[ "$n" -gt 0 ] || die "the tree has no commits on top of base"
	git -C "$TREE" config branch.series.description "$(cover_description)"
	git -C "$TREE" -c core.abbrev=12 -c diff.renames=true format-patch -q \
		--cover-letter --cover-from-description=subject \
		--subject-prefix="PATCH 6.1" --no-signature \
		--zero-commit -o "$out" base..HEAD
	# format-patch dates the cover letter "now"; pin it to the last patch.
	local date
	date=$(git -C "$TREE" log -1 --format='%ad' --date=rfc2822 HEAD)
	sed -i "s/^Date: .*/Date: $date/" "$out/0000-cover-letter.patch"
	# The "Base:" paragraph comes from the tree step, never by hand.
	base_text > "$tmp/base.txt"
	awk -v f="$tmp/base.txt" '
		/^Base: / && !done { while ((getline l < f) > 0) print l; skip = 1; done = 1; next }
		skip && /^$/ { skip = 0 }
		!skip { print }
	' "$out/0000-cover-letter.patch" > "$tmp/cover" && mv "$tmp/cover" "$out/0000-cover-letter.patch"
	local tail_file
	tail_file=$(git -C "$TREE" log --reverse --format='%s' base..HEAD |
		grep -nxF "$TAIL_SUBJECT" | head -1 | cut -d: -f1)
	(cd "$out" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') |
		awk -v t="${tail_file:-0}" -v mark="$TAIL_MARK" 'NR == t { print mark } { print }' \
		> "$out/series"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generate "$tmp/p"

if [ $check = 1 ]; then
	rc=0
	dirty=$(git -C "$TREE" status --porcelain)
	if [ -n "$dirty" ]; then
		echo "export-check: uncommitted edits in build/linux:"
		echo "$dirty" | sed 's/^/  /'
		rc=1
	fi
	if ! diff -rq "$tmp/p" "$PATCHES" > "$tmp/diff"; then
		echo "export-check: patches/ differs from build/linux (base..HEAD):"
		sed -e "s|$tmp/p|tree|g" -e "s|$PATCHES|patches|g" -e 's/^/  /' "$tmp/diff"
		rc=1
	fi
	[ $rc = 0 ] && echo "export-check: patches/ matches build/linux"
	exit $rc
fi

rm -f "$PATCHES"/*.patch "$PATCHES"/series
cp "$tmp"/p/* "$PATCHES"/
echo "$(tree_sum) $(patches_sum)" > "$BUILD/tree-stamp"
log "export: $(grep -vc "^#" "$PATCHES/series") patches written to patches/"
