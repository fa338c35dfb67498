# SPDX-License-Identifier: BSD-2-Clause
"""Multiboot 2 boots of mb2test: ELF32, ELF64, the address tag's flat
binary, relocatable images (placement checked), a file with both Multiboot
headers, ten modules with their own strings, and the refusals."""

import struct

from harness import (boot, kernel, tmpdir, random_file, write_file, expect, expect_eq,
                     expect_status, exit_status)
from kreport import check_elf_sections, check_mb2, elf_entry, fwboot_line

K = 'opt/fwboot/kernel'
ST_CMDLINE = exit_status(2)
ST_BAD_IMAGE = exit_status(5)


def boot_kernel(path, mods=(), args='', opts=''):
    """fwboot boots path as K with modules [(fw_cfg name, path)] given by initrd=."""
    files = [(K, path)] + list(mods)
    initrds = ' '.join('initrd=%s' % name for name, _ in mods)
    return boot(files=files, append='name=%s %s %s -- %s' % (K, initrds, opts, args))


def two_modules(d):
    return [('opt/fwboot/initrd', random_file(d, 'initrd', 70001, seed=1)),
            ('opt/fwboot/mod.b', random_file(d, 'b', 4096, seed=2))]


def expected(mods):
    return [(path, name) for name, path in mods]


def test_elf32():
    d = tmpdir()
    mods = two_modules(d)
    args = 'console=ttyS0 "two words" x=1'
    r = boot_kernel(kernel('mb2test-elf32.elf'), mods, args)
    k = check_mb2(r, 'elf32', 0x100000, K + ' ' + args, expected(mods))
    fwboot_line(r, 'image: %s is multiboot2' % K)
    check_elf_sections(k, kernel('mb2test-elf32.elf'))


def test_elf64():
    d = tmpdir()
    mods = two_modules(d)
    r = boot_kernel(kernel('mb2test-elf64.elf'), mods, 'elf64')
    k = check_mb2(r, 'elf64', 0x100000, K + ' elf64', expected(mods))
    check_elf_sections(k, kernel('mb2test-elf64.elf'))


def test_fake_magic_before_header():
    """Two magics whose checksums fail before the real header: skipped, logged."""
    d = tmpdir()
    mods = two_modules(d)
    r = boot_kernel(kernel('mb2test-fake.elf'), mods, 'fake')
    check_mb2(r, 'fake', 0x100000, K + ' fake', expected(mods))
    fwboot_line(r, 'multiboot2: header at offset 0x')
    fwboot_line(r, 'skipped 2 magics with an invalid checksum before it')


def test_no_args_no_modules():
    r = boot_kernel(kernel('mb2test-elf32.elf'))
    k = check_mb2(r, 'elf32', 0x100000, K)
    expect_eq(k['mod'], [], 'modules')


def test_address_tag():
    d = tmpdir()
    mods = two_modules(d)
    r = boot_kernel(kernel('mb2test-aout.bin'), mods, 'flat')
    check_mb2(r, 'aout', 0x300000, K + ' flat', expected(mods))


def _reloc(variant, want):
    d = tmpdir()
    mods = two_modules(d)
    path = kernel('mb2test-%s.elf' % variant)
    r = boot_kernel(path, mods, 'moved')
    k = check_mb2(r, variant, want, K + ' moved', expected(mods))
    image = k['image']
    expect(image['link'] != want, 'the test needs a placement away from the link address')
    # the entry moved with the image
    expect_eq(image['entry'] - image['load'], elf_entry(path) - image['link'], 'entry offset in the image')
    # tag 9 as GRUB gives it: link addresses for the loaded sections (not
    # moved), the placed ones where they are; the kernel adds the shift
    check_elf_sections(k, path, moved=True)
    return k


def test_relocatable_highest():
    # tag: min 16 MiB, max 32 MiB, 1 MiB aligned, highest; the image is < 1 MiB
    _reloc('reloc', 0x1f00000)


def test_relocatable_lowest():
    # tag: min 3 MiB, max 64 MiB, 2 MiB aligned, lowest: min aligned up
    _reloc('reloclow', 0x400000)


def test_both_headers():
    """Multiboot 2 comes before Multiboot 1; format= overrides the order."""
    path = kernel('mb2test-both.elf')
    r = boot_kernel(path, args='x')
    check_mb2(r, 'both', 0x100000, K + ' x')
    r = boot_kernel(path, args='x', opts='format=multiboot1')
    k = check_mb2(r, 'both', 0x100000, K + ' x', protocol='multiboot1')
    expect_eq(k['magic'], 0x2badb002, 'EAX under format=multiboot1')
    fwboot_line(r, 'image: %s is multiboot1' % K)
    r = boot_kernel(path, args='x', opts='format=multiboot2')
    check_mb2(r, 'both', 0x100000, K + ' x')


