# SPDX-License-Identifier: BSD-2-Clause
"""One front end, the same behaviour on every platform: the same inputs
booted through fwboot.elf on the pc machine (SeaBIOS), fwboot.efi under
OVMF and fwboot.elf on microvm (qboot), and the same exit status and the
same fwboot lines (past the platform's own start-up lines) on all three.

The inputs are the ones the platforms used to treat differently: gzip
with bytes after the member (zero padding, a second member), a gzip whose
stored size is impossible, a command line of 300 initrd= words (longer
than 4096 characters), a missing member of a bundle of 3000 members (the
listing is bounded), a script's `boot || goto retry` against a bad image
(repeats counted, the status reached in seconds), a bad image, and an EFI
image (started under UEFI, refused by name, status 10, elsewhere)."""

import gzip
import os
import re
import time

from harness import MBTEST_DONE, boot, exit_status, expect, expect_eq, expect_status, kernel, tmpdir, write_file
from kreport import parse_report
from test_efi import FWBOOT_EFI, OVMF, need_efi

K = 'opt/fwboot/kernel'
ST_NOT_FOUND = exit_status(4)
ST_BAD_IMAGE = exit_status(5)
ST_SCRIPT = exit_status(8)
ST_PLATFORM = exit_status(10)

PLATFORMS = ('seabios', 'ovmf', 'microvm')


def boot_on(platform, **kw):
    extra = list(kw.pop('extra', ()))
    if platform == 'ovmf':
        need_efi()
        return boot(kernel_path=FWBOOT_EFI, extra=['-bios', OVMF] + extra, **kw)
    if platform == 'microvm':
        return boot(extra=['-M', 'microvm'] + extra, **kw)
    return boot(extra=extra, **kw)


# Lines that name the platform, its firmware or its memory: everything
# else fwboot says must be the same.
PLATFORM_LINE = re.compile(r'^fwboot: (boot: started by|memory: |video: |acpi: |efi: |console: |time: |'
                           r'load: |boot: .*entry|image: .* segments, entry|halted|returning to the firmware)')


# Numbers that differ by machine, not by what fwboot did: the directory's
# size and keys (OVMF adds files), the loader's path before the command line,
# where each platform looked for a TPM.
MASKS = ((re.compile(r'fw_cfg: (DMA|port I/O), \d+ files'), r'fw_cfg: \1, N files'),
         (re.compile(r'measure: no TPM \(.*\): '), 'measure: no TPM (WHERE): '),
         (re.compile(r'key 0x[0-9a-f]{4}'), 'key K'),
         (re.compile(r'^fwboot: cmdline: "\S*fwboot\.elf '), 'fwboot: cmdline: "'))


def common_lines(r):
    out = []
    for l in r.console.splitlines():
        if not l.startswith('fwboot: ') or PLATFORM_LINE.match(l):
            continue
        for pat, rep in MASKS:
            l = pat.sub(rep, l)
        if l.startswith('fwboot: cmdline: '):
            l = l[:300]     # the log line is cut at 512 bytes, the loader's path included
        out.append(l)
    return out


def same_everywhere(make, status, check=None):
    """Boot make() on every platform; the same status and lines on all."""
    seen = {}
    for p in PLATFORMS:
        t = time.time()
        r = boot_on(p, **make())
        if status is not None:
            expect_status(r, status)
        expect(time.time() - t < 90, '%s: took %.0f s' % (p, time.time() - t))
        if check:
            check(p, r)
        seen[p] = common_lines(r)
    for p in PLATFORMS[1:]:
        expect_eq(seen[p], seen[PLATFORMS[0]], 'fwboot lines on %s against %s' % (p, PLATFORMS[0]))
    return seen


def mb2test_ran(p, r, cmdline, nmods=0):
    """mb2test ran to its end with this command line and nmods modules."""
    k = parse_report(r, 'mb2test')
    expect(k.get('done'), '%s: mb2test did not finish' % p)
    expect_eq(k['cmdline'], cmdline, '%s: command line' % p)
    expect_eq(len(k.get('mod', [])), nmods, '%s: modules' % p)
    return k


