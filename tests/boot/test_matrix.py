# SPDX-License-Identifier: BSD-2-Clause
"""The platform matrix: the same payloads on the three platforms fwboot runs
on, and what fwboot must do with each, written down as a table.

Platforms (columns):
  pc       SeaBIOS on QEMU's pc machine, -kernel build/fwboot.elf
  uefi     Debian's OVMF on the pc machine, -kernel build/fwboot.efi
  microvm  qboot on QEMU's microvm machine, -kernel build/fwboot.elf
           (build/fwboot-pvh.elf too for the PVH test kernel)

Payloads (rows): fwboot's own test kernels (Multiboot 1, Multiboot 2,
PVH, Limine), Debian's amd64 and 686-pae kernels with a busybox initramfs, Debian's
Xen 4.17 with the amd64 kernel as dom0, Memtest86+ (its x86-64 Linux-protocol
image), iPXE's ipxe.lkrn, syslinux's memdisk with a floppy, and a GRUB
i386-pc core as grub.lkrn.

Each cell says "boots" (a concrete check on the console and the exit
status, compared with an oracle where one exists: QEMU's own -kernel on pc
and microvm, OVMF's own -kernel or GRUB EFI under UEFI) or "refused" (a
named `fwboot: ...` line and an exit status). Every boot has a timeout: a
hang fails the cell. The table states what SHOULD happen; some cells fail
against the code of the day on purpose (docs/matrix.md says which, and why).

One test function per cell (test_<payload>_<platform>), made from the table,
so run.py can run them in parallel and a failure names its cell.
"""

import hashlib
import os
import re
import shutil
import subprocess

import harness
import test_linux
import test_payloads
import test_xen

from harness import (MBTEST_DONE, boot, boot_screen, crc32_file, exit_status, expect, expect_eq,
                     expect_status, fail, kernel, parse_mbtest, random_file, tmpdir, write_file)
from kreport import parse_report
from test_efi import FWBOOT_EFI, OVMF, logged_map, need_efi

PC, UEFI, MICROVM = 'pc', 'uefi', 'microvm'
PLATFORMS = (PC, UEFI, MICROVM)


class Boots:
    """The payload runs: its own check, and the oracle's where there is one."""

    def __repr__(self):
        return 'boots'


class Refused:
    """fwboot refuses it before the hand-off: QEMU exits with (status << 1) | 1
    and the console has a fwboot line matching pattern."""

    def __init__(self, status, pattern):
        self.status, self.pattern = status, pattern

    def __repr__(self):
        return 'refused (status %d)' % self.status


BOOTS = Boots()
# A BIOS program (Linux's real-mode setup code, which calls the BIOS; a
# GRUB i386-pc core) under UEFI (status 10) ...
NEEDS_BIOS_UEFI = Refused(10, r'^fwboot: .*\bBIOS\b.*\[status 10\]$')
# ... and on microvm, whose qboot leaves the interrupt vectors empty (status 5)
NEEDS_BIOS_MICROVM = Refused(5, r'^fwboot: .*\bBIOS services\b.*\[status 5\]$')
# Xen needs a platform timer (HPET, ACPI PM timer, or the PIT read through port
# 0x61) and microvm has none: docs/matrix.md, "Xen on microvm"
XEN_NO_TIMER = Refused(5, r'^fwboot: .*\bXen\b.*\btimer\b.*\[status 5\]$')

