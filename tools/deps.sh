#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the project needs, when some are missing.
# As root this runs apt-get; otherwise it prints the command to run.
. "$(dirname "$0")/common.sh"

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils gzip
file python3 perl git ccache sparse coccinelle qemu-system-x86 busybox-static
e2fsprogs rsync patch linux-source-6.1 linux-source-6.12"
[ -n "${WITH_CROSS:-}" ] && PKGS="$PKGS clang lld llvm gcc-aarch64-linux-gnu gcc-i686-linux-gnu"
# make bench: the plot of Documentation/bench.png.
[ -n "${WITH_BENCH:-}" ] && PKGS="$PKGS python3-matplotlib"
# make check-builds: static i386 and arm64 probes, and the arm64 guest.
[ -n "${WITH_CROSS:-}" ] && PKGS="$PKGS libc6-dev-i386-cross libc6-dev-arm64-cross qemu-system-arm"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	die "missing packages; run: sudo apt-get update && sudo $cmd"
fi
log "deps: installing$missing"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $cmd >"$LOGS/deps.log" 2>&1 || { tail -20 "$LOGS/deps.log"; die "apt-get failed"; }
