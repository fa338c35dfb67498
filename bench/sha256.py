#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark (not a test): what a sha256= pin costs under TCG. The same
test kernel boots with no module, with a 32 MiB module unpinned and with it
pinned, all interleaved; pinned minus unpinned (medians) is the hashing
time (fwboot reads the module once more by DMA and hashes it in 64 KiB
chunks), unpinned minus no module is what the module costs anyway (QEMU
reading the file, fwboot's DMA). Prints min/median/max and MB/s.

    python3 bench/sha256.py [FWBOOT.elf ...]

Several fwboot images (say, before and after a change) are measured in the
same interleaved run, so the machine's load falls on each alike. Default:
build/fwboot.elf. FWBOOT_BENCH_REPS sets the repetitions (default 5),
FWBOOT_KVM=1 uses KVM."""

import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, 'build', 'kernels', 'mbtest-elf32.elf')
ACCEL = 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'
REPS = int(os.environ.get('FWBOOT_BENCH_REPS', '5'))
SIZE = 32 << 20


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd):
    """Wall time and QEMU's CPU time (which the machine's load inflates less)."""
    t, c = time.monotonic(), cpu_children()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=900)
    dt, dc = time.monotonic() - t, cpu_children() - c
    if p.returncode != 129:
        sys.exit('bench: exit %d: %s' % (p.returncode, p.stderr.decode()[-300:]))
    return dt, dc


def spread(t):
    return 'min %.2f / median %.2f / max %.2f s' % (min(t), statistics.median(t), max(t))


def main():
    elfs = sys.argv[1:] or [os.path.join(ROOT, 'build', 'fwboot.elf')]
    d = tempfile.mkdtemp(prefix='fwboot-bench-sha-')
    mod = os.path.join(d, 'mod')
    with open(mod, 'wb') as f:
        f.write(os.urandom(SIZE))
    with open(mod, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    cases = []
    for elf in elfs:
        base = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot',
                '-serial', 'null', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
                '-accel', ACCEL, '-m', '256M', '-kernel', elf,
                '-fw_cfg', 'name=opt/fwboot/k,file=' + KERNEL]
        withmod = base + ['-fw_cfg', 'name=opt/fwboot/m,file=' + mod]
        cases += [((elf, 'none'), base + ['-append', 'name=opt/fwboot/k']),
                  ((elf, 'unpinned'), withmod + ['-append', 'name=opt/fwboot/k initrd=opt/fwboot/m']),
                  ((elf, 'pinned'), withmod + ['-append', 'name=opt/fwboot/k initrd=opt/fwboot/m,sha256='
                                               + digest])]
    wall = {key: [] for key, _ in cases}
    cpu = {key: [] for key, _ in cases}
    for _ in range(REPS):
        for key, cmd in cases:
            w, c = timed(cmd)
            wall[key].append(w)
            cpu[key].append(c)
    os.remove(mod)
    os.rmdir(d)
    print('sha256 pin (%s, %d MiB module, %d interleaved runs each)' % (ACCEL, SIZE >> 20, REPS))
    for elf in elfs:
        print('%s:' % elf)
        for what, times in (('wall', wall), ('QEMU CPU', cpu)):
            med = {n: statistics.median(times[(elf, n)]) for n in ('none', 'unpinned', 'pinned')}
            hashing = med['pinned'] - med['unpinned']
            for n in ('none', 'unpinned', 'pinned'):
                print('  %-8s %-8s %s' % (what, n, spread(times[(elf, n)])))
            print('  %-8s the module unpinned (QEMU reads it, fwboot loads it by DMA): %.2f s'
                  % (what, med['unpinned'] - med['none']))
            print('  %-8s the pin: hashing %.2f s (medians) = %.1f MB/s; %.2f s (minimums)'
                  % (what, hashing, SIZE / 1e6 / hashing if hashing > 0 else float('inf'),
                     min(times[(elf, 'pinned')]) - min(times[(elf, 'unpinned')])))


if __name__ == '__main__':
    main()