# The matrix. One row per payload, one column per platform.
MATRIX = {
    #  payload       pc (SeaBIOS)  uefi (OVMF)       microvm (qboot)
    'mbtest':       (BOOTS,        BOOTS,            BOOTS),
    'mb2test':      (BOOTS,        BOOTS,            BOOTS),
    'pvhtest':      (BOOTS,        BOOTS,            BOOTS),
    'limtest':      (BOOTS,        BOOTS,            BOOTS),
    'linux_amd64':  (BOOTS,        BOOTS,            BOOTS),
    'linux_686':    (BOOTS,        BOOTS,            BOOTS),
    'xen':          (BOOTS,        BOOTS,            XEN_NO_TIMER),
    'memtest':      (BOOTS,        BOOTS,            BOOTS),
    'ipxe':         (BOOTS,        NEEDS_BIOS_UEFI,  NEEDS_BIOS_MICROVM),
    'memdisk':      (BOOTS,        NEEDS_BIOS_UEFI,  NEEDS_BIOS_MICROVM),
    'grub_lkrn':    (BOOTS,        NEEDS_BIOS_UEFI,  NEEDS_BIOS_MICROVM),
}

# Hang guards in seconds, per kind of boot: not performance bounds (each is
# several times what the boot takes under TCG on a loaded 2-core machine).
QUICK = 60          # a test kernel (OVMF alone takes seconds): about 10x
REFUSAL = 30        # fwboot refuses before any hand-off: a second on microvm, a few under OVMF
LINUX = 150         # a Debian kernel to its initramfs, Xen and its dom0, Memtest86+: 10-20x

K = 'opt/fwboot/kernel'
MOD = 'opt/fwboot/mod'
ARGS = 'arg1 "two  words" key=value'


# ---- the platforms ----

def fwboot_on(platform, files, append, mem='256M', timeout=QUICK, extra=(), pvh=False):
    """Boot fwboot on a platform with these fw_cfg files and command line."""
    extra = list(extra)
    if platform == PC:
        return boot(files=files, append=append, mem=mem, timeout=timeout, extra=extra)
    if platform == UEFI:
        need_efi()
        # fwboot.efi that gives up returns to the firmware, which starts its
        # shell and waits for a key: seen, that ends the boot at once
        r = boot_screen(kernel_path=FWBOOT_EFI, files=files, append=append, mem=mem, timeout=timeout,
                        extra=['-bios', OVMF] + extra, until=lambda c: 'Shell> ' in c, grab_screen=False)
        expect(r.hang or 'UEFI Interactive Shell' not in r.console,
               'fwboot.efi returned to the firmware, which started its shell (the boot ended there)')
        return r
    path = os.path.join(harness.BUILD, 'fwboot-pvh.elf') if pvh else harness.FWBOOT
    expect(os.path.isfile(path), '%s is missing: run "make"' % path)
    return boot(kernel_path=path, files=files, append=append, mem=mem, timeout=timeout,
                extra=['-M', 'microvm'] + extra)


def qemu_on(platform, path, append, initrd=None, mem='256M', timeout=QUICK, extra=()):
    """The oracle: the platform's own firmware starts path (QEMU's -kernel on
    pc and microvm, OVMF's own -kernel under UEFI)."""
    extra = list(extra) + (['-initrd', initrd] if initrd else [])
    if platform == UEFI:
        need_efi()
        extra = ['-bios', OVMF] + extra
    elif platform == MICROVM:
        extra = ['-M', 'microvm'] + extra
    return boot(kernel_path=path, append=append, mem=mem, timeout=timeout, extra=extra)


def guard(expected, boots=QUICK):
    """The hang guard of a cell's boot through fwboot."""
    return REFUSAL if isinstance(expected, Refused) else boots


def map_of(entries):
    return [(e['base'], e['len'], e['type']) for e in entries if e['len']]


# ---- Debian files: fetched once, cached outside the repository ----

def debian_i386():
    """{'vmlinuz686', 'busybox386'}: Debian's 686-pae kernel and an i386
    busybox (tools/fetch-debian.sh i386)."""
    return test_linux.fetch_debian('i386')


def initramfs(d, busybox):
    """test_linux's initramfs (prints the marker and /proc/cmdline, powers
    off) with the given busybox binary."""
    root = os.path.join(d, 'root-' + os.path.basename(busybox))
    for sub in ('bin', 'proc', 'dev'):
        os.makedirs(os.path.join(root, sub))
    shutil.copy(busybox, os.path.join(root, 'bin', 'busybox'))
    os.chmod(write_file(root, 'init', test_linux.INIT.encode()), 0o755)
    return test_linux.cpio(root, os.path.join(d, 'initrd-%s.cpio' % os.path.basename(busybox)))


