# SPDX-License-Identifier: BSD-2-Clause
"""fwboot.efi under OVMF (Debian's ovmf package, TCG): started by OVMF's own
-kernel, it reads the load options as its command line, fw_cfg by DMA or
port I/O, and boots EFI images from fw_cfg through the firmware's
LoadImage/StartImage with their arguments as load options and initrds
through Linux's initrd media protocol; Multiboot 1 and 2, PVH and Linux's
32-bit entry (gzip-compressed or not; Debian's kernel with format=linux)
through fwboot.elf's own planners after ExitBootServices
(the test kernels of tests/kernels report what they got, checked against
the EFI memory map fwboot.efi logged and, for Multiboot 2, against the EFI
tags and the firmware's own tables). What cannot work under UEFI (real-mode
setup code) is refused by name; failures
give fwboot.elf's messages and statuses, compared against fwboot.elf under
SeaBIOS as the oracle.

OVMF takes seconds to start under TCG, so each boot checks several things:
thirteen OVMF boots in all (plus four quick SeaBIOS ones).
"""

import os
import re
import shutil
import struct

import harness

from harness import (MBTEST_DONE, Skip, boot, crc32_file, expect, expect_eq, expect_status, exit_status, fail,
                     kernel, parse_mbtest, random_file, tmpdir, write_file)
from kreport import check_elf_sections, check_modules, parse_report

OVMF = '/usr/share/ovmf/OVMF.fd'
FWBOOT_EFI = os.path.join(harness.BUILD, 'fwboot.efi')
EFI_CC = 'x86_64-w64-mingw32-gcc'

EFIOPTS_DONE = exit_status(0x44)       # tests/efi/efiopts.c
ST_CMDLINE = exit_status(2)
ST_NOT_FOUND = exit_status(4)
ST_BAD_IMAGE = exit_status(5)
ST_NO_MEMORY = exit_status(6)
ST_PLATFORM = exit_status(10)


def need_efi():
    """Skip only where the firmware or the PE toolchain is truly absent
    (tools/deps.sh installs both); a missing build is a failure."""
    if not os.path.isfile(OVMF):
        raise Skip('%s is missing (Debian package ovmf; tools/deps.sh installs it)' % OVMF)
    if not os.path.isfile(FWBOOT_EFI):
        if shutil.which(EFI_CC) is None:
            raise Skip('%s is missing (gcc-mingw-w64-x86-64; tools/deps.sh installs it)' % EFI_CC)
        fail('build/fwboot.efi is missing: run "make"')


def efi_boot(**kw):
    need_efi()
    return boot(kernel_path=FWBOOT_EFI, extra=['-bios', OVMF] + list(kw.pop('extra', ())), **kw)


def app():
    return kernel('efiopts.efi')


def efiopts(r):
    """{'size', 'options', 'terminated'} from efiopts' lines."""
    out = {}
    for line in r.console.splitlines():
        for key in ('size', 'options', 'terminated'):
            if line.startswith('efiopts: %s ' % key):
                out[key] = line[len('efiopts: %s ' % key):]
    expect('options' in out, 'efiopts printed no load options: it did not run')
    return out


def expect_line(r, text):
    expect(text in r.console, 'console lacks %r' % text)


def fwboot_lines(r):
    return [l for l in r.console.splitlines() if l.startswith('fwboot: ')]


def test_efi_app_gets_its_arguments_as_load_options():
    args = 'one  two=2 "three" --x'
    r = efi_boot(files={'opt/fwboot/app': app()}, append='name=opt/fwboot/app -- ' + args)
    expect_status(r, EFIOPTS_DONE)
    got = efiopts(r)
    expect_eq(got['options'], '"%s"' % args.replace('"', '\\u0022'), 'load options')
    expect_eq(got['size'], str(2 * (len(args) + 1)), 'LoadOptionsSize (UCS-2 and its NUL)')
    expect_eq(got['terminated'], 'yes', 'NUL-terminated load options')
    expect_line(r, 'fwboot: boot: started by UEFI firmware (EDK II')
    expect_line(r, 'fwboot: cmdline: "name=opt/fwboot/app -- %s"' % args)   # OVMF passes -append alone
    expect_line(r, 'fwboot: efi: starting opt/fwboot/app at 0x')
    lines = fwboot_lines(r)
    dma = [l for l in lines if l.startswith('fwboot: fw_cfg: ')]
    expect(len(dma) == 1 and dma[0].startswith('fwboot: fw_cfg: DMA, '),
           'one fw_cfg line, by DMA (each line once on COM1, not twice): %r' % dma)


