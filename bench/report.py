#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmarks (not tests) gathered into build/bench/report.md with PNG plots.

Every figure is min, median and max over FWBOOT_BENCH_REPS (default 5)
runs; cases that are compared run alternately (one of each, then again), so
a change in the machine's load hits each alike, and ratios are against a
baseline measured in the same run. The report records the load average
before and after: figures from a busy machine say so.

Sections (FWBOOT_BENCH_ONLY=a,b picks some):
  size        build/fwboot.elf's sections against the budget the build enforces
  insns       guest instructions from QEMU's start to the kernel's entry (Debian's
              Linux, a Multiboot 1 kernel), QEMU's own -kernel against fwboot
              (default and quiet); fwboot's own part; port I/O and MMIO counts;
              under OVMF, its own -kernel against fwboot.efi to the EFI stub
  demo        QEMU start to the end of a tiny kernel: through fwboot from fw_cfg
              against QEMU's own -kernel
  load        load throughput for 16, 64 and 256 MiB: fwboot by DMA against QEMU's
              own -initrd timed inside the fw_cfg DMA transfers (the plugin); every
              path, also `rep insb` (fw_cfg=pio) and an `inb` loop (fw_cfg=inb), to
              the kernel's entry less a 4 KiB module's; the port I/O fallbacks
              inside their port instructions; MB/s
  growth      how boot time grows with 1-1000 modules, a bundle of 10-10000
              members, a 1-64 MiB gzipped kernel, a script of 10-10000 lines
  linux       bench/linux.py (Debian's kernel to the initramfs marker)

Time is the wall time from QEMU's start to its exit (the demo kernel ends
QEMU through isa-debug-exit); throughput and growth subtract the same
path's time with the smallest input, so what is left is the cost of the
extra bytes, members or lines. FWBOOT_BENCH_QUICK=1 uses fewer and smaller
inputs (a smoke run of the script itself, not figures to quote).
"""

import gzip
import hashlib
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from linux import kvm_is_real  # bench/linux.py: is /dev/kvm faster than TCG here?

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
OUT = os.path.join(BUILD, 'bench')
FWBOOT = os.path.join(BUILD, 'fwboot.elf')
DEMO = os.path.join(BUILD, 'kernels', 'demo.elf')
ACCEL = 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'
QUICK = os.environ.get('FWBOOT_BENCH_QUICK') == '1'
REPS = int(os.environ.get('FWBOOT_BENCH_REPS', '3' if QUICK else '5'))
ONLY = [s for s in os.environ.get('FWBOOT_BENCH_ONLY', '').split(',') if s]
BASE = ['qemu-system-x86_64', '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'null',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-accel', ACCEL]
DEMO_OK = 129


class Stats:
    """min, median and max of a list of samples."""

    def __init__(self, samples):
        self.samples = sorted(samples)
        self.min = self.samples[0]
        self.med = statistics.median(self.samples)
        self.max = self.samples[-1]

    def map(self, f):
        """The same statistics of f(sample); f may reverse the order."""
        return Stats([f(s) for s in self.samples])

    def fmt(self, unit='s', digits=3):
        return '%.*f %s (%.*f-%.*f)' % (digits, self.med, unit, digits, self.min, digits, self.max)


def run_once(cmd, status=DEMO_OK, timeout=1800):
    t = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=timeout)
    dt = time.monotonic() - t
    if p.returncode != status:
        sys.exit('bench: %s\nexited %d, expected %d: %s' % (' '.join(cmd), p.returncode, status,
                                                            p.stderr.decode()[-800:]))
    return dt


def alternate(cases, reps=REPS):
    """{name: Stats} of each (name, cmd) case, run one after another reps times."""
    times = {name: [] for name, _ in cases}
    for _ in range(reps):
        for name, cmd in cases:
            times[name].append(run_once(cmd))
    return {name: Stats(t) for name, t in times.items()}


def fwboot_cmd(files, append, mem='1G'):
    cmd = BASE + ['-m', mem, '-kernel', FWBOOT]
    for name, path in files:
        cmd += ['-fw_cfg', 'name=%s,file=%s' % (name, path)]
    return cmd + ['-append', append]


def loadavg():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


# ---- plots ----

def plot(name, title, xlabel, ylabel, series, logx=False, logy=False):
    """series: [(label, [(x, Stats)])]: a PNG with error bars (min-max) at
    each median; returns the file name, or None without gnuplot."""
    if shutil.which('gnuplot') is None:
        return None
    script = ['set terminal pngcairo size 800,500', 'set output "%s.png"' % name,
              'set title "%s"' % title, 'set xlabel "%s"' % xlabel, 'set ylabel "%s"' % ylabel,
              'set key top left', 'set grid']
    if logx:
        script.append('set logscale x')
    if logy:
        script.append('set logscale y')
    plots = []
    for i, (label, points) in enumerate(series):
        dat = '%s.%d.dat' % (name, i)
        with open(os.path.join(OUT, dat), 'w') as f:
            for x, s in points:
                f.write('%g %g %g %g\n' % (x, s.med, s.min, s.max))
        # noenhanced: labels are literal text (gnuplot reads fw_cfg's _ as a subscript)
        plots.append('"%s" using 1:2:3:4 with yerrorlines title "%s" noenhanced' % (dat, label))
    script.append('plot ' + ', '.join(plots))
    p = subprocess.run(['gnuplot'], input='\n'.join(script).encode(), cwd=OUT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        sys.exit('bench: gnuplot failed: %s' % p.stdout.decode())
    return name + '.png'


# ---- sections ----

def section_size(md, d):
    out = subprocess.run(['i686-linux-gnu-size', '-A', FWBOOT], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r'^\.(\w+)\s+(\d+)', out, re.M)}
    budget = subprocess.run(['make', '-s', '-C', ROOT, 'print-size-budget'],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
    md.append('## Size of build/fwboot.elf\n')
    md.append('| section | bytes |\n| --- | --- |')
    for s in ('text', 'rodata', 'data', 'bss'):
        md.append('| .%s | %d |' % (s, sizes.get(s, 0)))
    loadable = sizes.get('text', 0) + sizes.get('rodata', 0) + sizes.get('data', 0)
    md.append('| loadable (text + rodata + data) | %d (%.1f KiB) |' % (loadable, loadable / 1024))
    if budget:
        md.append('\nThe build refuses an image whose loadable part exceeds %s bytes '
                  '(`make print-size-budget`).' % budget)
    md.append('')


def section_demo(md, d):
    mod = os.path.join(d, 'small')
    with open(mod, 'wb') as f:
        f.write(b'demo module\n' * 100)
    st = alternate([
        ('QEMU -kernel demo -initrd (baseline)',
         BASE + ['-m', '256M', '-kernel', DEMO, '-initrd', mod, '-append', 'bench']),
        ('fwboot, demo and module from fw_cfg',
         fwboot_cmd([('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', mod)],
                    'name=opt/fwboot/demo initrd=opt/fwboot/mod -- bench', mem='256M'))])
    base = st['QEMU -kernel demo -initrd (baseline)']
    md.append('## A tiny kernel: QEMU start to its end\n')
    md.append('| path | time | ratio of medians |\n| --- | --- | --- |')
    for name, s in st.items():
        md.append('| %s | %s | %.2fx |' % (name, s.fmt(), s.med / base.med))
    md.append('')


ROM_AREA = (0xC0000, 0xE0000)   # option ROMs (QEMU's multiboot_dma.bin); SeaBIOS runs above


def section_load(md, d):
    """Load throughput, timed inside the transfers (bench/phases.c iotime=1):
    both fwboot and QEMU's own option ROM load by fw_cfg DMA, a copy QEMU
    makes inside the guest's write to 0x518, so the time of that write is
    the time of the copy, without the rest of the boot's noise."""
    import insns as prof  # bench/insns.py
    if b'-plugin' not in subprocess.run(['qemu-system-x86_64', '-help'], stdout=subprocess.PIPE).stdout:
        md.append('## Load throughput\n\nNot measured: this QEMU has no -plugin option.\n')
        return
    prof.build_plugin()
    sizes = [16, 64] if QUICK else [16, 64, 256]
    tiny = os.path.join(d, 'tiny')
    with open(tiny, 'wb') as f:
        f.write(b'x' * 4096)
    files = {0: tiny}
    for mib in sizes:
        path = os.path.join(d, 'mod%d' % mib)
        with open(path, 'wb') as f:
            block = os.urandom(1 << 20)
            for _ in range(mib):
                f.write(block)
        files[mib] = path
    with open(DEMO, 'rb') as f:
        entry = int.from_bytes(f.read(28)[24:28], 'little')
    start = prof.symbol_addr('_start', FWBOOT)

    def fw(mod, opt):
        return fwboot_cmd([('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', mod)],
                          'name=opt/fwboot/demo initrd=opt/fwboot/mod %s-- bench' % opt)

    def qemu(mod):
        return BASE + ['-m', '1G', '-kernel', DEMO, '-initrd', mod, '-append', 'bench']

    def transfers(cmd, own):
        """The loader's DMA transfers of one boot: [(ns, cpu ns, faults)],
        QEMU start to the kernel's entry in ns (with the plugin) and, for
        fwboot, its _start to there (else None)."""
        if own:     # QEMU's path: from its start; the option ROM's transfers
            r = prof.run_plugin(cmd, ['from=0', 'to=0x%x' % entry, 'iotime=1'])
            xs = [x[1:] for x in r['xfer'] if ROM_AREA[0] <= x[0] < ROM_AREA[1]]
        else:       # fwboot's: every transfer from its _start on
            r = prof.run_plugin(cmd, ['from=0x%x' % start, 'to=0x%x' % entry, 'iotime=1'])
            xs = [x[1:] for x in r['xfer']]
        t = r['times']
        return xs, t['start_to_from'] + t['window'], None if own else t['window']

    # 1. DMA: the loader's transfers, alternating fwboot and QEMU's own path
    md.append('## Load throughput\n')
    md.append('A module of N MiB (random bytes) handed to the demo kernel (`-m 1G`), timed by the TCG '
              'plugin bench/phases.c (`iotime=1`): host time from the start of each fw_cfg DMA trigger '
              '(the guest\'s write to port 0x518, inside which QEMU copies the bytes) to the start of the '
              'vCPU\'s next instruction, summed over the loader\'s transfers: fwboot\'s from its `_start` to '
              'the kernel\'s entry; QEMU\'s own `-kernel -initrd` path, those of its Multiboot option ROM '
              '(code at 0x%x-0x%x; SeaBIOS\'s own transfers before it are left out). MB/s = N MiB / that '
              'time. Host CPU: the vCPU thread\'s CPU time inside them, which leaves out the time a busy host '
              'kept it waiting. Host page faults: the minor faults of the vCPU thread inside those transfers (guest '
              'RAM is touched first by the copy; transparent huge pages make it one fault per 2 MiB). '
              'With `-mem-prealloc` QEMU faults all guest RAM in before the boot, so the transfers are the '
              'copy alone. Median (min-max) of %d alternating runs.\n' % (ROM_AREA[0], ROM_AREA[1] - 1, REPS))
    md.append('| size | path | transfers | time in transfers | of it, all but the largest | MB/s '
              '| host CPU in transfers | page faults '
              '| ratio fwboot/QEMU (MB/s: medians of time; of CPU; fastest runs) | QEMU start to kernel entry (with the plugin) '
              '| fwboot _start to kernel entry |')
    md.append('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    dma_series = {}
    for mib in sizes:
        for pre in ('', ' -mem-prealloc'):
            paths = (('fwboot DMA' + pre, lambda m: fw(m, ''), False),
                     ('QEMU -kernel -initrd' + pre, qemu, True))
            runs = {label: [] for label, _, _ in paths}
            for _ in range(REPS):
                for label, mk, own in paths:
                    cmd = mk(files[mib])
                    if pre:
                        cmd = cmd[:1] + ['-mem-prealloc'] + cmd[1:]
                    runs[label].append(transfers(cmd, own))
            med, cpus = [], []
            for label, rs in runs.items():
                n = Stats([len(xs) for xs, _, _ in rs])
                t = Stats([sum(x[0] for x in xs) / 1e6 for xs, _, _ in rs])
                rest = Stats([(sum(x[0] for x in xs) - max(x[0] for x in xs)) / 1e3 for xs, _, _ in rs])
                cpu = Stats([sum(x[1] for x in xs) / 1e6 for xs, _, _ in rs])
                flt = Stats([sum(x[2] for x in xs) for xs, _, _ in rs])
                boot = Stats([b / 1e9 for _, b, _ in rs])
                own = '-' if rs[0][2] is None else Stats([w / 1e9 for _, _, w in rs]).fmt()
                mbs = t.map(lambda ms: mib * 1.048576 / (ms / 1e3))
                med.append(mbs)
                cpus.append(cpu)
                dma_series.setdefault(label, []).append((mib, mbs))
                ratio = ''
                if len(med) == 2:
                    f, q = med
                    ratio = '%.2fx (CPU %.2fx, fastest runs %.2fx)' % (f.med / q.med, cpus[1].med / cpus[0].med,
                                                                      f.max / q.max)
                md.append('| %d MiB | %s | %s | %s | %s | %.0f (%.0f-%.0f) | %s | %s | %s | %s | %s |' % (
                    mib, label, '%d' % n.med if n.min == n.max else '%d-%d' % (n.min, n.max),
                    t.fmt('ms', 2), rest.fmt('us', 1), mbs.med, mbs.min, mbs.max, cpu.fmt('ms', 2),
                    '%.0f (%d-%d)' % (flt.med, flt.min, flt.max), ratio, boot.fmt(), own))
    md.append('\nThe transfers: fwboot makes one per file range (the kernel\'s ELF segments, the module, '
              'the directory, its own reads), the module in one transfer up to 1 GiB; QEMU\'s Multiboot '
              'option ROM makes one for the boot information and one for the kernel with its modules, '
              'which QEMU gathered into one blob.\n')

    # 2. every path: QEMU's start (the plugin's) to the kernel's entry, less the
    # same path's time with a 4 KiB module; no callback in between
    methods = [('fwboot DMA', lambda m: fw(m, '')),
               ('fwboot rep insb (fw_cfg=pio)', lambda m: fw(m, 'fw_cfg=pio ')),
               ('fwboot inb loop (fw_cfg=inb)', lambda m: fw(m, 'fw_cfg=inb ')),
               ('QEMU -kernel -initrd', qemu)]

    def window(cmd):
        r = prof.run_plugin(cmd, ['from=0', 'to=0x%x' % entry, 'time=1'])
        return r['times']['window'] / 1e9

    md.append('### Every path, to the kernel\'s entry\n')
    md.append('The time from QEMU\'s start (the plugin\'s, before QEMU reads the files) to the kernel\'s '
              'entry with the N MiB module, less the same with a 4 KiB module, the same repetition (the '
              'methods alternate too) '
              '(phases.c `time=1`: no callback between the two points, so the guest runs at full speed; '
              'QEMU\'s own exit is left out); MB/s = N MiB / that difference. This includes everything the '
              'extra bytes cost (QEMU reading the file, the copy, a slower port I/O loop), and the '
              'host\'s noise.\n')
    md.append('| method | ' + ' | '.join('%d MiB' % s for s in sizes) + ' |')
    md.append('| --- |' + ' --- |' * len(sizes))
    series = []
    cells = {label: [] for label, _ in methods}
    points = {label: [] for label, _ in methods}
    for mib in sizes:
        extra = {label: [] for label, _ in methods}
        for _ in range(REPS):       # alternating the methods too, as the load changes
            for label, mk in methods:
                base = window(mk(files[0]))
                extra[label].append(window(mk(files[mib])) - base)
        for label, _ in methods:
            good = [e for e in extra[label] if e > 0]
            if len(good) < len(extra[label]):      # the noise outweighed the module
                cells[label].append('- (%d of %d runs not slower with the module)' % (
                    len(extra[label]) - len(good), len(extra[label])))
                continue
            mbs = Stats([mib * 1.048576 / e for e in good])
            cells[label].append('%.0f MB/s (%.0f-%.0f)' % (mbs.med, mbs.min, mbs.max))
            points[label].append((mib, mbs))
    for label, _ in methods:
        md.append('| %s | %s |' % (label, ' | '.join(cells[label])))
        if points[label]:
            series.append((label, points[label]))
    png = plot('load', 'Load throughput (%s)' % ACCEL, 'module size (MiB)', 'MB/s',
               series + [('%s, inside the transfers' % k, v) for k, v in dma_series.items() if 'prealloc' not in k],
               logx=True, logy=True)
    if png:
        md.append('\n![load throughput](%s)' % png)

    # 3. the port I/O fallbacks timed inside their port instructions
    mib = sizes[0]
    md.append('\n### The port I/O fallbacks inside their port instructions (%d MiB)\n' % mib)
    md.append('phases.c `iotime=1` on the data port 0x511: host time inside the `rep insb` runs '
              '(each run one span, all its iterations) or inside each `inb`, summed, fwboot\'s `_start` to '
              'the kernel\'s entry. The plugin\'s own cost is inside both: two clock reads and two '
              'callbacks per `inb`, two callbacks per `rep insb` iteration (TCG runs each iteration as a '
              'block), so these are slower than the table above; compare them with each other.\n')
    md.append('| method | port instructions (runs) | time inside them | MB/s | fwboot _start to entry '
              '| the same without the plugin\'s callbacks (`time=1`) |')
    md.append('| --- | --- | --- | --- | --- | --- |')
    pio = {k: [] for k in ('pio', 'inb')}
    for _ in range(REPS):
        for k in pio:
            cmd = fw(files[mib], 'fw_cfg=%s ' % k)
            r = prof.run_plugin(cmd, ['from=0x%x' % start, 'to=0x%x' % entry, 'iotime=1'])
            bare = prof.run_plugin(cmd, ['from=0x%x' % start, 'to=0x%x' % entry, 'time=1'])
            sites = [x for x in r['iot'] if x[1] == 0x511]
            pio[k].append((sum(x[2] for x in sites), sum(x[3] for x in sites) / 1e9, r['times']['window'] / 1e9,
                           bare['times']['window'] / 1e9))
    for k, label in (('pio', '`rep insb` (fw_cfg=pio)'), ('inb', '`inb` loop (fw_cfg=inb)')):
        n = Stats([x[0] for x in pio[k]])
        t = Stats([x[1] for x in pio[k]])
        w = Stats([x[2] for x in pio[k]])
        bare = Stats([x[3] for x in pio[k]])
        mbs = t.map(lambda s: mib * 1.048576 / s)
        md.append('| %s | %d | %s | %.0f (%.0f-%.0f) | %s | %s |' % (label, n.med, t.fmt(), mbs.med, mbs.min,
                                                                     mbs.max, w.fmt(), bare.fmt()))
    md.append('\n`fw_cfg=inb` is a byte-at-a-time `inb` loop, the way the 2010 gPXE patch read '
              'fw_cfg; it exists for this comparison. `fw_cfg=pio` (`rep insb`) is what fwboot '
              'uses without DMA.\n')


def cpio_newc(members):
    """A newc archive of (name, bytes) members."""
    out = bytearray()
    ino = 1
    for name, data in members + [('TRAILER!!!', b'')]:
        nb = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08X' % v for v in (
            ino, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b'\0' * (-len(out) % 4)
        out += data
        out += b'\0' * (-len(out) % 4)
        ino += 1
    return bytes(out)


def growth(md, title, key, unit, points, make_cmd, d, why=''):
    """Time against a count; the cost per unit between successive points and
    the log-log slope say whether growth is worse than linear (and why, as
    measured, when it is)."""
    cases = [(n, make_cmd(n)) for n in points]
    times = {n: [] for n in points}
    for _ in range(REPS):
        for n, cmd in cases:
            times[n].append(run_once(cmd))
    st = {n: Stats(t) for n, t in times.items()}
    base = st[points[0]].med
    md.append('### %s\n' % title)
    md.append('| %s | time | over the smallest | log-log slope from the previous |' % unit)
    md.append('| --- | --- | --- | --- |')
    worst = 0.0
    prev = None
    for n in points:
        over = st[n].med - base
        slope = ''
        if prev is not None:
            a, b = st[prev].med - base, over
            if a > 0.005 and b > 0:
                s = math.log(b / a) / math.log(n / prev)
                worst = max(worst, s)
                slope = '%.2f' % s
        md.append('| %d | %s | %+.3f s | %s |' % (n, st[n].fmt(), over, slope))
        prev = n
    verdict = ('worse than linear (slope %.2f)' % worst if worst > 1.25 else
               'linear or better (largest slope %.2f)' % worst if worst else
               'too small to tell from the fixed cost')
    md.append('\nGrowth: %s.\n' % verdict)
    if worst > 1.25 and why:
        md.append('Why: %s\n' % why)
    return [(n, st[n]) for n in points], verdict


def section_growth(md, d):
    md.append('## How cost grows\n')
    md.append('Wall time from QEMU start to the demo kernel\'s exit. The slope is of the time '
              'above the smallest case against the count, on log scales: 1 is linear.\n')
    curves = []

    # modules from one bundle, named on the command line (fw_cfg has too few
    # slots for 1000 files, and a script holds at most 64 images)
    def modules(n):
        path = os.path.join(d, 'mods%d.cpio' % n)
        if not os.path.exists(path):
            members = [('demo.elf', open(DEMO, 'rb').read())]
            members += [('m%d' % i, b'module %d\n' % i) for i in range(n)]
            with open(path, 'wb') as f:
                f.write(cpio_newc(members))
        mods = ' '.join('initrd=opt/fwboot/set.cpio#m%d' % i for i in range(n))
        return fwboot_cmd([('opt/fwboot/set.cpio', path)],
                          'name=opt/fwboot/set.cpio#demo.elf %s -- bench' % mods)
    pts = [1, 10, 100] if QUICK else [1, 10, 100, 1000]
    why = ('two costs grow with the square of the count or faster, found by counting guest '
           'instructions per function with a TCG plugin at 300 modules: opening each '
           '`archive#member` walks the bundle\'s headers from its start (`cpio_find`: n/2 headers '
           'per open, two fw_cfg reads and 104 hex digits each; 68 million instructions and 90 '
           'thousand DMA transfers), and placing each module tries every claimed range\'s edge '
           'and checks it against every claim (`mem_alloc`: n^2 per module, 62 million). '
           'Indexing a bundle once and a sorted claim list would make both linear; not done yet.')
    curves.append(('modules', 'modules') + growth(md, 'Modules (members of one bundle, on the command line)', 'modules', 'modules',
                                        pts, modules, d, why))

    # bundle members before the kernel
    def bundle(n):
        path = os.path.join(d, 'bundle%d.cpio' % n)
        if not os.path.exists(path):
            members = [('pad%05d' % i, b'p' * 64) for i in range(n)]
            members.append(('demo.elf', open(DEMO, 'rb').read()))
            with open(path, 'wb') as f:
                f.write(cpio_newc(members))
        return fwboot_cmd([('opt/fwboot/b.cpio', path)], 'name=opt/fwboot/b.cpio#demo.elf -- bench')
    pts = [10, 100, 1000] if QUICK else [10, 100, 1000, 10000]
    curves.append(('bundle', 'members') + growth(md, 'Bundle members before the kernel', 'members', 'members',
                                       pts, bundle, d))

    # a gzipped kernel of N MiB: the demo with random bytes after it
    def inflate(mib):
        path = os.path.join(d, 'demo%d.gz' % mib)
        if not os.path.exists(path):
            data = open(DEMO, 'rb').read()
            rnd = os.urandom(1 << 20)
            pad = (mib << 20) - len(data)
            body = data + (rnd * (mib + 1))[:max(pad, 0)]
            with open(path, 'wb') as f:
                f.write(gzip.compress(body, 6))
        return fwboot_cmd([('opt/fwboot/k.gz', path)], 'name=opt/fwboot/k.gz -- bench')
    pts = [1, 4, 16] if QUICK else [1, 4, 16, 64]
    curves.append(('inflate', 'MiB inflated') + growth(md, 'Inflating a gzipped kernel', 'MiB', 'MiB', pts, inflate, d))

    # script lines before the boot
    def script(n):
        path = os.path.join(d, 'script%d.ipxe' % n)
        if not os.path.exists(path):
            lines = ['#!ipxe'] + ['set v%d %d' % (i % 50, i) for i in range(n)]
            lines += ['kernel fw_cfg:opt/fwboot/demo bench', 'boot']
            with open(path, 'w') as f:
                f.write('\n'.join(lines) + '\n')
        return fwboot_cmd([('opt/fwboot/demo', DEMO), ('opt/fwboot/s.ipxe', path)],
                          'name=opt/fwboot/s.ipxe')
    pts = [10, 100, 1000] if QUICK else [10, 100, 1000, 10000]
    curves.append(('script', 'script lines') + growth(md, 'Script lines before the boot', 'lines', 'lines', pts, script, d))

    for name, unit, points, _ in curves:
        png = plot('growth-' + name, 'Boot time against %s (%s)' % (unit, ACCEL), unit, 'seconds',
                   [(name, points)], logx=True)
        if png:
            md.append('![%s](%s)\n' % (name, png))


def section_insns(md, d):
    """Guest instructions to the kernel's entry, exactly (bench/insns.py)."""
    import insns as prof  # bench/insns.py
    if b'-plugin' not in subprocess.run(['qemu-system-x86_64', '-help'], stdout=subprocess.PIPE).stdout:
        md.append('## Guest instructions to the kernel\n\nNot counted: this QEMU has no -plugin option.\n')
        return
    prof.build_plugin()
    md.append('## Guest instructions to the kernel\n')
    md.append('Counted by the TCG plugin bench/phases.c (exact, the same on every run and under any load): '
              'from QEMU\'s start to the kernel\'s first instruction (the payload exits there), and '
              'fwboot\'s own part, its `_start` to that entry. Port I/O counts instructions (a `rep ins` '
              'once: a VM exit each under KVM); MMIO counts accesses. Linux: Debian\'s kernel with a '
              'busybox initramfs, `nokaslr`, `-m 512M`, to startup_32 (fwboot: entry at its pref_address). '
              'Multiboot 1: build/kernels/mbtest-elf32.elf with a 1 MiB module.\n')
    md.append('The columns "from the ROM" count from the boot entry of the option ROM SeaBIOS boots '
              '(its "Booting from" line) to the same entry: the part after the POST both paths share, '
              'QEMU\'s Linux option ROM and the kernel\'s real-mode setup code against QEMU\'s Multiboot '
              'option ROM and fwboot.\n')
    md.append('| payload | path | QEMU start to entry | ratio | fwboot _start to entry | from the ROM '
              '| port I/O (whole) | port I/O from the ROM | port I/O (fwboot) | MMIO (whole) |')
    md.append('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for kind, label in (('linux', 'Debian Linux'), ('mb1', 'Multiboot 1')):
        base = prof.qemu_own(kind, rom=True)
        rows = [('QEMU -kernel', base, None)]
        for quiet in (False, True):
            r = prof.measure(kind, quiet, rom=True)
            rows.append(('fwboot' + (' quiet' if quiet else ''), dict(r['whole'], rom=r['rom']), r))
        for name, whole, own in rows:
            md.append('| %s | %s | %d | %.3fx | %s | %d (%.2fx) | %d (%.2fx) | %d (%.2fx) | %s | %d |' % (
                label, name, whole['insns'], whole['insns'] / base['insns'],
                '%d' % own['insns'] if own else '-',
                whole['rom']['insns'], whole['rom']['insns'] / base['rom']['insns'],
                whole['pio'], whole['pio'] / max(base['pio'], 1),
                whole['rom']['pio'], whole['rom']['pio'] / max(base['rom']['pio'], 1),
                '%d' % own['pio'] if own else '-', whole['mmio']))
    reps = 1 if QUICK else 3
    runs = {}
    for _ in range(reps):       # alternating, as the wall times
        for name, fw, quiet in (('OVMF -kernel', False, False), ('fwboot.efi', True, False),
                                ('fwboot.efi quiet', True, True)):
            r = prof.uefi(fw, quiet)
            if r is None:
                break
            runs.setdefault(name, []).append(r['insns'])
    if runs.get('OVMF -kernel') and runs.get('fwboot.efi'):
        md.append('\nUnder UEFI (OVMF, TCG): QEMU start to Debian\'s kernel\'s EFI stub entry (the PE entry '
                  'LoadImage and StartImage run; the copy exits there), OVMF\'s own `-kernel` against '
                  'fwboot.efi (itself started by OVMF\'s `-kernel`) reading the kernel from fw_cfg. OVMF\'s '
                  'timer-driven waits make these counts vary by about 1%%; median (min-max) of %d runs:\n' % reps)
        md.append('| path | instructions | ratio |\n| --- | --- | --- |')
        base = statistics.median(runs['OVMF -kernel'])
        for name, xs in runs.items():
            md.append('| %s | %d (%d-%d) | %.3fx |' % (name, statistics.median(xs), min(xs), max(xs),
                                                   statistics.median(xs) / base))
    r = prof.measure('linux', False)
    md.append('\nWhere fwboot\'s own instructions go (Linux, default console), the first 15 functions:\n')
    md.append('| function | instructions |\n| --- | --- |')
    for fn, n in prof.by_function(r['prof'])[:15]:
        md.append('| `%s` | %d |' % (fn, n))
    md.append('\n`python3 bench/insns.py --kernel linux|lxtest|mb1 [--quiet] [--calls N]` prints the whole profile; '
              'tests/budget/check.py holds fwboot\'s own count for the test payloads to a budget.\n')


def section_linux(md, d):
    md.append('## Linux\n')
    p = subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'linux.py')],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(os.environ, FWBOOT_BENCH_REPS=str(REPS)))
    if p.returncode != 0:
        sys.exit('bench: bench/linux.py failed:\n%s' % p.stdout.decode()[-2000:])
    md.append('`bench/linux.py`, %d runs of each full boot:\n' % REPS)
    md.append('```\n%s```\n' % p.stdout.decode())


