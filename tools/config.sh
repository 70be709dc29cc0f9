#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the .config of build/obj-$FLAVOR from tinyconfig plus the
# commented fragments in tools/configs (merged by merge_config.sh), then
# fail if any requested option did not take after olddefconfig.
#
#   tools/config.sh fast|debug|bench [extra fragments...]
#   TREE=<kernel tree> OBJ=<object dir>   another tree (e.g. upstream 6.12,
#                          see tools/upstream.sh) or object directory
#   MAY_LACK="CONFIG_A CONFIG_B"          options that this tree may not
#                          define at all (no "config A" in any Kconfig):
#                          only those, and only when undefined, are skipped
. "$(dirname "$0")/common.sh"

flavor=${1:?fast or debug}
shift
# Only the series' optional tail defines these.
MAY_LACK="${MAY_LACK:-} CONFIG_PMD_MARKER_UFFD_WP"
obj=${OBJ:-$BUILD/obj-$flavor}
frags=("$TOP/tools/configs/base.config" "$TOP/tools/configs/$flavor.config" "$@")
mkdir -p "$obj"

# Generate in an empty scratch directory, so that a build directory's
# old .config never leaks into the result: tinyconfig's own merge step
# starts from "<objdir>/.config", whatever KCONFIG_CONFIG says. From an
# empty directory it yields Kconfig defaults plus the tiny.config
# fragments, onto which ours are merged.
scratch=$(mktemp -d "$BUILD/config.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
new=$scratch/.config.new
make -s -C "$TREE" O="$scratch" KCONFIG_CONFIG=.config.new tinyconfig >/dev/null
(cd "$scratch" && KCONFIG_CONFIG=$new "$TREE/scripts/kconfig/merge_config.sh" -m -O "$scratch" "$new" "${frags[@]}") >"$LOGS/config-$flavor.log"
make -s -C "$TREE" O="$scratch" KCONFIG_CONFIG=.config.new olddefconfig >/dev/null

# Every line of every fragment must be in the final config, as written.
# MAY_LACK names options that may be absent from this tree's Kconfig.
undefined() {
	case " ${MAY_LACK:-} " in *" $1 "*) ;; *) return 1 ;; esac
	! grep -rqE --include='Kconfig*' "^[[:space:]]*(menu)?config ${1#CONFIG_}\$" "$TREE"
}
# As in merge_config.sh, a later fragment overrides an earlier one: an
# option is checked against the last fragment that sets it.
overridden() {
	local g later=0
	for g in "${frags[@]}"; do
		[ "$g" = "$2" ] && { later=1; continue; }
		[ $later = 1 ] && grep -q "^$1=" "$g" && return 0
	done
	return 1
}
bad=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) want="# ${line%=n} is not set" ;;
		CONFIG_*) want=$line ;;
		*) continue ;;
		esac
		overridden "${line%%=*}" "$f" && continue
		if ! grep -qxF "$want" "$new" && ! undefined "${line%%=*}"; then
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$new" || echo "${line%%=*} absent")
			echo "config: $(basename "$f"): wanted '$line', got '$got'" >&2
			bad=1
		fi
	done < "$f"
done
[ $bad = 0 ] || die "requested options did not take (see above)"
if ! cmp -s "$new" "$obj/.config"; then
	cp "$new" "$obj/.config"
	log "config: $flavor written"
fi
