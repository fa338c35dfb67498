# SPDX-License-Identifier: BSD-2-Clause
"""fwboot started by GRUB (BIOS, from an ISO made by grub-mkrescue) through
both `multiboot` and `multiboot2`: the payloads boot as under QEMU -kernel,
and the failures give the same messages and statuses."""

import hashlib
import os
import subprocess

from harness import (ROOT, BUILD, FWBOOT, boot, expect, expect_eq, expect_status, exit_status, write_file,
                     fail, kernel, parse_mbtest, crc32_file, random_file, tmpdir, MBTEST_DONE)

ISO_CACHE = os.path.join(BUILD, 'test-isos')
COMMANDS = ('multiboot', 'multiboot2')


def grub_iso(command, args):
    """An ISO whose only menu entry runs `command /boot/fwboot.elf args`
    at once, built by tools/mkiso.sh (the same path as make iso), cached."""
    cfg = ('serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n'
           'set timeout=0\nmenuentry "fwboot" {\n\t%s /boot/fwboot.elf %s\n}\n' % (command, args))
    with open(FWBOOT, 'rb') as f:
        key = hashlib.sha256(f.read() + cfg.encode()).hexdigest()[:16]
    os.makedirs(ISO_CACHE, exist_ok=True)
    iso = os.path.join(ISO_CACHE, key + '.iso')
    if not os.path.exists(iso):
        cfg_path = os.path.join(ISO_CACHE, key + '.cfg')
        with open(cfg_path, 'w') as f:
            f.write(cfg)
        p = subprocess.run(['sh', os.path.join(ROOT, 'tools/mkiso.sh'), FWBOOT, cfg_path, iso + '.tmp'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            fail('mkiso.sh failed: %s' % p.stdout.decode('utf-8', 'replace')[-2000:])
        os.rename(iso + '.tmp', iso)
    return iso


def grub_boot(command, args, files, mem='256M'):
    return boot(files=files, cdrom=grub_iso(command, args), mem=mem)


def check_mb1_payload(command, name):
    d = tmpdir()
    m1 = random_file(d, 'm1', 7000, seed=11)
    m2 = random_file(d, 'm2', 300000, seed=12)
    r = grub_boot(command, 'name=opt/fwboot/k initrd=opt/fwboot/m1 initrd=opt/fwboot/m2 -- grub says hi',
                  {'opt/fwboot/k': kernel(name), 'opt/fwboot/m1': m1, 'opt/fwboot/m2': m2})
    expect_status(r, MBTEST_DONE)
    expect('through Multiboot %d' % (2 if command == 'multiboot2' else 1) in r.console,
           'fwboot says which Multiboot started it')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/k grub says hi', 'command line')
    expect_eq(info['loader'], 'fwboot 0.1.0', 'loader name')
    expect_eq([m['string'] for m in info['mod']], ['opt/fwboot/m1', 'opt/fwboot/m2'], 'module strings')
    expect_eq([m['crc32'] for m in info['mod']], [crc32_file(m1), crc32_file(m2)], 'module CRCs')
    expect(info['done'], 'mbtest finished')


def test_multiboot_elf32():
    check_mb1_payload('multiboot', 'mbtest-elf32.elf')


def test_multiboot2_elf32():
    check_mb1_payload('multiboot2', 'mbtest-elf32.elf')


def test_multiboot_staged_over_fwboot():
    check_mb1_payload('multiboot', 'mbtest-self.elf')


def test_multiboot2_staged_over_fwboot():
    check_mb1_payload('multiboot2', 'mbtest-self.elf')


def test_multiboot_low_segment_elf64_aout():
    for name in ('mbtest-low.elf', 'mbtest-elf64.elf', 'mbtest-aout.bin'):
        check_mb1_payload('multiboot', name)


def test_multiboot2_low_segment_elf64_aout():
    for name in ('mbtest-low.elf', 'mbtest-elf64.elf', 'mbtest-aout.bin'):
        check_mb1_payload('multiboot2', name)


def test_default_iso_boots_default_file():
    """build/fwboot.iso as `make iso` builds it: its default entry boots opt/fwboot/boot."""
    iso = os.path.join(BUILD, 'fwboot.iso')
    p = subprocess.run(['make', '-s', '-C', ROOT, 'iso'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'make iso failed: %s' % p.stdout.decode()[-1000:])
    r = boot(files={'opt/fwboot/boot': kernel('mbtest-elf32.elf')}, cdrom=iso)
    expect_status(r, MBTEST_DONE)
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/boot', 'command line')


def test_failures_same_under_grub():
    d = tmpdir()
    junk = random_file(d, 'junk', 9000, seed=2)
    for command in COMMANDS:
        r = grub_boot(command, 'name=opt/fwboot/nope', {})
        expect_status(r, exit_status(4))
        expect('fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above)' in r.console,
               '%s: missing-file message' % command)
        r = grub_boot(command, 'name=opt/fwboot/junk', {'opt/fwboot/junk': junk})
        expect_status(r, exit_status(5))
        expect('fwboot: image: opt/fwboot/junk is not a bootable image (' in r.console,
               '%s: bad-image message' % command)
        r = grub_boot(command, 'name=opt/fwboot/k bogus=1', {})
        expect_status(r, exit_status(2))
        expect('fwboot: cmdline: unknown option "bogus=1"' in r.console, '%s: cmdline message' % command)
        r = grub_boot(command, 'list', {'opt/fwboot/junk': junk})
        expect_status(r, exit_status(16))
        expect('opt/fwboot/junk' in r.console, '%s: list shows the file' % command)


# ---- every kind of payload the other loaders support, through both commands ----

def test_multiboot2_kernels_through_both_commands():
    from kreport import check_mb2
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 70001, seed=13))]
    for command in COMMANDS:
        for name, variant, load in (('mb2test-elf32.elf', 'elf32', 0x100000),
                                    ('mb2test-reloc.elf', 'reloc', 0x1f00000)):
            r = grub_boot(command, 'name=opt/fwboot/k initrd=opt/fwboot/initrd -- via grub',
                          [('opt/fwboot/k', kernel(name))] + mods)
            check_mb2(r, variant, load, 'opt/fwboot/k via grub', [(p, n) for n, p in mods])


