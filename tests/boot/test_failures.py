# SPDX-License-Identifier: BSD-2-Clause
"""fwboot's failures under QEMU -kernel: each prints its reason on the
console and ends QEMU with its documented status (README: exit statuses)."""

import os
import re
import struct
import subprocess
import time

import harness

from harness import (boot, expect, expect_eq, expect_status, exit_status, kernel, parse_mbtest,
                     random_file, tmpdir, write_file, MBTEST_DONE)

ST_CMDLINE = exit_status(2)
ST_NO_FW_CFG = exit_status(3)
ST_NOT_FOUND = exit_status(4)
ST_BAD_IMAGE = exit_status(5)
ST_NO_MEMORY = exit_status(6)
ST_LIST = exit_status(16)


def expect_line(r, text):
    expect(text in r.console, 'console lacks %r' % text)


def patched(name, offset_of, data, tag):
    """A copy of test kernel name with data written where offset_of(bytes) says."""
    with open(kernel(name), 'rb') as f:
        img = bytearray(f.read())
    off = offset_of(img)
    img[off:off + len(data)] = data
    return write_file(tmpdir(), tag, bytes(img))


def mb1_header_offset(img):
    off = bytes(img[:8192]).find(struct.pack('<I', 0x1BADB002))
    expect(off >= 0 and off % 4 == 0, 'test kernel has no Multiboot 1 header')
    return off


def test_missing_file_lists_directory():
    d = tmpdir()
    other = random_file(d, 'other', 100, seed=1)
    r = boot(files={'opt/fwboot/other': other}, append='name=opt/fwboot/nope')
    expect_status(r, ST_NOT_FOUND)
    expect_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above)')
    expect_line(r, 'opt/fwboot/other')     # the directory is listed
    expect_line(r, 'etc/e820')


def test_missing_initrd():
    r = boot(files={'opt/fwboot/kernel': kernel('mbtest-elf32.elf')},
             append='name=opt/fwboot/kernel initrd=opt/fwboot/absent')
    expect_status(r, ST_NOT_FOUND)
    expect_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/absent"')


def test_default_name_missing():
    r = boot(append='')
    expect_status(r, ST_NOT_FOUND)
    expect_line(r, 'no fw_cfg file "opt/fwboot/boot"')


def test_unknown_option():
    r = boot(append='name=opt/fwboot/kernel colour=blue')
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fwboot: cmdline: unknown option "colour=blue"')


def test_name_too_long():
    r = boot(append='name=opt/' + 'x' * 60)
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fw_cfg names have at most 55 characters (this has 64)')


def test_not_an_image():
    d = tmpdir()
    junk = random_file(d, 'junk', 20000, seed=7)
    r = boot(files={'opt/fwboot/junk': junk}, append='name=opt/fwboot/junk')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'fwboot: image: opt/fwboot/junk is not a bootable image (')
    expect_line(r, 'multiboot1: no header in the first 8 KiB')


def test_empty_file():
    d = tmpdir()
    empty = write_file(d, 'empty', b'')
    r = boot(files={'opt/fwboot/empty': empty}, append='name=opt/fwboot/empty')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'is not a bootable image')


def test_bad_checksum():
    bad = patched('mbtest-elf32.elf', lambda img: mb1_header_offset(img) + 8,
                  struct.pack('<I', 0x12345678), 'badsum')
    r = boot(files={'opt/fwboot/k': bad}, append='name=opt/fwboot/k')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'multiboot1: no header in the first 8 KiB (1 magic with an invalid header checksum, the first at offset 0x1030')


def test_unsupported_flag():
    flags = 0x00000002 | 0x00000010     # bit 4: not defined for fwboot
    hdr = struct.pack('<III', 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xffffffff)
    bad = patched('mbtest-elf32.elf', mb1_header_offset, hdr, 'flag4')
    r = boot(files={'opt/fwboot/k': bad}, append='name=opt/fwboot/k')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'multiboot1: header requires flag bit 4, which fwboot does not support')


