# SPDX-License-Identifier: BSD-2-Clause
"""PVH boots of pvhtest: the PHYS32_ENTRY note's entry, hvm_start_info
(command line, modules, memory map, RSDP), ELF32 and ELF64, and the place
of PVH in the probe order."""

from harness import boot, kernel, tmpdir, random_file, expect, expect_eq, expect_status, exit_status, MBTEST_DONE
from kreport import parse_report, check_memory_map, check_modules, elf_entry, fwboot_line

K = 'opt/fwboot/kernel'


def boot_kernel(path, mods=(), args='', opts=''):
    files = [(K, path)] + list(mods)
    initrds = ' '.join('initrd=%s' % name for name, _ in mods)
    return boot(files=files, append='name=%s %s %s -- %s' % (K, initrds, opts, args))


def check_pvh(r, variant, cmdline, mods=()):
    """Everything a PVH boot of pvhtest must show; returns the report."""
    expect_status(r, MBTEST_DONE)
    k = parse_report(r, 'pvhtest')
    expect(k['done'], 'pvhtest did not finish')
    expect_eq(k['variant'], variant, 'variant')
    expect_eq(k['protocol'], 'pvh', 'entered through')
    expect_eq(k['magic'], 0x336ec578, 'hvm_start_info magic')
    image = k['image']
    expect_eq(image['load'], 0x100000, 'load address')
    expect_eq(image['pattern_ok'], 1, 'the image\'s last bytes (pattern) arrived')
    expect_eq(image['bss_zero'], 1, 'bss zeroed')
    expect_eq(k['state']['ok'], 1, 'machine state (PE, no paging, no interrupts, CR4 0, the note\'s entry): %r'
              % k['state'])
    si = k['start_info']
    expect_eq(si['version'], 1, 'start info version')
    expect_eq(si['flags'], 0, 'start info flags')
    expect_eq(si['reserved'], 0, 'start info reserved')
    expect_eq(si['aligned'], 1, 'start info 8-aligned')
    expect_eq(si['nr_modules'], len(mods), 'nr_modules')
    if not mods:
        expect_eq(si['modlist_paddr'], 0, 'no module list')
    expect_eq(k.get('cmdline'), cmdline, 'command line (PVH: the arguments alone)')
    expect_eq(si['memmap_entries'], len(k['mmap_entry']), 'memory map entries')
    check_memory_map(k['mmap_entry'])
    for e in k['mmap_entry']:
        expect_eq(e['reserved'], 0, 'memory map entry reserved')
    rsdp = k['rsdp']
    for key in ('signature_ok', 'checksum_ok', 'matches_bios'):
        expect_eq(rsdp[key], 1, 'rsdp ' + key)
    check_modules(k['mod'], mods, image)
    return k


def test_elf32():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 123457, seed=11)),
            ('opt/fwboot/second', random_file(d, 'second', 10, seed=12))]
    r = boot_kernel(kernel('pvhtest-elf32.elf'), mods, 'console=ttyS0 root=/dev/vda "a b"')
    k = check_pvh(r, 'elf32', 'console=ttyS0 root=/dev/vda "a b"', [(p, None) for _, p in mods])
    expect(k['image']['entry'] != elf_entry(kernel('pvhtest-elf32.elf')), 'entered at e_entry, not the note\'s')
    fwboot_line(r, 'image: %s is pvh' % K)


def test_elf64():
    d = tmpdir()
    mods = [('opt/fwboot/initrd', random_file(d, 'initrd', 5000, seed=13))]
    r = boot_kernel(kernel('pvhtest-elf64.elf'), mods, 'x')
    check_pvh(r, 'elf64', 'x', [(p, None) for _, p in mods])


def test_no_modules_no_args():
    r = boot_kernel(kernel('pvhtest-elf32.elf'))
    check_pvh(r, 'elf32', '')


def test_order_and_override():
    """A file with a Multiboot 1 header and the PVH note boots through
    Multiboot 1 (pvhtest then reports the wrong entry); format=pvh chooses PVH."""
    path = kernel('pvhtest-mb1.elf')
    r = boot_kernel(path, args='y')
    expect_status(r, exit_status(0x41))
    k = parse_report(r, 'pvhtest')
    expect_eq(k['protocol'], 'elf_entry', 'entered through')
    expect_eq(k['magic'], 0x2badb002, 'EAX: a Multiboot 1 start')
    fwboot_line(r, 'image: %s is multiboot1' % K)
    r = boot_kernel(path, args='y', opts='format=pvh')
    check_pvh(r, 'mb1', 'y')


def test_module_arguments_from_a_script():
    """PVH module entries carry their arguments (without the file name);
    a module without arguments has no string (cmdline_paddr 0)."""
    from harness import write_file
    d = tmpdir()
    m0 = random_file(d, 'm0', 3000, seed=31)
    m1 = random_file(d, 'm1', 9000, seed=32)
    s = write_file(d, 'pvh.ipxe', b'#!ipxe\nkernel fw_cfg:%s root=/dev/vda\n'
                   b'module fw_cfg:opt/fwboot/m0 first module\nmodule fw_cfg:opt/fwboot/m1\nboot\n' % K.encode())
    r = boot(files=[(K, kernel('pvhtest-elf32.elf')), ('opt/fwboot/m0', m0), ('opt/fwboot/m1', m1),
                    ('opt/fwboot/pvh.ipxe', s)], append='name=opt/fwboot/pvh.ipxe')
    check_pvh(r, 'elf32', 'root=/dev/vda', [(m0, 'first module'), (m1, None)])