def far_mb1(d):
    """mbtest's a.out-kludge variant with every address of its Multiboot 1
    header moved up by 1 GiB: outside a 256 MiB machine's RAM, so no plan
    can place it."""
    with open(kernel('mbtest-aout.bin'), 'rb') as f:
        data = bytearray(f.read())
    off = data.find(struct.pack('<I', 0x1BADB002))
    expect(off >= 0, 'mbtest-aout.bin has a Multiboot 1 header')
    for field in range(12, 32, 4):     # header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr
        v, = struct.unpack_from('<I', data, off + field)
        if v:
            struct.pack_into('<I', data, off + field, v + 0x40000000)
    return write_file(d, 'far.bin', bytes(data))


FAR_REASON = 'is not in available RAM'


def test_efi_script_bundle_port_io_and_refusals():
    """One boot: a script (over port I/O) tries what fwboot.efi refuses
    (Multiboot 2 keeping boot services, junk, a broken PE) or cannot place, each failure handled by || (the firmware still running:
    the script goes on), then boots an EFI application from a cpio bundle
    with arguments."""
    from test_scripts import make_cpio
    from test_mb2 import _flat_mb2
    d = tmpdir()
    with open(app(), 'rb') as f:
        truncated = f.read()[:1024]     # PE headers, sections missing: LoadImage refuses it
    files = {
        'opt/fwboot/far': far_mb1(d),
        # Multiboot 2 asking to keep boot services (tag 7, required) with no EFI amd64 entry (9)
        # to enter under them (test_efi_multiboot2_boot_services_kept boots one that has it)
        'opt/fwboot/efibs': _flat_mb2(d, 'efibs.bin', [(7, 0, b'')]),
        'opt/fwboot/junk': random_file(d, 'junk', 5000, seed=7),
        'opt/fwboot/trunc': write_file(d, 'trunc', truncated),
        'opt/fwboot/set.cpio': make_cpio(d, 'set.cpio', {'app.efi': app()}),
    }
    names = ['far', 'efibs', 'junk', 'trunc']
    # imgfree: a fetched image stays, and the next boot would take it as a module
    text = '#!ipxe\n' + ''.join('chain fw_cfg:opt/fwboot/%s || echo after-%s\nimgfree\n' % (n, n) for n in names)
    text += 'kernel fw_cfg:opt/fwboot/set.cpio#app.efi from the bundle\nboot\n'
    files['opt/fwboot/boot.ipxe'] = write_file(d, 'boot.ipxe', text.encode())
    r = efi_boot(files=files, append='fw_cfg=pio name=opt/fwboot/boot.ipxe')
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, 'fwboot: fw_cfg: port I/O, ')
    far = [l for l in r.console.splitlines() if ': chain: memory: opt/fwboot/far at 0x4' in l and FAR_REASON in l]
    expect(len(far) == 1, 'the unplaceable kernel refused once, saying why: %r' % far)
    expect('ExitBootServices' not in r.console and 'leaving boot services' not in r.console,
           'nothing got as far as ExitBootServices')
    expect_line(r, 'chain: image: opt/fwboot/efibs is not a bootable image ('
                'multiboot2: header tag 7 (EFI boot services) is required but not supported; ')
    expect_line(r, 'chain: image: opt/fwboot/junk is not a bootable image (multiboot2: ')
    expect_line(r, 'chain: image: opt/fwboot/trunc is not a bootable image (the firmware\'s LoadImage refused it: ')
    for n in names:
        expect(('\nafter-%s\n' % n) in r.console, 'the script went on after %s' % n)
    expect_eq(efiopts(r)['options'], '"from the bundle"', 'load options of the bundle member')


def elf_error(append, files):
    """fwboot.elf's error line under SeaBIOS: the oracle for fwboot.efi's."""
    r = boot(files=files, append=append)
    errs = [l for l in fwboot_lines(r) if l.endswith(']') and '[status ' in l]
    expect(len(errs) == 1, 'fwboot.elf printed one error line: %r' % errs)
    return r.status, errs[0]


