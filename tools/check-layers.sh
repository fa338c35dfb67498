#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The layers keep to their order (docs/architecture.md): every include is
# written from the repository root, so the layer it reaches is in its name.
#   include/         wire formats and ABIs: includes only include/
#   lib/             portable helpers: lib/ and include/
#   kernel/          the shared front end, formats, scripts: kernel/, lib/, include/
#   platform/x86/    what the x86 platforms share: the above and itself
#   platform/NAME/   one platform: the above, platform/x86/ and itself, no other platform
# Prints every include that breaks the order and exits 1, else nothing.
set -u
cd "$(dirname "$0")/.."
bad=0
check() {	# check FILE ALLOWED-PREFIX...
	f=$1
	shift
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
		inc=$(echo "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
		ok=0
		for p in "$@"; do
			case $inc in "$p"*) ok=1 ;; esac
		done
		# an include without a folder is a file beside this one (generated: tramp_syms.h)
		case $inc in */*) ;; *) ok=1 ;; esac
		[ $ok = 1 ] || echo "layers: $f:${line%%:*}: includes \"$inc\", outside its layer (may reach: $*)"
	done
}
out=$(
	for f in $(find include -name '*.h'); do check "$f" include/; done
	for f in $(find lib -name '*.[chS]'); do check "$f" lib/ include/; done
	for f in $(find kernel -name '*.[chS]'); do check "$f" kernel/ lib/ include/; done
	for f in $(find platform/x86 -name '*.[chS]'); do check "$f" kernel/ lib/ include/ platform/x86/; done
	for d in platform/*/; do
		d=${d%/}
		[ "$d" = platform/x86 ] && continue
		for f in $(find "$d" -name '*.[chS]'); do check "$f" kernel/ lib/ include/ platform/x86/ "$d/"; done
	done
	for f in $(find boot -name '*.[chS]'); do check "$f" kernel/ lib/ include/ platform/x86/ platform/bios/; done
)
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
exit 0
