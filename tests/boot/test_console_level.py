"""fwboot's console for CI: `quiet` (errors and the hand-off line only),
`verbose` (the fw_cfg directory, zero-fills, every MiB of port I/O), and
the progress lines of slow loads (port I/O, inflate)."""

import re

from harness import (boot, crc32_file, expect, expect_eq, expect_status, kernel, parse_mbtest,
                     random_file, tmpdir, MBTEST_DONE)

K = 'opt/fwboot/kernel'


def fwboot_lines(r):
    return [l for l in r.console.splitlines() if l.startswith('fwboot')]


def test_quiet():
    d = tmpdir()
    mod = random_file(d, 'mod', 5000, seed=21)
    r = boot(files={K: kernel('mbtest-elf32.elf'), 'opt/fwboot/mod': mod},
             append='quiet name=%s initrd=opt/fwboot/mod -- a' % K)
    expect_status(r, MBTEST_DONE)
    lines = fwboot_lines(r)
    expect(len(lines) == 1 and re.match(r'fwboot: boot: multiboot1 entry 0x100040 ', lines[0]),
           'quiet printed more (or less) than the hand-off line: %r' % lines)
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], K + ' a', 'the payload\'s command line')
    expect_eq(info['mod'][0]['crc32'], crc32_file(mod), 'module CRC')
    # errors are still printed in full, with their status
    r = boot(files={K: mod}, append='quiet name=%s' % K)
    expect_status(r, 11)
    lines = fwboot_lines(r)
    expect(any('is not a bootable image' in l and '[status 5]' in l for l in lines),
           'quiet hid the error: %r' % lines)
    expect(not any('memory:' in l or 'open:' in l for l in lines), 'quiet printed progress: %r' % lines)


def test_verbose():
    r = boot(files={K: kernel('mbtest-elf32.elf')}, append='verbose name=%s' % K)
    expect_status(r, MBTEST_DONE)
    text = r.console
    expect('fwboot: fw_cfg directory (' in text and re.search(r'^  opt/fwboot/kernel +\d+ bytes', text, re.M),
           'verbose did not list the fw_cfg directory')
    expect(re.search(r'^fwboot: load: bss -> 0x[0-9a-f]+-0x[0-9a-f]+ \(\d+ bytes zeroed\)$', text, re.M),
           'verbose did not show the zero-fill')
    plain = boot(files={K: kernel('mbtest-elf32.elf')}, append='name=%s' % K)
    expect_status(plain, MBTEST_DONE)
    expect('directory (' not in plain.console and 'zeroed' not in plain.console,
           'the normal level printed verbose lines')


def test_port_io_progress():
    """A 6 MiB module over port I/O: lines at each quarter (normal), each
    MiB (verbose); the module arrives intact either way."""
    d = tmpdir()
    mod = random_file(d, 'big', 6 << 20, seed=22)
    files = {K: kernel('mbtest-elf32.elf'), 'opt/fwboot/big': mod}
    # normal: the first MiB boundary at or past each quarter (1536, 3072, 4608 KiB)
    for words, marks in (('', [2048, 3072, 5120]), ('verbose', [1024 * i for i in range(1, 7)])):
        r = boot(files=files, append='fw_cfg=pio %s name=%s initrd=opt/fwboot/big' % (words, K))
        expect_status(r, MBTEST_DONE)
        got = [int(m.group(1)) for m in re.finditer(
            r'^fwboot: load: opt/fwboot/big: (\d+) of 6144 KiB \(port I/O\)$', r.console, re.M)]
        expect_eq(got, marks, 'progress lines (%s)' % (words or 'normal'))
        expect_eq(parse_mbtest(r)['mod'][0]['crc32'], crc32_file(mod), 'module CRC')
    # DMA needs none
    r = boot(files=files, append='name=%s initrd=opt/fwboot/big' % K)
    expect_status(r, MBTEST_DONE)
    expect('KiB (port I/O)' not in r.console, 'a progress line under DMA')


def test_inflate_line():
    r = boot(files={K: kernel('mb2test-elf32.elf.gz')}, append='name=%s' % K)
    expect(re.search(r'^fwboot: gzip: inflating %s \(\d+ bytes\)$' % K, r.console, re.M),
           'no line before inflating')
    lines = r.console.splitlines()
    i = next(i for i, l in enumerate(lines) if 'gzip: inflating' in l)
    expect(any('inflated to' in l for l in lines[i + 1:]), 'the inflate line is not before the result')
