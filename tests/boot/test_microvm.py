# SPDX-License-Identifier: BSD-2-Clause
"""fwboot on QEMU's microvm machine (-M microvm), and the PVH entry.

microvm has no SeaBIOS: its firmware is qboot (Debian links
bios-microvm.bin to qboot.rom), which starts a -kernel itself. QEMU's
x86_load_linux tries Multiboot before PVH, so qboot starts fwboot.elf
through Multiboot 1 and fwboot-pvh.elf (the same program without the
Multiboot headers) through its PVH note (hvm_start_info). Both ways are
booted here with the same payloads: a Multiboot 1 and a Multiboot 2 test
kernel, a script in a bundle, and the failures with their statuses. The
pc machine still starts fwboot.elf through Multiboot although it carries
the PVH note now; fwboot's own PVH loader starting fwboot-pvh.elf checks the
PVH entry against a second producer.

The oracle for what the loader hands over is QEMU and qboot themselves:
pvhtest started directly by qboot reports the memory map, command line and
RSDP that fwboot must have read and passed on.
"""

import os
import re
import struct

import harness
import test_linux
import test_mb1

from harness import (MBTEST_DONE, boot, crc32_file, expect, expect_eq, expect_status, exit_status, kernel,
                     parse_mbtest, random_file, tmpdir, write_file)
from kreport import check_memory_map, fwboot_line, parse_report

FWBOOT_PVH = os.path.join(harness.BUILD, 'fwboot-pvh.elf')
MICROVM = ['-M', 'microvm']
K = 'opt/fwboot/kernel'
ARGS = 'arg1 "two  words" key=value'
ST_NOT_FOUND = exit_status(4)
ST_BAD_IMAGE = exit_status(5)
ST_LIST = exit_status(16)

# how each way in starts fwboot, and the line fwboot logs for it
STARTS = {
    'multiboot': (harness.FWBOOT, 'boot: started by qemu through Multiboot 1'),
    'pvh': (FWBOOT_PVH, 'boot: started by an unnamed loader through PVH (start info version 1 at 0x'),
}


def boot_microvm(start, machine='microvm', **kw):
    path, line = STARTS[start]
    expect(os.path.isfile(path), '%s is missing: run "make"' % path)
    r = boot(kernel_path=path, extra=['-M', machine] + list(kw.pop('extra', ())), **kw)
    fwboot_line(r, line)
    return r


def qboot_handover(mem='256M'):
    """What qboot hands a PVH kernel on microvm: pvhtest's report of its
    start info (memory map entries, RSDP), booted by qboot directly."""
    r = boot(kernel_path=kernel('pvhtest-elf32.elf'), append='oracle', mem=mem, extra=MICROVM)
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'pvhtest')
    expect_eq(k['protocol'], 'pvh', 'qboot entered pvhtest through')
    expect_eq(k['cmdline'], 'oracle', 'qboot passes -append alone')
    return k


def map_of(entries):
    """(base, len, type) of the non-empty entries, as fwboot passes them on."""
    return [(e['base'], e['len'], e['type']) for e in entries if e['len']]


def mb1_boot(start, extra_opts=()):
    d = tmpdir()
    mods = test_mb1.random_modules(d, [('opt/fwboot/mod-b', 16384, 71), ('opt/fwboot/mod-a', 99999, 72)])
    append = test_mb1.fwboot_append(K, mods, ARGS, options=extra_opts)
    files = [(K, kernel('mbtest-elf32.elf'))] + [(m.name, m.path) for m in mods]
    r = boot_microvm(start, files=files, append=append)
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    test_mb1.check_mbtest(info, 'elf32', K + ' ' + ARGS, mods)
    return r, info


# ---- Multiboot 1 and 2 payloads, both ways in ----

def test_multiboot_start_boots_mb1_kernel():
    """fwboot.elf on microvm: qboot's Multiboot start, fw_cfg by DMA, mbtest
    gets its command line, modules and qboot's memory map."""
    r, info = mb1_boot('multiboot')
    fwboot_line(r, 'fw_cfg: DMA, ')
    fwboot_line(r, 'cmdline: "%s name=%s' % (harness.FWBOOT, K))   # QEMU passes the path first
    oracle = qboot_handover()
    expect_eq(map_of(info['mmap_entry']), map_of(oracle['mmap_entry']),
              'memory map mbtest got (via qboot Multiboot and fwboot) vs. the one qboot gives PVH')


