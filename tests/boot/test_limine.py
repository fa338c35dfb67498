# SPDX-License-Identifier: BSD-2-Clause
"""Limine boot protocol boots of limtest (tests/kernels/limtest.c) on
SeaBIOS (fwboot.elf), OVMF (fwboot.efi) and microvm, through -kernel and
through tools' fwboot-run, and the refusals. limtest checks the entry state
itself and prints every response; the memory map, modules, kernel file,
framebuffer and base revision tag are checked here too."""

import re
import time
import zlib

from harness import boot, boot_screen, kernel, tmpdir, random_file, expect, expect_eq, expect_status, exit_status
from test_efi import efi_boot, need_efi, FWBOOT_EFI, OVMF
from test_microvm import boot_microvm
from test_fwboot_run import run, expect_run, GUARD

K = 'opt/fwboot/kernel'
DONE = exit_status(0x40)
ST_BAD_IMAGE = exit_status(5)
KMIN = 0xffffffff80000000
HHDM = 0xffff800000000000


def lines(r, key):
    return [l[len('limtest: ' + key) + 1:] for l in r.console.splitlines() if l.startswith('limtest: ' + key + ' ')]


def fields(text):
    return dict((k, v.strip('"')) for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', text))


def one(r, key):
    got = lines(r, key)
    expect(len(got) == 1, 'limtest printed %d "%s" lines\n%s' % (len(got), key, '\n'.join(r.console.splitlines()[-30:])))
    return fields(got[0])


def crc(path):
    with open(path, 'rb') as f:
        return zlib.crc32(f.read())


def boot_lim(name, mods=(), args='', boot_fn=boot, **kw):
    files = [(K, kernel(name))] + list(mods)
    initrds = ' '.join('initrd=%s' % n for n, _ in mods)
    return boot_fn(files=files, append='name=%s %s -- %s' % (K, initrds, args), **kw)


def check_report(r, mem_mib, mods=(), args='', fw_type=0, slack_mib=4, hhdm=HHDM):
    """What every good boot shows: limtest's own checks passed, the memory
    map adds up to -m, the files arrived intact."""
    expect_status(r, DONE)
    expect('limtest: done ok=1' in r.console, 'limtest reported a failed check:\n' + r.console[-3000:])
    expect_eq(int(one(r, 'firmware')['type'], 16), fw_type, 'firmware type')
    expect_eq(int(one(r, 'hhdm')['offset'], 16), hhdm, 'HHDM offset')
    ka = one(r, 'kernel_address')
    expect_eq(int(ka['virtual'], 16), KMIN, 'virtual base')
    kinds = {}
    for e in lines(r, 'memmap'):
        f = fields(e)
        if 'base' not in f:
            continue
        t = int(f['type'], 16)
        kinds[t] = kinds.get(t, 0) + int(f['length'], 16)
    ram = sum(kinds.get(t, 0) for t in (0, 5, 6))
    expect(ram <= mem_mib << 20 and ram >= (mem_mib << 20) - (slack_mib << 20),
           'usable + reclaimable + kernel memory %d KiB for -m %dM' % (ram >> 10, mem_mib))
    kf = one(r, 'kernel_file')
    expect_eq(kf['path'], '/' + K, 'kernel file path')
    expect_eq(kf['cmdline'], args, 'kernel file cmdline')
    mod_lines = lines(r, 'module')
    expect_eq(len(mod_lines), len(mods), 'modules')
    for (name, path), l in zip(mods, mod_lines):
        f = fields(l)
        expect_eq(f['path'], '/' + name, 'module path')
        expect_eq(int(f['crc'], 16), crc(path), 'module %s contents' % name)
    expect_eq(one(r, 'rsdp')['ok'], '1', 'RSDP signature')
    t = int(one(r, 'boot_time')['unix'], 16)
    expect(abs(t - time.time()) < 2 * 86400, 'date at boot %d is not about now (%d)' % (t, time.time()))


def check_smp(r, cpus):
    """-smp cpus: every CPU listed, every AP reached the kernel's goto_address."""
    got = [fields(l) for l in lines(r, 'smp') if l.startswith('aps=')]
    expect(len(got) == 1, 'no SMP report from limtest')
    s = got[0]
    expect_eq((s['aps'], s['reached']), (str(cpus - 1), str(cpus - 1)), 'APs reaching goto_address')
    expect_eq(len([l for l in lines(r, 'smp') if l.startswith('cpu=')]), cpus, 'CPUs in the SMP response')


def test_seabios_r2_modules_framebuffer():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 70001, seed=1)),
            ('opt/fwboot/mod.b', random_file(d, 'b', 4096, seed=2))]
    r = boot_lim('limtest-r2.elf', mods, 'console=ttyS0 x=1', extra=['-vga', 'std', '-smp', '4'])
    check_report(r, 256, mods, 'console=ttyS0 x=1')
    check_smp(r, 4)
    expect_eq(one(r, 'base_revision')['tag'], '0x0', 'base revision 2 honoured (tag set to 0)')
    fb = fields([l for l in lines(r, 'framebuffer') if 'count=' in l][0])
    expect_eq((int(fb['width'], 16), int(fb['height'], 16), fb['bpp']), (1024, 768, '32'), 'framebuffer mode')
    expect_eq(one(r, 'smbios')['ok'], '1', 'SMBIOS signature')
    expect('limtest: entry variant=r2 via=elf' in r.console, 'entered through the ELF entry')


