#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build our 6.1 kernel (build/linux, the series) and the
# upstream 6.12 reference kernel with the same config fragments (flavor
# "bench": tools/configs/bench.config), boot each in QEMU (TCG) several
# times, alternating, run tools/bench/bench.c in every boot, and compare:
# a table of medians with ours/upstream per metric on stdout, then
# Documentation/bench-results.md and Documentation/bench.png. The last
# line is "worst ours/upstream ratio: R (metric)".
#
# Two passes: timed (the table's medians and ratios), then one boot of
# each kernel counting guest instructions: QEMU's -icount shift=0 makes
# the guest clock advance 1 ns per instruction, so the same benchmark
# reports instructions, deterministic and immune to the host's load
# (one vCPU, so the threads group is left out). Its ratios are a column
# of the same table.
#
#   tools/bench/run.sh
#   BOOTS=4           timed boots per kernel (alternating ours/upstream)
#   ROUNDS=3          runs of the whole benchmark per boot
#   BENCH_ARGS=...    bench's arguments in the guest ("-q", "-g harvest,faults")
#   ICOUNT=0          skip the instruction-counting pass
#   ICOUNT_ONLY=1     only that pass (results and report in build/bench/icount)
#   OURS_TREE=<tree>  our tree (default build/linux; a tree with uncommitted
#                     edits is measured but flagged in the results)
#   OURS_OBJ=<dir>    its objects (default build/obj-bench)
#   OUT=<dir>         where the .md and .png go (default Documentation)
#   NO_BUILD=1        use the kernels already built
#   TIMEOUT=<s>       limit per boot (default 1200)
. "$(dirname "$0")/../common.sh"

flavor=bench
boots=${BOOTS:-4}
rounds=${ROUNDS:-3}
ours_tree=${OURS_TREE:-$TREE}
ours_obj=${OURS_OBJ:-$BUILD/obj-$flavor}
up_obj=$BUILD/obj-upstream-$flavor
res=$BUILD/bench
out=${OUT:-$TOP/Documentation}
[ -n "${ICOUNT_ONLY:-}" ] && out=${OUT:-$res/icount}
timeout=${TIMEOUT:-1200}
start=$(date +%s)
rm -rf "$res/time" "$res/icount"
mkdir -p "$res/time" "$res/icount"

# Kernel builds yield to the other work on the machine.
if [ -z "${NO_BUILD:-}" ]; then
	log "bench: building ours ($ours_tree) in $ours_obj"
	# SLUB_TINY (pinned off for 6.12) does not exist before 6.2.
	TREE=$ours_tree OBJ=$ours_obj MAY_LACK=CONFIG_SLUB_TINY "$TOP/tools/config.sh" $flavor
	TREE=$ours_tree OBJ=$ours_obj nice -n 10 "$TOP/tools/build.sh" $flavor
	log "bench: building upstream in $up_obj"
	nice -n 10 "$TOP/tools/upstream.sh" $flavor
fi
for o in "$ours_obj" "$up_obj"; do
	[ -f "$o/arch/x86/boot/bzImage" ] || die "no kernel in $o"
done

# One static binary for both kernels, against 6.12's uapi headers.
gcc -O2 -Wall -Wextra -static -isystem "$up_obj/hdr/include" \
	-o "$res/bench" "$TOP/tools/bench/bench.c" -lpthread

# The guest: busybox, the init and the benchmark, nothing else.
root=$res/initramfs
bb=$(command -v busybox || echo /bin/busybox)
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp}
cp "$bb" "$root/bin/busybox"
for applet in sh mount awk grep sed tr tee cat uname reboot; do
	ln -s busybox "$root/bin/$applet"
done
install -m 755 "$TOP/tools/bench/init" "$root/init"
install -m 755 "$res/bench" "$root/bench"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$res/initramfs.cpio.gz"

# What is measured: our tree's commit, and whether it has uncommitted edits.
desc() {
	local t=$1
	if [ -d "$t/.git" ]; then
		local dirty
		dirty=$(git -C "$t" status --porcelain --untracked-files=no | wc -l)
		echo "$(make -s -C "$t" kernelversion) $(git -C "$t" rev-parse --short=12 HEAD)$([ "$dirty" = 0 ] || echo " +$dirty uncommitted files")"
	else
		echo "$(make -s -C "$t" kernelversion)"
	fi
}
{
	echo "ours=$(desc "$ours_tree")"
	echo "upstream=$(desc "${UPSTREAM_SRC:-$BUILD/upstream-6.12}")"
	echo "host=$(uname -r); $(nproc) cpus; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "qemu=$(qemu-system-x86_64 --version | head -1)"
	echo "timed runs=${ICOUNT_ONLY:+none (ICOUNT_ONLY)}${ICOUNT_ONLY:-$boots boots per kernel, alternating, $rounds rounds per boot; 2 vCPUs}"
	echo "instruction counts=$([ "${ICOUNT:-1}" = 0 ] && echo none || echo "1 boot per kernel, 1 vCPU, -icount shift=0 (1 ns = 1 guest instruction)")"
	echo "bench arguments=${BENCH_ARGS:-(none)}"
} > "$res/meta"
case $(cat "$res/meta") in *uncommitted*)
	log "bench: WARNING: our tree has uncommitted edits; results are flagged" ;;
