# SPDX-License-Identifier: BSD-2-Clause
"""Integrity pins (sha256=): a match boots, a mismatch refuses before
anything is handed over and prints both digests, a malformed pin is a
command line error; pins on initrds, on bundle members and in scripts."""

import hashlib

from harness import (boot, crc32_file, expect, expect_eq, expect_status, exit_status, kernel, parse_mbtest,
                     random_file, tmpdir, write_file, MBTEST_DONE)
from test_scripts import make_cpio

ST_CMDLINE = exit_status(2)
ST_SCRIPT = exit_status(8)
ST_PIN = exit_status(9)
K = 'opt/fwboot/k'
WRONG = '00' * 32


def sha(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def expect_line(r, text):
    expect(text in r.console, 'console lacks %r' % text)


def expect_refused(r, name, pinned, actual, prefix='fwboot: '):
    expect_status(r, ST_PIN)
    expect_line(r, prefix + 'pin: %s does not match its sha256 pin (pinned %s, the file\'s is %s)'
                % (name, pinned, actual))
    expect('boot: ' not in r.console.split('pin: ')[-1], 'nothing is handed over after the refusal')


def test_kernel_pin_match_and_mismatch():
    k = kernel('mbtest-elf32.elf')
    r = boot(files={K: k}, append='name=%s sha256=%s -- pinned' % (K, sha(k).upper()))
    expect_status(r, MBTEST_DONE)
    expect_line(r, 'pin: %s matches its sha256 pin' % K)
    expect_eq(parse_mbtest(r)['cmdline'], K + ' pinned', 'kernel command line')
    r = boot(files={K: k}, append='name=%s,sha256=%s' % (K, sha(k)))
    expect_status(r, MBTEST_DONE)
    r = boot(files={K: k}, append='name=%s sha256=%s' % (K, WRONG))
    expect_refused(r, K, WRONG, sha(k))


def test_bad_hex():
    k = kernel('mbtest-elf32.elf')
    r = boot(files={K: k}, append='name=%s sha256=%s' % (K, sha(k)[:-1]))
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'fwboot: cmdline: sha256=%s: a pin is 64 hex digits (this is 63 characters)' % sha(k)[:-1])
    r = boot(files={K: k}, append='name=%s sha256=%sg' % (K, sha(k)[:-1]))
    expect_status(r, ST_CMDLINE)
    expect_line(r, 'not all hex digits')


def test_initrd_pins():
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    m1 = random_file(d, 'm1', 70001, seed=41)
    m2 = random_file(d, 'm2', 300, seed=42)
    files = {K: k, 'opt/fwboot/m1': m1, 'opt/fwboot/m2': m2}
    r = boot(files=files, append='name=%s initrd=opt/fwboot/m1,sha256=%s initrd=opt/fwboot/m2' % (K, sha(m1)))
    expect_status(r, MBTEST_DONE)
    expect_eq(len(parse_mbtest(r)['mod']), 2, 'modules')
    r = boot(files=files, append='name=%s initrd=opt/fwboot/m1 initrd=opt/fwboot/m2,sha256=%s' % (K, sha(m1)))
    expect_refused(r, 'opt/fwboot/m2', sha(m1), sha(m2))


def test_bundle_member_pin():
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    bundle = make_cpio(d, 'set.cpio', {'k.elf': k, 'junk': random_file(d, 'junk', 5000, seed=43)})
    name = 'opt/fwboot/set.cpio#k.elf'
    r = boot(files={'opt/fwboot/set.cpio': bundle}, append='name=%s,sha256=%s' % (name, sha(k)))
    expect_status(r, MBTEST_DONE)
    r = boot(files={'opt/fwboot/set.cpio': bundle}, append='name=%s sha256=%s' % (name, sha(bundle)))
    expect_refused(r, name, sha(bundle), sha(k))     # the member's bytes are pinned, not the archive's


