# SPDX-License-Identifier: BSD-2-Clause
"""gzip-compressed kernels are inflated transparently (Multiboot 2 ELF32,
ELF64, flat and relocatable, a two-header file, PVH, a Multiboot 1 kernel
inside fwboot's own range); modules are passed as they are; damaged files
are refused with a reason."""

import gzip
import os

from harness import boot, kernel, tmpdir, random_file, write_file, expect, expect_status, exit_status, expect_eq
from kreport import check_mb2, fwboot_line, parse_report
from test_pvh import check_pvh

K = 'opt/fwboot/kernel'
ST_BAD_IMAGE = exit_status(5)


def boot_kernel(path, mods=(), args='', opts=''):
    files = [(K, path)] + list(mods)
    initrds = ' '.join('initrd=%s' % name for name, _ in mods)
    return boot(files=files, append='name=%s %s %s -- %s' % (K, initrds, opts, args))


def inflated_line(r, plain):
    fwboot_line(r, 'gzip: %s inflated to %d bytes' % (K, os.path.getsize(plain)))


def test_mb2_variants():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 30000, seed=21))]
    for name, variant, load in (('mb2test-elf32.elf', 'elf32', 0x100000),
                                ('mb2test-elf64.elf', 'elf64', 0x100000),
                                ('mb2test-aout.bin', 'aout', 0x300000),
                                ('mb2test-reloc.elf', 'reloc', 0x1f00000),
                                ('mb2test-both.elf', 'both', 0x100000)):
        r = boot_kernel(kernel(name + '.gz'), mods, 'gz')
        check_mb2(r, variant, load, K + ' gz', [(p, n) for n, p in mods])
        inflated_line(r, kernel(name))


def test_pvh():
    for name, variant in (('pvhtest-elf32.elf', 'elf32'), ('pvhtest-elf64.elf', 'elf64')):
        r = boot_kernel(kernel(name + '.gz'), args='gz pvh')
        check_pvh(r, variant, 'gz pvh')
        inflated_line(r, kernel(name))


def test_inside_fwboot():
    """A gzipped kernel linked inside fwboot's own range: inflated into
    memory, then staged and moved by the trampoline like any other."""
    d = tmpdir()
    plain = kernel('mbtest-self.elf')
    with open(plain, 'rb') as f:
        gz = write_file(d, 'self.gz', gzip.compress(f.read(), 9, mtime=0))
    r = boot_kernel(gz, args='self')
    expect_status(r, 129)
    k = parse_report(r, 'mbtest')
    expect_eq(k['load'], 0x30000, 'load address')
    expect_eq(k['image']['pattern_ok'], 1, 'image pattern')
    inflated_line(r, plain)


def test_modules_stay_compressed():
    d = tmpdir()
    raw = random_file(d, 'raw', 20000, seed=22)
    with open(raw, 'rb') as f:
        gz = write_file(d, 'mod.gz', gzip.compress(f.read(), 9, mtime=0))
    mods = [('opt/fwboot/mod.gz', gz)]
    r = boot_kernel(kernel('mb2test-elf32.elf.gz'), mods)
    check_mb2(r, 'elf32', 0x100000, K, [(gz, 'opt/fwboot/mod.gz')])


def test_damaged():
    d = tmpdir()
    with open(kernel('mb2test-elf32.elf.gz'), 'rb') as f:
        good = f.read()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0x55
    r = boot_kernel(write_file(d, 'bad.gz', bytes(bad)))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'fwboot: gzip: %s: ' % K)
    r = boot_kernel(write_file(d, 'cut.gz', good[:len(good) // 3]))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'fwboot: gzip: %s: ' % K)


def test_from_a_bundle():
    """A gzipped kernel inside a cpio bundle, named by a script there."""
    from test_scripts import make_cpio
    d = tmpdir()
    s = write_file(d, 'boot.ipxe', b'#!ipxe\nkernel fw_cfg:opt/fwboot/set.cpio#k.gz from bundle\nboot\n')
    bundle = make_cpio(d, 'set.cpio', {'boot.ipxe': s, 'k.gz': kernel('mb2test-reloclow.elf.gz')})
    r = boot(files={'opt/fwboot/set.cpio': bundle}, append='name=opt/fwboot/set.cpio#boot.ipxe')
    check_mb2(r, 'reloclow', 0x400000, 'opt/fwboot/set.cpio#k.gz from bundle')
    fwboot_line(r, 'gzip: opt/fwboot/set.cpio#k.gz inflated to %d bytes'
                % os.path.getsize(kernel('mb2test-reloclow.elf')))


def test_bytes_after_the_member_as_gzip_does():
    """Zero padding, trailing garbage, a second member: fwboot inflates what
    gzip -d (the oracle) gives, and the kernel boots."""
    import subprocess
    d = tmpdir()
    plain_path = kernel('mb2test-elf32.elf')
    with open(plain_path, 'rb') as f:
        plain = f.read()
    one = gzip.compress(plain, 9, mtime=0)
    half = len(plain) // 2
    two = gzip.compress(plain[:half], 9, mtime=0) + gzip.compress(plain[half:], 6, mtime=0)
    cases = (('padded', one + b'\0' * (-len(one) % 4096 or 4096)),
             ('garbage', one + b'trailing bytes that are no gzip member\n'),
             ('two', two),
             ('two-padded', two + b'\0' * 512))
    for name, data in cases:
        path = write_file(d, name + '.gz', data)
        oracle = subprocess.run(['gzip', '-dc', path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect(oracle.returncode in (0, 2), 'gzip -d %s: %s' % (name, oracle.stderr))
        expect_eq(oracle.stdout, plain, 'gzip -d output of %s' % name)
        r = boot_kernel(path, args=name)
        check_mb2(r, 'elf32', 0x100000, K + ' ' + name)
        fwboot_line(r, 'gzip: %s inflated to %d bytes' % (K, len(oracle.stdout)))
