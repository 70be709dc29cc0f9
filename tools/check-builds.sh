#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the series where the kernel test robot would: x86_64 with each
# feature it touches turned off, i386, arm64 and clang. A target is
# tools/configs/builds/<target>.config, merged onto base.config and
# fast.config; its "# Make:" line gives make variables (ARCH=...).
# Per target, in build/obj-cb-<target>:
#  - the .config must hold every requested option (the last fragment wins);
#  - the kernel must build; W=1 on the touched files (and any warning of
#    the full build) must add no warning to what the base has;
#  - the kernel boots in QEMU (TCG) with tools/check-builds/probe.c as /init,
#    whose answers must be what upstream's ABI rules give for the .config.
# Each prefix of the series is built on x86_64 by tools/gates/prefix.sh.
#
#   tools/check-builds.sh [target...]     default: all of them
. "$(dirname "$0")/common.sh"

FRAGS=$TOP/tools/configs
out=$LOGS/check-builds
mkdir -p "$out"
command -v ccache >/dev/null && ccache=ccache || ccache=
export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=uffd KBUILD_BUILD_HOST=series

for d in rebase-apply rebase-merge; do
	[ -d "$(git -C "$TREE" rev-parse --path-format=absolute --git-path $d)" ] &&
		die "$TREE is in the middle of git am/rebase: wait, or use TREE=<worktree>"
done
base=$(base_rev) || die "no tag base in $TREE (make tree)"

# The make variables of the current target: "# Make:" plus a ccache'd CC.
set_target() {
	local v cc=gcc
	read -r -a mk <<< "$(sed -n 's/^# Make: //p' "$FRAGS/builds/$1.config")"
	for v in "${mk[@]}"; do
		case $v in
		LLVM=1) cc=clang ;;
		CROSS_COMPILE=*) cc=${v#*=}gcc ;;
		esac
	done
	mk+=(CC="${ccache:+$ccache }$cc")
}
kmake() {
	local src=$1 obj=$2
	shift 2
	nice -n 10 make -C "$src" O="$obj" "${mk[@]}" -j"$JOBS" -s "$@"
}

