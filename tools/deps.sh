#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian packages fwboot's build and tests need, only those
# missing (a fresh Debian 12 machine has none of them). Needs root.
# Installed without recommends, so every package a step needs is named here,
# even where it is only "recommended" (clang's fuzzer and sanitizer runtime,
# libclang-rt-dev). The fresh-machine check (tools/fresh-check.sh) proves it.
set -e
# build and boot tests; fuzzing; the GRUB ISO; the Debian package and man
# page checks (make deb, tests/boot/test_package.py); fwboot-run's libvirt
# recipe (a real daemon) and its XML checks; fwboot.efi (a PE32+ compiler)
# and its boot tests (OVMF); fwboot-run --gdb's test (gdb in batch mode);
# measured boot's tests (a software TPM 2.0, tpm2_eventlog)
pkgs="make gcc libc6-dev gcc-i686-linux-gnu binutils-i686-linux-gnu qemu-system-x86 python3
      gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64 ovmf
      cpio gzip zlib1g-dev
      clang libclang-rt-dev
      grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
      build-essential dpkg-dev debhelper fakeroot lintian mandoc groff-base
      libvirt-daemon-system libvirt-clients libxml2-utils gdb
      swtpm swtpm-tools tpm2-tools"
# `deps.sh bench` adds what make bench alone needs (the report's plots)
[ "${1:-}" = bench ] && pkgs="$pkgs gnuplot-nox"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
