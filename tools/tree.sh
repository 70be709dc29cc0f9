#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Materialize build/linux: one synthetic base commit (tag "base") holding
# the 6.1.y source, with patches/series applied on top by git am.
#
#   tools/tree.sh            create the tree, or bring it up to date with
#                            patches/ when it has no unexported work
#   KSRC=<dir|tarball>       use a vanilla 6.1.y tree instead of Debian's
#   FORCE=1                  throw away unexported commits in build/linux
#   PARITY_ONLY=1            apply the series up to the optional tail only
. "$(dirname "$0")/common.sh"

DEBIAN_TARBALL=/usr/src/linux-source-6.1.tar.xz

base_source() {
	if [ -n "${KSRC:-}" ]; then
		echo "$KSRC"
	elif [ -f "$DEBIAN_TARBALL" ]; then
		echo "$DEBIAN_TARBALL"
	else
		die "no base kernel: run 'apt-get install linux-source-6.1' (as root) or pass KSRC=<6.1.y tree>"
	fi
}

# A stable identifier of the base source, to notice a change of KSRC.
base_id() {
	local src=$1
	if [ -f "$src" ]; then
		echo "tarball $(basename "$src") $(stat -c %s "$src")"
	else
		echo "dir $(cd "$src" && pwd)"
	fi
}

make_base() {
	local src=$1 tmp=$BUILD/linux.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "base: unpacking $src"
	if [ -f "$src" ]; then
		tar -C "$tmp" --strip-components=1 -xf "$src"
	elif [ -d "$src" ]; then
		[ -f "$src/Makefile" ] || die "KSRC=$src is not a kernel tree"
		tar -C "$src" --exclude=.git -cf - . | tar -C "$tmp" -xf -
	else
		die "KSRC=$src: no such file or directory"
	fi
	local ver
	ver=$(make -s -C "$tmp" kernelversion)
	case $ver in
	6.1.*) ;;
	*) die "base is $ver, not a 6.1.y kernel" ;;
	esac
	log "base: committing $ver"
	(
		cd "$tmp"
		git init -q -b series
		git config user.name "$GIT_COMMITTER_NAME"
		git config advice.addIgnoredFile false
		git config user.email "$GIT_COMMITTER_EMAIL"
		git config core.abbrev 12
		git config am.threeWay false
		# The tarballs' .gitignore ignores every top-level path: add -f.
		git add -f -A .
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git commit -q -m "Linux $ver" -m "Base: $(base_id "$src")"
		git tag base
	)
	rm -rf "$TREE"
	mv "$tmp" "$TREE"
	base_id "$src" > "$BUILD/base-id"
}

apply_series() {
	git -C "$TREE" checkout -q -f series
	git -C "$TREE" reset -q --hard base
	git -C "$TREE" clean -q -fdx
	local n=0 p
	while read -r p; do
		if [ "$PARITY_ONLY" = 1 ] && [ "$p" = "$TAIL_MARK" ]; then
			log "tree: PARITY_ONLY=1, the optional tail is left out"
			break
		fi
		case $p in ''|'#'*) continue ;; esac
		[ -f "$PATCHES/$p" ] || die "patches/series names missing $p"
		git -C "$TREE" am -q --committer-date-is-author-date "$PATCHES/$p" ||
			{ git -C "$TREE" am --abort; die "$p does not apply"; }
		n=$((n + 1))
	done < "$PATCHES/series"
	log "tree: applied $n patches on $(make -s -C "$TREE" kernelversion)"
}

# The stamp records the tree HEAD and patches/ content of the last sync
# (apply or export), to tell "patches/ moved on" from "the tree has work".

src=$(base_source)
stamp=$BUILD/tree-stamp
if [ ! -d "$TREE/.git" ] || [ "$(cat "$BUILD/base-id" 2>/dev/null)" != "$(base_id "$src")" ]; then
	if [ -d "$TREE/.git" ] && [ -z "${FORCE:-}" ] && ! "$TOP/tools/export.sh" --check >/dev/null 2>&1; then
		die "build/linux has work that patches/ lacks; run 'make export' or FORCE=1"
	fi
	make_base "$src"
	apply_series
else
	read -r s_tree s_dirty s_patches < "$stamp" 2>/dev/null || true
	tree_moved=0; patches_moved=0
	[ "$(tree_sum)" = "${s_tree:-} ${s_dirty:-}" ] || tree_moved=1
	[ "$(patches_sum)" = "${s_patches:-}" ] || patches_moved=1
	if [ -n "${FORCE:-}" ] || { [ $patches_moved = 1 ] && [ $tree_moved = 0 ]; }; then
		apply_series
	elif [ $patches_moved = 1 ]; then
		die "build/linux and patches/ both changed; 'make export' keeps the tree, FORCE=1 keeps patches/"
	elif [ $tree_moved = 1 ]; then
		log "tree: build/linux has unexported work (make export-check)"
	else
		log "tree: up to date with patches/ ($(git -C "$TREE" rev-list --count base..HEAD) patches)"
	fi
fi
[ -f "$stamp" ] && [ "${tree_moved:-0}" = 1 ] || echo "$(tree_sum) $(patches_sum)" > "$stamp"
make -s -C "$TREE" kernelversion > "$BUILD/base-version"
