#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build the Debian package out of tree: copy the source (what git tracks,
# plus new files not ignored; without git, everything but build/), run
# dpkg-buildpackage -us -uc -b there, put the .deb, .buildinfo and .changes
# in OUTDIR and check the .deb with lintian (errors and warnings fail;
# debian/fwboot.lintian-overrides documents what is overridden and why).
#   tools/mkdeb.sh VERSION OUTDIR
set -eu
version=${1:?usage: mkdeb.sh VERSION OUTDIR}
out=${2:?usage: mkdeb.sh VERSION OUTDIR}
cd "$(dirname "$0")/.."

changelog=$(dpkg-parsechangelog -S Version)
if [ "$changelog" != "$version" ]; then
	echo "mkdeb: debian/changelog says $changelog, the Makefile $version: add a changelog entry" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwboot-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
src=$tmp/fwboot-$version
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# the work tree as it is: tracked files (less those deleted) and new ones
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		xargs -0 cp --parents -t "$src"
else
	tar -c --exclude=./build . | tar -x -C "$src"
fi

echo "mkdeb: dpkg-buildpackage -us -uc -b in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) || {
	tail -n 40 "$tmp/build.log"
	echo "mkdeb: dpkg-buildpackage failed" >&2
	exit 1
}
mkdir -p "$out"
rm -f "$out"/fwboot_*
cp "$tmp"/fwboot_"$version"_all.deb "$tmp"/fwboot_"$version"_*.buildinfo "$tmp"/fwboot_"$version"_*.changes "$out"/
deb=$out/fwboot_${version}_all.deb
echo "mkdeb: built $deb"
echo "mkdeb: lintian $deb"
lintian --fail-on error,warning --display-info "$deb"
echo "mkdeb: lintian clean (overrides: debian/fwboot.lintian-overrides)"
