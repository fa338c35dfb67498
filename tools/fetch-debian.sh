#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Fetch the Debian packages the Linux and iPXE boot tests use, once, into a
# cache outside the repository, and unpack them with dpkg -x (no install).
#
#   tools/fetch-debian.sh            fetch what is missing, print the paths
#   tools/fetch-debian.sh i386       the same for the i386 packages below only
#   FWBOOT_CACHE=DIR tools/...       cache elsewhere (default ~/.cache/fwboot)
#
# Afterwards these exist (stable names, whatever the versions):
#   $FWBOOT_CACHE/debian/vmlinuz       Debian's linux-image-amd64 kernel (bzImage)
#   $FWBOOT_CACHE/debian/busybox       busybox-static's static binary
#   $FWBOOT_CACHE/debian/ipxe.lkrn     iPXE as a Linux kernel image
#   $FWBOOT_CACHE/debian/memdisk       syslinux's memdisk (a Linux-protocol image)
#   $FWBOOT_CACHE/debian/tboot.gz      Intel's tboot (Multiboot 1 and 2, gzipped)
# (ipxe ships /usr/lib/ipxe/ipxe.lkrn as a link to /boot/ipxe.lkrn.)
# With the argument i386 (tests/boot/test_matrix.py), instead:
#   $FWBOOT_CACHE/debian/vmlinuz-686   Debian's linux-image-686-pae kernel (i386)
#   $FWBOOT_CACHE/debian/busybox-i386  busybox-static:i386's static binary
# i386 packages come through apt-get with its own package lists and state in
# $FWBOOT_CACHE/debian/apt-i386, so the machine's dpkg architectures and apt
# lists stay as they are (no dpkg --add-architecture).
# Works on a fresh Debian 12 machine as root; runs `apt-get update` when a
# download fails for want of package lists.
set -eu

CACHE=${FWBOOT_CACHE:-$HOME/.cache/fwboot}/debian
mkdir -p "$CACHE/debs"

updated=0
apt_update_once() {
	if [ "$updated" = 0 ]; then
		echo "fetch-debian: apt-get update" >&2
		apt-get update -qq >&2
		updated=1
	fi
}