def test_ten_modules():
    """Ten modules of very different sizes, each with its own string (its
    fw_cfg name), in order, checked by CRC-32."""
    d = tmpdir()
    sizes = [1, 4095, 4096, 4097, 70000, 3, 300001, 12345, 65536, 999]
    mods = [('opt/fwboot/m%d' % i, random_file(d, 'm%d' % i, size, seed=100 + i))
            for i, size in enumerate(sizes)]
    r = boot_kernel(kernel('mb2test-elf32.elf'), mods, 'ten')
    k = check_mb2(r, 'elf32', 0x100000, K + ' ten', expected(mods))
    for m in k['mod']:
        expect_eq(m['end'] - m['start'], m['size'], 'module end is exclusive')


def _flat_mb2(d, name, tags):
    """A flat Multiboot 2 image at 1 MiB (address and entry tags) that would
    loop if started, with extra header tags [(type, flags, payload bytes)]."""
    body = b''
    for t, flags, payload in tags + [(2, 0, struct.pack('<4I', 0x100000, 0x100000, 0, 0)),
                                     (3, 0, struct.pack('<I', 0x100100))]:
        tag = struct.pack('<HHI', t, flags, 8 + len(payload)) + payload
        body += tag + b'\0' * (-len(tag) % 8)
    body += struct.pack('<HHI', 0, 0, 8)
    length = 16 + len(body)
    hdr = struct.pack('<4I', 0xE85250D6, 0, length, (-(0xE85250D6 + length)) & 0xffffffff) + body
    image = hdr + b'\0' * (0x100 - len(hdr)) + b'\xeb\xfe' + b'\0' * 0x200
    return write_file(d, name, image)


def test_refuses_required_framebuffer():
    d = tmpdir()
    path = _flat_mb2(d, 'fb.bin', [(5, 0, struct.pack('<3I', 1024, 768, 32))])
    r = boot_kernel(path)
    expect_status(r, ST_BAD_IMAGE)
    # no display (the harness runs QEMU with -nodefaults): refused by name, with what there is
    refusal = ('multiboot2: header tag 5 (framebuffer) asks for a 1024x768x32 framebuffer (0 = any), but no '
               'display (no Bochs-compatible VGA on PCI) (available: no display fwboot can drive)')
    fwboot_line(r, refusal)
    r = boot_kernel(path, opts='format=multiboot2')
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'fwboot: ' + refusal)


def test_refuses_required_efi_and_info():
    d = tmpdir()
    r = boot_kernel(_flat_mb2(d, 'efi.bin', [(7, 0, b'')]))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'multiboot2: header tag 7 (EFI boot services) is required but not supported')
    r = boot_kernel(_flat_mb2(d, 'req.bin', [(1, 0, struct.pack('<3I', 1, 6, 8))]))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'multiboot2: information request for tag 8 (framebuffer information) is required, '
                'but there is no display (no VGA on PCI)')


def test_forced_format_refusals():
    r = boot_kernel(kernel('mbtest-elf32.elf'), opts='format=multiboot2')
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'multiboot2: no header in the first 32 KiB')
    r = boot_kernel(kernel('mb2test-elf32.elf'), opts='format=bogus')
    expect_status(r, ST_CMDLINE)
    fwboot_line(r, 'image: unknown format "bogus" (known: multiboot2 multiboot1')


def test_not_an_image():
    """A file no loader takes: refused with what each loader said."""
    d = tmpdir()
    r = boot_kernel(random_file(d, 'junk', 50000, seed=7))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'is not a bootable image (multiboot2: no header in the first 32 KiB; '
                   'multiboot1: no header in the first 8 KiB; ')
    fwboot_line(r, '; pvh: not an ELF file; limine: not an ELF64 file; efi: no MZ signature)')


def test_ten_modules_with_their_own_arguments():
    """A boot script gives each of ten modules its own arguments; the
    kernel's command line and every module string arrive as written."""
    d = tmpdir()
    sizes = [5, 4096, 100000, 1, 8191, 250000, 77, 4097, 65535, 3000]
    files = [(K, kernel('mb2test-elf32.elf'))]
    lines = ['#!ipxe', 'kernel fw_cfg:%s console=ttyS0 loglevel=7' % K]
    mods = []
    for i, size in enumerate(sizes):
        name = 'opt/fwboot/mod%d' % i
        path = random_file(d, 'mod%d' % i, size, seed=200 + i)
        files.append((name, path))
        args = 'index=%d role=%s' % (i, 'x' * i) if i % 4 else ''
        lines.append(('module fw_cfg:%s %s' % (name, args)).rstrip())
        mods.append((path, ('%s %s' % (name, args)).rstrip()))
    lines.append('boot')
    files.append(('opt/fwboot/ten.ipxe', write_file(d, 'ten.ipxe', ('\n'.join(lines) + '\n').encode())))
    r = boot(files=files, append='name=opt/fwboot/ten.ipxe')
    check_mb2(r, 'elf32', 0x100000, K + ' console=ttyS0 loglevel=7', mods)