def test_efi_failures_as_fwboot_elf():
    d = tmpdir()
    junk = random_file(d, 'junk', 5000, seed=8)
    cases = [
        ('name=opt/fwboot/nope', {'opt/fwboot/junk': junk}, ST_NOT_FOUND, None),
        ('name=opt/fwboot/junk bogus=1', {'opt/fwboot/junk': junk}, ST_CMDLINE, None),
        ('name=opt/fwboot/junk', {'opt/fwboot/junk': junk}, ST_BAD_IMAGE, None),
    ]
    for append, files, status, _ in cases:
        want_status, want = elf_error(append, files)
        expect_eq(want_status, status, 'fwboot.elf status for %r' % append)
        r = efi_boot(files=files, append=append)
        expect_status(r, status)
        errs = [l for l in fwboot_lines(r) if l.endswith(']') and '[status ' in l]
        expect_eq(errs, [want], 'fwboot.efi error line for %r' % append)
    # Linux's real-mode setup code calls the BIOS: refused by name, before ExitBootServices
    r = efi_boot(files={'opt/fwboot/k': kernel('lxtest.bzImage')}, append='name=opt/fwboot/k entry=16')
    expect_status(r, ST_PLATFORM)
    expect_line(r, 'fwboot: image: opt/fwboot/k: linux (16-bit entry) runs real-mode setup code, which needs a BIOS: '
                'not possible under UEFI (use entry=32) [status 10]')
    expect('ExitBootServices' not in r.console, 'refused before ExitBootServices')


def test_efi_without_debug_exit_returns_the_status():
    """No isa-debug-exit: a failing fwboot.efi returns its EFI status to
    the image that started it. Here that is fwboot.efi itself, running a
    script that chains a second fwboot.efi, then the test application."""
    d = tmpdir()
    s = write_file(d, 's', b'#!ipxe\nchain fw_cfg:opt/fwboot/child name=opt/fwboot/nope\n'
                   b'echo child-came-back\nimgfree\nchain fw_cfg:opt/fwboot/child name=opt/fwboot/far\n'
                   b'echo far-came-back\nimgfree\nchain fw_cfg:opt/fwboot/app after the child\n')
    r = efi_boot(files={'opt/fwboot/s': s, 'opt/fwboot/child': FWBOOT_EFI, 'opt/fwboot/app': app(),
                        'opt/fwboot/far': far_mb1(d)},
                 append='name=opt/fwboot/s', debug_exit=False)
    expect_status(r, 0)     # efiopts shuts down through ResetSystem
    expect_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above) [status 4]')
    expect_line(r, 'fwboot: returning to the firmware (EFI status 0x800000000000000e Not Found)')
    expect_line(r, 'fwboot: efi: opt/fwboot/child returned (EFI status 0x800000000000000e Not Found)')
    expect_line(r, '\nchild-came-back\n')
    # a Multiboot kernel that cannot be placed: the child fails before
    # ExitBootServices and returns its status to a firmware still running
    far = [l for l in r.console.splitlines() if l.startswith('fwboot: ') and FAR_REASON in l]
    expect(len(far) == 1 and far[0].endswith(' [status 6]'), 'the child said why it cannot place it: %r' % far)
    expect_line(r, 'fwboot: returning to the firmware (EFI status 0x8000000000000009 Out of Resources)')
    expect_line(r, 'fwboot: efi: opt/fwboot/child returned (EFI status 0x8000000000000009 Out of Resources)')
    expect('ExitBootServices' not in r.console, 'nothing got as far as ExitBootServices')
    expect_line(r, '\nfar-came-back\n')
    expect_eq(efiopts(r)['options'], '"after the child"', 'load options after the child came back')