# ---- test kernels ----

def mbtest_cell(platform):
    """mbtest (Multiboot 1): finishes, with its command line and module; its
    memory map is the one QEMU's own Multiboot loader gives it on pc and
    microvm, and the EFI map fwboot.efi logged under UEFI."""
    d = tmpdir()
    m = random_file(d, 'm', 70001, seed=101)
    r = fwboot_on(platform, [(K, kernel('mbtest-elf32.elf')), (MOD, m)], 'name=%s initrd=%s -- %s' % (K, MOD, ARGS))
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    expect(info['done'], 'mbtest did not finish')
    expect_eq((info['magic'], info['machine']['state_ok']), (0x2badb002, 1), 'EAX and machine state')
    expect_eq(info['cmdline'], K + ' ' + ARGS, 'command line')
    expect_eq([(x['size'], x['crc32']) for x in info['mod']], [(70001, crc32_file(m))], 'module')
    got = map_of(info['mmap_entry'])
    if platform == UEFI:
        expect_eq(got, logged_map(r), 'memory map against the EFI map fwboot.efi logged')
        return
    q = qemu_on(platform, kernel('mbtest-elf32.elf'), ARGS)
    expect_status(q, MBTEST_DONE)
    expect_eq(got, map_of(parse_mbtest(q)['mmap_entry']), 'memory map: fwboot against QEMU\'s own -kernel')


def limtest_cell(platform):
    """limtest (Limine protocol, 64-bit higher half) with -smp 4: its own
    checks pass (entry state, direct map, memory map, signatures), its
    command line and module arrive, every AP reaches its goto_address.
    (QEMU boots no Limine kernel: no oracle.)"""
    d = tmpdir()
    m = random_file(d, 'm', 70005, seed=104)
    r = fwboot_on(platform, [(K, kernel('limtest-r2.elf')), (MOD, m)], 'name=%s initrd=%s -- %s' % (K, MOD, ARGS),
                  extra=['-smp', '4'])
    expect_status(r, MBTEST_DONE)
    expect('limtest: done ok=1' in r.console, 'limtest reported a failed check')
    expect('limtest: smp aps=3 reached=3' in r.console, 'not every AP reached its goto_address')
    expect('cmdline="%s"' % ARGS.replace('"', '\\"') in r.console, 'command line')
    expect('crc=0x%x' % crc32_file(m) in r.console, 'module contents')


def mb2test_cell(platform):
    """mb2test (Multiboot 2): finishes, machine state, command line, module,
    an RSDP copy that checks out. (QEMU boots no Multiboot 2 kernel: no oracle.)"""
    d = tmpdir()
    m = random_file(d, 'm', 70003, seed=102)
    r = fwboot_on(platform, [(K, kernel('mb2test-elf32.elf')), (MOD, m)], 'name=%s initrd=%s -- %s' % (K, MOD, ARGS))
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'mb2test')
    expect(k['done'], 'mb2test did not finish')
    expect_eq((k['protocol'], k['magic'], k['state']['ok']), ('multiboot2', 0x36d76289, 1), 'protocol, EAX, state')
    expect_eq(k['cmdline'], K + ' ' + ARGS, 'command line')
    expect_eq([(x['size'], x['crc32']) for x in k['mod']], [(70003, crc32_file(m))], 'module')
    rs = [parse_report(l, 'mb2test')['rsdp'] for l in r.console.splitlines() if l.startswith('mb2test: rsdp ')]
    expect(rs and all(x['signature_ok'] == 1 and x['checksum_ok'] == 1 for x in rs), 'an RSDP tag that checks out: %r'
           % rs)