def test_pvh_and_gzip_through_both_commands():
    from kreport import check_mb2
    from test_pvh import check_pvh
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 5000, seed=14))]
    for command in COMMANDS:
        r = grub_boot(command, 'name=opt/fwboot/k initrd=opt/fwboot/initrd -- pvh args',
                      [('opt/fwboot/k', kernel('pvhtest-elf32.elf'))] + mods)
        check_pvh(r, 'elf32', 'pvh args', [(p, None) for _, p in mods])
        r = grub_boot(command, 'name=opt/fwboot/k initrd=opt/fwboot/initrd -- gz',
                      [('opt/fwboot/k', kernel('mb2test-elf32.elf.gz'))] + mods)
        check_mb2(r, 'elf32', 0x100000, 'opt/fwboot/k gz', [(p, n) for n, p in mods])


def test_script_through_both_commands():
    d = tmpdir()
    m = random_file(d, 'm', 4321, seed=15)
    s = write_file(d, 's', b'#!ipxe\nkernel fw_cfg:opt/fwboot/k from a script\n'
                           b'module fw_cfg:opt/fwboot/m its=args\nboot\n')
    for command in COMMANDS:
        r = grub_boot(command, '', {'opt/fwboot/boot': s, 'opt/fwboot/k': kernel('mbtest-elf32.elf'),
                                     'opt/fwboot/m': m})
        expect_status(r, MBTEST_DONE)
        info = parse_mbtest(r)
        expect_eq(info['cmdline'], 'opt/fwboot/k from a script', '%s: command line' % command)
        expect_eq([(x['string'], x['crc32']) for x in info['mod']], [('opt/fwboot/m its=args', crc32_file(m))],
                  '%s: module' % command)


def test_linux_through_both_commands_and_entries():
    import test_linux
    d = tmpdir()
    vmlinuz = test_linux.debian()['vmlinuz']
    rd1 = test_linux.initramfs(d)
    rd2 = test_linux.second_initrd(d)
    args = 'console=ttyS0 panic=-1 no_timer_check from=grub'
    for command, entry in (('multiboot', '32'), ('multiboot2', '16')):
        r = boot(files=[('opt/fwboot/vmlinuz', vmlinuz), ('opt/fwboot/initrd1', rd1),
                        ('opt/fwboot/initrd2', rd2)],
                 cdrom=grub_iso(command, 'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd1 '
                                         'initrd=opt/fwboot/initrd2 entry=%s -- %s' % (entry, args)),
                 mem=test_linux.MEM, timeout=test_linux.LINUX_TIMEOUT)
        test_linux.expect_linux(r, args, '%s-bit entry' % entry, True)