def test_script_pins():
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    m = random_file(d, 'm', 4000, seed=44)
    s = write_file(d, 's.ipxe', ('''#!ipxe
kernel --sha256=%s fw_cfg:opt/fwboot/k first
boot || goto second
:second
echo the first pin failed
imgfree
kernel --sha256 %s fw_cfg:opt/fwboot/k second
module --sha256=%s fw_cfg:opt/fwboot/m
boot
''' % (WRONG, sha(k), sha(m))).encode())
    r = boot(files={'opt/fwboot/boot': s, K: k, 'opt/fwboot/m': m})
    expect_status(r, MBTEST_DONE)
    expect_line(r, 'pin: %s does not match its sha256 pin (pinned %s, the file\'s is %s)' % (K, WRONG, sha(k)))
    expect_line(r, 'the first pin failed')
    expect_eq(parse_mbtest(r)['cmdline'], K + ' second', 'kernel command line')
    # a module's pin, a pinned chained script, a malformed pin
    bad = write_file(d, 'bad.ipxe', ('#!ipxe\nkernel fw_cfg:opt/fwboot/k\nmodule --sha256=%s fw_cfg:opt/fwboot/m\n'
                                     'boot\n' % sha(k)).encode())
    r = boot(files={'opt/fwboot/boot': bad, K: k, 'opt/fwboot/m': m})
    expect_refused(r, 'opt/fwboot/m', sha(k), sha(m), prefix='fwboot: script opt/fwboot/boot:4: boot: ')
    inner = write_file(d, 'inner.ipxe', b'#!ipxe\necho inner runs\nkernel fw_cfg:opt/fwboot/k\nboot\n')
    outer = write_file(d, 'outer.ipxe', ('#!ipxe\nchain --sha256=%s fw_cfg:opt/fwboot/inner || echo chain refused\n'
                                         'chain --sha256=%s fw_cfg:opt/fwboot/inner\n' % (WRONG, sha(inner))).encode())
    r = boot(files={'opt/fwboot/boot': outer, 'opt/fwboot/inner': inner, K: k})
    expect_status(r, MBTEST_DONE)
    expect_line(r, 'chain refused')
    expect_eq(r.console.count('inner runs'), 1, 'the inner script ran once, after its pin matched')
    r = boot(files={'opt/fwboot/boot': write_file(d, 'x.ipxe', b'#!ipxe\nkernel --sha256=abc fw_cfg:opt/fwboot/k\n'),
                    K: k})
    expect_status(r, ST_SCRIPT)
    expect_line(r, 'option "--sha256" wants 64 hex digits, not "abc"')


def _xorshift_stream(n, seed):
    """tests/kernels/shatest.c's stream: little-endian xorshift32 words."""
    import struct
    r, out = seed, bytearray()
    while len(out) < n:
        r ^= (r << 13) & 0xffffffff
        r ^= r >> 17
        r ^= (r << 5) & 0xffffffff
        out += struct.pack('<I', r)
    return bytes(out[:n])


def test_sha256_i686_against_hashlib():
    """fwboot.elf's own SHA-256 (platform/bios/sha256_i686.S under lib/sha256.c) run
    in a guest: against the C compression function on random blocks at
    every alignment, and against hashlib on every length 0-1000 (chained)
    and on 3 MiB + 7 bytes fed whole and in odd pieces. Then fwboot.elf
    itself checks a correct pin on a module of an odd size."""
    import zlib
    r = boot(kernel_path=kernel('shatest.elf'), mem='64M')
    expect_status(r, MBTEST_DONE)
    lines = {}
    for line in r.console.splitlines():
        if line.startswith('shatest: '):
            words = line[len('shatest: '):].split()
            lines.setdefault(words[0], []).append(dict(w.split('=', 1) for w in words[1:] if '=' in w))
    expect_eq(lines.get('blocks'), [{'checked': '2000', 'mismatches': '0'}], 'asm against C, 2000 calls')
    small = _xorshift_stream(1000, 0x12345678)
    for got in lines.get('length', []):
        n = int(got['len'])
        expect_eq(got['sha256'], hashlib.sha256(small[:n]).hexdigest(), 'SHA-256 of %d bytes' % n)
    expect_eq(len(lines.get('length', [])), 7, 'lengths printed')
    chain = hashlib.sha256()
    for n in range(1001):
        chain.update(hashlib.sha256(small[:n]).digest())
    expect_eq(lines.get('chain', [{}])[0].get('sha256'), chain.hexdigest(), 'every length 0-1000, chained')
    big = _xorshift_stream(3145735, 0x9e3779b9)
    expect_eq(lines.get('stream', [{}])[0].get('crc32'), '0x%x' % zlib.crc32(big), 'the guest made the same stream')
    expect_eq(lines.get('big', [{}])[0].get('sha256'), hashlib.sha256(big).hexdigest(), 'SHA-256 of 3 MiB + 7')
    expect_eq(lines.get('done'), [{'mismatches': '0'}], 'whole against pieces')
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    m = random_file(d, 'm', 200001, seed=10)
    r = boot(files={K: k, 'opt/fwboot/m': m},
             append='name=%s sha256=%s initrd=opt/fwboot/m,sha256=%s' % (K, sha(k), sha(m)))
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    expect_eq(info['mods']['count'], 1, 'module count')
    expect_eq(info['mod'][0]['crc32'], crc32_file(m), 'the pinned module handed over intact')