def test_pvh_start_boots_mb1_kernel_over_port_io():
    """fwboot-pvh.elf on microvm: qboot's PVH start; the command line (no
    path), memory map and RSDP come from hvm_start_info; fw_cfg's port I/O
    interface is there too (0x510/0x511, DMA at 0x514)."""
    r, info = mb1_boot('pvh', extra_opts=('fw_cfg=pio',))
    fwboot_line(r, 'cmdline: "name=%s ' % K)
    fwboot_line(r, 'fw_cfg: port I/O, ')
    oracle = qboot_handover()
    expect_eq(map_of(info['mmap_entry']), map_of(oracle['mmap_entry']),
              'memory map mbtest got (from fwboot, read from hvm_start_info) vs. qboot\'s to pvhtest')
    check_memory_map([e for e in oracle['mmap_entry'] if e['len']])   # RAM at 0 and at 1 MiB


def mb2_boot(start):
    d = tmpdir()
    m = random_file(d, 'm', 70001, seed=81)
    r = boot_microvm(start, files=[(K, kernel('mb2test-elf32.elf')), ('opt/fwboot/m', m)],
                     append='name=%s initrd=opt/fwboot/m -- %s' % (K, ARGS))
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'mb2test')
    expect(k['done'], 'mb2test did not finish')
    expect_eq(k['protocol'], 'multiboot2', 'entered through')
    expect_eq(k['magic'], 0x36d76289, 'EAX')
    expect_eq(k['state']['ok'], 1, 'machine state: %r' % k['state'])
    expect_eq(k['image']['pattern_ok'], 1, 'image pattern')
    expect_eq(k['cmdline'], K + ' ' + ARGS, 'command line')
    expect_eq([(x['size'], x['crc32']) for x in k['mod']], [(70001, crc32_file(m))], 'module size and CRC')
    rsdp = k.get('rsdp')
    expect(rsdp, 'no ACPI RSDP tag (qboot has ACPI tables on microvm)')
    for key in ('signature_ok', 'checksum_ok', 'matches_bios'):
        expect_eq(rsdp[key], 1, 'RSDP copy ' + key)
    fwboot_line(r, 'image: %s is multiboot2' % K)
    return k


def test_mb2_kernel_both_starts():
    """mb2test through each way in, with the same memory map and an RSDP copy."""
    a = mb2_boot('multiboot')
    b = mb2_boot('pvh')
    expect_eq(map_of(b['mmap_entry']), map_of(a['mmap_entry']), 'memory map (PVH start vs. Multiboot start)')


def test_rsdp_from_start_info():
    """The PVH start takes the RSDP hvm_start_info names (qboot's); the
    Multiboot start searches the BIOS areas (mb2test checked the copy)."""
    oracle = qboot_handover()
    r = boot_microvm('pvh', append='list')
    expect_status(r, ST_LIST)
    fwboot_line(r, 'acpi: RSDP at 0x%x, named by the loader' % oracle['rsdp']['addr'])
    r = boot_microvm('multiboot', append='list')
    expect_status(r, ST_LIST)
    expect('acpi: RSDP' not in r.console, 'the Multiboot start has no RSDP from its loader')


# ---- Linux: Debian's kernel and a busybox initramfs, as test_linux.py ----

# Linux on microvm calibrates its TSC against the PIT only (no HPET, no ACPI
# PM timer there), a measurement that fails under TCG on a loaded host, and
# the boot then hangs: QEMU's own -kernel (qboot's bzImage path, no fwboot)
# hangs the same way. tsc_early_khz= skips that measurement (any value
# boots), so the boot does not depend on timing.
LINUX_ARGS = 'console=ttyS0 panic=-1 no_timer_check tsc_early_khz=2000000 fwboot.test="a  b"  x=1 -- initarg'
E820_TYPES = {'usable': 1, 'reserved': 2, 'ACPI data': 3, 'ACPI NVS': 4, 'unusable': 5}


