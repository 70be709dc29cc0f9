#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build bzImage and the uapi headers of build/linux in build/obj-$FLAVOR.
#
#   tools/build.sh fast|debug [make args...]
. "$(dirname "$0")/common.sh"

flavor=${1:?fast or debug}
shift
obj=${OBJ:-$BUILD/obj-$flavor}
[ -f "$obj/.config" ] || "$TOP/tools/config.sh" "$flavor"

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Reproducible build inputs: ccache hits across checkouts and rebuilds.
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=uffd KBUILD_BUILD_HOST=series

# With explicit targets (e.g. "C=2 W=1 mm/foo.o") build only those.
targets=bzImage
for a in "$@"; do
	case $a in *=*) ;; *) targets= ;; esac
done
make -C "$TREE" O="$obj" CC="$cc" -j"$JOBS" -s "$@" $targets
[ -z "$targets" ] || make -C "$TREE" O="$obj" -s headers_install INSTALL_HDR_PATH="$obj/hdr" >/dev/null
