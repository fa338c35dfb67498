#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Boot the demo from an installed fwboot: ROOT/PREFIX/lib/fwboot/fwboot.elf
# starts ROOT/PREFIX/lib/fwboot/demo.elf from fw_cfg with a module and
# arguments, and the demo must report both and exit cleanly (QEMU status 129);
# then the installed fwboot-run does the same by itself (it finds the
# installed fwboot.elf), and its manual pages are in place; where fwboot.efi
# is installed and OVMF is there (the package suggests ovmf), the installed
# fwboot-run starts it under OVMF and it lists the fw_cfg directory.
# Used on the package installed in a fresh root (tools/fresh-check.sh
# --package) and on `make install DESTDIR=...` (tests/boot/test_package.py).
#   tools/installed-check.sh [ROOT] [PREFIX]      (defaults: / and /usr)
set -u
root=${1:-/}
prefix=${2:-/usr}
lib=${root%/}$prefix/lib/fwboot
fail() { echo "installed-check: $*" >&2; exit 1; }
for f in "$lib/fwboot.elf" "$lib/demo.elf"; do
	[ -r "$f" ] || fail "$f is not installed"
done
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is not installed (the package recommends qemu-system-x86)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwboot-installed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "module text from installed-check" >"$tmp/module.txt"
echo "installed-check: booting $lib/demo.elf through $lib/fwboot.elf"
# A hang guard only: the demo ends in about a second.
timeout 300 qemu-system-x86_64 -kernel "$lib/fwboot.elf" \
	-fw_cfg "name=opt/fwboot/demo,file=$lib/demo.elf" \
	-fw_cfg "name=opt/fwboot/module,file=$tmp/module.txt" \
	-append "name=opt/fwboot/demo initrd=opt/fwboot/module -- installed check" \
	-m 128M -serial "file:$tmp/console.txt" -display none -nodefaults -no-reboot -accel tcg \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
status=$?
cat "$tmp/console.txt"
[ "$status" -eq 129 ] || fail "QEMU exited with $status, expected 129 from the demo"
grep -q 'command line: "opt/fwboot/demo installed check"' "$tmp/console.txt" || fail "the demo did not get its arguments"
grep -q 'module text from installed-check' "$tmp/console.txt" || fail "the demo did not get its module"
grep -q 'fwboot demo kernel: all done' "$tmp/console.txt" || fail "the demo did not finish"
echo "installed-check: the installed fwboot booted the installed demo"

bin=${root%/}$prefix/bin
man=${root%/}$prefix/share/man
for f in "$bin/fwboot-run" "$man/man1/fwboot-run.1"* "$bin/fwboot-pcrs" "$man/man1/fwboot-pcrs.1"* "$man/man7/fwboot.7"*; do
	[ -e "$f" ] || fail "$f is not installed"
done
# the installed fwboot-pcrs: PCR 8 = sha256(32 zero bytes || sha256("x"))
"$bin/fwboot-pcrs" --cmdline x </dev/null | grep -qx 'PCR 8: 7f85193790de75e46b70bfec3614098f47332a6993dabac6e38ad35f47df5da4' ||
	fail "the installed fwboot-pcrs does not compute PCR 8"
echo "installed-check: $bin/fwboot-run, with no --fwboot"
"$bin/fwboot-run" --timeout 300 --initrd "$tmp/module.txt" \
	--expect 'command line: ".* installed fwboot-run"' --expect 'module text from installed-check' \
	--expect 'fwboot demo kernel: all done' "$lib/demo.elf" -- installed fwboot-run </dev/null >"$tmp/run.txt" 2>&1
status=$?
tail -n 5 "$tmp/run.txt"
[ "$status" -eq 0 ] || fail "fwboot-run exited $status"
"$bin/fwboot-run" --print "$lib/demo.elf" </dev/null | grep -q -- "-kernel $lib/fwboot.elf " ||
	fail "fwboot-run does not take the installed $lib/fwboot.elf by itself"
echo "installed-check: the installed fwboot-run booted the installed demo"

efi=$lib/fwboot.efi
ovmf=/usr/share/ovmf/OVMF.fd
if [ ! -r "$efi" ]; then
	echo "installed-check: no $efi installed (make built none): not checked"
elif [ ! -r "$ovmf" ]; then
	echo "installed-check: $ovmf is missing (Debian package ovmf): $efi not booted"
else
	echo "installed-check: $efi under OVMF, through $bin/fwboot-run --uefi"
	# fwboot's own lines are the check here (a listing, no payload runs): --match-fwboot
	"$bin/fwboot-run" --uefi --timeout 300 --fwboot-arg list --match-fwboot \
		--expect '^fwboot: boot: started by UEFI firmware' \
		--expect '^fwboot: fw_cfg directory \(' --expect 'opt/fwboot/demo\.elf' "$lib/demo.elf" </dev/null >"$tmp/efi.txt" 2>&1
	status=$?
	tail -n 5 "$tmp/efi.txt"
	[ "$status" -eq 0 ] || fail "fwboot-run --uefi exited $status"
	"$bin/fwboot-run" --uefi --print "$lib/demo.elf" </dev/null | grep -q -- "-kernel $efi " ||
		fail "fwboot-run --uefi does not take the installed $efi by itself"
	echo "installed-check: the installed fwboot.efi started under OVMF"
fi
