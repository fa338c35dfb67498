# SPDX-License-Identifier: BSD-2-Clause
"""Nothing outside the plan is written: before the machine starts, QEMU's
-device loader fills 1-64 MiB with each word's own address; fwboot boots a
test kernel with modules, and the kernel checks that every word there
outside what it was given (its image, the information, the strings, the
modules) still holds the pattern. Multiboot 1 (ELF and a.out kludge) over
DMA and over port I/O; Multiboot 2, PVH and gzipped kernels; the Linux boot
protocol (lxtest, a bzImage)."""

import array
import os
import re
import zlib

from harness import boot, expect, expect_eq, expect_status, kernel, parse_mbtest, random_file, tmpdir, MBTEST_DONE

LO, HI = 0x100000, 0x4000000


def pattern_file(d):
    path = os.path.join(d, 'pattern.bin')
    with open(path, 'wb') as f:
        f.write(array.array('I', range(LO, HI, 4)).tobytes())
    return path


def ramcheck(r):
    m = re.search(r'ramcheck lo=(\S+) hi=(\S+) checked=(\d+) differ=(\d+) first=(\S+)', r.console)
    expect(m, 'the kernel reports its RAM check')
    return int(m.group(3)), int(m.group(4)), m.group(5)


def test_nothing_outside_the_plan_is_written():
    d = tmpdir()
    pat = pattern_file(d)
    m1 = random_file(d, 'm1', 3 << 20, seed=51)
    m2 = random_file(d, 'm2', 123457, seed=52)
    for k, mode in (('mbtest-elf32.elf', ''), ('mbtest-aout.bin', ''), ('mbtest-elf32.elf', 'fw_cfg=pio')):
        r = boot(files={'opt/fwboot/k': kernel(k), 'opt/fwboot/m1': m1, 'opt/fwboot/m2': m2},
                 append='name=opt/fwboot/k initrd=opt/fwboot/m1 initrd=opt/fwboot/m2 %s -- ramcheck' % mode,
                 extra=['-device', 'loader,file=%s,addr=0x%x,force-raw=on' % (pat, LO)])
        expect_status(r, MBTEST_DONE)
        expect_eq(len(parse_mbtest(r)['mod']), 2, 'modules (%s %s)' % (k, mode))
        checked, differ, first = ramcheck(r)
        expect_eq(differ, 0, 'words outside the plan that changed (%s %s; first at %s)' % (k, mode, first))
        # the check covered most of the 63 MiB: only the kernel and the modules are cut out
        expect(checked * 4 > (HI - LO) - (4 << 20), 'checked only %d bytes' % (checked * 4))


def test_each_format_leaves_the_rest_alone():
    """Multiboot 2 (ELF, address tag, relocatable), PVH (ELF32, ELF64) and
    gzipped kernels: the same pattern check, in mb2test and pvhtest."""
    d = tmpdir()
    pat = pattern_file(d)
    m1 = random_file(d, 'm1', 2 << 20, seed=53)
    m2 = random_file(d, 'm2', 5000, seed=54)
    for k in ('mb2test-elf32.elf', 'mb2test-aout.bin', 'mb2test-reloc.elf', 'pvhtest-elf32.elf',
              'pvhtest-elf64.elf', 'mb2test-elf64.elf.gz', 'pvhtest-elf32.elf.gz'):
        r = boot(files={'opt/fwboot/k': kernel(k), 'opt/fwboot/m1': m1, 'opt/fwboot/m2': m2},
                 append='name=opt/fwboot/k initrd=opt/fwboot/m1 initrd=opt/fwboot/m2 -- ramcheck',
                 extra=['-device', 'loader,file=%s,addr=0x%x,force-raw=on' % (pat, LO)])
        expect_status(r, 129)
        checked, differ, first = ramcheck(r)
        expect_eq(differ, 0, 'words outside the plan that changed (%s; first at %s)' % (k, first))
        expect(checked * 4 > (HI - LO) - (4 << 20), '%s: checked only %d bytes' % (k, checked * 4))


def test_linux_protocol_leaves_the_rest_alone():
    """The Linux boot protocol: lxtest (a bzImage from tests/kernels), entered
    through the 32-bit boot protocol (DMA and port I/O) and through its own
    real-mode setup code (entry=16: it asks the BIOS for the memory map and
    builds boot_params in place), checks the pattern outside its own load
    range (code32_start + init_size), the initrd, the command line and
    boot_params, as it finds them in boot_params. The initrd it finds is the
    two files back to back (zlib's CRC-32 as the oracle), and the memory map
    fwboot hands over is the one the BIOS gives the setup code."""
    d = tmpdir()
    pat = pattern_file(d)
    r1 = random_file(d, 'r1', 3 << 20, seed=55)
    r2 = random_file(d, 'r2', 77777, seed=56)
    with open(r1, 'rb') as f1, open(r2, 'rb') as f2:
        want_crc = zlib.crc32(f1.read() + f2.read())
    e820 = {}
    for entry, mode, path in (('32', '', 'entry32'), ('32', 'fw_cfg=pio', 'entry32'), ('16', '', 'setup16')):
        what = 'entry=%s %s' % (entry, mode)
        r = boot(files={'opt/fwboot/k': kernel('lxtest.bzImage'), 'opt/fwboot/r1': r1, 'opt/fwboot/r2': r2},
                 append='name=opt/fwboot/k initrd=opt/fwboot/r1 initrd=opt/fwboot/r2 entry=%s %s -- ramcheck'
                 % (entry, mode), extra=['-device', 'loader,file=%s,addr=0x%x,force-raw=on' % (pat, LO)])
        expect_status(r, 129)
        m = re.search(r'lxtest: entry path=(\S+) boot_params=(\S+) .* code32_start=(\S+) init_size=(\S+) hdrs_ok=1',
                      r.console)
        expect(m, 'lxtest reports its boot_params (%s)' % what)
        expect_eq(m.group(1), path, 'the way in (%s)' % what)
        expect_eq(int(m.group(3), 16), 0x100000, 'code32_start')
        m = re.search(r'lxtest: initrd addr=(\S+) size=(\S+) crc32=(\S+)', r.console)
        expect(m, 'lxtest finds the initrd (%s)' % what)
        expect_eq(int(m.group(2), 16), (3 << 20) + 77777, 'initrd size')
        expect_eq(int(m.group(3), 16), want_crc, 'CRC-32 of the initrd lxtest found (%s)' % what)
        e820[entry] = re.findall(r'lxtest: e820 addr=\S+ size=\S+ type=\d+', r.console)
        expect(any(' addr=0x100000 ' in e and e.endswith('type=1') for e in e820[entry]), 'e820 has RAM at 1 MiB')
        expect(re.search(r'lxtest: cmdline addr=\S+ ".*ramcheck"', r.console), 'the command line')
        checked, differ, first = ramcheck(r)
        expect_eq(differ, 0, 'words outside the plan that changed (linux %s; first at %s)' % (what, first))
        expect(checked * 4 > (HI - LO) - (4 << 20), 'linux: checked only %d bytes' % (checked * 4))
    expect_eq(e820['32'], e820['16'], "fwboot's e820 table against the BIOS's")
