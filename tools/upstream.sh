#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the upstream reference kernel: Debian's linux-source-6.12, with
# the same config fragments as our 6.1 kernels (tools/configs), into
# build/obj-upstream-$FLAVOR (bzImage, uapi headers in hdr/).
#
#   tools/upstream.sh [fast|debug] [make args...]
#   UPSTREAM_SRC=<dir>   the 6.12 tree (default build/upstream-6.12, a
#                        pristine extraction of the Debian tarball)
#
# Its own extraction, not build/linux-6.12: tools/selftests.sh installs
# uapi headers inside that tree, and Kbuild then refuses O= builds from it
# ("The source tree is not clean").
. "$(dirname "$0")/common.sh"

flavor=${1:-fast}
[ $# -gt 0 ] && shift
TARBALL=/usr/src/linux-source-6.12.tar.xz
src=${UPSTREAM_SRC:-$BUILD/upstream-6.12}
obj=$BUILD/obj-upstream-$flavor

if [ ! -f "$src/Makefile" ]; then
	[ -f "$TARBALL" ] || die "no $TARBALL: apt-get install linux-source-6.12"
	log "upstream: unpacking $(basename "$TARBALL") into $src"
	rm -rf "$src.new" && mkdir -p "$src.new"
	tar -C "$src.new" --strip-components=1 -xf "$TARBALL"
	mv "$src.new" "$src"
fi
ver=$(make -s -C "$src" kernelversion)
case $ver in
6.12*) ;;
*) die "$src is $ver, not 6.12" ;;
esac

# Same fragments, same verification: every requested line must take.
export TREE=$src OBJ=$obj
"$TOP/tools/config.sh" "$flavor" "$TOP/tools/configs/upstream.config"
log "upstream: building $ver ($flavor) in $obj"
"$TOP/tools/build.sh" "$flavor" "$@"
