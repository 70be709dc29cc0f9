#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the .config of build/obj-$FLAVOR from tinyconfig plus the
# commented fragments in tools/configs (merged by merge_config.sh), then
# fail if any requested option did not take after olddefconfig.
#
#   tools/config.sh fast|debug [extra fragments...]
. "$(dirname "$0")/common.sh"

flavor=${1:?fast or debug}
shift
obj=$BUILD/obj-$flavor
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
bad=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) want="# ${line%=n} is not set" ;;
		CONFIG_*) want=$line ;;
		*) continue ;;
		esac
		if ! grep -qxF "$want" "$new"; then
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