def test_truncated_elf():
    with open(kernel('mbtest-elf32.elf'), 'rb') as f:
        img = f.read()
    cut = write_file(tmpdir(), 'cut', img[:len(img) // 2])
    r = boot(files={'opt/fwboot/k': cut}, append='name=opt/fwboot/k')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'runs past the file end')


def elf32_one_segment(paddr, filesz, memsz):
    """A minimal ELF32 with a Multiboot 1 header and one PT_LOAD."""
    eh = struct.pack('<4sBBBB8xHHIIIIIHHHHHH', b'\x7fELF', 1, 1, 1, 0, 2, 3, 1,
                     paddr, 52, 0, 0, 52, 32, 1, 0, 0, 0)
    ph = struct.pack('<IIIIIIII', 1, 0x1000, paddr, paddr, filesz, memsz, 7, 0x1000)
    mb = struct.pack('<III', 0x1BADB002, 0, (-0x1BADB002) & 0xffffffff)
    img = bytearray(0x1000 + filesz)
    img[0:52] = eh
    img[52:84] = ph
    img[0x100:0x10c] = mb
    return bytes(img)


def test_image_larger_than_memory():
    big = write_file(tmpdir(), 'big', elf32_one_segment(0x100000, 0x1000, 200 << 20))
    r = boot(files={'opt/fwboot/big': big}, append='name=opt/fwboot/big', mem='128M')
    expect_status(r, ST_NO_MEMORY)
    expect_line(r, 'fwboot: memory: opt/fwboot/big at 0x100000-0xc8fffff is not in available RAM; '
                   'the memory map offers ')
    expect(re.search(r'fwboot holds \d+ KiB of it \(its image, heap and working copies\)', r.console),
           'the reason says what fwboot itself holds')


def test_segment_over_bios_data_area():
    low = write_file(tmpdir(), 'low', elf32_one_segment(0x400, 0x100, 0x100))
    r = boot(files={'opt/fwboot/low': low}, append='name=opt/fwboot/low')
    expect_status(r, ST_NO_MEMORY)
    expect_line(r, 'overlaps firmware area BIOS interrupt table and data area at 0x0-0x4ff')


def test_module_larger_than_memory():
    d = tmpdir()
    mod = random_file(d, 'mod', 80 << 20, seed=3)
    r = boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf'), 'opt/fwboot/mod': mod},
             append='name=opt/fwboot/k initrd=opt/fwboot/mod', mem='64M')
    expect_status(r, ST_NO_MEMORY)
    expect_line(r, 'multiboot1: module opt/fwboot/mod (83886080 bytes) does not fit in memory')


def test_list():
    d = tmpdir()
    f = random_file(d, 'f', 1234, seed=5)
    r = boot(files={'opt/fwboot/listed': f}, append='list')
    expect_status(r, ST_LIST)
    line = [l for l in r.console.splitlines() if 'opt/fwboot/listed' in l]
    expect(line and '1234 bytes' in line[0], 'directory line for opt/fwboot/listed with its size')


def test_no_dma_device_falls_back_to_port_io():
    # QEMU machine types before 2.5 have fw_cfg without DMA
    d = tmpdir()
    mod = random_file(d, 'mod', 5000, seed=9)
    r = boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf'), 'opt/fwboot/m': mod},
             append='name=opt/fwboot/k initrd=opt/fwboot/m -- old machine',
             extra=['-machine', 'pc-i440fx-2.4'])
    expect_status(r, MBTEST_DONE)
    expect_line(r, 'fwboot: fw_cfg: port I/O,')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/k old machine', 'command line')
    expect_eq(info['mod'][0]['size'], 5000, 'module size')


def test_dma_required_but_absent():
    r = boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf')},
             append='name=opt/fwboot/k fw_cfg=dma', extra=['-machine', 'pc-i440fx-2.4'])
    expect_status(r, ST_NO_FW_CFG)
    expect_line(r, 'fwboot: fw_cfg: DMA requested but the device lacks it')


