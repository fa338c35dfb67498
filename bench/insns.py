#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""fwboot's own work in guest instructions, exactly (TCG plugin bench/phases.c).

usage: insns.py [--kernel linux|lxtest|mb1] [--quiet] [--top N] [--serial] [--calls N]

Boots one reference payload through fwboot and counts, from fwboot's first
instruction (_start) to the payload's entry, the instructions, port I/O
instructions and MMIO accesses, and where the instructions go per function
(build/fwboot.elf's symbols; blocks outside fwboot's image, the hand-off
trampoline's copy, are one row). The payload exits at its entry
(isa-debug-exit), so a run takes a second or two.

  linux   Debian's kernel (tools/fetch-debian.sh) with a busybox initramfs,
          nokaslr, -m 512M: the issue's reference boot
  lxtest  the test bzImage (build/kernels/lxtest.bzImage): no download
  mb1     the Multiboot 1 test kernel (build/kernels/mbtest-elf32.elf)

As a library: measure(kind, quiet) -> {'insns', 'pio', 'mmio', 'prof'} and
qemu_own(kind) for the same payload through QEMU's own -kernel (whole path).
"""

import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
FWBOOT = os.environ.get('FWBOOT_ELF', os.path.join(BUILD, 'fwboot.elf'))
PLUGIN = os.path.join(BUILD, 'bench', 'phases.so')
BASE = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot', '-accel', 'tcg',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
ARGS = 'console=ttyS0 panic=-1 nokaslr'
EXIT_STUB = bytes([0xB0, 0x7E, 0xE6, 0xF4, 0xF4])   # mov $0x7e,%al; out %al,$0xf4; hlt


def build_plugin():
    """build/bench/phases.so from bench/phases.c (gcc only: Debian 12 ships
    no qemu-plugin.h, so the plugin declares the calls it uses)."""
    src = os.path.join(ROOT, 'bench', 'phases.c')
    if os.path.exists(PLUGIN) and os.path.getmtime(PLUGIN) >= os.path.getmtime(src):
        return PLUGIN
    os.makedirs(os.path.dirname(PLUGIN), exist_ok=True)
    subprocess.run(['gcc', '-O2', '-Wall', '-shared', '-fPIC', '-o', PLUGIN, src], check=True)
    return PLUGIN


def symbols(elf=FWBOOT):
    """[(address, name)] of the image's functions, sorted."""
    out = subprocess.run(['i686-linux-gnu-nm', '-n', elf], check=True, stdout=subprocess.PIPE).stdout.decode()
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in 'tTwW':
            syms.append((int(f[0], 16), f[2]))
    return syms


def symbol_addr(name, elf=FWBOOT):
    for a, n in symbols(elf):
        if n == name:
            return a
    sys.exit('profile: no symbol %s in %s' % (name, elf))


def image_range(elf=FWBOOT):
    lo = hi = None
    out = subprocess.run(['i686-linux-gnu-nm', elf], check=True, stdout=subprocess.PIPE).stdout.decode()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == '_image_start':
            lo = int(f[0], 16)
        if len(f) == 3 and f[2] == '_image_end':
            hi = int(f[0], 16)
    return lo, hi


def run_plugin(cmd, args, timeout=300):
    """The plugin's window/whole/prof lines of one boot: QEMU is stopped
    once the window closes (or when it exits)."""
    plugged = cmd[:1] + ['-plugin', build_plugin() + ',' + ','.join(args)] + cmd[1:]
    res = {'prof': {}, 'pioat': {}, 'iot': [], 'xfer': [], 'calls': []}
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(plugged, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        t0 = time.monotonic()
        while p.poll() is None and time.monotonic() - t0 < timeout:
            time.sleep(0.05)
            err.seek(0)
            text = err.read()
            if b'window:' in text and (b'whole=1' not in ' '.join(args).encode() or b'whole:' in text):
                break
        p.kill()
        p.wait()
        err.seek(0)
        text = err.read().decode('latin-1')
    for line in text.splitlines():
        f = line.split()
        if f and f[0] in ('prof:', 'pioat:'):
            res[f[0][:-1]][int(f[1], 16)] = int(f[2])
        elif f and f[0] == 'call:':     # calls=1: SITE CALLEE INSNS CALLS
            res['calls'].append((int(f[1], 16), int(f[2], 16), int(f[3]), int(f[4])))
        elif f and f[0] == 'iot:':       # iotime=1: PC PORT N NS CPUNS FAULTS per site
            res['iot'].append((int(f[1], 16),) + tuple(int(x) for x in f[2:7]))
        elif f and f[0] == 'xfer:':      # iotime=1: each write to 0x518, PC NS CPUNS FAULTS
            res['xfer'].append((int(f[1], 16),) + tuple(int(x) for x in f[2:5]))
        elif f and f[0] in ('window:', 'whole:', 'times:'):
            res[f[0][:-1]] = {f[i]: int(f[i + 1]) for i in range(1, len(f) - 1, 2)}
    if 'window' not in res:
        sys.exit('profile: the window did not close: %s\n%s' % (' '.join(plugged), text[-1500:]))
    return res


def patched(path, d, kind):
    """A copy of the payload whose first instruction exits QEMU, and the
    address fwboot (and QEMU) enter it at."""
    data = bytearray(open(path, 'rb').read())
    if kind == 'mb1':
        return path, None       # the entry is read from the ELF header; it runs to its own exit
    setup = ((data[0x1F1] or 4) + 1) * 512
    data[setup:setup + 5] = EXIT_STUB
    out = os.path.join(d, os.path.basename(path) + '.exit')
    with open(out, 'wb') as f:
        f.write(data)
    return out, data


def payload(kind, d):
    """(kernel path, initrd path or None, its arguments, -m)"""
    if kind == 'linux':
        sys.path.insert(0, os.path.join(ROOT, 'bench'))
        import linux
        files = linux.fetch()
        return files['vmlinuz'], linux.make_initramfs(d, files['busybox']), ARGS, '512M'
    if kind == 'lxtest':
        initrd = os.path.join(d, 'initrd')
        with open(initrd, 'wb') as f:
            f.write(bytes(range(256)) * 4096)
        return os.path.join(BUILD, 'kernels', 'lxtest.bzImage'), initrd, ARGS, '512M'
    if kind == 'mb1':
        mod = os.path.join(d, 'mod')
        with open(mod, 'wb') as f:
            f.write(bytes(range(256)) * 4096)
        return os.path.join(BUILD, 'kernels', 'mbtest-elf32.elf'), mod, 'a b', '512M'
    sys.exit('profile: unknown kernel %s' % kind)


def entry_of(kind, kpath, data, fwboot):
    """Where the payload is entered: fwboot loads a relocatable bzImage at its
    pref_address, QEMU at 1 MiB; an ELF at its entry."""
    if kind == 'mb1':
        hdr = open(kpath, 'rb').read(64)
        return int.from_bytes(hdr[24:28], 'little')
    if fwboot and data[0x234]:
        return int.from_bytes(data[0x258:0x260], 'little')
    return int.from_bytes(data[0x214:0x218], 'little')


def rom_boot_entry(cmd):
    """The linear address SeaBIOS boots the option ROM of QEMU's -kernel at
    (its debug console's "Booting from SEG:OFF": linuxboot_dma.bin for a
    Linux kernel, multiboot_dma.bin for fwboot and Multiboot kernels), from
    one run of cmd with the debug console on a file."""
    with tempfile.NamedTemporaryFile(prefix='fwboot-seabios-') as log:
        subprocess.run(cmd + ['-chardev', 'file,path=%s,id=seabios' % log.name,
                              '-device', 'isa-debugcon,iobase=0x402,chardev=seabios'],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        found = re.findall(rb'Booting from ([0-9a-f]{4}):([0-9a-f]{4})', log.read())
    if not found:
        sys.exit('profile: SeaBIOS named no option ROM it booted: %s' % ' '.join(cmd))
    seg, off = found[-1]
    return int(seg, 16) * 16 + int(off, 16)


def from_rom(cmd, to):
    """The window from the option ROM's boot entry to the payload's entry:
    what the two paths do after SeaBIOS's common POST (QEMU's: its Linux
    option ROM and the kernel's real-mode setup code; fwboot's: the
    Multiboot option ROM and fwboot)."""
    return run_plugin(cmd, ['from=0x%x' % rom_boot_entry(cmd), 'to=0x%x' % to])['window']


def measure(kind, quiet=False, serial=False, extra='', calls=False, rom=False):
    """fwboot's own work, _start to the payload's entry (with rom, also
    res['rom']: the window from the option ROM's boot entry)."""
    d = tempfile.mkdtemp(prefix='fwboot-profile-')
    try:
        kpath, initrd, args, mem = payload(kind, d)
        kpath, data = patched(kpath, d, kind)
        cmd = BASE + ['-m', mem, '-serial', 'stdio' if serial else 'null', '-kernel', FWBOOT,
                      '-fw_cfg', 'name=opt/fwboot/kernel,file=' + kpath]
        opts = ('quiet ' if quiet else '') + extra
        if initrd:
            cmd += ['-fw_cfg', 'name=opt/fwboot/initrd,file=' + initrd]
            opts += 'initrd=opt/fwboot/initrd '
        cmd += ['-append', '%sname=opt/fwboot/kernel -- %s' % (opts, args)]
        to = entry_of(kind, kpath, data, True)
        res = run_plugin(cmd, ['from=0x%x' % symbol_addr('_start'), 'to=0x%x' % to, 'whole=1'] +
                         (['calls=1'] if calls else []))
        res.update(res['window'])
        if rom:
            res['rom'] = from_rom(cmd, to)
        return res
    finally:
        subprocess.run(['rm', '-rf', d])


def qemu_own(kind, rom=False):
    """QEMU's own -kernel/-initrd/-append to the payload's entry (whole path;
    with rom, also 'rom': the window from its option ROM's boot entry)."""
    d = tempfile.mkdtemp(prefix='fwboot-profile-')
    try:
        kpath, initrd, args, mem = payload(kind, d)
        kpath, data = patched(kpath, d, kind)
        cmd = BASE + ['-m', mem, '-serial', 'null', '-kernel', kpath, '-append', args]
        if initrd:
            cmd += ['-initrd', initrd]
        to = entry_of(kind, kpath, data, False)
        whole = run_plugin(cmd, ['from=0', 'to=0x%x' % to, 'whole=1'])['whole']
        if rom:
            whole = dict(whole, rom=from_rom(cmd, to))
        return whole
    finally:
        subprocess.run(['rm', '-rf', d])


OVMF = '/usr/share/ovmf/OVMF.fd'
FWBOOT_EFI = os.path.join(BUILD, 'fwboot.efi')


def efi_exit_kernel(path, d):
    """A copy of a bzImage whose PE entry (the EFI stub, what LoadImage and
    StartImage run) exits QEMU."""
    data = bytearray(open(path, 'rb').read())
    pe = int.from_bytes(data[0x3c:0x40], 'little')
    nsec = int.from_bytes(data[pe + 6:pe + 8], 'little')
    opt = int.from_bytes(data[pe + 20:pe + 22], 'little')
    entry = int.from_bytes(data[pe + 40:pe + 44], 'little')
    for i in range(nsec):
        s = pe + 24 + opt + 40 * i
        vsz, va, _, raw = (int.from_bytes(data[s + 8 + 4 * k:s + 12 + 4 * k], 'little') for k in range(4))
        if va <= entry < va + vsz:
            off = entry - va + raw
            data[off:off + 5] = EXIT_STUB
            out = os.path.join(d, 'vmlinuz.efi-exit')
            with open(out, 'wb') as f:
                f.write(data)
            return out
    sys.exit('profile: %s: no section holds the PE entry' % path)


def uefi(fwboot, quiet=False):
    """QEMU start to the Linux EFI stub's entry under OVMF: OVMF's own
    -kernel, or fwboot.efi (started by OVMF's -kernel) from fw_cfg. OVMF's
    timer-driven waits make these counts vary by about 1% from run to run.
    None without OVMF or fwboot.efi."""
    if not os.path.isfile(OVMF) or (fwboot and not os.path.isfile(FWBOOT_EFI)):
        return None
    d = tempfile.mkdtemp(prefix='fwboot-profile-')
    try:
        sys.path.insert(0, os.path.join(ROOT, 'bench'))
        import linux
        k = efi_exit_kernel(linux.fetch()['vmlinuz'], d)
        cmd = BASE + ['-m', '512M', '-serial', 'null', '-bios', OVMF]
        if fwboot:
            cmd += ['-kernel', FWBOOT_EFI, '-fw_cfg', 'name=opt/fwboot/kernel,file=' + k, '-append',
                    '%sname=opt/fwboot/kernel -- console=ttyS0' % ('quiet ' if quiet else '')]
        else:
            cmd += ['-kernel', k, '-append', 'console=ttyS0']
        plugged = cmd[:1] + ['-plugin', build_plugin() + ',from=0,to=0x1,atexit=1'] + cmd[1:]
        p = subprocess.run(plugged, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=600)
        for line in p.stderr.decode('latin-1').splitlines():
            f = line.split()
            if f and f[0] == 'exit:' and p.returncode == (0x7E << 1 | 1):
                return {f[i]: int(f[i + 1]) for i in range(1, len(f) - 1, 2)}
        sys.exit('profile: %s did not reach the EFI stub (status %d)' % (' '.join(plugged), p.returncode))
    finally:
        subprocess.run(['rm', '-rf', d])


def name_at(pc, elf=FWBOOT, _cache={}):
    """The function of fwboot's image that holds pc."""
    if elf not in _cache:
        syms = symbols(elf)
        _cache[elf] = (syms, [a for a, _ in syms], image_range(elf))
    syms, addrs, (lo, hi) = _cache[elf]
    import bisect
    if lo is None or not lo <= pc < hi:
        return '(outside fwboot)'
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else '?'


def by_call(calls, elf=FWBOOT):
    """[(caller, callee, instructions, calls)]: the calls=1 edges by function
    pair, callees' callees included, largest first."""
    total = {}
    for site, callee, n, k in calls:
        key = (name_at(site, elf), name_at(callee, elf))
        t = total.get(key, (0, 0))
        total[key] = (t[0] + n, t[1] + k)
    return sorted(((a, b, n, k) for (a, b), (n, k) in total.items()), key=lambda t: -t[2])


def by_function(prof, elf=FWBOOT):
    """[(name, instructions)] from a profile, largest first."""
    syms = symbols(elf)
    lo, hi = image_range(elf)
    addrs = [a for a, _ in syms]
    import bisect
    total = {}
    for pc, n in prof.items():
        if lo is not None and lo <= pc < hi:
            i = bisect.bisect_right(addrs, pc) - 1
            name = syms[i][1] if i >= 0 else '?'
        else:
            name = '(outside fwboot: the trampoline\'s copy)'
        total[name] = total.get(name, 0) + n
    return sorted(total.items(), key=lambda t: -t[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', default='linux', choices=['linux', 'lxtest', 'mb1'])
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--serial', action='store_true', help='-serial stdio instead of null')
    ap.add_argument('--extra', default='', help='more fwboot options (end with a space)')
    ap.add_argument('--top', type=int, default=30)
    ap.add_argument('--calls', type=int, default=0, metavar='N',
                    help='also the N costliest calls by caller and callee, their callees included')
    a = ap.parse_args()
    res = measure(a.kernel, a.quiet, a.serial, a.extra, calls=a.calls > 0)
    print('fwboot _start to the %s entry%s: %d instructions, %d port I/O, %d MMIO '
          '(QEMU start to there: %d)' % (a.kernel, ' (quiet)' if a.quiet else '', res['insns'],
                                         res['pio'], res['mmio'], res['whole']['insns']))
    for name, n in by_function(res['prof'])[:a.top]:
        print('  %10d  %5.1f%%  %s' % (n, 100.0 * n / max(res['insns'], 1), name))
    print('port I/O instructions by function:')
    for name, n in by_function(res['pioat'])[:10]:
        print('  %10d  %s' % (n, name))
    if a.calls:
        print('calls (caller -> callee: instructions inclusive, calls):')
        for caller, callee, n, k in by_call(res['calls'])[:a.calls]:
            print('  %10d  %5d  %s -> %s' % (n, k, caller, callee))


if __name__ == '__main__':
    main()