# tinyconfig from an empty directory plus the fragments (as config.sh),
# then check every option against the last fragment that names it.
gen_config() {
	local t=$1 obj=$2 f line k s
	local frags=("$FRAGS/base.config" "$FRAGS/fast.config" "$FRAGS/builds/$t.config")
	local -A want=()
	s=$(mktemp -d "$BUILD/config.XXXXXX")
	{
		kmake "$TREE" "$s" KCONFIG_CONFIG=.config.new tinyconfig &&
		(cd "$s" && KCONFIG_CONFIG=$s/.config.new "$TREE/scripts/kconfig/merge_config.sh" \
			-m -O "$s" "$s/.config.new" "${frags[@]}") &&
		kmake "$TREE" "$s" KCONFIG_CONFIG=.config.new olddefconfig
	} > "$out/$t-config.log" 2>&1 || { rm -rf "$s"; return 1; }
	for f in "${frags[@]}"; do
		while IFS= read -r line; do
			case $line in CONFIG_*=*) want[${line%%=*}]=${line#*=} ;; esac
		done < "$f"
	done
	local bad=0
	for k in "${!want[@]}"; do
		if [ "${want[$k]}" = n ]; then
			! grep -q "^$k=" "$s/.config.new" && continue
		else
			grep -qxF "$k=${want[$k]}" "$s/.config.new" && continue
		fi
		echo "$t: wanted $k=${want[$k]}, got '$(grep -E "^(# )?$k[= ]" "$s/.config.new")'" >&2
		bad=1
	done
	[ $bad = 0 ] && { cmp -s "$s/.config.new" "$obj/.config" || cp "$s/.config.new" "$obj/.config"; }
	rm -rf "$s"
	return $bad
}

# Sources the series touches (not its selftests or documentation).
touched() { git -C "$TREE" diff --name-only "$base" -- "$@" ':!tools/' ':!Documentation/'; }

# "file: warning: text" of a build log, paths relative to the tree and
# line numbers out, also inside the text, so that base and top compare.
warnings() {
	sed -E "s|^$1/||" | grep -E '^[^ :]+:([0-9]+:)* (warning|error):' |
		sed -E 's/^([^:]+):[0-9:]+ /\1: /; :a; s/^([^:]*: [^0-9]*)[0-9]+/\1N/; ta' | LC_ALL=C sort -u
}

# A detached worktree at the base, for W=1 warnings of the base.
base_tree() {
	local dir=$BUILD/cb-base
	if [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" != "$base" ]; then
		rm -rf "$dir"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$dir" "$base" >&2
	fi
	echo "$dir"
}

# W=1 on the touched objects this config builds; new warnings against the
# base (the same objects, and those with a warning in the full build).
check_w1() {
	local t=$1 obj=$2 objs=() f bsrc bobj
	for f in $(touched '*.c'); do
		[ -f "$obj/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} -gt 0 ] || return 1
	kmake "$TREE" "$obj" W=1 "${objs[@]}" > "$out/$t-w1.log" 2>&1 || return 1
	# Silence means nothing unless W=1 really compiled them.
	for f in "${objs[@]}"; do
		grep -q -- -Wmissing-declarations "$obj/$(dirname "$f")/.$(basename "$f").cmd" ||
			{ echo "$t: $f was not built with W=1" >&2; return 1; }
	done
	{
		warnings "$TREE" < "$out/$t-build.log"
		warnings "$TREE" < "$out/$t-w1.log" | grep -F -f <(touched '*.[ch]')
	} | LC_ALL=C sort -u > "$out/$t-warn-top.txt"
	w1="W=1 clean (${#objs[@]} files)"
	[ -s "$out/$t-warn-top.txt" ] || return 0

	bsrc=$(base_tree) bobj=$BUILD/obj-cb-$t-base
	for f in $(sed -nE 's/^([^:]+)\.[co]: .*/\1.o/p' "$out/$t-warn-top.txt"); do
		[ -f "$bsrc/${f%.o}.c" ] && objs+=("$f")
	done
	mkdir -p "$bobj"
	cp "$obj/.config" "$bobj/.config"
	kmake "$bsrc" "$bobj" olddefconfig >/dev/null 2>&1 &&
	kmake "$bsrc" "$bobj" W=1 $(printf '%s\n' "${objs[@]}" | sort -u) \
		> "$out/$t-w1-base.log" 2>&1 || { w1="W=1 base FAILED ($out/$t-w1-base.log)"; return 1; }
	warnings "$bsrc" < "$out/$t-w1-base.log" > "$out/$t-warn-base.txt"
	LC_ALL=C comm -13 "$out/$t-warn-base.txt" "$out/$t-warn-top.txt" > "$out/$t-warn-new.txt"
	local n
	n=$(wc -l < "$out/$t-warn-new.txt")
	[ "$n" = 0 ] && { w1="W=1 clean ($(wc -l < "$out/$t-warn-top.txt") as in base)"; return 0; }
	sed "s/^/$t: new warning: /" "$out/$t-warn-new.txt" >&2
	w1="W=1 $n NEW"
	return 1
}

# The probe lines that upstream's ABI rules give for a .config.
expect() {
	local cfg=$1 f=$((0xbfff)) b name
	on() { grep -qx "CONFIG_$1=y" "$cfg"; }
	ans() { if [ "$1" = 1 ]; then echo "$2"; else echo "$3"; fi; }
	echo "probe: start"
	if on USERFAULTFD; then
		on HAVE_ARCH_USERFAULTFD_MINOR || f=$((f & ~0x600))
		on HAVE_ARCH_USERFAULTFD_WP || f=$((f & ~0x1))
		on PTE_MARKER_UFFD_WP || f=$((f & ~0xb000))
		printf 'probe: api features=%#x\n' $f
		echo "probe: register-wp $(ans $((f & 1)) ok EINVAL)"
		for b in 0:PAGEFAULT_FLAG_WP 12:WP_HUGETLBFS_SHMEM 13:WP_UNPOPULATED 15:WP_ASYNC; do
			name=${b#*:}
			echo "probe: request $name $(ans $((f >> ${b%:*} & 1)) ok EINVAL)"
		done
		if ((f & 0x8000)); then
			on PROC_PAGE_MONITOR && echo "probe: async ok" || echo "probe: async wrote, scan ENOENT"
		else
			echo "probe: async EINVAL"
		fi
	else
		echo "probe: api ENOSYS"
		echo "probe: register-wp ENOSYS"
		for name in PAGEFAULT_FLAG_WP WP_HUGETLBFS_SHMEM WP_UNPOPULATED WP_ASYNC; do
			echo "probe: request $name ENOSYS"
		done
		echo "probe: async ENOSYS"
	fi
	if on PROC_PAGE_MONITOR; then
		echo "probe: scan ok"
		on MEM_SOFT_DIRTY && echo "probe: soft-dirty yes" || echo "probe: soft-dirty no"
	else
		echo "probe: scan ENOENT"
		echo "probe: soft-dirty ENOENT"
	fi
	on HUGETLBFS && echo "probe: hugetlbfs ok" || echo "probe: hugetlbfs ENODEV"
	on TRANSPARENT_HUGEPAGE && echo "probe: thp yes" || echo "probe: thp no"
	echo "probe: end"
}

# Boot the kernel with the probe as /init; compare its answers. Returns
# 2 for an arch with no probe.
probe() {
	local t=$1 obj=$2 arch cc qemu kernel console
	arch=$(sed -n 's/^CONFIG_\(X86_64\|X86_32\|ARM64\)=y$/\1/p' "$obj/.config")
	case $arch in
	X86_64) cc=gcc qemu="qemu-system-x86_64 -machine pc -cpu max" ;;
	X86_32) cc=i686-linux-gnu-gcc qemu="qemu-system-i386 -machine pc -cpu max" ;;
	ARM64) cc=aarch64-linux-gnu-gcc qemu="qemu-system-aarch64 -machine virt -cpu cortex-a57" ;;
	*) return 2 ;;
	esac
	kernel=$obj/arch/x86/boot/bzImage console=ttyS0
	[ -f "$kernel" ] || kernel=$obj/arch/arm64/boot/Image console=ttyAMA0
	local bin=$out/probe-$arch img=$out/$t-initramfs.cpio log=$out/$t-console.log
	$cc -static -O2 -Wall -o "$bin" "$TOP/tools/check-builds/probe.c" || return 1
	printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nfile /init %s 0755 0 0\n' \
		"$bin" > "$img.list"
	"$obj/usr/gen_init_cpio" "$img.list" > "$img" || return 1
	timeout 300 nice -n 10 $qemu -nodefaults -no-reboot -nographic -display none \
		-accel tcg -m 1G -kernel "$kernel" -initrd "$img" -serial "file:$log" \
		-append "console=$console panic=-1 panic_on_warn=1 oops=panic" </dev/null >/dev/null 2>&1
	expect "$obj/.config" > "$out/$t-probe.expected"
	tr -d '\r' < "$log" | grep '^probe: ' > "$out/$t-probe.got"
	diff -u "$out/$t-probe.expected" "$out/$t-probe.got" > "$out/$t-probe.diff" && return 0
	sed "s/^/$t: /" "$out/$t-probe.diff" >&2
	return 1
}