def test_seabios_pie_r1_entry_request():
    r = boot_lim('limtest-r1-pie.elf', args='pie', extra=['-smp', '2'])
    check_report(r, 256, args='pie')
    check_smp(r, 2)
    expect('via=request' in r.console, 'the entry point request was not honoured')
    expect('limine: base revision 1 (PIE, slid)' in r.console, 'fwboot did not slide the PIE')
    expect('limtest: framebuffer none' in r.console, 'a framebuffer without a display')
    r = boot_lim('limtest-relr-pie.elf', args='relr')	# its relocations packed (ld -z pack-relative-relocs)
    check_report(r, 256, args='relr')
    expect('via=request' in r.console, 'the RELR-relocated entry point request was not honoured')


def test_seabios_base_revisions_0_and_3():
    r = boot_lim('limtest-r0.elf', mem='512M')
    check_report(r, 512)
    expect('fwboot: limine: base revision 0' in r.console, 'no tag: revision 0')
    r = boot_lim('limtest-r3.elf')
    check_report(r, 256)
    expect_eq(one(r, 'base_revision')['tag'], '0x3', 'revision 3 is newer than fwboot: tag left unchanged')


def test_ovmf_r2():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 300000, seed=3))]
    r = boot_lim('limtest-r2.elf', mods, 'efi', boot_fn=efi_boot, extra=['-vga', 'std', '-smp', '4'])
    check_report(r, 256, mods, 'efi', fw_type=2, slack_mib=8)   # OVMF keeps runtime and ACPI memory
    check_smp(r, 4)
    expect_eq(one(r, 'efi_system_table')['ok'], '1', 'EFI system table signature')
    mm = one(r, 'efi_memmap')
    expect(int(mm['conventional'], 16) > 100 << 20, 'EFI memory map at ExitBootServices: %r' % mm)
    expect('limtest: framebuffer count=0x1' in r.console, 'GOP framebuffer')


def test_microvm_r2():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 5000, seed=4))]
    r = boot_lim('limtest-r2.elf', mods, 'mvm', boot_fn=lambda **kw: boot_microvm('multiboot', **kw),
                 extra=['-smp', '4'])
    check_report(r, 256, mods, 'mvm')
    check_smp(r, 4)
    expect('limtest: framebuffer none' in r.console, 'microvm has no display')
    # and fwboot-pvh.elf, started by qboot through its PVH note
    r = boot_lim('limtest-r2.elf', mods, 'pvh', boot_fn=lambda **kw: boot_microvm('pvh', **kw), extra=['-smp', '2'])
    check_report(r, 256, mods, 'pvh')
    check_smp(r, 2)


def test_fwboot_run():
    r = run(kernel('limtest-r2.elf'), '--timeout', GUARD, '--expect', r'^limtest: kernel_file .*cmdline="a b"',
            '--expect', r'^limtest: done ok=1', '--', 'a', 'b')
    expect_run(r, 0, 'fwboot-run of a Limine kernel')


def test_refusals():
    r = boot_lim('limtest-low.elf')
    expect_status(r, ST_BAD_IMAGE)
    expect('limine: a lower-half kernel (linked at 0x200000)' in r.console, 'lower-half refusal:\n' + r.console[-2000:])
    r = boot_lim('limtest-dup.elf')
    expect_status(r, ST_BAD_IMAGE)
    expect('appears twice' in r.console, 'duplicate request refusal:\n' + r.console[-2000:])


def check_drawn(r):
    """limtest's pattern on the screen, read back with QEMU's screendump:
    red = x, green = y (low 8 bits), blue 0x40."""
    s = r.screen
    expect(s is not None, 'no screendump (console: %s)' % r.tail(5))
    expect_eq((s.width, s.height), (1024, 768), 'screen size')
    for x, y in ((0, 0), (5, 9), (255, 100), (300, 600), (1023, 767)):
        expect_eq(s.pixel(x, y), (x & 0xff, y & 0xff, 0x40), 'pixel (%d, %d)' % (x, y))


def test_framebuffer_pattern_seabios_and_ovmf():
    files = {K: kernel('limtest-r2.elf')}
    r = boot_screen(files=files, append='name=%s -- hold' % K, until=('limtest: done',), extra=['-vga', 'std'])
    expect('limtest: done ok=1' in r.console, 'limtest failed:\n' + r.console[-2000:])
    check_drawn(r)
    need_efi()
    r = boot_screen(files=files, append='name=%s -- hold' % K, until=('limtest: done',),
                    kernel_path=FWBOOT_EFI, extra=['-vga', 'std', '-bios', OVMF])
    expect('limtest: done ok=1' in r.console, 'limtest failed under OVMF:\n' + r.console[-2000:])
    check_drawn(r)


def test_five_level_paging():
    """A kernel preferring 5-level paging gets it where the CPU has LA57
    (its direct map at 0xff00000000000000, checked by limtest against CR4),
    on SeaBIOS and OVMF, and 4-level where the CPU has not, named in the log."""
    la57 = ['-cpu', 'qemu64,+la57', '-smp', '2']
    r = boot_lim('limtest-5lvl.elf', extra=la57)
    check_report(r, 256, hhdm=0xff00000000000000)
    check_smp(r, 2)
    expect_eq(one(r, 'paging')['mode'], '0x1', 'paging mode with LA57')
    r = boot_lim('limtest-5lvl.elf', boot_fn=efi_boot, extra=la57)
    check_report(r, 256, fw_type=2, slack_mib=8, hhdm=0xff00000000000000)
    check_smp(r, 2)
    expect_eq(one(r, 'paging')['mode'], '0x1', 'paging mode with LA57 under OVMF')
    r = boot_lim('limtest-5lvl.elf')
    check_report(r, 256)
    expect_eq(one(r, 'paging')['mode'], '0x0', 'paging mode without LA57')
    expect('unanswered: 5-level paging (no LA57: 4-level given)' in r.console, 'the 4-level fallback is not logged')