def pvhtest_cell(platform):
    """pvhtest (PVH): the arguments alone as its command line, its module,
    the RSDP and memory map the platform's own PVH start gives (QEMU's
    -kernel on pc and microvm; under UEFI the map fwboot.efi logged). On
    microvm it is fwboot-pvh.elf, itself started through PVH, that boots it."""
    d = tmpdir()
    m = random_file(d, 'm', 70005, seed=103)
    r = fwboot_on(platform, [(K, kernel('pvhtest-elf32.elf')), (MOD, m)], 'name=%s initrd=%s -- %s' % (K, MOD, ARGS),
                  pvh=True)
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'pvhtest')
    expect(k['done'], 'pvhtest did not finish')
    expect_eq((k['protocol'], k['magic'], k['state']['ok']), ('pvh', 0x336ec578, 1), 'protocol, magic, state')
    expect_eq(k['cmdline'], ARGS, 'command line')
    expect_eq([(x['size'], x['crc32']) for x in k['mod']], [(70005, crc32_file(m))], 'module')
    expect_eq((k['rsdp']['signature_ok'], k['rsdp']['checksum_ok']), (1, 1), 'RSDP')
    if platform == UEFI:
        expect_eq(map_of(k['mmap_entry']), logged_map(r), 'memory map against the EFI map fwboot.efi logged')
        return
    q = qemu_on(platform, kernel('pvhtest-elf32.elf'), ARGS)
    expect_status(q, MBTEST_DONE)
    o = parse_report(q, 'pvhtest')
    expect_eq(map_of(k['mmap_entry']), map_of(o['mmap_entry']), 'memory map: fwboot against QEMU\'s own PVH start')
    if platform == PC:
        expect_eq(k['rsdp']['addr'], o['rsdp']['addr'], 'RSDP address: fwboot against QEMU\'s own PVH start')
    else:   # qboot places the tables in memory it allocates after the command line: compare with what it told fwboot
        m = re.search(r'^fwboot: acpi: RSDP at (0x[0-9a-f]+), named by the loader', r.console, re.M)
        expect(m and int(m.group(1), 16) == k['rsdp']['addr'], 'RSDP address: pvhtest\'s against the one qboot '
               'gave fwboot-pvh.elf (%s)' % (m and m.group(1)))


# ---- Linux ----

# microvm: Linux calibrates its TSC against the PIT alone there, which can
# fail under TCG on a loaded host; tsc_early_khz= skips it (test_microvm.py)
LINUX_ARGS = {PC: 'console=ttyS0 panic=-1 no_timer_check x="a  b"',
              UEFI: 'console=ttyS0 panic=-1 no_timer_check x="a  b"',
              MICROVM: 'console=ttyS0 panic=-1 no_timer_check tsc_early_khz=2000000 x="a  b"'}
E820 = re.compile(r'BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)')


def linux_facts(r, args, what):
    """What any Linux boot must show: the initramfs ran and saw exactly args."""
    expect_status(r, 0)     # /init powers off: QEMU exits normally
    lines = r.console.splitlines()
    expect(test_linux.MARKER in lines, '%s: /init did not run' % what)
    got = [l for l in lines if l.startswith('CMDLINE<')]
    expect(len(got) == 1, '%s: one CMDLINE line: %r' % (what, got))
    expect_eq(got[0], 'CMDLINE<%s>' % args, '%s: /proc/cmdline' % what)
    return [m.groups() for m in E820.finditer(r.console)]


def efi_lines(r):
    """The kernel's "efi:" lines that describe the firmware, not addresses."""
    out = []
    for line in r.console.splitlines():
        m = re.search(r'\] (efi: (?:EFI v\S+ by .*|No EFI runtime .*|Setup done.*))$', line)
        if m:
            out.append(m.group(1).strip())
    return out


