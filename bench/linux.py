#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark (not a test): wall time from QEMU start to the initramfs marker
of Debian's kernel with a busybox initramfs, booted

  - through fwboot from fw_cfg with the 32-bit entry (entry=32),
  - through fwboot from fw_cfg with the real-mode entry (entry=16),
  - through fwboot with no entry= (the default the image's header decides),
  - through QEMU's own -kernel/-initrd/-append (the baseline),
  - through GRUB from an ISO (`linux`/`initrd` from the ISO, BIOS),

with the same files and kernel arguments, interleaved in one run. Also the
time to the kernel's first console line ("Linux version") and QEMU's CPU
time at the marker. Reports medians and ratios against QEMU's own path.

The full boot varies by a second from run to run under TCG (decompression,
KASLR), which hides the loaders' small differences; so a second table times
the way in alone: the same kernel file with its first instruction replaced
by a write to isa-debug-exit, once at the real-mode setup entry and once at
the 32-bit entry (startup_32, reached after the real setup code runs where
the path has one). Those runs end in about 0.1 s and repeat closely.

FWBOOT_BENCH_REPS sets the full-boot repetitions (default 9; the way-in
runs three times as many, at least 21); FWBOOT_KVM=1 uses KVM.
Needs tools/fetch-debian.sh (run here) and the cpio tool.
"""

import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FWBOOT = os.environ.get('FWBOOT_ELF', os.path.join(ROOT, 'build', 'fwboot.elf'))
ACCEL = 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'
REPS = int(os.environ.get('FWBOOT_BENCH_REPS', '9'))
MARKER = b'FWBOOT-LINUX-MARKER'
KERNEL_START = b'Linux version'
ARGS = 'console=ttyS0 panic=-1'
BASE = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'stdio',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-accel', ACCEL, '-m', '512M']

INIT = b'''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo FWBOOT-LINUX-MARKER
/bin/busybox poweroff -f
'''


def fetch():
    out = subprocess.run(['sh', os.path.join(ROOT, 'tools', 'fetch-debian.sh')], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return dict(line.split('=', 1) for line in out.splitlines() if '=' in line)


def make_initramfs(d, busybox):
    root = os.path.join(d, 'root')
    for sub in ('bin', 'proc', 'dev'):
        os.makedirs(os.path.join(root, sub))
    shutil.copy(busybox, os.path.join(root, 'bin', 'busybox'))
    with open(os.path.join(root, 'init'), 'wb') as f:
        f.write(INIT)
    os.chmod(os.path.join(root, 'init'), 0o755)
    names = subprocess.run(['find', '.'], cwd=root, check=True, stdout=subprocess.PIPE).stdout
    out = os.path.join(d, 'initrd.cpio')
    with open(out, 'wb') as f:
        subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root, input=names, check=True, stdout=f)
    return out


def cpu_seconds(pid):
    """User + system time QEMU has used so far (all its threads)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def timed(cmd):
    """(seconds to the kernel's first line, seconds to the marker, QEMU's CPU
    seconds at the marker) of one boot."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    buf = b''
    t_kernel = t_marker = cpu = None
    deadline = t0 + 600
    while t_marker is None and time.monotonic() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 1.0)
        if not ready:
            if p.poll() is not None:
                break
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        now = time.monotonic()
        if t_kernel is None and KERNEL_START in buf:
            t_kernel = now - t0
        if MARKER in buf:
            t_marker = now - t0
            cpu = cpu_seconds(p.pid)
    p.kill()
    p.wait()
    if t_marker is None or t_kernel is None:
        sys.exit('bench: no marker from %s\n%s' % (' '.join(cmd), buf.decode('latin-1')[-2000:]))
    return t_kernel, t_marker, cpu


def grub_iso(d, vmlinuz, initrd):
    """A BIOS GRUB ISO that boots vmlinuz and initrd from itself at once."""
    root = os.path.join(d, 'iso')
    os.makedirs(os.path.join(root, 'boot', 'grub'))
    shutil.copy(vmlinuz, os.path.join(root, 'boot', 'vmlinuz'))
    shutil.copy(initrd, os.path.join(root, 'boot', 'initrd.cpio'))
    with open(os.path.join(root, 'boot', 'grub', 'grub.cfg'), 'w') as f:
        f.write('serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n'
                'set timeout=0\nmenuentry linux {\n  linux /boot/vmlinuz %s\n'
                '  initrd /boot/initrd.cpio\n}\n' % ARGS)
    iso = os.path.join(d, 'linux.iso')
    p = subprocess.run(['grub-mkrescue', '-o', iso, '--locales=', '--fonts=', '--themes=',
                        '--install-modules=linux serial terminal normal configfile', root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        sys.exit('bench: grub-mkrescue failed: %s' % p.stdout.decode()[-1000:])
    return iso


def exit_stub(value):
    """mov $value, %al; out %al, $0xf4; hlt (16- and 32-bit alike)."""
    return bytes([0xB0, value, 0xE6, 0xF4, 0xF4])


def patched_kernels(d, vmlinuz):
    """(exits at the setup entry, exits at startup_32) copies of vmlinuz."""
    with open(vmlinuz, 'rb') as f:
        img = bytearray(f.read())
    setup = ((img[0x1F1] or 4) + 1) * 512
    setup_entry = 0x202 + img[0x201]     # where the jump at 0x200 lands
    pm = bytearray(img)
    pm[setup:setup + 5] = exit_stub(0x20)
    rm = bytearray(pm)
    rm[setup_entry:setup_entry + 5] = exit_stub(0x21)
    paths = []
    for name, data in (('exit-at-setup', rm), ('exit-at-startup32', pm)):
        path = os.path.join(d, name)
        with open(path, 'wb') as f:
            f.write(data)
        paths.append(path)
    return paths


def timed_exit(cmd, status):
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    if p.returncode != status:
        sys.exit('bench: %s exited %d, expected %d: %s' % (' '.join(cmd), p.returncode, status,
                                                            p.stderr.decode()[-500:]))
    return dt


def bench_entry(d, vmlinuz, initrd):
    k_rm, k_pm = patched_kernels(d, vmlinuz)
    reps = max(21, REPS * 3)

    def qemu(k):
        return BASE + ['-kernel', k, '-initrd', initrd, '-append', ARGS]

    def fw(k, entry):
        return BASE + ['-kernel', FWBOOT, '-fw_cfg', 'name=opt/fwboot/vmlinuz,file=' + k,
                       '-fw_cfg', 'name=opt/fwboot/initrd,file=' + initrd, '-append',
                       'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd entry=%s -- %s' % (entry, ARGS)]
    at_setup, at_pm = (0x21 << 1) | 1, (0x20 << 1) | 1
    cases = [
        ('setup entry', 'QEMU -kernel/-initrd/-append', qemu(k_rm), at_setup),
        ('setup entry', 'fwboot entry=16', fw(k_rm, '16'), at_setup),
        ('32-bit entry', 'QEMU -kernel/-initrd/-append', qemu(k_pm), at_pm),
        ('32-bit entry', 'fwboot entry=16', fw(k_pm, '16'), at_pm),
        ('32-bit entry', 'fwboot entry=32', fw(k_pm, '32'), at_pm),
    ]
    times = [[] for _ in cases]
    for _ in range(reps):
        for i, (_, _, cmd, status) in enumerate(cases):
            times[i].append(timed_exit(cmd, status))
    med = [statistics.median(t) for t in times]
    print('Way in: QEMU start to the kernel\'s first instruction, %d runs each, '
          'median (min-max) in seconds' % reps)
    base = {}
    for (point, name, _, _), m, t in zip(cases, med, times):
        base.setdefault(point, m)
        print('  to the %-13s %-30s %s (%4.2fx)' % (point, name, fmt3(t), m / base[point]))


def fmt3(xs):
    """median (min-max) of seconds"""
    return '%.3f (%.3f-%.3f)' % (statistics.median(xs), min(xs), max(xs))


PLUGIN = os.path.join(ROOT, 'build', 'bench', 'phases.so')


def build_plugin():
    """bench/phases.c as a QEMU plugin, or None (and why) when this QEMU or
    compiler cannot have one."""
    if b'-plugin' not in subprocess.run(['qemu-system-x86_64', '-help'], stdout=subprocess.PIPE).stdout:
        return None, 'this QEMU has no -plugin option'
    os.makedirs(os.path.dirname(PLUGIN), exist_ok=True)
    p = subprocess.run(['gcc', '-O2', '-Wall', '-shared', '-fPIC', '-o', PLUGIN,
                        os.path.join(ROOT, 'bench', 'phases.c')], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode:
        return None, 'gcc could not build bench/phases.c: %s' % p.stdout.decode()[-300:]
    return PLUGIN, None


def count_insns(cmd, watch):
    """{(address, n): guest instructions before the n-th execution of the
    block at address} of one boot, stopped at the marker."""
    plugged = cmd[:1] + ['-plugin', PLUGIN + ',' + ','.join('at=0x%x' % a for a in watch)] + cmd[1:]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(plugged, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        buf, t0 = b'', time.monotonic()
        while MARKER not in buf and time.monotonic() - t0 < 900:
            ready, _, _ = select.select([p.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
            elif p.poll() is not None:
                break
        p.kill()
        p.wait()
        err.seek(0)
        found = {}
        for line in err.read().decode('latin-1').splitlines():
            f = line.split()
            if len(f) == 5 and f[0] == 'phase:' and f[3] == 'insns':
                found[(int(f[1], 16), int(f[2][1:]))] = int(f[4])
    if MARKER not in buf:
        sys.exit('bench: no marker from %s' % ' '.join(plugged))
    return found


def bench_insns(cases):
    """Guest instructions, QEMU start to the compressed kernel's first
    instruction and from there to the kernel proper's, per path (nokaslr,
    so the decompressor does the same work each run)."""
    plugin, why = build_plugin()
    if not plugin:
        print('Guest instructions: not counted: %s' % why)
        return
    # Debian's bzImage runs its 32-bit code where it was loaded (QEMU: 1 MiB,
    # fwboot: its pref_address, 16 MiB) and decompresses itself to 16 MiB
    low, high = 0x100000, 0x1000000
    rows = []
    for name, cmd in cases:
        hits = count_insns(cmd, [low, high])
        if (low, 1) in hits:        # loaded at 1 MiB: startup_32 there, the kernel proper at 16 MiB
            start32, kernel = hits[(low, 1)], hits.get((high, 1))
        else:                       # loaded at 16 MiB: the same address twice
            start32, kernel = hits.get((high, 1)), hits.get((high, 2))
        if start32 is None or kernel is None:
            print('Guest instructions: %s: the watched addresses were not reached (%r)' % (name, hits))
            return
        rows.append((name, start32, kernel - start32))
    print('Guest instructions (TCG plugin bench/phases.c; nokaslr; exact, load-independent):')
    print('  %-44s %16s %16s %14s' % ('', 'to startup_32', 'decompressor', 'total vs QEMU'))
    b = rows[0][1] + rows[0][2]
    for name, a, dec in rows:
        print('  %-44s %16d %16d %+14d' % (name, a, dec, a + dec - b))


def kvm_is_real():
    """FWBOOT_KVM=1 figures only where /dev/kvm is faster than TCG at a tiny
    boot: a software virtualizer behind /dev/kvm (as on some CI machines)
    would give figures that are not KVM's. (bool, why)"""
    demo = os.path.join(ROOT, 'build', 'kernels', 'demo.elf')
    times = {}
    for accel in ('tcg', 'kvm'):
        cmd = [c if c != ACCEL else accel for c in BASE] + ['-kernel', demo, '-append', 'bench']
        t = []
        for _ in range(3):
            t0 = time.monotonic()
            try:
                subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=120)
            except subprocess.TimeoutExpired:
                return False, '%s did not finish the tiny kernel in 120 s' % accel
            t.append(time.monotonic() - t0)
        times[accel] = statistics.median(t)
    ok = times['kvm'] < times['tcg']
    return ok, 'the tiny kernel boots in %.2f s under /dev/kvm, %.2f s under TCG%s' % (
        times['kvm'], times['tcg'], '' if ok else ': /dev/kvm here is a software virtualizer, not KVM')