STEP_RE = re.compile(r'^fwboot: time: (\d+) us from entry to hand-off: (.*) \(TSC', re.M)


def verbose_steps(cmd):
    """{step: microseconds} from the verbose time: line of one boot."""
    cmd = [c if c != 'null' else 'stdio' for c in cmd]   # the console is the point here
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=1800)
    m = STEP_RE.search(p.stdout.decode('latin-1'))
    if p.returncode != DEMO_OK or not m:
        sys.exit('bench: %s\nexited %d without a time: line' % (' '.join(cmd), p.returncode))
    steps = {'total': int(m.group(1))}
    for part in m.group(2).split(','):
        name, us = part.strip().rsplit(' ', 1)
        steps[name] = int(us)
    return steps


def section_steps(md, d):
    """fwboot's own time, its entry to the hand-off, by step (verbose)."""
    mib = 4 if QUICK else 16
    big = os.path.join(d, 'steps-big')
    with open(big, 'wb') as f:
        f.write(os.urandom(mib << 20))
    with open(big, 'rb') as f:
        pin = hashlib.sha256(f.read()).hexdigest()
    gz = os.path.join(d, 'demo.gz')
    with open(DEMO, 'rb') as f, gzip.open(gz, 'wb') as g:
        g.write(f.read())
    small = os.path.join(d, 'steps-small')
    with open(small, 'wb') as f:
        f.write(b'x' * 4096)
    cases = [
        ('demo, 4 KiB module', [('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', small)], ''),
        ('demo, %d MiB module by DMA' % mib, [('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', big)], ''),
        ('demo, %d MiB module, rep insb' % mib, [('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', big)],
         'fw_cfg=pio '),
        ('demo, %d MiB module pinned (sha256=)' % mib,
         [('opt/fwboot/demo', DEMO), ('opt/fwboot/mod', big)], 'initrd=opt/fwboot/mod,sha256=%s ' % pin),
        ('gzip demo, 4 KiB module', [('opt/fwboot/demo', gz), ('opt/fwboot/mod', small)], ''),
    ]
    rows = []
    for label, files, opt in cases:
        if 'initrd=' in opt:
            append = 'verbose name=opt/fwboot/demo %s-- bench' % opt
        else:
            append = 'verbose name=opt/fwboot/demo initrd=opt/fwboot/mod %s-- bench' % opt
        runs = [verbose_steps(fwboot_cmd(files, append)) for _ in range(REPS)]
        rows.append((label, runs))
    names = [k for k in rows[0][1][0] if k != 'total']
    md.append('## fwboot\'s own time, entry to hand-off, by step\n')
    md.append('The `time:` line `verbose` prints (TSC cycles timed against the PIT), median '
              '(min-max) in ms over %d boots each. `verbose` itself costs time: it prints more '
              'lines on the serial console, which is slow under TCG.\n' % REPS)
    md.append('| boot | total | ' + ' | '.join(names) + ' |')
    md.append('| --- |' + ' --- |' * (len(names) + 1))
    for label, runs in rows:
        cells = []
        for k in ['total'] + names:
            st = Stats([r[k] / 1000.0 for r in runs])
            cells.append('%.1f (%.1f-%.1f)' % (st.med, st.min, st.max))
        md.append('| %s | %s |' % (label, ' | '.join(cells)))
    md.append('')