def test_gzip_with_bytes_after_the_member():
    d = tmpdir()
    with open(kernel('mb2test-elf32.elf'), 'rb') as f:
        plain = f.read()
    one = gzip.compress(plain, 9, mtime=0)
    half = len(plain) // 2
    two = gzip.compress(plain[:half], 9, mtime=0) + gzip.compress(plain[half:], 6, mtime=0)
    for name, data in (('padded', one + b'\0' * 65536), ('two-padded', two + b'\0' * 512)):
        path = write_file(d, name + '.gz', data)
        same_everywhere(lambda: dict(files={K: path}, append='name=%s -- %s' % (K, name)), MBTEST_DONE,
                        lambda p, r: mb2test_ran(p, r, K + ' ' + name))


def test_gzip_with_an_impossible_size():
    d = tmpdir()
    with open(kernel('mb2test-elf32.elf'), 'rb') as f:
        good = bytearray(gzip.compress(f.read(), 9, mtime=0))
    good[-4:] = (0xFFFFFFF0).to_bytes(4, 'little')      # ISIZE: far more than DEFLATE can give
    bad = write_file(d, 'isize.gz', bytes(good))
    seen = same_everywhere(lambda: dict(files={K: bad}, append='name=%s' % K), ST_BAD_IMAGE)
    expect(any(l.startswith('fwboot: gzip: %s: ' % K) for l in seen['seabios']), 'no gzip reason: %s' % seen)


def test_long_command_line():
    d = tmpdir()
    mod = write_file(d, 'mod', b'module bytes\n')
    words = ' '.join(['initrd=opt/fwboot/m'] * 300)
    append = 'name=%s %s -- long' % (K, words)
    expect(len(append) > 4096, 'the command line is %d characters' % len(append))

    def check(p, r):
        expect(re.search(r'fwboot: cmdline: "(\S*fwboot\.elf )?name=%s initrd=opt/fwboot/m' % K, r.console),
               '%s: no cmdline line' % p)
        mb2test_ran(p, r, K + ' long', 300)
    same_everywhere(lambda: dict(files={K: kernel('mb2test-elf32.elf'), 'opt/fwboot/m': mod}, append=append),
                    MBTEST_DONE, check)


def test_missing_bundle_member_is_listed_bounded():
    from test_scripts import make_cpio
    d = tmpdir()
    members = {}
    for i in range(3000):
        members['m%04d' % i] = write_file(d, 'm%04d' % i, b'x')
    bundle = make_cpio(d, 'set.cpio', members)

    def check(p, r):
        expect('fwboot: the 10 members of the bundle opt/fwboot/set.cpio closest to "m30000" (of 3000):'
               in r.console, '%s: no bounded listing' % p)
        expect('  ... and 2990 more (not listed)' in r.console, '%s: no count of the rest' % p)
        expect(len(r.console.splitlines()) < 80, '%s: %d lines' % (p, len(r.console.splitlines())))
    same_everywhere(lambda: dict(files={'opt/fwboot/set.cpio': bundle}, append='name=opt/fwboot/set.cpio#m30000'),
                    ST_NOT_FOUND, check)


def test_retry_loop_reaches_its_status():
    d = tmpdir()
    script = write_file(d, 'boot.ipxe', b'#!ipxe\n:retry\nimgfree\nkernel fw_cfg:opt/fwboot/junk\n'
                                        b'boot || goto retry\n')
    junk = write_file(d, 'junk', b'\x01\x02\x03' * 400)

    def check(p, r):
        expect(r.console.count('is not a bootable image') <= 3, '%s: the reason printed %d times'
               % (p, r.console.count('is not a bootable image')))
        expect('more repeats of the lines above not printed' in r.console, '%s: no count of repeats' % p)
        expect(len(r.console) < 20000, '%s: %d bytes of console' % (p, len(r.console)))
    same_everywhere(lambda: dict(files={'opt/fwboot/boot': script, 'opt/fwboot/junk': junk}, append=''),
                    ST_SCRIPT, check)


def test_efi_image_by_platform():
    """Under UEFI an EFI image is started; elsewhere it is refused by name."""
    need_efi()
    app = kernel('efiopts.efi')
    for p in ('seabios', 'microvm'):
        r = boot_on(p, files={K: app}, append='name=%s' % K)
        expect_status(r, ST_PLATFORM)
        expect('fwboot: image: %s is an EFI image, which only UEFI firmware can start (boot it with fwboot.efi)'
               % K in r.console and r.console.count('[status 10]') == 1, '%s: no refusal by name' % p)
    r = boot_on('ovmf', files={K: app}, append='name=%s -- hello' % K)
    expect_status(r, exit_status(0x44))
    expect('efiopts: options "hello"' in r.console, 'efiopts did not get its options')
