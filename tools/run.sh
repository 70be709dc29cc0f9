#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot build/obj-$FLAVOR/bzImage in QEMU with the initramfs and run the
# suites. The console goes to build/logs/console-$FLAVOR.log, the TAP
# result channel (ttyS1) to build/logs/ktap-$FLAVOR.log.
#
#   tools/run.sh <flavor> [suites] [tests]
#     suites: comma list of series,peer,stress (default series,peer)
#     tests:  comma list of test names to run alone (default all)
#   KERNEL=<bzImage>   boot another kernel (e.g. upstream 6.12 for comparison)
#   TIMEOUT=<seconds>  overall limit (default 2400)
#   STRESS_SECONDS=, FUZZ_SECONDS=, RACE_SECONDS=  budgets of the stress suite's tools
#   KPARAMS=<kernel parameters>  e.g. uffd_pmd_markers=on
#   RUN_TAG=<suffix>   log file names for a second boot of the flavor
. "$(dirname "$0")/common.sh"

flavor=${1:?fast or debug}
suites=${2:-series,peer}
tests=${3:-}
kernel=${KERNEL:-$BUILD/obj-$flavor/arch/x86/boot/bzImage}
timeout=${TIMEOUT:-2400}
# RUN_TAG tells the logs of several boots of one flavor apart.
console=$LOGS/console-$flavor${RUN_TAG:-}.log
ktap=$LOGS/ktap-$flavor${RUN_TAG:-}.log
[ -f "$kernel" ] || die "no kernel at $kernel"
[ -f "$BUILD/initramfs.cpio.gz" ] || die "no initramfs (tools/initramfs.sh)"

# A fresh ext4 scratch disk and a swap disk for every boot.
disk=$BUILD/scratch.img swap=$BUILD/swap.img
rm -f "$disk" "$swap"
truncate -s 4G "$disk"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$disk"
truncate -s 1G "$swap"

accel=tcg
# /dev/kvm exists on these machines, but guests hang after the BIOS: use
# it only when asked (KVM=1) - the probe boot would cost as much as TCG.
[ "${KVM:-0}" = 1 ] && [ -w /dev/kvm ] && accel=kvm

append="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
append="$append hung_task_panic=1 transparent_hugepage=always"
append="$append kst.suites=$suites kst.hugepages=${HUGEPAGES:-128}"
[ -n "$tests" ] && append="$append kst.tests=$tests"
[ -n "${STRESS_SECONDS:-}" ] && append="$append kst.stress_seconds=$STRESS_SECONDS"
[ -n "${FUZZ_SECONDS:-}" ] && append="$append kst.fuzz_seconds=$FUZZ_SECONDS"
[ -n "${RACE_SECONDS:-}" ] && append="$append kst.race_seconds=$RACE_SECONDS"
# Extra kernel parameters, e.g. KPARAMS=uffd_pmd_markers=on
[ -n "${KPARAMS:-}" ] && append="$append $KPARAMS"

cmd=(qemu-system-x86_64 -nodefaults -no-reboot -nographic -display none
	-machine q35 -accel "$accel${TCG_THREAD:+,thread=$TCG_THREAD}" -cpu max -smp 2 -m 3G
	-kernel "$kernel" -initrd "$BUILD/initramfs.cpio.gz" -append "$append"
	-serial "file:$console" -serial "file:$ktap"
	-drive "file=$disk,if=virtio,format=raw,cache=unsafe"
	-drive "file=$swap,if=virtio,format=raw,cache=unsafe"
	-device virtio-rng-pci)
log "run: ${cmd[*]}"
start=$(date +%s)
set +e
timeout --foreground "$timeout" "${cmd[@]}" </dev/null
qrc=$?
set -e
log "run: guest ran $(( $(date +%s) - start ))s (qemu rc=$qrc)"

fail=0
if [ $qrc = 124 ]; then
	echo "run: TIMEOUT after ${timeout}s (console: $console)"
	fail=1
fi
python3 "$TOP/tools/ktap.py" --console "$console" \
	--expect "$TOP/tools/peer/expected-failures" "$ktap" || fail=1
exit $fail
