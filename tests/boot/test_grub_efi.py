# SPDX-License-Identifier: BSD-2-Clause
"""fwboot.efi started the ways UEFI firmware starts a program, other than
OVMF's own -kernel (test_efi.py): by GRUB EFI's `chainloader` from the ISO
`make iso` builds (one ISO for BIOS and UEFI), by the EFI shell from a
startup.nsh, and by the firmware's removable-media boot entry
(\\EFI\\BOOT\\BOOTX64.EFI). Each boot reads fwboot.efi's command line back
from its `fwboot: cmdline:` line and the payload's load options from the
EFI test application (tests/efi/efiopts.c).

OVMF under TCG takes seconds per boot: five OVMF boots in all (and one quick
SeaBIOS boot of the same ISO's BIOS menu).
"""

import hashlib
import os
import subprocess

from harness import (BUILD, FWBOOT, MBTEST_DONE, ROOT, boot, expect, expect_eq, expect_status, fail, kernel,
                     parse_mbtest, random_file, tmpdir, write_file)
from test_efi import (EFIOPTS_DONE, FWBOOT_EFI, OVMF, ST_CMDLINE, ST_NOT_FOUND, app, efiopts, expect_line, need_efi)

ISO_CACHE = os.path.join(BUILD, 'test-isos')
GRUB_EFI = '/usr/lib/grub/x86_64-efi'


def need_grub_efi():
    need_efi()
    if not os.path.isdir(GRUB_EFI):
        fail('%s is missing: grub-mkrescue builds no EFI image (tools/deps.sh installs grub-efi-amd64-bin)'
             % GRUB_EFI)


def efi_iso(efi_entry, bios_entry='multiboot /boot/fwboot.elf'):
    """An ISO built by tools/mkiso.sh (make iso's path) with fwboot.elf and
    fwboot.efi, whose one menu entry per platform starts at once (timeout
    0, so nothing depends on time): efi_entry under UEFI, bios_entry under
    a BIOS. Cached by content."""
    need_grub_efi()
    cfg = ('serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset timeout=0\n'
           'if [ "$grub_platform" = "efi" ]; then\n'
           '\tmenuentry "fwboot.efi" {\n\t\t%s\n\t}\nelse\n'
           '\tmenuentry "fwboot" {\n\t\t%s\n\t}\nfi\n' % (efi_entry, bios_entry))
    h = hashlib.sha256(cfg.encode())
    for p in (FWBOOT, FWBOOT_EFI):
        with open(p, 'rb') as f:
            h.update(f.read())
    key = 'efi-' + h.hexdigest()[:16]
    os.makedirs(ISO_CACHE, exist_ok=True)
    iso = os.path.join(ISO_CACHE, key + '.iso')
    if not os.path.exists(iso):
        cfg_path = os.path.join(ISO_CACHE, key + '.cfg')
        with open(cfg_path, 'w') as f:
            f.write(cfg)
        p = subprocess.run(['sh', os.path.join(ROOT, 'tools/mkiso.sh'), FWBOOT, cfg_path, iso + '.tmp', FWBOOT_EFI],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            fail('mkiso.sh failed: %s' % p.stdout.decode('utf-8', 'replace')[-2000:])
        os.rename(iso + '.tmp', iso)
    return iso


def ovmf_boot(**kw):
    return boot(extra=['-bios', OVMF], **kw)


def fat_image(d, name, files):
    """An 8 MiB FAT disk image (mtools, no partition table: OVMF reads a
    bare FAT volume) holding files {path in the image: host path}."""
    img = os.path.join(d, name)
    with open(img, 'wb') as f:
        f.truncate(8 << 20)

    def mtools(*args):
        p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            fail('%s failed: %s' % (' '.join(args), p.stdout.decode('utf-8', 'replace')))
    mtools('mformat', '-i', img, '-t', '16', '-h', '16', '-s', '64', '::')
    dirs = sorted({os.path.dirname(p) for p in files if os.path.dirname(p)})
    made = set()
    for top in dirs:
        parts = top.split('/')
        for i in range(1, len(parts) + 1):
            sub = '/'.join(parts[:i])
            if sub not in made:
                mtools('mmd', '-i', img, '::/' + sub)
                made.add(sub)
    for path, src in files.items():
        mtools('mcopy', '-i', img, src, '::/' + path)
    return img


def test_make_iso_boots_fwboot_efi_under_ovmf_and_fwboot_elf_under_seabios():
    """build/fwboot.iso as `make iso` builds it: under OVMF its default
    EFI entry (after the 2-second menu) chainloads fwboot.efi with no
    arguments, which boots opt/fwboot/boot; under SeaBIOS the default
    entry is still fwboot.elf through multiboot."""
    need_grub_efi()
    p = subprocess.run(['make', '-s', '-C', ROOT, 'iso'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'make iso failed: %s' % p.stdout.decode()[-1000:])
    iso = os.path.join(BUILD, 'fwboot.iso')
    r = ovmf_boot(files={'opt/fwboot/boot': app()}, cdrom=iso)
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, "Booting `fwboot.efi: boot opt/fwboot/boot from fw_cfg'")
    expect_line(r, 'fwboot: boot: started by UEFI firmware (EDK II')
    expect_line(r, 'fwboot: cmdline: ""')
    expect_line(r, 'fwboot: efi: starting opt/fwboot/boot at 0x')
    expect_eq(efiopts(r)['options'], '""', 'load options of opt/fwboot/boot')
    r = boot(files={'opt/fwboot/boot': kernel('mbtest-elf32.elf')}, cdrom=iso)
    expect_status(r, MBTEST_DONE)
    expect_line(r, "Booting `fwboot: boot opt/fwboot/boot from fw_cfg'")
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/boot', 'mbtest command line under SeaBIOS')


def test_grub_efi_chainloader_passes_the_command_line():
    """GRUB EFI's chainloader gives fwboot.efi the words after the path,
    one space apart (GRUB's own quoting removed), without the path: the
    exact command line arrives, an initrd and the payload's arguments
    included, and fwboot.efi boots the application from fw_cfg."""
    d = tmpdir()
    rd = random_file(d, 'rd', 3000, seed=41)
    entry = ('chainloader /boot/fwboot.efi name=opt/fwboot/app initrd=opt/fwboot/rd  verbose '
             '-- from "grub  efi" x=1')
    want = 'name=opt/fwboot/app initrd=opt/fwboot/rd verbose -- from grub  efi x=1'
    r = ovmf_boot(files={'opt/fwboot/app': app(), 'opt/fwboot/rd': rd}, cdrom=efi_iso(entry))
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, 'fwboot: cmdline: "%s"' % want)
    expect_line(r, 'fwboot: efi: initrd: 1 file(s), ')
    expect_line(r, 'fwboot: efi: starting opt/fwboot/app at 0x')
    got = efiopts(r)
    expect_eq(got['options'], '"from grub  efi x=1"', 'load options of the application')
    expect_eq(got['terminated'], 'yes', 'NUL-terminated load options')