def kernel_e820(console):
    """(base, len, type) of the kernel's 'BIOS-e820:' lines."""
    out = []
    for m in re.finditer(r'BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.+)', console):
        base, last = int(m.group(1), 16), int(m.group(2), 16)
        out.append((base, last + 1 - base, E820_TYPES.get(m.group(3).strip(), m.group(3).strip())))
    return out


def linux_boot(start, two):
    d = tmpdir()
    files = [('opt/fwboot/vmlinuz', test_linux.debian()['vmlinuz']),
             ('opt/fwboot/initrd1', test_linux.initramfs(d))]
    opts = 'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd1'
    if two:
        files.append(('opt/fwboot/initrd2', test_linux.second_initrd(d)))
        opts += ' initrd=opt/fwboot/initrd2'
    r = boot_microvm(start, files=files, append='%s -- %s' % (opts, LINUX_ARGS), mem=test_linux.MEM,
                     timeout=test_linux.LINUX_TIMEOUT)
    test_linux.expect_linux(r, LINUX_ARGS, '32-bit entry', two)
    oracle = qboot_handover(mem=test_linux.MEM)
    expect_eq(kernel_e820(r.console), map_of(oracle['mmap_entry']),
              'the kernel\'s e820 map (boot_params, from fwboot) vs. the map qboot gives')
    return r


def test_linux_pvh_start_two_initrds():
    """fwboot-pvh.elf: boot_params' e820 from the PVH memory map, two
    initrds, the exact command line."""
    linux_boot('pvh', True)


def test_linux_multiboot_start():
    linux_boot('multiboot', False)


# ---- scripts, bundles, failures ----

def test_bundle_script_on_pvh_start():
    from test_scripts import make_cpio
    d = tmpdir()
    m1 = random_file(d, 'm1', 5000, seed=91)
    s = write_file(d, 'boot.ipxe', b'''#!ipxe
echo microvm script ${fwboot/version}
kernel fw_cfg:opt/fwboot/set.cpio#k.elf from the bundle
module fw_cfg:opt/fwboot/set.cpio#m1 first
boot
''')
    bundle = make_cpio(d, 'set.cpio', {'boot.ipxe': s, 'k.elf': kernel('mbtest-elf32.elf'), 'm1': m1})
    r = boot_microvm('pvh', files={'opt/fwboot/set.cpio': bundle}, append='name=opt/fwboot/set.cpio#boot.ipxe')
    expect_status(r, MBTEST_DONE)
    expect('microvm script 0.1.0' in r.console, 'the script\'s echo is missing')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/set.cpio#k.elf from the bundle', 'command line')
    expect_eq([(x['string'], x['crc32']) for x in info['mod']], [('opt/fwboot/set.cpio#m1 first', crc32_file(m1))],
              'module')


def test_failures_both_starts():
    """A missing file (4) and a bad image (5), with their messages, either way in."""
    d = tmpdir()
    junk = write_file(d, 'junk', b'\x7fELF' + b'\x00' * 200)
    for start in STARTS:
        r = boot_microvm(start, files={K: kernel('mbtest-elf32.elf')}, append='name=opt/fwboot/nope')
        expect_status(r, ST_NOT_FOUND)
        fwboot_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above)')
        r = boot_microvm(start, files={K: junk}, append='name=' + K)
        expect_status(r, ST_BAD_IMAGE)
        fwboot_line(r, 'fwboot: image: ')


def test_real_mode_setup_refused_without_bios():
    """qboot leaves the interrupt vectors empty: a Linux setup code would
    call nothing and hang. entry=16, and ipxe.lkrn (its setup code is its
    only way in), are refused by name (status 5), either way in; under
    SeaBIOS the same boots go on (test_linux)."""
    from test_linux import debian
    files = debian()
    for start in STARTS:
        r = boot_microvm(start, files={K: files['vmlinuz']}, append='name=%s entry=16 -- console=ttyS0' % K)
        expect_status(r, ST_BAD_IMAGE)
        fwboot_line(r, 'fwboot: linux: entry=16 runs the image\'s real-mode setup code, which calls the BIOS '
                    '(INT 10h, 15h, 16h), and this machine has no BIOS services')
    r = boot_microvm('multiboot', files={K: files['ipxe']}, append='name=' + K)
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'fwboot: linux: its only way in is the image\'s real-mode setup code')