# One target; sets st (its status words). Returns non-zero on failure.
run_target() {
	local t=$1 obj=$BUILD/obj-cb-$1
	st= w1=
	mkdir -p "$obj"
	set_target "$t"
	gen_config "$t" "$obj" || { st="config FAILED"; return 1; }
	if ! kmake "$TREE" "$obj" > "$out/$t-build.log" 2>&1; then
		grep -E 'error|warning' "$out/$t-build.log" | head -20 | sed "s/^/$t: /" >&2
		st="build FAILED ($out/$t-build.log)"
		return 1
	fi
	st=built
	if ! check_w1 "$t" "$obj"; then
		st="$st  ${w1:-W=1 FAILED ($out/$t-w1.log)}"
		return 1
	fi
	st="$st  $w1"
	probe "$t" "$obj"
	case $? in
	0) st="$st  probe ok" ;;
	2) st="$st  no probe" ;;
	*) st="$st  probe FAILED ($out/$t-probe.diff)"; return 1 ;;
	esac
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
	targets=($(cd "$FRAGS/builds" && ls *.config | sed 's/\.config$//'))
log "check-builds: $(git -C "$TREE" log -1 --format='%h %s') on $(git -C "$TREE" rev-list --count "$base"..HEAD) patches"
ok=0 failed=0
for t in "${targets[@]}"; do
	[ -f "$FRAGS/builds/$t.config" ] || die "no target $t in tools/configs/builds"
	start=$SECONDS
	if run_target "$t"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
	printf 'check-builds: %-24s %s  %d s\n' "$t" "$st" $((SECONDS - start))
done
echo "$ok built, $failed failed"
[ $failed = 0 ]