esac

# bench's arguments on the kernel command line: "," for " ", ":" for ",".
cmdline_args() { echo "$1" | tr ', ' ':,'; }

# boot <dir> <ours|upstream> <objdir> <n> <rounds> <args> [icount]
boot() {
	local dir=$1 name=$2 obj=$3 i=$4 nr=$5 gargs=$6 count=${7:-}
	local tap=$dir/$name-$i.log console=$dir/console-$name-$i.log
	local smp=2 icount=()
	# One vCPU when counting: with two the guest hangs bringing up the
	# second, and a single instruction stream is what is counted.
	[ -n "$count" ] && smp=1 icount=(-icount shift=0,sleep=off)
	# TCG gives every vCPU the host TSC: synchronized, constant rate; the
	# guest cannot tell, and without tsc=reliable falls back to HPET reads
	# (a trap per clock_gettime).
	local append="console=ttyS0 panic=-1 oops=panic mitigations=off tsc=reliable"
	append="$append transparent_hugepage=always bench.rounds=$nr"
	[ -n "$gargs" ] && append="$append bench.args=$gargs"
	# -mem-prealloc: the host backs all guest RAM before the guest runs,
	# so no measurement pays for the host's first touch of a guest page
	# (which kernel hands out never-used pages when is not the question).
	local cmd=(qemu-system-x86_64 -nodefaults -no-reboot -nographic -display none
		-machine q35 -accel tcg -cpu max -smp $smp -m 3G -mem-prealloc "${icount[@]}"
		-kernel "$obj/arch/x86/boot/bzImage" -initrd "$res/initramfs.cpio.gz"
		-append "$append" -serial "file:$console" -serial "file:$tap")
	local t0
	t0=$(date +%s)
	[ "$i" = 1 ] && log "bench: ${cmd[*]}"
	timeout --foreground "$timeout" "${cmd[@]}" </dev/null || true
	log "bench: ${count:+(instructions) }$name boot $i: $(( $(date +%s) - t0 ))s, $(grep -c '^bench: [a-z]' "$tap" 2>/dev/null || echo 0) results"
	grep -q '^# bench: end' "$tap" 2>/dev/null ||
		die "$name boot $i did not finish (see $console)"
}

if [ -z "${ICOUNT_ONLY:-}" ]; then
	log "bench: timed: $boots boots per kernel, $rounds rounds each"
	gargs=$(cmdline_args "${BENCH_ARGS:-}")
	for i in $(seq 1 "$boots"); do
		# ABBA order, so that a slow drift of the host hits both alike.
		if [ $((i % 2)) = 1 ]; then
			boot "$res/time" ours "$ours_obj" "$i" "$rounds" "$gargs"
			boot "$res/time" upstream "$up_obj" "$i" "$rounds" "$gargs"
		else
			boot "$res/time" upstream "$up_obj" "$i" "$rounds" "$gargs"
			boot "$res/time" ours "$ours_obj" "$i" "$rounds" "$gargs"
		fi
	done
fi
if [ "${ICOUNT:-1}" != 0 ]; then
	log "bench: counting instructions: one boot per kernel"
	# Every group but threads (one vCPU); -g given in BENCH_ARGS wins.
	args=${BENCH_ARGS:-}
	case " $args " in *" -g "*) ;; *) args="$args -g calls,harvest,softdirty,sparse,faults,arm,populate" ;; esac
	gargs=$(cmdline_args "$(echo $args)")
	boot "$res/icount" ours "$ours_obj" 1 1 "$gargs" icount
	boot "$res/icount" upstream "$up_obj" 1 1 "$gargs" icount
fi

# Debian's python3-matplotlib is for Debian's python3, which may not be
# the first python3 in PATH.
py=python3
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null && py=/usr/bin/python3
main=$res/time icount=()
[ -n "${ICOUNT_ONLY:-}" ] && main=$res/icount
[ -z "${ICOUNT_ONLY:-}" ] && [ "${ICOUNT:-1}" != 0 ] && icount=(--icount "$res/icount")
"$py" "$TOP/tools/bench/report.py" --meta "$res/meta" --out "$out" \
	--wall "$(( $(date +%s) - start ))" "${icount[@]}" "$main"