def test_virtio_mmio_words_reach_the_payload():
    """acpi=off: QEMU appends virtio_mmio.device= words to the command line
    qboot passes on the PVH start; after '--' they are the payload's."""
    r = boot_microvm('pvh', files={K: kernel('mbtest-elf32.elf')}, append='name=%s -- a' % K,
                     machine='microvm,acpi=off', extra=['-device', 'virtio-rng-device'])
    expect_status(r, MBTEST_DONE)
    cl = parse_mbtest(r)['cmdline']
    expect(re.fullmatch(re.escape(K) + r' a virtio_mmio\.device=512@0x[0-9a-f]+:\d+', cl),
           'command line %r: QEMU\'s virtio_mmio.device= word did not reach the payload' % cl)


# ---- the pc machine, and fwboot's own PVH loader as a second producer ----

def elf_notes(path):
    """(owner, type, desc) of every note in the PT_NOTE segments of an ELF32 file."""
    with open(path, 'rb') as f:
        img = f.read()
    expect(img[:4] == b'\x7fELF' and img[4] == 1, '%s is not ELF32' % path)
    phoff, = struct.unpack_from('<I', img, 28)
    phentsize, phnum = struct.unpack_from('<HH', img, 42)
    notes = []
    for i in range(phnum):
        p_type, p_offset, _, _, p_filesz = struct.unpack_from('<IIIII', img, phoff + i * phentsize)
        off, end = p_offset, p_offset + p_filesz
        while p_type == 4 and off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from('<III', img, off)
            name = img[off + 12:off + 12 + namesz].rstrip(b'\0').decode()
            doff = off + 12 + ((namesz + 3) & ~3)
            notes.append((name, ntype, img[doff:doff + descsz]))
            off = doff + ((descsz + 3) & ~3)
    return notes


def test_pc_still_starts_through_multiboot():
    """fwboot.elf carries the PVH note, and QEMU's pc -kernel still picks
    Multiboot (tried first); fwboot-pvh.elf has no Multiboot 1 header."""
    for path in (harness.FWBOOT, FWBOOT_PVH):
        xen = [n for n in elf_notes(path) if n[0] == 'Xen' and n[1] == 18]
        expect_eq(len(xen), 1, 'PHYS32_ENTRY notes in %s' % path)
    with open(FWBOOT_PVH, 'rb') as f:
        head = f.read(8192)
    expect(struct.pack('<I', 0x1BADB002) not in head, 'fwboot-pvh.elf has a Multiboot 1 magic')
    r = boot(files={K: kernel('mbtest-elf32.elf')}, append='name=%s -- pc' % K)
    expect_status(r, MBTEST_DONE)
    fwboot_line(r, 'boot: started by qemu through Multiboot 1')
    expect('through PVH' not in r.console, 'pc started fwboot.elf through PVH')
    expect_eq(parse_mbtest(r)['cmdline'], K + ' pc', 'command line')


def test_fwboot_boots_fwboot_pvh():
    """On pc, fwboot (Multiboot) boots fwboot-pvh.elf as a PVH kernel, which
    reads fwboot's hvm_start_info and boots mbtest: the PVH entry against
    fwboot's own PVH producer."""
    d = tmpdir()
    m = random_file(d, 'm', 12345, seed=95)
    r = boot(files=[('opt/fwboot/inner', FWBOOT_PVH), (K, kernel('mbtest-elf32.elf')), ('opt/fwboot/m', m)],
             append='name=opt/fwboot/inner -- name=%s initrd=opt/fwboot/m -- nested' % K)
    expect_status(r, MBTEST_DONE)
    fwboot_line(r, 'image: opt/fwboot/inner is pvh')
    fwboot_line(r, 'boot: started by an unnamed loader through PVH (start info version 1 at 0x')
    fwboot_line(r, 'cmdline: "name=%s initrd=opt/fwboot/m -- nested"' % K)
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], K + ' nested', 'command line')
    expect_eq([(x['size'], x['crc32']) for x in info['mod']], [(12345, crc32_file(m))], 'module')
