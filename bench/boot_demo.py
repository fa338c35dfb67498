#!/usr/bin/env python3
"""Benchmark (not a test): wall time from QEMU start to the demo kernel's
exit, booted through fwboot from fw_cfg against QEMU's own -kernel with the
same kernel and module, measured interleaved in one run. Also a 64 MiB
module through fwboot by DMA, by port I/O, and through QEMU's own -initrd.
Reports medians and ratios against QEMU's own path (the baseline)."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FWBOOT = os.path.join(ROOT, 'build', 'fwboot.elf')
DEMO = os.path.join(ROOT, 'build', 'kernels', 'demo.elf')
ACCEL = 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'
REPS = int(os.environ.get('FWBOOT_BENCH_REPS', '7'))
BASE = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'null',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-accel', ACCEL, '-m', '512M']


def timed(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=600)
    dt = time.monotonic() - t
    if p.returncode != 129:
        sys.exit('bench: %s exited %d: %s' % (' '.join(cmd), p.returncode, p.stderr.decode()[-500:]))
    return dt


def run(cases):
    times = {name: [] for name, _ in cases}
    for _ in range(REPS):
        for name, cmd in cases:      # interleaved: drift hits every case alike
            times[name].append(timed(cmd))
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title, med, baseline):
    print(title)
    for name, t in med.items():
        print('  %-34s %8.3f s   %5.2fx of %s' % (name, t, t / med[baseline], baseline))


def main():
    d = tempfile.mkdtemp(prefix='fwboot-bench-')
    small = os.path.join(d, 'small')
    with open(small, 'wb') as f:
        f.write(b'demo module\n' * 100)
    big = os.path.join(d, 'big')
    with open(big, 'wb') as f:
        f.write(os.urandom(64 << 20))

    def via_fwboot(mod, extra=''):
        return BASE + ['-kernel', FWBOOT, '-fw_cfg', 'name=opt/fwboot/demo,file=' + DEMO,
                       '-fw_cfg', 'name=opt/fwboot/mod,file=' + mod,
                       '-append', 'name=opt/fwboot/demo initrd=opt/fwboot/mod %s-- bench' % extra]

    def direct(mod):
        return BASE + ['-kernel', DEMO, '-initrd', mod, '-append', 'bench']

    print('accelerator: %s, %d repetitions, medians' % (ACCEL, REPS))
    med = run([('QEMU -kernel demo (baseline)', direct(small)),
               ('fwboot -> demo from fw_cfg', via_fwboot(small))])
    report('demo kernel with a small module:', med, 'QEMU -kernel demo (baseline)')
    med = run([('QEMU -kernel -initrd 64M (baseline)', direct(big)),
               ('fwboot DMA, 64 MiB module', via_fwboot(big)),
               ('fwboot port I/O, 64 MiB module', via_fwboot(big, 'fw_cfg=pio '))])
    report('demo kernel with a 64 MiB module:', med, 'QEMU -kernel -initrd 64M (baseline)')


if __name__ == '__main__':
    main()