def linux_cell(platform, arch):
    """Debian's kernel (amd64 or 686-pae) with a busybox initramfs: /init
    prints the exact command line. pc and microvm: the kernel's e820 table
    is the one QEMU's own -kernel gives it. UEFI: amd64 through its EFI stub
    (the oracle: OVMF's own -kernel), 686-pae, whose stub is for 32-bit
    firmware, through the 32-bit boot protocol as GRUB EFI's `linux` boots
    it (the oracle), with the same efi: lines."""
    d = tmpdir()
    if arch == 'amd64':
        vmlinuz, rd = test_linux.debian()['vmlinuz'], test_linux.initramfs(d)
    else:
        files = debian_i386()
        vmlinuz, rd = files['vmlinuz686'], initramfs(d, files['busybox386'])
    args = LINUX_ARGS[platform]
    if platform == UEFI and arch == '686':
        # the oracle first: it shows the kernel can boot here
        g = grub_efi_linux(vmlinuz, rd, args)
        # GRUB passes BOOT_IMAGE= first and quotes a word with spaces whole
        linux_facts(g, 'BOOT_IMAGE=/boot/vmlinuz ' + args.replace('x="a  b"', '"x=a  b"'), 'GRUB EFI')
    r = fwboot_on(platform, [('opt/fwboot/vmlinuz', vmlinuz), ('opt/fwboot/initrd', rd)],
                  'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd -- ' + args, mem='512M', timeout=LINUX)
    e820 = linux_facts(r, args, 'fwboot')
    if platform == UEFI and arch == '686':
        expect('fwboot: image: opt/fwboot/vmlinuz is linux (32-bit entry)' in r.console,
               'fwboot.efi did not boot it through the 32-bit boot protocol')
        expect_eq(efi_lines(r), efi_lines(g), 'the kernel\'s efi: lines, fwboot.efi against GRUB EFI')
        return
    q = qemu_on(platform, vmlinuz, args, initrd=rd, mem='512M', timeout=LINUX)
    if platform == UEFI:    # OVMF's -kernel adds the initrd's name for the EFI stub
        linux_facts(q, args + ' initrd=initrd', 'OVMF\'s own -kernel')
        expect_eq(efi_lines(r), efi_lines(q), 'the kernel\'s efi: lines, fwboot.efi against OVMF\'s -kernel')
    else:
        qe820 = linux_facts(q, args, 'QEMU\'s own -kernel')
        expect_eq(e820, qe820, 'the kernel\'s e820 table, fwboot against QEMU\'s own -kernel')


ISO_CACHE = os.path.join(harness.BUILD, 'test-isos')