SECTIONS = [('size', section_size), ('insns', section_insns), ('demo', section_demo), ('steps', section_steps), ('load', section_load),
            ('growth', section_growth), ('linux', section_linux)]


def main():
    for f in (FWBOOT, DEMO):
        if not os.path.isfile(f):
            sys.exit('bench: %s is missing: run make all kernels' % f)
    os.makedirs(OUT, exist_ok=True)
    if ACCEL == 'kvm':
        real, why = kvm_is_real()
        if not real:
            with open(os.path.join(OUT, 'report.md'), 'w') as f:
                f.write('# fwboot benchmarks\n\nFWBOOT_KVM=1: no KVM figures: %s.\n' % why)
            print('bench: KVM figures skipped: %s' % why, file=sys.stderr)
            return
    for f in os.listdir(OUT):
        if f.endswith(('.png', '.dat')):
            os.remove(os.path.join(OUT, f))
    md = ['# fwboot benchmarks\n',
          'Made by `make bench` (bench/report.py) on %s: %s, %d repetitions per figure, '
          'min-max in parentheses after each median.%s\n' % (
              time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), ACCEL, REPS,
              ' QUICK run: smoke figures, not to quote.' if QUICK else ''),
          'Load average before: %s.\n' % loadavg()]
    d = tempfile.mkdtemp(prefix='fwboot-bench-')
    try:
        for name, fn in SECTIONS:
            if ONLY and name not in ONLY:
                continue
            t = time.monotonic()
            fn(md, d)
            print('bench: %s done in %.0f s' % (name, time.monotonic() - t), file=sys.stderr)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    md.append('Load average after: %s.\n' % loadavg())
    path = os.path.join(OUT, 'report.md')
    with open(path, 'w') as f:
        f.write('\n'.join(md))
    print('bench: wrote %s' % os.path.relpath(path, ROOT))


if __name__ == '__main__':
    main()