# The versioned package a metapackage points to (linux-image-amd64 ->
# linux-image-6.1.0-NN-amd64): the image is in that one.
resolve_kernel() {
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	if [ -z "$dep" ]; then
		apt_update_once
		dep=$(apt-cache depends linux-image-amd64 |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	fi
	[ -n "$dep" ] || { echo "fetch-debian: cannot resolve linux-image-amd64" >&2; exit 1; }
	echo "$dep"
}

# Unpack DEB into DIR (afresh), keeping only its top-level directory KEEP
# when one is named, and mark DIR done.
unpack() {
	rm -rf "$2"
	mkdir -p "$2"
	dpkg -x "$1" "$2"
	if [ -n "$3" ]; then
		for sub in "$2"/*; do
			[ "$sub" = "$2/$3" ] || rm -rf "$sub"
		done
	fi
	touch "$2/.done"
}

# Download one package into the cache (once) and unpack it into $CACHE/<pkg>;
# with a second argument, keep only that top-level directory of it.
fetch() {
	pkg=$1
	keep=${2:-}
	dir=$CACHE/$pkg
	if [ -f "$dir/.done" ]; then
		return 0
	fi
	echo "fetch-debian: downloading $pkg" >&2
	if ! (cd "$CACHE/debs" && apt-get download -q "$pkg" >&2); then
		apt_update_once
		(cd "$CACHE/debs" && apt-get download -q "$pkg" >&2)
	fi
	unpack "$(ls -t "$CACHE/debs/${pkg}_"*.deb | head -n 1)" "$dir" "$keep"
}

# Point a stable name at the file, whatever version it came from.
link() {
	[ -f "$1" ] || { echo "fetch-debian: expected $1 is missing" >&2; exit 1; }
	ln -sf "$1" "$2"
}

# apt-get and apt-cache for i386 packages, on lists of their own.
APT_I386=$CACHE/apt-i386
apt_i386() {
	tool=$1
	shift
	"$tool" -o APT::Architecture=i386 -o APT::Architectures=i386 \
		-o Dir::State::Lists="$APT_I386/lists" -o Dir::State::status="$APT_I386/status" \
		-o Dir::Cache="$APT_I386/cache" -o Debug::NoLocking=1 "$@"
}

# Like fetch, for an i386 package; the lists are fetched once, when missing.
fetch_i386() {
	pkg=$1
	keep=${2:-}
	dir=$CACHE/$pkg-i386
	if [ -f "$dir/.done" ]; then
		return 0
	fi
	if [ ! -f "$APT_I386/.updated" ]; then
		echo "fetch-debian: apt-get update (i386 lists, in $APT_I386)" >&2
		mkdir -p "$APT_I386/lists/partial" "$APT_I386/cache/archives/partial"
		: >"$APT_I386/status"
		apt_i386 apt-get update -qq >&2
		touch "$APT_I386/.updated"
	fi
	echo "fetch-debian: downloading $pkg:i386" >&2
	mkdir -p "$APT_I386/debs"	# apart: fetch's ${pkg}_*.deb must not find these
	(cd "$APT_I386/debs" && apt_i386 apt-get download -q "$pkg:i386" >&2)
	unpack "$(ls -t "$APT_I386/debs/${pkg}_"*_i386.deb | head -n 1)" "$dir" "$keep"
}

if [ "${1:-}" = i386 ]; then
	mkdir -p "$APT_I386"
	if [ ! -f "$APT_I386/.updated" ]; then
		fetch_i386 busybox-static	# brings the lists
	fi
	kpkg=$(apt_i386 apt-cache depends linux-image-686-pae |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$kpkg" ] || { echo "fetch-debian: cannot resolve linux-image-686-pae" >&2; exit 1; }
	fetch_i386 "$kpkg" boot
	link "$(ls "$CACHE/$kpkg-i386"/boot/vmlinuz-* | head -n 1)" "$CACHE/vmlinuz-686"
	fetch_i386 busybox-static
	link "$CACHE/busybox-static-i386/bin/busybox" "$CACHE/busybox-i386"
	echo "vmlinuz686=$CACHE/vmlinuz-686"
	echo "busybox386=$CACHE/busybox-i386"
	exit 0
fi

kpkg=$(resolve_kernel)
fetch "$kpkg" boot	# the image alone: its modules would take 400 MB
link "$(ls "$CACHE/$kpkg"/boot/vmlinuz-* | head -n 1)" "$CACHE/vmlinuz"
fetch busybox-static
link "$CACHE/busybox-static/bin/busybox" "$CACHE/busybox"
fetch ipxe
# /usr/lib/ipxe/ipxe.lkrn is an absolute symlink to /boot/ipxe.lkrn
link "$CACHE/ipxe/boot/ipxe.lkrn" "$CACHE/ipxe.lkrn"

fetch syslinux-common
link "$CACHE/syslinux-common/usr/lib/syslinux/memdisk" "$CACHE/memdisk"
fetch tboot boot
link "$(ls "$CACHE/tboot"/boot/tboot*.gz | head -n 1)" "$CACHE/tboot.gz"
fetch memtest86+ boot
link "$CACHE/memtest86+/boot/memtest86+x64.bin" "$CACHE/memtest86+x64.bin"
link "$CACHE/memtest86+/boot/memtest86+ia32.bin" "$CACHE/memtest86+ia32.bin"
link "$CACHE/memtest86+/boot/memtest86+x64.efi" "$CACHE/memtest86+x64.efi"

echo "vmlinuz=$CACHE/vmlinuz"
echo "busybox=$CACHE/busybox"
echo "ipxe=$CACHE/ipxe.lkrn"
echo "memdisk=$CACHE/memdisk"
echo "tboot=$CACHE/tboot.gz"
echo "memtest64=$CACHE/memtest86+x64.bin"
echo "memtest32=$CACHE/memtest86+ia32.bin"
echo "memtestefi=$CACHE/memtest86+x64.efi"