def grub_efi_linux(vmlinuz, rd, args):
    """GRUB 2.06 EFI (grub-mkrescue's ISO, tools/mkiso.sh) booting vmlinuz and
    rd under OVMF with `linux` and `initrd`: the UEFI oracle for a kernel
    without a usable EFI stub. The ISO is cached by content."""
    if not os.path.isdir('/usr/lib/grub/x86_64-efi'):
        fail('/usr/lib/grub/x86_64-efi is missing (tools/deps.sh installs grub-efi-amd64-bin)')
    cfg = ('serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset timeout=0\n'
           'menuentry "linux" {\n\tlinux /boot/vmlinuz %s\n\tinitrd /boot/initrd\n}\n' % args)
    h = hashlib.sha256(cfg.encode())
    for p in (vmlinuz, rd):
        with open(p, 'rb') as f:
            h.update(f.read())
    os.makedirs(ISO_CACHE, exist_ok=True)
    iso = os.path.join(ISO_CACHE, 'linux-' + h.hexdigest()[:16] + '.iso')
    if not os.path.exists(iso):
        d = tmpdir()
        shutil.copy(vmlinuz, os.path.join(d, 'vmlinuz'))
        shutil.copy(rd, os.path.join(d, 'initrd'))
        cfg_path = write_file(d, 'grub.cfg', cfg.encode())
        env = dict(os.environ, MKISO_MODULES='linux')
        p = subprocess.run(['sh', os.path.join(harness.ROOT, 'tools', 'mkiso.sh'), harness.FWBOOT, cfg_path,
                            iso + '.tmp', os.path.join(d, 'vmlinuz'), os.path.join(d, 'initrd')],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            fail('mkiso.sh failed: %s' % p.stdout.decode('utf-8', 'replace')[-2000:])
        os.rename(iso + '.tmp', iso)
    return boot(cdrom=iso, mem='512M', timeout=LINUX, extra=['-bios', OVMF])


# ---- Xen ----

XEN_ARGS = 'console=com1 com1=115200,8n1 dom0_mem=256M'
DOM0_ARGS = 'console=hvc0 panic=-1 no_timer_check'


def xen_files(d):
    """A script that boots Xen with dom0's kernel and initramfs as modules,
    and the three files."""
    vmlinuz, rd = test_linux.debian()['vmlinuz'], test_linux.initramfs(d)
    script = write_file(d, 'xen.ipxe', ('#!ipxe\nkernel fw_cfg:opt/fwboot/xen %s\nmodule fw_cfg:opt/fwboot/vmlinuz %s\n'
                                        'module fw_cfg:opt/fwboot/initrd\nboot\n' % (XEN_ARGS, DOM0_ARGS)).encode())
    return [('opt/fwboot/boot', script), ('opt/fwboot/xen', test_xen.xen_gz()), ('opt/fwboot/vmlinuz', vmlinuz),
            ('opt/fwboot/initrd', rd)]


def xen_cell(platform):
    """Debian's Xen 4.17 (gzipped; Multiboot 2 by the probe order) with
    Debian's amd64 kernel as its PV dom0 and the busybox initramfs: dom0's
    /init runs with dom0's exact command line and powers the machine off.
    On pc, QEMU's own -kernel (Multiboot 1) boots the same three files to the
    same end, and Xen prints the same memory map."""
    d = tmpdir()
    files = xen_files(d)
    vmlinuz, rd = files[2][1], files[3][1]
    r = fwboot_on(platform, files, 'name=opt/fwboot/boot', mem='512M', timeout=LINUX)
    expect('(XEN) Bootloader: fwboot' in r.console, 'Xen did not start, or does not name fwboot')
    linux_facts(r, DOM0_ARGS, 'dom0 through fwboot')
    if platform != PC:
        return
    xen = os.path.join(d, 'xen')
    subprocess.run(['gzip', '-dc', test_xen.xen_gz()], stdout=open(xen, 'wb'), check=True)
    q = qemu_on(platform, xen, XEN_ARGS, initrd='%s %s,%s' % (vmlinuz, DOM0_ARGS, rd), mem='512M', timeout=LINUX)
    expect('(XEN) Bootloader: qemu' in q.console, 'Xen did not start under QEMU\'s own -kernel')
    linux_facts(q, DOM0_ARGS, 'dom0 through QEMU\'s own -kernel')
    ram = lambda c: re.findall(r'^\(XEN\)  \[([0-9a-f]+), ([0-9a-f]+)\] \((.+)\)$', c, re.M)
    expect(ram(r.console), 'Xen printed no memory map')
    expect_eq(ram(r.console), ram(q.console), 'Xen\'s memory map, fwboot against QEMU\'s own -kernel')


# ---- Memtest86+ (it never exits: each boot runs until it tests) ----

# test_payloads.MEMTEST_RANGE, with fractions ("[4MB of 58.6MB]")
MEMTEST_RANGE = re.compile(r'(\d+(?:\.\d+)?[KMG]B) - (\d+(?:\.\d+)?[KMG]B) \[(\d+(?:\.\d+)?[KMG]B) of '
                           r'(\d+(?:\.\d+)?[KMG]B)\]')


def memtest_facts(console):
    """test_payloads.memtest_facts, reading fractions in the range."""
    return test_payloads.memtest_facts(console, MEMTEST_RANGE)


def kib(size):
    return float(size[:-2]) * {'K': 1, 'M': 1 << 10, 'G': 1 << 20}[size[-2]]


def memtest_cell(platform):
    """memtest86+x64.bin through fwboot (the 32-bit entry; under UEFI after
    ExitBootServices) finds the memory and CPUs, and runs its first test
    over the range, that it finds and runs when the platform's own firmware
    starts it: QEMU's -kernel on pc; under UEFI OVMF's -kernel with Debian's
    EFI build of the same version (memory and CPUs). On microvm qboot's Linux
    path gives it no e820 table and it finds less memory (58.6 MB of 64):
    the CPUs and the test's start are compared there, and fwboot must give
    it at least as much."""
    image = test_linux.debian()['memtest64']
    extra = ['-bios', OVMF] if platform == UEFI else ['-M', 'microvm'] if platform == MICROVM else []
    # Memtest86+ takes time in proportion to the memory before it tests: little of it
    kw = dict(until=lambda c: memtest_facts(c) is not None, grab_screen=False, timeout=LINUX,
              mem='128M' if platform == UEFI else '64M')
    if platform == UEFI:
        need_efi()
    r = boot_screen(kernel_path=FWBOOT_EFI if platform == UEFI else harness.FWBOOT, extra=extra,
                    files={'opt/fwboot/memtest': image}, append='name=opt/fwboot/memtest -- console=ttyS0,115200',
                    **kw)
    got = memtest_facts(r.console)
    expect(got is not None, 'Memtest86+ did not start testing: ' + test_payloads.ANSI.sub('', r.tail(5)))
    expect('fwboot: boot: linux (32-bit entry)' in r.console, 'not booted through the 32-bit entry')
    if platform == UEFI:
        kw['until'] = lambda c: test_payloads.memtest_efi_facts(c) is not None
        q = boot_screen(kernel_path=test_linux.debian()['memtestefi'], append='console=ttyS0,115200',
                        extra=extra + ['-vga', 'std'], **kw)
        want = test_payloads.memtest_efi_facts(q.console)
        expect(want is not None, 'OVMF\'s -kernel: Memtest86+ (EFI) did not start testing')
        expect_eq({k: got[k] for k in want}, want, 'Memtest86+ through fwboot.efi against its EFI build under OVMF')
        return
    q = boot_screen(kernel_path=image, append='console=ttyS0,115200', extra=extra, **kw)
    want = memtest_facts(q.console)
    expect(want is not None, 'QEMU\'s own -kernel: Memtest86+ did not start testing')
    if platform == PC:
        expect_eq(got, want, 'Memtest86+ through fwboot against QEMU\'s own -kernel')
        return
    expect_eq((got['cpu'], got['range'][:2]), (want['cpu'], want['range'][:2]),
              'CPUs and the first test\'s start, through fwboot against QEMU\'s own -kernel')
    expect(kib(got['range'][3]) >= kib(want['range'][3]),
           'memory Memtest86+ tests: %s through fwboot, %s through QEMU\'s own -kernel' % (got['range'][3],
                                                                                         want['range'][3]))


# ---- payloads that call the BIOS ----

IPXE_MARKER = 'FWBOOT-MATRIX-IPXE'


def ipxe_cell(platform, expected):
    """ipxe.lkrn (protocol 2.07, code32_start 0: its real-mode setup code is
    its only way in) runs a script from its initrd. SeaBIOS copies its INT 10h
    output to COM1 given etc/sercon-port."""
    d = tmpdir()
    # a line after the marker: the console's last characters before reboot can be lost
    script = write_file(d, 'script.ipxe', ('#!ipxe\necho %s\necho done\nreboot\n' % IPXE_MARKER).encode())
    sercon = write_file(d, 'sercon-port', b'\xf8\x03')
    r = fwboot_on(platform, [('opt/fwboot/ipxe', test_linux.debian()['ipxe']), ('opt/fwboot/script', script),
                             ('etc/sercon-port', sercon)],
                  'name=opt/fwboot/ipxe initrd=opt/fwboot/script', extra=['-nic', 'none'], timeout=guard(expected))
    if expected is BOOTS:
        expect_status(r, 0)     # reboot under -no-reboot
        expect(IPXE_MARKER in r.console.splitlines(), 'the iPXE script did not run')
    return r


def memdisk_cell(platform, expected):
    """memdisk (protocol 2.03: its setup code hooks INT 13h) with a floppy
    whose boot sector reads its second sector through INT 13h. On pc, QEMU's
    own -kernel boots the same pair the same way."""
    d = tmpdir()
    fl = test_payloads.floppy(d)
    r = fwboot_on(platform, [('opt/fwboot/memdisk', test_linux.debian()['memdisk']), ('opt/fwboot/floppy', fl)],
                  'name=opt/fwboot/memdisk initrd=opt/fwboot/floppy', timeout=guard(expected))
    if expected is BOOTS:
        test_payloads.expect_floppy_booted(r)
        test_payloads.expect_floppy_booted(qemu_on(platform, test_linux.debian()['memdisk'], '', initrd=fl))
    return r


def grub_lkrn_cell(platform, expected):
    """grub.lkrn (lnxboot.img + an i386-pc core: a BIOS program that reads
    the memory map, disks and keyboard through the BIOS) with a configuration
    that prints a marker and halts. On pc it boots as Multiboot 1 by the
    probe order, as QEMU's own -kernel boots it."""
    img = test_payloads.grub_lkrn(tmpdir())
    r = fwboot_on(platform, [('opt/fwboot/grub', img)], 'name=opt/fwboot/grub', timeout=guard(expected))
    if expected is BOOTS:
        test_payloads.expect_grub_ran(r)
        test_payloads.expect_grub_ran(qemu_on(platform, img, ''))
    return r


def xen_refused(platform, expected):
    """What xen_cell boots, where it is to be refused."""
    return fwboot_on(platform, xen_files(tmpdir()), 'name=opt/fwboot/boot', mem='512M', timeout=guard(expected))


# ---- the cells, from the table ----

# payload -> function(platform, expected) that boots it and, for BOOTS,
# checks it; for a refusal it returns the boot for the generic check below
# (only the payloads in CAN_REFUSE know how to be refused)
CAN_REFUSE = ('xen', 'ipxe', 'memdisk', 'grub_lkrn')
RUN = {
    'mbtest': lambda p, e: mbtest_cell(p),
    'mb2test': lambda p, e: mb2test_cell(p),
    'pvhtest': lambda p, e: pvhtest_cell(p),
    'limtest': lambda p, e: limtest_cell(p),
    'linux_amd64': lambda p, e: linux_cell(p, 'amd64'),
    'linux_686': lambda p, e: linux_cell(p, '686'),
    'xen': lambda p, e: xen_cell(p) if e is BOOTS else xen_refused(p, e),
    'memtest': lambda p, e: memtest_cell(p),
    'ipxe': ipxe_cell,
    'memdisk': memdisk_cell,
    'grub_lkrn': grub_lkrn_cell,
}


def check_refused(r, expected):
    expect_status(r, exit_status(expected.status))
    lines = [l for l in r.console.splitlines() if re.search(expected.pattern, l)]
    expect(lines, 'no line matches %r' % expected.pattern)
    expect('fwboot: boot: ' not in r.console.replace('fwboot: boot: started', ''), 'fwboot went on to a hand-off')


def make_cell(payload, platform, expected):
    def cell():
        r = RUN[payload](platform, expected)
        if isinstance(expected, Refused):
            check_refused(r, expected)
    cell.__name__ = 'test_%s_%s' % (payload, platform)
    cell.__doc__ = '%s on %s: %r' % (payload, platform, expected)
    return cell


for _payload, _row in MATRIX.items():
    assert set(RUN) == set(MATRIX) and len(_row) == len(PLATFORMS)
    for _platform, _expected in zip(PLATFORMS, _row):
        assert _expected is BOOTS or _payload in CAN_REFUSE, (_payload, _platform)
        _cell = make_cell(_payload, _platform, _expected)
        globals()[_cell.__name__] = _cell