def test_efi_debian_kernel_through_its_efi_stub_with_two_initrds():
    """Debian's kernel as an EFI image: its EFI stub takes the load options
    as the command line and both initrds, concatenated, through Linux's
    initrd media protocol; the busybox initramfs prints /proc/cmdline
    (checked exactly) and a file of the second initrd, then powers off."""
    from test_linux import LINUX_TIMEOUT, MARKER, SECOND, debian, initramfs, second_initrd
    d = tmpdir()
    # no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
    # check can miss its ticks and panic; the test must not depend on load
    args = 'console=ttyS0 panic=-1 no_timer_check fwboot.test=efi-stub'
    files = [('opt/fwboot/vmlinuz', debian()['vmlinuz']), ('opt/fwboot/initrd1', initramfs(d)),
             ('opt/fwboot/initrd2', second_initrd(d))]
    r = efi_boot(files=files, mem='512M', timeout=LINUX_TIMEOUT,
                 append='name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd1 initrd=opt/fwboot/initrd2 -- ' + args)
    expect_status(r, 0)     # poweroff -f
    expect_line(r, 'fwboot: efi: initrd: 2 file(s), ')
    expect_line(r, 'fwboot: efi: starting opt/fwboot/vmlinuz at 0x')
    lines = r.console.splitlines()
    expect(any('Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path' in l for l in lines),
           "the EFI stub took the initrd from fwboot.efi's initrd media protocol")
    expect(any('] efi: EFI v' in l for l in lines), 'the kernel runs as an EFI boot (its "efi: EFI v" line)')
    expect(MARKER in lines, 'no %s line: /init did not run' % MARKER)
    expect_eq([l for l in lines if l.startswith('CMDLINE<')], ['CMDLINE<%s>' % args], '/proc/cmdline')
    expect_eq([l for l in lines if l.startswith('EXTRA<')], ['EXTRA<%s>' % SECOND], 'file from the second initrd')


# ---- fwboot.elf's formats under UEFI (platform/efi/handoff.c) ----

K = 'opt/fwboot/kernel'
EFI_CONVENTIONAL = 7
EFI_RAM_TYPES = (1, 2, 3, 4, 7)    # loader, boot services code/data, conventional: RAM after ExitBootServices
EFI_PAYLOAD_TYPE = {9: 3, 10: 4, 8: 5}


def logged_map(r):
    """The memory map fwboot.efi logged ("memory: 0x...-0x... type N"), as
    [(base, length, type)]: what it planned with and hands over."""
    got = [(int(a, 16), int(b, 16) + 1 - int(a, 16), int(t))
           for a, b, t in re.findall(r'^fwboot: memory: (0x[0-9a-f]+)-(0x[0-9a-f]+) type (\d+)$', r.console, re.M)]
    expect(got, 'fwboot.efi logged no memory map')
    expect(any(t == 1 and b <= 0x100000 < b + n for b, n, t in got), 'no RAM at 1 MiB in %r' % got)
    return got


def efi_to_payload(descs):
    """EFI descriptors as a payload sees them after ExitBootServices:
    touching runs of one type merged, as [(base, length, type)]."""
    out = []
    for e in descs:
        t = 1 if e['type'] in EFI_RAM_TYPES else EFI_PAYLOAD_TYPE.get(e['type'], 2)
        base, n = e['start'], e['pages'] * 4096
        if out and out[-1][2] == t and out[-1][0] + out[-1][1] == base:
            out[-1] = (out[-1][0], out[-1][1] + n, t)
        elif n:
            out.append((base, n, t))
    return out


def in_types(descs, start, end, types):
    """[start, end) lies wholly in descriptors of the given EFI types."""
    pos, moved = start, True
    while pos < end and moved:
        moved = False
        for e in descs:
            if e['type'] in types and e['start'] <= pos < e['start'] + e['pages'] * 4096:
                pos, moved = e['start'] + e['pages'] * 4096, True
    return pos >= end


def direct_loads(r):
    """(what, start, end) of every load fwboot.efi made before the
    trampoline (the staged ones land later, with paging off)."""
    return [(w, int(a, 16), int(b, 16) + 1) for w, a, b, how in
            re.findall(r'^fwboot: load: (.+) -> (0x[0-9a-f]+)-(0x[0-9a-f]+) \((.*)\)$', r.console, re.M)
            if 'staged' not in how]


def logged_rsdp(r):
    m = re.search(r'fwboot: acpi: RSDP at (0x[0-9a-f]+), SMBIOS at (0x[0-9a-f]+) \(the EFI configuration table\)',
                  r.console)
    expect(m, 'fwboot.efi logged no RSDP from the configuration table')
    expect(int(m.group(1), 16), 'OVMF has an RSDP')
    return int(m.group(1), 16)


def native_boot(path, mods, args, opts=''):
    files = [(K, path)] + list(mods)
    initrds = ' '.join('initrd=%s' % name for name, _ in mods)
    r = efi_boot(files=files, append='name=%s %s %s -- %s' % (K, initrds, opts, args))
    expect_line(r, 'fwboot: efi: ExitBootServices done (map key 0x')
    return r


def mods_of(d):
    return [('opt/fwboot/initrd', random_file(d, 'initrd', 70001, seed=31)),
            ('opt/fwboot/mod.b', random_file(d, 'b', 4096, seed=32))]


