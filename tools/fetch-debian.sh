#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Fetch the Debian packages the Linux and iPXE boot tests use, once, into a
# cache outside the repository, and unpack them with dpkg -x (no install).
#
#   tools/fetch-debian.sh            fetch what is missing, print the paths
#   FWBOOT_CACHE=DIR tools/...       cache elsewhere (default ~/.cache/fwboot)
#
# Afterwards these exist (stable names, whatever the versions):
#   $FWBOOT_CACHE/debian/vmlinuz       Debian's linux-image-amd64 kernel (bzImage)
#   $FWBOOT_CACHE/debian/busybox       busybox-static's static binary
#   $FWBOOT_CACHE/debian/ipxe.lkrn     iPXE as a Linux kernel image
#   $FWBOOT_CACHE/debian/memdisk       syslinux's memdisk (a Linux-protocol image)
#   $FWBOOT_CACHE/debian/tboot.gz      Intel's tboot (Multiboot 1 and 2, gzipped)
# (ipxe ships /usr/lib/ipxe/ipxe.lkrn as a link to /boot/ipxe.lkrn.)
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
	deb=$(ls -t "$CACHE/debs/${pkg}_"*.deb | head -n 1)
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg -x "$deb" "$dir"
	if [ -n "$keep" ]; then
		for sub in "$dir"/*; do
			[ "$sub" = "$dir/$keep" ] || rm -rf "$sub"
		done
	fi
	touch "$dir/.done"
}

# Point a stable name at the file, whatever version it came from.
link() {
	[ -f "$1" ] || { echo "fetch-debian: expected $1 is missing" >&2; exit 1; }
	ln -sf "$1" "$2"
}

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
