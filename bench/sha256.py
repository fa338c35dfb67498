#!/usr/bin/env python3
"""Benchmark (not a test): what a sha256= pin costs under TCG. The same
test kernel boots with a 32 MiB module, unpinned and pinned, interleaved;
the difference of the medians is the hashing time (fwboot reads the module
once more by DMA and hashes it in 64 KiB chunks). Prints MB/s."""

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FWBOOT = os.path.join(ROOT, 'build', 'fwboot.elf')
KERNEL = os.path.join(ROOT, 'build', 'kernels', 'mbtest-elf32.elf')
ACCEL = 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'
REPS = int(os.environ.get('FWBOOT_BENCH_REPS', '5'))
SIZE = 32 << 20


def timed(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=900)
    dt = time.monotonic() - t
    if p.returncode != 129:
        sys.exit('bench: exit %d: %s' % (p.returncode, p.stderr.decode()[-300:]))
    return dt


def main():
    d = tempfile.mkdtemp(prefix='fwboot-bench-sha-')
    mod = os.path.join(d, 'mod')
    with open(mod, 'wb') as f:
        f.write(os.urandom(SIZE))
    with open(mod, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    base = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'null',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-accel', ACCEL, '-m', '256M',
            '-kernel', FWBOOT, '-fw_cfg', 'name=opt/fwboot/k,file=' + KERNEL,
            '-fw_cfg', 'name=opt/fwboot/m,file=' + mod]
    cases = (('unpinned', base + ['-append', 'name=opt/fwboot/k initrd=opt/fwboot/m']),
             ('pinned', base + ['-append', 'name=opt/fwboot/k initrd=opt/fwboot/m,sha256=' + digest]))
    times = {n: [] for n, _ in cases}
    for _ in range(REPS):
        for n, cmd in cases:
            times[n].append(timed(cmd))
    med = {n: statistics.median(t) for n, t in times.items()}
    extra = med['pinned'] - med['unpinned']
    print('sha256 pin (%s, %d MiB module, median of %d): unpinned %.2f s, pinned %.2f s, hashing %.2f s'
          ' = %.1f MB/s' % (ACCEL, SIZE >> 20, REPS, med['unpinned'], med['pinned'], extra,
                             SIZE / 1e6 / extra if extra > 0 else float('inf')))


if __name__ == '__main__':
    main()