def main():
    if not os.path.isfile(FWBOOT):
        sys.exit('bench: build/fwboot.elf is missing: run make')
    if ACCEL == 'kvm':
        real, why = kvm_is_real()
        if not real:
            print('Linux boot under KVM: skipped: %s' % why)
            return
    files = fetch()
    d = tempfile.mkdtemp(prefix='fwboot-bench-linux-')
    try:
        initrd = make_initramfs(d, files['busybox'])
        vmlinuz = files['vmlinuz']

        def qemu_own(args=ARGS):
            return BASE + ['-kernel', vmlinuz, '-initrd', initrd, '-append', args]

        def via_fwboot(entry, args=ARGS):
            opt = 'entry=%s ' % entry if entry else ''
            return BASE + ['-kernel', FWBOOT, '-fw_cfg', 'name=opt/fwboot/vmlinuz,file=' + vmlinuz,
                           '-fw_cfg', 'name=opt/fwboot/initrd,file=' + initrd, '-append',
                           'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd %s-- %s' % (opt, args)]

        qemu_name = 'QEMU -kernel/-initrd/-append'
        again = 'QEMU again (A/A control)'
        cases = [
            (qemu_name, qemu_own()),
            ('fwboot (no entry=)', via_fwboot(None)),
            ('fwboot entry=32', via_fwboot('32')),
            ('fwboot entry=16', via_fwboot('16')),
            (again, qemu_own()),
        ]
        if shutil.which('grub-mkrescue'):
            cases.append(('GRUB ISO linux/initrd', BASE + ['-cdrom', grub_iso(d, vmlinuz, initrd),
                                                           '-boot', 'd']))
        samples = {name: [] for name, _ in cases}
        for _ in range(REPS):
            for name, cmd in cases:     # interleaved: drift hits every case alike
                samples[name].append(timed(cmd))
        bench_entry(d, vmlinuz, initrd)
        base = cases[0][0]
        med = {n: [statistics.median(col) for col in zip(*v)] for n, v in samples.items()}
        print('Linux boot, Debian %s, %s, %d runs each, median (min-max) in seconds, '
              'ratio of medians to %s' % (os.path.basename(os.path.realpath(vmlinuz)), ACCEL, REPS, base))
        print('  %-30s %32s %32s %32s' % ('', 'to "Linux version"', 'to marker (wall)', 'to marker (CPU)'))
        for name, _ in cases:
            cols = list(zip(*samples[name]))
            print('  %-30s' % name + ''.join(' %24s %5.2fx' % (fmt3(c), m / b)
                                             for c, m, b in zip(cols, med[name], med[base])))
        spread = max(abs(m / b - 1) for m, b in zip(med[again], med[base]))
        print('The A/A control boots exactly what the first row boots: its ratio (up to %.0f%% off '
              '1.00x here) is the run-to-run noise; smaller differences are not resolved.' % (spread * 100))
        nk = ARGS + ' nokaslr'
        bench_insns([(qemu_name, qemu_own(nk)), ('fwboot (no entry=)', via_fwboot(None, nk)),
                     ('fwboot entry=32', via_fwboot('32', nk)), ('fwboot entry=16', via_fwboot('16', nk))])
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
