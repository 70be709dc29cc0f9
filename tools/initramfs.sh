#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack busybox-static, tools/guest/init, the kernel's kselftest runner and
# the suites built under build/kst into build/initramfs.cpio.gz.
. "$(dirname "$0")/common.sh"

root=$BUILD/initramfs
out=$BUILD/initramfs.cpio.gz
bb=$(command -v busybox || echo /bin/busybox)
file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	[ -x /bin/busybox ] || die "busybox-static is not installed"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,kselftest/kselftest}
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list); do
	[ "$applet" = busybox ] && continue
	ln -s busybox "$root/bin/$applet"
done
install -m 755 "$TOP/tools/guest/init" "$root/init"
install -m 755 "$TOP/tools/guest/timeout" "$root/usr/bin/timeout"
cp "$TREE/tools/testing/selftests/kselftest/runner.sh" "$root/kselftest/kselftest/"
cp -a "$BUILD"/kst/* "$root/kselftest/"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
log "initramfs: $(du -h "$out" | cut -f1)"
