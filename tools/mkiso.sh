#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build a GRUB ISO that starts fwboot: mkiso.sh FWBOOT_ELF GRUB_CFG OUT_ISO [FILE...]
# Extra FILEs go into /boot beside fwboot.elf (fwboot.efi, a test's kernels
# GRUB boots itself). With grub-pc-bin alone the ISO boots from a BIOS; with
# grub-efi-amd64-bin too, grub-mkrescue adds an EFI System Partition image
# (made with mtools) and the same ISO boots from UEFI firmware, reading the
# same grub.cfg ($grub_platform tells the two apart). MKISO_MODULES names
# more GRUB modules (video drivers, say: every platform grub-mkrescue builds
# for must have them, so all_video, not vbe).
set -e
elf=$1
cfg=$2
out=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root		# the ISO's tree; the log stays outside it
mkdir -p "$root/boot/grub"
cp "$elf" "$root/boot/fwboot.elf"
cp "$cfg" "$root/boot/grub/grub.cfg"
for f in "$@"; do cp "$f" "$root/boot/"; done
# only the modules the menu uses: a smaller, faster ISO (chain: chainloader;
# test: the menu's [ ... ]; each exists for both platforms)
grub-mkrescue -o "$out" --install-modules="multiboot multiboot2 chain test serial terminal normal configfile echo $MKISO_MODULES" \
	--locales= --fonts= --themes= "$root" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