def test_efi_multiboot2_with_efi_tags():
    """mb2test under UEFI: command line, modules (CRC-32), ELF sections;
    the memory map tag is the map fwboot.efi logged and the EFI memory map
    tag (17, the descriptors at ExitBootServices) says the same; tag 12's
    system table is readable ("IBI SYST") and its ACPI 2.0 entry is the
    RSDP fwboot.efi found, whose bytes both RSDP tags carry; everything
    loaded before the trampoline went into memory that was free at
    ExitBootServices."""
    d = tmpdir()
    mods = mods_of(d)
    args = 'console=ttyS0 "two words" x=1'
    path = kernel('mb2test-elf32.elf')
    r = native_boot(path, mods, args)
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'mb2test')
    expect(k['done'], 'mb2test did not finish')
    expect_eq((k['protocol'], k['magic']), ('multiboot2', 0x36d76289), 'protocol and EAX')
    expect_eq((k['image']['load'], k['image']['pattern_ok'], k['image']['bss_zero']), (0x100000, 1, 1),
              'image loaded at 1 MiB, whole, bss zeroed')
    expect_eq(k['state']['ok'], 1, 'machine state (PE on, paging and interrupts off): %r' % k['state'])
    expect_eq(k['cmdline'], K + ' ' + args, 'command line')
    expect(k['loader'].startswith('fwboot.efi '), 'loader name %r' % k['loader'])
    expect_eq((k['info']['aligned'], k['info']['reserved'], k['tags']['end_ok']), (1, 0, 1),
              'info block aligned, reserved 0, end tag at total_size')
    check_modules(k['mod'], [(p, n) for n, p in mods], k['image'])
    check_elf_sections(k, path)

    planned = logged_map(r)
    got = [(e['base'], e['len'], e['type']) for e in k['mmap_entry']]
    expect_eq(got, planned, 'memory map tag against the map fwboot.efi logged')
    em = k['efi_mmap']
    expect(em['descr_size'] >= 40, 'EFI descriptor size %r' % em)
    expect_eq(em['version'], 1, 'EFI descriptor version')
    expect_eq(em['count'], len(k['efi_desc']), 'EFI descriptors printed')
    expect_eq(efi_to_payload(k['efi_desc']), planned, 'EFI memory map tag (at ExitBootServices) against tag 6')
    m = re.search(r'ExitBootServices done \(map key 0x[0-9a-f]+, (\d+) descriptors of (\d+) bytes', r.console)
    expect_eq((em['count'], em['descr_size']), (int(m.group(1)), int(m.group(2))),
              'tag 17 holds the map ExitBootServices took')
    upper = 0
    for b, n, t in planned:
        if t == 1 and b <= 0x100000 + upper < b + n:
            upper = b + n - 0x100000
    expect_eq((k['meminfo']['lower'], k['meminfo']['upper']), (640, upper // 1024), 'basic memory info (KiB)')
    loads = direct_loads(r)
    expect(len(loads) >= 3, 'load lines: %r' % loads)
    for what, a, b in loads:
        expect(in_types(k['efi_desc'], a, b, (EFI_CONVENTIONAL,)),
               '%s at %#x-%#x was not free memory at ExitBootServices' % (what, a, b))

    efi = k['efi64']
    expect(efi['systab'] and efi['signature_ok'] == 1, 'tag 12: a readable EFI system table: %r' % efi)
    rsdp = logged_rsdp(r)
    expect_eq(efi['acpi20'], rsdp, "the system table's ACPI 2.0 entry is the RSDP fwboot.efi used")
    rs = [parse_report(l, 'mb2test')['rsdp'] for l in r.console.splitlines() if l.startswith('mb2test: rsdp ')]
    expect_eq([(x['tag'], x['len'], x['revision']) for x in rs], [(14, 20, 2), (15, 36, 2)],
              'the old (asked for) and the new RSDP tag of an ACPI 2.0 RSDP')
    for x in rs:
        for key in ('signature_ok', 'checksum_ok', 'ext_checksum_ok', 'matches_efi'):
            expect_eq(x[key], 1, 'RSDP tag %d %s' % (x['tag'], key))
    expect(k.get('smbios') and k['smbios']['reserved_zero'] == 1, 'SMBIOS tag from the configuration table')
    expect(not k['tag'], 'tags fwboot.efi should not give: %r' % k['tag'])


def test_efi_multiboot1_staged_against_seabios():
    """mbtest under UEFI, linked at 16 MiB, where OVMF keeps boot services
    data: fwboot.efi stages it and the trampoline moves it there once
    paging is off (its bytes and zeroed bss arrive). The memory map it gets
    is the EFI map fwboot.efi logged, everything it was given lies in RAM
    per that map, its image, modules and ELF sections arrive as under
    SeaBIOS (fwboot.elf there as the oracle for what does not depend on
    the machine)."""
    d = tmpdir()
    mods = mods_of(d)
    args = 'a "b c"'
    path = kernel('mbtest-high.elf')
    r = native_boot(path, mods, args)
    expect(re.search(r'^fwboot: load: %s -> 0x1000000-\S+ \(\d+ bytes, staged\)$' % K, r.console, re.M),
           "the kernel was staged (OVMF's map changed? 16 MiB should be boot services data at 256 MiB)")
    m = re.search(r'^fwboot: boot: multiboot1 entry 0x1000040 .*, (\d+) staged moves?$', r.console, re.M)
    expect(m and int(m.group(1)) >= 2, 'the trampoline moves the image and zeroes its bss')
    expect_status(r, MBTEST_DONE)
    k = parse_mbtest(r)
    expect(k['done'], 'mbtest did not finish')
    expect_eq((k['magic'], k['entry_ok'], k['machine']['state_ok']), (0x2badb002, 1, 1),
              'EAX, entry, machine state')
    expect_eq([(e['base'], e['len'], e['type']) for e in k['mmap_entry']], logged_map(r),
              'memory map against the map fwboot.efi logged')
    expect_eq((k['mmap']['size_ok'], k['mmap']['empty']), (1, 0), 'map entries well formed')
    expect_eq((k['layout']['overlaps'], k['layout']['outside_ram']), (0, 0),
              'nothing overlaps, everything in RAM per the map: %r' % k['layout'])
    expect(k['loader'].startswith('fwboot.efi '), 'loader name %r' % k['loader'])
    files = [(K, path)] + mods
    e = parse_mbtest(boot(files=files, append='name=%s initrd=%s initrd=%s -- %s' % (K, mods[0][0], mods[1][0], args)))
    for key in ('cmdline', 'load', 'entry', 'image', 'elfsyms_check', 'variant'):
        expect_eq(k[key], e[key], '%s under UEFI against SeaBIOS' % key)
    strip = lambda ms: [(m['size'], m['crc32'], m['string'], m['aligned'], m['ram']) for m in ms]
    expect_eq(strip(k['mod']), strip(e['mod']), 'modules under UEFI against SeaBIOS')
    for i, (name, p) in enumerate(mods):
        expect_eq(k['mod'][i]['crc32'], crc32_file(p), 'module %d CRC-32' % i)
    # read-only sections as loaded (.data holds what the kernel wrote while it ran)
    ro = lambda secs: [(s['name'], s['crc32']) for s in secs if not s['flags'] & 1]
    expect_eq(ro(k['shdr']), ro(e['shdr']), 'ELF sections and their bytes')


def test_efi_pvh_gzip_and_linux_32bit_entry():
    """Two boots: pvhtest, gzip-compressed (inflated in pages fwboot.efi
    allocates; CR4 0 and the rest of PVH's state after long mode, the RSDP
    from the configuration table, the EFI map as its memory map) and lxtest, a bzImage without an EFI stub, through the 32-bit
    boot protocol (two initrds back to back, the command line, the EFI map
    as its e820 table)."""
    d = tmpdir()
    mods = mods_of(d)
    r = native_boot(kernel('pvhtest-elf32.elf.gz'), mods, 'root=/dev/vda "a b"')
    expect_status(r, MBTEST_DONE)
    expect(re.search(r'^fwboot: gzip: %s inflated to \d+ bytes$' % K, r.console, re.M), 'inflated')
    expect_line(r, 'fwboot: image: %s is pvh' % K)
    k = parse_report(r, 'pvhtest')
    expect(k['done'], 'pvhtest did not finish')
    expect_eq((k['protocol'], k['magic']), ('pvh', 0x336ec578), 'PVH entry')
    expect_eq(k['state']['ok'], 1, 'machine state (PE, no paging, no interrupts, CR4 0, the note\'s entry): %r'
              % k['state'])
    expect_eq(k['cmdline'], 'root=/dev/vda "a b"', 'command line')
    expect_eq(k['start_info']['nr_modules'], 2, 'nr_modules')
    check_modules(k['mod'], [(p, None) for _, p in mods], k['image'])
    expect_eq((k['rsdp']['addr'], k['rsdp']['signature_ok'], k['rsdp']['checksum_ok']), (logged_rsdp(r), 1, 1),
              'the RSDP of the configuration table')
    expect_eq([(e['base'], e['len'], e['type']) for e in k['mmap_entry']], logged_map(r),
              'memory map against the map fwboot.efi logged')

    import zlib
    mods = [('opt/fwboot/r1', random_file(d, 'r1', 70000, seed=33)), mods[1]]   # 4-aligned: back to back
    with open(mods[0][1], 'rb') as f1, open(mods[1][1], 'rb') as f2:
        both = f1.read() + f2.read()
    r = native_boot(kernel('lxtest.bzImage'), mods, 'quiet x=1')
    expect_status(r, MBTEST_DONE)
    expect_line(r, 'fwboot: image: %s is linux (32-bit entry)' % K)
    m = re.search(r'lxtest: entry path=(\S+) boot_params=\S+ .* hdrs_ok=1', r.console)
    expect(m and m.group(1) == 'entry32', 'lxtest entered through the 32-bit protocol')
    m = re.search(r'lxtest: initrd addr=\S+ size=(\S+) crc32=(\S+)', r.console)
    expect(m, 'lxtest found the initrd')
    expect_eq((int(m.group(1), 16), int(m.group(2), 16)), (len(both), zlib.crc32(both)), 'the initrds, back to back')
    expect(re.search(r'lxtest: cmdline addr=\S+ "quiet x=1"', r.console), 'the command line')
    e820 = [(int(a, 16), int(n, 16), int(t)) for a, n, t in
            re.findall(r'lxtest: e820 addr=(\S+) size=(\S+) type=(\d+)', r.console)]
    expect_eq(e820, logged_map(r), 'e820 table against the map fwboot.efi logged')
    expect(re.search(r'lxtest: done', r.console), 'lxtest finished')


def test_efi_debian_kernel_through_the_32bit_protocol():
    """Debian's kernel with format=linux: not through its EFI stub but as
    fwboot.elf boots it, the 32-bit boot protocol after ExitBootServices,
    with the RSDP of the configuration table (the kernel's own "ACPI: RSDP"
    line names it), the EFI map as its e820 table and, as GRUB EFI's linux
    gives them, the EFI system table and memory map in boot_params' efi_info:
    the kernel runs as an EFI boot ("efi: EFI v2.70 by EDK II") and finds the
    same ACPI 2.0 table there. The initramfs prints the exact command line."""
    from test_linux import LINUX_TIMEOUT, MARKER, debian, initramfs
    d = tmpdir()
    args = 'console=ttyS0 panic=-1 no_timer_check fwboot.test=efi-32'
    r = efi_boot(files=[('opt/fwboot/vmlinuz', debian()['vmlinuz']), ('opt/fwboot/initrd', initramfs(d))],
                 mem='512M', timeout=LINUX_TIMEOUT,
                 append='name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd format=linux -- ' + args)
    expect_status(r, 0)     # poweroff -f
    expect_line(r, 'fwboot: image: opt/fwboot/vmlinuz is linux (32-bit entry)')
    expect_line(r, 'fwboot: efi: ExitBootServices done (map key 0x')
    lines = r.console.splitlines()
    expect(any('] efi: EFI v' in l and 'EDK II' in l for l in lines), 'the kernel did not run as an EFI boot')
    rsdp = logged_rsdp(r)
    expect(any(re.search(r'\] efi: .*ACPI 2\.0=0x0*%x\b' % rsdp, l) for l in lines),
           'the kernel\'s EFI configuration table names another ACPI 2.0 table than %#x' % rsdp)
    expect(any(re.search(r'\] ACPI: RSDP 0x0*%X ' % rsdp, l) for l in lines),
           'the kernel found the RSDP fwboot.efi passed (%#x)' % rsdp)
    expect(MARKER in lines, 'no %s line: /init did not run' % MARKER)
    expect_eq([l for l in lines if l.startswith('CMDLINE<')], ['CMDLINE<%s>' % args], '/proc/cmdline')


def test_efi_gop_framebuffer():
    """Under OVMF with a display (-vga std) a kernel's framebuffer request
    gets a GOP mode, set before ExitBootServices: fbtest is told the mode,
    draws its pattern through the framebuffer, and the screen (QMP
    screendump) shows it pixel for pixel. A required 800x600x32 (Multiboot 2
    tag 5) gets that mode; no preference gets 1024x768x32; Multiboot 1's
    640x480x16 gets 640x480 at GOP's only depth, 32."""
    from test_video import DRAWN, RGB32, check_fb
    need_efi()
    for name, want in (('fbtest-mb2.elf', (800, 600)), ('fbtest-mb2any.elf', (1024, 768)),
                       ('fbtest-mb1-16.elf', (640, 480))):
        r = harness.boot_screen(kernel_path=FWBOOT_EFI, files={'opt/fwboot/kernel': kernel(name)},
                                append='name=opt/fwboot/kernel', until=DRAWN,
                                extra=['-bios', OVMF, '-vga', 'std'])
        expect('fwboot: video: UEFI GOP: up to ' in r.console, '%s: no GOP display logged' % name)
        check_fb(r, want[0], want[1], 32, RGB32)
        expect('setting %dx%dx32' % want in r.console, '%s: the mode line is missing' % name)
    # no display: a required framebuffer is refused by name before ExitBootServices
    r = efi_boot(files={'opt/fwboot/kernel': kernel('fbtest-mb2.elf')}, append='name=opt/fwboot/kernel')
    expect_status(r, ST_BAD_IMAGE)
    expect('fwboot: video: no display fwboot can drive' in r.console, 'the missing display is not logged')
    expect('ExitBootServices done' not in r.console, 'boot services were left for a refused kernel')


def test_efi_multiboot2_boot_services_kept():
    """mb2efi64 (64-bit, relocatable) asks to keep boot services (tag 7,
    required) and gives an EFI amd64 entry (tag 9), as GRUB EFI boots such
    kernels: fwboot.efi takes every target page from the firmware, loads
    the image, its module and the information block, and enters in long
    mode with the firmware running. The kernel gets tags 12, 18 and 20 and
    no 17 or 4, allocates and frees pool memory and prints through ConOut.
    Under SeaBIOS the same kernel is refused by name."""
    need_efi()
    d = tmpdir()
    m = random_file(d, 'm', 7001, seed=77)
    k = kernel('mb2efi64.elf')
    files = {'opt/fwboot/kernel': k, 'opt/fwboot/m': m}
    r = efi_boot(files=files, append='name=opt/fwboot/kernel initrd=opt/fwboot/m -- a "b c"')
    expect_status(r, exit_status(0x40))
    expect_line(r, 'fwboot: boot: multiboot2 EFI amd64 entry 0x')
    expect('ExitBootServices' not in r.console, 'boot services were left')
    lines = {}
    for line in r.console.splitlines():
        if line.startswith('mb2efi64: '):
            word, _, rest = line[len('mb2efi64: '):].partition(' ')
            lines.setdefault(word, []).append(rest)
    expect_eq(lines.get('cmdline'), ['"opt/fwboot/kernel a \\"b c\\""'], 'command line')
    mods = lines.get('module', [])
    expect(len(mods) == 1 and 'crc32=0x%08x' % harness.crc32_file(m) in mods[0] and 'string="opt/fwboot/m"' in mods[0],
           'module: %r' % mods)
    tags = int(lines['tags'][0], 16)
    for t in (1, 2, 3, 6, 12, 18, 20, 21):
        expect(tags >> t & 1, 'tag %d missing (tags 0x%x)' % (t, tags))
    for t in (4, 17):
        expect(not tags >> t & 1, 'tag %d given with boot services kept (tags 0x%x)' % (t, tags))
    expect(int(lines['image_handle'][0], 16) != 0, 'a null image handle')
    expect_eq(lines.get('allocate_pool'), ['status=0x0 free_pool status=0x0'], 'boot services calls')
    expect_eq(lines.get('output_string'), ['status=0x0'], 'ConOut call')
    expect('mb2efi64 conout: boot services kept' in r.console, 'the ConOut line did not reach the serial console')
    # SeaBIOS: nobody can keep boot services there
    r = boot(files=files, append='name=opt/fwboot/kernel')
    expect_status(r, ST_BAD_IMAGE)
    expect_line(r, 'multiboot2: header tag 7 (EFI boot services) is required, but fwboot was not started by UEFI '
                'firmware (fwboot.efi keeps boot services)')