def test_grub_efi_failure_gives_fwboot_status():
    """A failing fwboot.efi under GRUB EFI: fwboot's message and status
    (isa-debug-exit), as under OVMF's -kernel and fwboot.elf."""
    r = ovmf_boot(files={'opt/fwboot/app': app()}, cdrom=efi_iso('chainloader /boot/fwboot.efi name=opt/fwboot/nope'))
    expect_status(r, ST_NOT_FOUND)
    expect_line(r, 'fwboot: cmdline: "name=opt/fwboot/nope"')
    expect_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above) [status 4]')
    # GRUB passes no path: a stray first word is an unknown option, not
    # taken for fwboot.efi's own path (only a word naming the file it was
    # loaded from is, as the EFI shell passes it)
    r = ovmf_boot(files={'opt/fwboot/app': app()},
                  cdrom=efi_iso('chainloader /boot/fwboot.efi stray name=opt/fwboot/app'))
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fwboot: cmdline: unknown option "stray" (known: ')
    r = ovmf_boot(files={'opt/fwboot/app': app()},
                  cdrom=efi_iso('chainloader /boot/fwboot.efi /boot/FWBOOT.EFI name=opt/fwboot/app -- x'))
    expect_status(r, EFIOPTS_DONE)
    expect_eq(efiopts(r)['options'], '"x"', 'load options after a first word naming fwboot.efi')


def test_efi_shell_startup_script_passes_arguments():
    """Debian 12's OVMF.fd carries the EFI shell (its "EFI Internal Shell"
    boot entry, taken when no disk boots), which runs startup.nsh from the
    FAT disk after its 5-second prompt (nothing presses a key: no input).
    The shell passes the image's path first: fwboot.efi skips it."""
    d = tmpdir()
    nsh = write_file(d, 'startup.nsh', b'fs0:\r\n\\fwboot.efi name=opt/fwboot/app -- from the shell\r\n')
    img = fat_image(d, 'shell.img', {'startup.nsh': nsh, 'fwboot.efi': FWBOOT_EFI})
    r = ovmf_boot(files={'opt/fwboot/app': app()}, disk=img)
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, 'UEFI Interactive Shell')
    expect_line(r, 'fwboot: cmdline: "\\fwboot.efi name=opt/fwboot/app -- from the shell"')
    expect_eq(efiopts(r)['options'], '"from the shell"', 'load options of the application')


def test_removable_media_boot_entry_boots_the_default_file():
    """fwboot.efi as \\EFI\\BOOT\\BOOTX64.EFI of a FAT disk: OVMF's boot
    entry for the disk starts it with no load options, and it boots
    opt/fwboot/boot (here a script)."""
    d = tmpdir()
    img = fat_image(d, 'esp.img', {'EFI/BOOT/BOOTX64.EFI': FWBOOT_EFI})
    s = write_file(d, 'boot.ipxe', b'#!ipxe\nkernel fw_cfg:opt/fwboot/app from the boot entry\nboot\n')
    r = ovmf_boot(files={'opt/fwboot/boot': s, 'opt/fwboot/app': app()}, disk=img)
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, 'fwboot: cmdline: ""')
    expect_line(r, 'fwboot: open: opt/fwboot/boot (key ')
    expect_eq(efiopts(r)['options'], '"from the boot entry"', 'load options of the application')
