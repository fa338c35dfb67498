#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every source file says its licence (LICENSE: BSD 2-Clause) on its first
# line, or after a #! line:
#   tools/spdx.sh          list the source files without it; exit 1 if any
#   tools/spdx.sh --add    add it where it is missing
set -eu
cd "$(dirname "$0")/.."
TAG='SPDX-License-Identifier: BSD-2-Clause'
missing=0
for f in $(git ls-files -co --exclude-standard); do
	case $f in
	*.c | *.h | *.S | *.ld) line="/* $TAG */" ;;
	*.py | *.sh | *.mk | Makefile | */Makefile | tools/fwboot-run | .ci/run | debian/rules | *.toml) line="# $TAG" ;;
	*) continue ;;
	esac
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q "$TAG" && continue
	if [ "${1:-}" = --add ]; then
		if head -n 1 "$f" | grep -q '^#!'; then
			{ head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$f.spdx"
		else
			{ echo "$line"; cat "$f"; } >"$f.spdx"
		fi
		chmod --reference="$f" "$f.spdx"
		mv "$f.spdx" "$f"
	else
		echo "spdx: $f has no \"$TAG\" line"
		missing=1
	fi
done
exit $missing
