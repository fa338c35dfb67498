#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed corpora for the fuzz harnesses, made from the project's own test
kernels (build/kernels, `make kernels`) and a few synthetic headers: no
third-party binaries. Writes build/fuzz/<harness>.seeds/ (replaced each
run). The planner harnesses read a memory-map prefix first (fuzz_map.h):
each kernel is seeded with the fixture map (byte 0) and with a few
generated maps (tiny RAM, holes, many entries)."""

import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = os.path.join(ROOT, 'build', 'kernels')
OUT = os.path.join(ROOT, 'build', 'fuzz')


def entry(start, length, typ=1):
    s, n = start >> 12, length >> 12
    return struct.pack('<I', s)[:3] + struct.pack('<I', n)[:3] + bytes([0 if typ == 1 else 0x80 | typ])


def mapped(entries):
    k = len(entries)
    return bytes([1 | ((k - 1) << 1)]) + b''.join(entries)


MAPS = [
    b'\0',                                                              # the fixture: -m 128M
    mapped([entry(0, 0x9f000), entry(0x100000, 0x1f00000)]),            # 32 MiB
    mapped([entry(0, 0x9f000), entry(0x100000, 0x300000)]),             # 4 MiB: tiny
    mapped([entry(0, 0x9f000), entry(0x9f000, 0x1000, 2), entry(0x100000, 0x100000),
            entry(0x300000, 0x100000), entry(0x800000, 0x8000000), entry(0xfec00000, 0x1000, 2),
            entry(0x100000000, 0x40000000)]),                          # holes, RAM above 4 GiB
    mapped([entry(0x100000 * i, 0x80000, 1 + (i % 3 == 2)) for i in range(1, 40)]),  # many entries
]


def bzimage(ver=0x020f, init_size=0x4000000, relocatable=1, size=0x5000):
    b = bytearray(size)
    b[0x1f1] = 3
    struct.pack_into('<I', b, 0x1f4, (size - 0x800 + 15) // 16)
    struct.pack_into('<H', b, 0x1fa, 0xffff)
    struct.pack_into('<H', b, 0x1fe, 0xaa55)
    b[0x200], b[0x201] = 0xeb, 0x6a
    struct.pack_into('<I', b, 0x202, 0x53726448)
    struct.pack_into('<H', b, 0x206, ver)
    b[0x211] = 1
    struct.pack_into('<I', b, 0x214, 0x100000)
    struct.pack_into('<I', b, 0x22c, 0x7fffffff)
    struct.pack_into('<I', b, 0x230, 0x200000)
    b[0x234] = relocatable
    b[0x235] = 21
    struct.pack_into('<I', b, 0x238, 2047)
    struct.pack_into('<Q', b, 0x258, 0x1000000)
    struct.pack_into('<I', b, 0x260, init_size)
    return bytes(b)


def read(name):
    with open(os.path.join(K, name), 'rb') as f:
        return f.read()


def kernels(prefix):
    return [n for n in sorted(os.listdir(K)) if n.startswith(prefix) and not n.endswith('.gz')
            and os.path.isfile(os.path.join(K, n))]


def write(harness, seeds):
    d = os.path.join(OUT, harness + '.seeds')
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    for i, data in enumerate(seeds):
        with open(os.path.join(d, 'seed%03d' % i), 'wb') as f:
            f.write(data)
    return len(seeds)


def main():
    if not os.path.isdir(K):
        sys.exit('seeds: build/kernels is missing: run "make kernels"')
    n = {}
    mb1 = [read(k) for k in kernels('mbtest-')] + [read('pvhtest-mb1.elf')]
    n['fuzz_mb1'] = write('fuzz_mb1', [m + k for k in mb1 for m in MAPS])
    mb2 = [read(k) for k in kernels('mb2test-')]
    n['fuzz_mb2'] = write('fuzz_mb2', [m + k for k in mb2 for m in MAPS])
    pvh = [read(k) for k in kernels('pvhtest-')]
    n['fuzz_pvh'] = write('fuzz_pvh', [m + k for k in pvh for m in MAPS])
    lim = [read(k) for k in kernels('limtest-')]
    n['fuzz_limine'] = write('fuzz_limine', [m + k for k in lim for m in MAPS])
    # fuzz_linux: map, then the "how" byte (entry choice, initrds), then the image
    lx = [bzimage(), bzimage(0x0202, 0, 0), bzimage(0x020a, 0x100000)]
    n['fuzz_linux'] = write('fuzz_linux', [m + bytes([how]) + k for k in lx for m in MAPS
                                           for how in (0x00, 0x02, 0x04, 0x18)])
    print(' '.join('%s=%d' % kv for kv in sorted(n.items())))


if __name__ == '__main__':
    main()


def more_seeds():
    """cmdline, script, cpio and inflate seeds from the project's own text."""
    import gzip
    import subprocess
    import tempfile
    n = {}
    n['fuzz_cmdline'] = write('fuzz_cmdline', [
        b'build/fwboot.elf name=opt/fwboot/kernel initrd=opt/fwboot/mod1 -- arg1 arg2',
        b'name=opt/k sha256=' + b'ab' * 32 + b' initrd=opt/a,sha256=' + b'cd' * 32,
        b'list', b'fw_cfg=pio format=linux entry=16 name=opt/set.cpio#vmlinuz -- console=ttyS0'])
    scripts = []
    for doc in ('docs/scripts.md', 'README.md'):
        with open(os.path.join(ROOT, doc)) as f:
            text = f.read()
        for block in text.split('```')[1::2] + text.split('\n\n'):
            if '#!ipxe' in block:
                body = '\n'.join(l[4:] if l.startswith('    ') else l for l in block.splitlines())
                scripts.append(body[body.index('#!ipxe'):].encode())
    # raw text needs an even first byte (fuzz/README.md): a newline before the #!ipxe
    n['fuzz_script'] = write('fuzz_script', [b'\n' + s for s in scripts[:20]] or [b'\n#!ipxe\n'])
    d = tempfile.mkdtemp(prefix='fwboot-seeds-')
    for name, data in (('boot.ipxe', b'#!ipxe\nkernel k.elf\nboot\n'), ('k.elf', read('mbtest-elf32.elf')[:2000])):
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
    cpio = subprocess.run('ls | cpio -o -H newc', shell=True, cwd=d, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout
    n['fuzz_cpio'] = write('fuzz_cpio', [cpio] if cpio else [])
    with open(os.path.join(ROOT, 'lib', 'inflate.c'), 'rb') as f:
        src = f.read()[:3000]
    one = gzip.compress(src, 9, mtime=0)
    n['fuzz_inflate'] = write('fuzz_inflate', [b'\xff\xff' + one, b'\xff\xff' + one + b'\0' * 64,
                                               b'\xff\xff' + one + gzip.compress(src[:500], 1, mtime=0)])
    def fwdir(count, names):
        b = struct.pack('>I', count)
        for i, nm in enumerate(names):
            b += struct.pack('>IHH', 100 + i, 0x20 + i, 0) + nm.encode().ljust(56, b'\0')
        return b
    good = fwdir(3, ['bootorder', 'etc/e820', 'opt/fwboot/kernel'])
    n['fuzz_fw_cfg'] = write('fuzz_fw_cfg', [bytes([3, how]) + good for how in (0, 1, 2, 4, 8, 0x40)] +
                             [bytes([1, 0]) + good, bytes([3, 0]) + fwdir(5, ['a', 'b'])])
    # fuzz_tcglog: a crypto-agile log as SeaBIOS starts it (the Spec ID Event
    # listing SHA-256), one EV_IPL event, then the area's zeroed rest
    spec = b'Spec ID Event03\0' + struct.pack('<IBBBBI', 0, 0, 2, 0, 2, 1) + struct.pack('<HH', 0x0b, 32) + b'\0'
    head = struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', len(spec)) + spec
    ev = struct.pack('<IIIH', 9, 0x0d, 1, 0x0b) + bytes(range(32)) + struct.pack('<I', 3) + b'ab\0'
    # and as it starts one over SHA-1 and SHA-256 banks
    spec2 = b'Spec ID Event03\0' + struct.pack('<IBBBBI', 0, 0, 2, 0, 2, 2) + struct.pack('<HHHH', 4, 20, 0x0b, 32) + b'\0'
    head2 = struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', len(spec2)) + spec2
    ev2 = struct.pack('<IIIH', 8, 0x0d, 2, 4) + bytes(20) + struct.pack('<H', 0x0b) + bytes(range(32)) + \
        struct.pack('<I', 3) + b'ab\0'
    n['fuzz_tcglog'] = write('fuzz_tcglog', [head + bytes(64), head + ev + bytes(64), head + ev + ev,
                                             head2 + ev2 + bytes(64)])
    return n


if __name__ == '__main__' and True:
    print(' '.join('%s=%d' % kv for kv in sorted(more_seeds().items())))