def test_halts_without_debug_exit_device():
    # Without isa-debug-exit fwboot must stop after its message: no reboot
    # loop (-no-reboot would end QEMU), no spinning on. QEMU stays up,
    # halted, until the guard below stops it.
    d = tmpdir()
    serial = os.path.join(d, 'serial.txt')
    cmd = [harness.QEMU, '-kernel', harness.FWBOOT, '-nodefaults', '-display', 'none', '-no-reboot',
           '-serial', 'file:' + serial, '-accel', harness.accel(), '-append', 'colour=blue']
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120     # hang guard only
        text = ''
        while time.monotonic() < deadline and 'fwboot: halted' not in text:
            expect(p.poll() is None, 'QEMU exited (status %r): fwboot reset the machine' % p.returncode)
            time.sleep(0.2)
            if os.path.exists(serial):    # QEMU creates it when it gets to it: late on a busy machine
                with open(serial, 'rb') as f:
                    text = f.read().decode('latin-1')
        expect('fwboot: halted' in text, 'no "fwboot: halted" on the console')
        time.sleep(1)
        expect(p.poll() is None, 'QEMU exited after the halt: fwboot reset the machine')
        with open(serial, 'rb') as f:
            text = f.read().decode('latin-1')
        expect(text.count('fwboot 0.1.0:') == 1, 'fwboot started more than once')
        expect('fwboot: cmdline: unknown option "colour=blue"' in text, 'the reason is printed')
    finally:
        p.kill()
        p.wait()


def test_loader_path_with_an_equals_sign():
    """QEMU always passes fwboot's path first: build=2/fwboot.elf is that
    path, not an option (decided by the loader's name, "qemu")."""
    import shutil
    d = os.path.join(tmpdir(), 'build=2')
    os.makedirs(d)
    elf = os.path.join(d, 'fwboot.elf')
    shutil.copy(harness.FWBOOT, elf)
    r = boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf')}, kernel_path=elf,
             append='name=opt/fwboot/k -- eq')
    expect_status(r, MBTEST_DONE)
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/k eq', 'kernel command line')
    # under QEMU even a path that looks like an option is the path
    elf2 = os.path.join(d, 'name=x')
    shutil.copy(harness.FWBOOT, elf2)
    r = boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf')}, kernel_path=elf2,
             append='name=opt/fwboot/k')
    expect_status(r, MBTEST_DONE)


def test_repeated_options_and_entry_on_multiboot():
    k = {'opt/fwboot/k': kernel('mbtest-elf32.elf'), 'opt/fwboot/j': kernel('mbtest-elf32.elf')}
    r = boot(files=k, append='name=opt/fwboot/k name=opt/fwboot/j')
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fwboot: cmdline: name= given twice (opt/fwboot/k, then opt/fwboot/j)')
    r = boot(files=k, append='name=opt/fwboot/k entry=16')
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fwboot: image: entry=16 is a Linux option; opt/fwboot/k is a multiboot1 kernel, '
                   'which has one entry (drop entry=)')


def test_missing_bundle_member_lists_the_members():
    from test_scripts import make_cpio
    d = tmpdir()
    bundle = make_cpio(d, 'set.cpio', {'kernel.elf': kernel('mbtest-elf32.elf'),
                                        'initrd.img': random_file(d, 'i', 1234, seed=5)})
    r = boot(files={'opt/fwboot/set.cpio': bundle}, append='name=opt/fwboot/set.cpio#vmlinuz')
    expect_status(r, ST_NOT_FOUND)
    expect_line(r, 'fwboot: members of the bundle opt/fwboot/set.cpio:')
    expect(re.search(r'\n  initrd\.img +1234 bytes\n', r.console), 'the members are listed')
    expect_line(r, '(see the bundle\'s members above)')
    expect('etc/e820' not in r.console, 'the fw_cfg directory is not listed')
