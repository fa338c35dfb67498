# SPDX-License-Identifier: BSD-2-Clause
"""Differential boot tests: the same test kernel, the same modules with the
same arguments, the same machine, booted by three loaders whose reports are
compared field by field:

- QEMU's own -kernel (Multiboot 1 only; no ELF64),
- GRUB 2.06 from an ISO made by grub-mkrescue (`multiboot`/`module` and
  `multiboot2`/`module2`), the kernel and modules on the CD,
- fwboot, the files in fw_cfg and the arguments given by a boot script.

Every difference the comparison allows is named in ALLOWED_* below, with the
reason; anything else that differs fails the test. This covers the ground of
QEMU's own tests/multiboot suite with our kernels: the memory map at several
-m sizes, modules with arguments, the a.out kludge (with and without
load_end_addr), and adds ELF64, Multiboot 2 and the ELF section headers.
"""

import hashlib
import os
import subprocess

from harness import (BUILD, MBTEST_DONE, boot, expect, expect_eq, expect_status, fail, kernel,
                     parse_mbtest, random_file, tmpdir, write_file)
from kreport import parse_report

ISO_CACHE = os.path.join(BUILD, 'test-isos')
ARGS = 'a1 a2 key=value'
MODS = [('m1', 7000, 'm1arg z=1'), ('m2', 300, '')]    # name, size, arguments

# ---- the differences allowed, each with its reason ----

# Multiboot 1 info flags one loader sets and another does not:
ALLOWED_MB1_FLAGS = {
    1: 'boot_device: GRUB booted from the CD; fwboot and QEMU load from no BIOS disk',
    3: 'modules: with none, GRUB leaves the flag clear; fwboot and QEMU set it with mods_count 0',
    5: 'ELF section headers: QEMU\'s -kernel does not pass them (fwboot and GRUB do)',
}
# Overlaps the kernel's own layout check reports for GRUB and not for fwboot:
# GRUB places the ELF sections no segment loads anywhere free, also in the gap
# between a kernel's segments (mbtest-vaddr has one); fwboot places them above
# the image's whole span (docs/formats.md).
ALLOWED_GRUB_OVERLAPS = {('kernel', 'section')}
# Multiboot 2 information tags one gives and the other does not:
ALLOWED_MB2_TAGS = {
    13: 'SMBIOS tables: fwboot copies them from the BIOS\'s entry point; GRUB gives none on a BIOS',
    5: 'BIOS boot device: GRUB booted from the CD; fwboot loads from fw_cfg, no disk',
    10: 'APM table: needs the BIOS\'s APM calls in real mode, which fwboot does not make',
}
# Fields that are each loader's own choice, compared only for consistency:
#   the info block, module list, memory map and string addresses; where the
#   placed ELF sections and the modules lie (contents, size and alignment are compared).
# Strings: GRUB 2 passes the arguments alone (command line and modules); QEMU
# passes the host path then the arguments; fwboot passes the fw_cfg name then
# the arguments (the convention of QEMU, iPXE and GRUB Legacy, README).
# Loader name: each its own.
# mem_upper: QEMU's -kernel reports its own figure (see MEM_UPPER_SLACK).
MEM_UPPER_SLACK_KIB = 1024      # QEMU's own loader reports up to 1 MiB less (test_mb1.check_mmap)


def strip_name(s, name):
    """The arguments of a string that may start with the file's name."""
    if name and s.startswith(name):
        s = s[len(name):]
        return s[1:] if s.startswith(' ') else s
    return s


# ---- building the three boots ----

def modules(d):
    return [(n, random_file(d, n, size, seed=40 + i), a) for i, (n, size, a) in enumerate(MODS)]


def grub_iso(command, kpath, mods):
    """An ISO with the kernel and modules on it and one entry that boots
    them at once with ARGS and each module's arguments (cached by content)."""
    module = 'module2' if command == 'multiboot2' else 'module'
    lines = ['serial --unit=0 --speed=115200', 'terminal_input serial', 'terminal_output serial',
             'set timeout=0', 'menuentry "k" {', '\t%s /boot/k %s' % (command, ARGS)]
    lines += ['\t%s /boot/%s %s' % (module, n, a) for n, _, a in mods]
    lines += ['}', '']
    cfg = '\n'.join(lines)
    h = hashlib.sha256(cfg.encode())
    for p in [kpath] + [p for _, p, _ in mods]:
        h.update(open(p, 'rb').read())
    os.makedirs(ISO_CACHE, exist_ok=True)
    iso = os.path.join(ISO_CACHE, 'parity-' + h.hexdigest()[:16] + '.iso')
    if os.path.exists(iso):
        return iso
    d = tmpdir()
    root = os.path.join(d, 'root')
    os.makedirs(os.path.join(root, 'boot', 'grub'))
    write_file(os.path.join(root, 'boot', 'grub'), 'grub.cfg', cfg.encode())
    write_file(os.path.join(root, 'boot'), 'k', open(kpath, 'rb').read())
    for n, p, _ in mods:
        write_file(os.path.join(root, 'boot'), n, open(p, 'rb').read())
    r = subprocess.run(['grub-mkrescue', '-o', iso + '.tmp',
                        '--install-modules=multiboot multiboot2 serial terminal normal configfile echo',
                        '--locales=', '--fonts=', '--themes=', root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        fail('grub-mkrescue failed: %s' % r.stdout.decode('utf-8', 'replace')[-2000:])
    os.rename(iso + '.tmp', iso)
    return iso


def boot_grub(command, kpath, mods, mem):
    r = boot(cdrom=grub_iso(command, kpath, mods), mem=mem)
    expect_status(r, MBTEST_DONE)
    return r


def boot_fwboot(kpath, mods, mem, fmt=None):
    d = tmpdir()
    script = ['#!ipxe', 'kernel fw_cfg:opt/fwboot/k %s' % ARGS]
    script += [('module fw_cfg:opt/fwboot/%s %s' % (n, a)).rstrip() for n, _, a in mods]
    script += ['boot', '']
    files = [('opt/fwboot/boot', write_file(d, 'boot.ipxe', '\n'.join(script).encode())),
             ('opt/fwboot/k', kpath)] + [('opt/fwboot/' + n, p) for n, p, _ in mods]
    r = boot(files=files, append='name=opt/fwboot/boot' + (' format=' + fmt if fmt else ''), mem=mem)
    expect_status(r, MBTEST_DONE)
    return r


def boot_qemu(kpath, mods, mem):
    initrd = ','.join(('%s %s' % (p, a)).rstrip() for _, p, a in mods)
    r = boot(kernel_path=kpath, append=ARGS, extra=['-initrd', initrd] if mods else [], mem=mem)
    expect_status(r, MBTEST_DONE)
    return r


# ---- Multiboot 1: mbtest ----

def mb1_view(info, kname, mod_names):
    """What can be compared across loaders, from one mbtest report."""
    expect(info['done'], 'mbtest did not finish')
    flags = info['info']['flags']
    v = {
        'magic': info['magic'], 'entry_ok': info['entry_ok'], 'load': info['load'],
        'state_ok': info['machine']['state_ok'], 'a20': info['state']['a20'],
        'flags': flags & ~sum(1 << b for b in ALLOWED_MB1_FLAGS),
        'cmdline': strip_name(info['cmdline'], kname),
        'mem_lower': info['mem_lower'],
        'mmap': [(e['base'], e['len'], e['type'], e['size']) for e in info['mmap_entry']],
        'mods': [(strip_name(m['string'], n), m['size'], m['crc32'], m['aligned'], m['ram'])
                 for m, n in zip(info['mod'], mod_names)],
        'mods_count': info['mods']['count'],
        'image': {k: info['image'][k] for k in ('pattern_ok', 'pre_ok', 'bss_zero', 'pattern_crc32')},
        'overlaps': sorted((o['a'], o['b']) for o in info['overlap']),
        'outside_ram': info['layout']['outside_ram'],
    }
    return v, info


def compare(a_name, a, b_name, b):
    for key in sorted(set(a) | set(b)):
        expect_eq(a.get(key), b.get(key), '%s (%s) vs %s: %s' % (a_name, a_name, b_name, key))


def compare_sections(a_name, a, b_name, b):
    """ELF section headers from two loaders: everything but where a placed
    section lies (each loader's own), whose contents must agree."""
    for key in ('num', 'entsize', 'shndx'):
        expect_eq(a['elfsyms'][key], b['elfsyms'][key], '%s vs %s: elfsyms %s' % (a_name, b_name, key))
    for x, y in zip(a['shdr'], b['shdr']):
        what = '%s vs %s: section %d (%s)' % (a_name, b_name, x['index'], x['name'])
        for key in ('name', 'type', 'flags', 'size'):
            expect_eq(x[key], y[key], what + ' ' + key)
        if not x['flags'] & 1:  # not SHF_WRITE: the entry code writes what it found into .data
            expect_eq(x['crc32'], y['crc32'], what + ' contents')
        if x['flags'] & 2:      # SHF_ALLOC: loaded with its segment, at the file's address
            expect_eq(x['addr'], y['addr'], what + ' address')
        else:
            expect((x['addr'] != 0) == (y['addr'] != 0), what + ' placed by one loader only')
    expect_eq(a['elfsyms_check']['symbol_ok'], 1, a_name + ': symbol lookup')
    expect_eq(b['elfsyms_check']['symbol_ok'], 1, b_name + ': symbol lookup')


def mb1_three_way(kfile, mem='256M', qemu=True, mods_spec=None, grub=True):
    d = tmpdir()
    mods = modules(d) if mods_spec is None else mods_spec(d)
    kpath = kernel(kfile)
    names = [n for n, _, _ in mods]
    f, finfo = mb1_view(parse_mbtest(boot_fwboot(kpath, mods, mem, 'multiboot1')), 'opt/fwboot/k',
                        ['opt/fwboot/' + n for n in names])
    expect_eq(f['overlaps'], [], 'fwboot: overlapping regions')
    if not grub:
        q, qinfo = mb1_view(parse_mbtest(boot_qemu(kpath, mods, mem)), kpath, [p for _, p, _ in mods])
        # QEMU's -kernel puts its strings right after the kernel image, which
        # at -m 1.1M is past the end of RAM: they read back empty there
        # (the command line and the loader name)
        lost = [r for r in qinfo['region'] if r['name'] in ('cmdline', 'loader') and not r['ram']]
        if lost:
            expect_eq(q['cmdline'], '', 'QEMU\'s command line outside RAM')
            q['cmdline'], q['outside_ram'] = f['cmdline'], q['outside_ram'] - len(lost)
        compare('fwboot', f, 'QEMU -kernel', q)
        return finfo, None
    g, ginfo = mb1_view(parse_mbtest(boot_grub('multiboot', kpath, mods, mem)), None, [None] * len(mods))
    expect_eq(f['overlaps'], [], 'fwboot: overlapping regions')
    g['overlaps'] = [o for o in g['overlaps'] if o not in ALLOWED_GRUB_OVERLAPS]
    expect_eq(ginfo['loader'].split()[0], 'GRUB', 'GRUB\'s loader name')
    expect(finfo['loader'].startswith('fwboot '), 'fwboot\'s loader name')
    compare('fwboot', f, 'GRUB', g)
    expect_eq(finfo['mem_upper'], ginfo['mem_upper'], 'fwboot vs GRUB: mem_upper')
    if kfile.endswith('.elf'):
        compare_sections('fwboot', finfo, 'GRUB', ginfo)
    else:
        expect(finfo['elfsyms'].get('absent') and ginfo['elfsyms'].get('absent'),
               'section headers for an a.out kludge image')
    if qemu:
        q, qinfo = mb1_view(parse_mbtest(boot_qemu(kpath, mods, mem)), kpath,
                            [p for _, p, _ in mods])
        expect_eq(qinfo['loader'], 'qemu', 'QEMU\'s loader name')
        compare('fwboot', f, 'QEMU -kernel', q)
        expect(0 <= finfo['mem_upper'] - qinfo['mem_upper'] <= MEM_UPPER_SLACK_KIB,
               'mem_upper: fwboot %d KiB, QEMU %d KiB' % (finfo['mem_upper'], qinfo['mem_upper']))
    return finfo, ginfo


def test_mb1_elf32():
    mb1_three_way('mbtest-elf32.elf')


def test_mb1_aout():
    """The a.out kludge with load_end_addr (QEMU's tests/multiboot: aout_kludge)."""
    mb1_three_way('mbtest-aout.bin')


def test_mb1_aout_to_end_of_file():
    """load_end_addr 0: load to the end of the file."""
    mb1_three_way('mbtest-aout0.bin')


def test_mb1_elf64():
    """ELF64 with 32-bit code: QEMU's -kernel refuses it, GRUB and fwboot agree."""
    mb1_three_way('mbtest-elf64.elf', qemu=False)


def test_mb1_vaddr():
    mb1_three_way('mbtest-vaddr.elf')


def test_mb1_many_modules_with_arguments():
    """QEMU's tests/multiboot: modules with and without arguments, in order."""
    def spec(d):
        return [('mod%d' % i, size, args) for i, (size, args) in enumerate(
            [(1, 'one'), (4096, ''), (4097, 'three x=3'), (65536, 'four'), (333, '')])]
    mb1_three_way('mbtest-elf32.elf', mods_spec=lambda d: [
        (n, random_file(d, n, size, seed=60 + i), a) for i, (n, size, a) in enumerate(spec(d))])


# The memory map at several sizes (QEMU's tests/multiboot mmap test: 1.1M
# to 8G).
def test_mb1_mmap_1_1m():
    """-m 1.1M, as QEMU's own suite: 104 KiB above 1 MiB, which mbtest nearly
    fills; fwboot's heap lives in conventional memory and the ELF sections go
    there too. GRUB is left out: GRUB 2.06 does not start in 1.1M (no output)
    nor in 2M ("error: out of memory"). QEMU's own loader puts its command
    line past the end of RAM here (allowed, named in mb1_three_way)."""
    finfo, _ = mb1_three_way('mbtest-elf32.elf', mem='1.1M', mods_spec=lambda d: [], grub=False)
    expect(all(r['ram'] for r in finfo['region']), 'everything in RAM')


def test_mb1_too_little_memory_is_named():
    """-m 1M: no RAM above 1 MiB for a kernel linked there: a clear refusal."""
    from harness import exit_status
    r = boot(files=[('opt/fwboot/k', kernel('mbtest-elf32.elf'))], append='name=opt/fwboot/k', mem='1M')
    expect_status(r, exit_status(6))
    expect('fwboot: memory: opt/fwboot/k at 0x100000-0x' in r.console and 'is not in available RAM' in r.console,
           'no clear refusal:\n' + r.tail())


def test_mb1_mmap_3m():
    mb1_three_way('mbtest-elf32.elf', mem='3M', mods_spec=lambda d: [])


def test_mb1_mmap_512m():
    mb1_three_way('mbtest-elf32.elf', mem='512M')


def test_mb1_mmap_3584m():
    """Below and above the PCI hole: RAM split at 3 GiB... and moved above 4 GiB."""
    mb1_three_way('mbtest-elf32.elf', mem='3584M')


def test_mb1_mmap_8g():
    mb1_three_way('mbtest-elf32.elf', mem='8G')


# ---- Multiboot 2: mb2test, GRUB and fwboot ----

def mb2_view(k, kname, mod_names):
    expect(k['done'], 'mb2test did not finish')
    tags = sorted({t['type'] for t in k['tag']} - set(ALLOWED_MB2_TAGS))
    present = {1: 'cmdline', 2: 'loader', 4: 'meminfo', 6: 'mmap', 9: 'elfsyms', 21: 'load_base'}
    # (13, SMBIOS, is allowed to differ: see ALLOWED_MB2_TAGS)
    v = {
        'magic': k['magic'], 'protocol': k['protocol'],
        'image': {x: k['image'][x] for x in ('load', 'entry', 'pattern_ok', 'bss_zero')},
        'state_ok': k['state']['ok'], 'aligned': k['info']['aligned'], 'reserved': k['info']['reserved'],
        'end_ok': k['tags']['end_ok'], 'other_tags': tags,
        'present': sorted(t for t, key in present.items() if key in k),
        'cmdline': strip_name(k['cmdline'], kname),
        'meminfo': (k['meminfo']['lower'], k['meminfo']['upper']),
        'mmap': (k['mmap']['entry_size'], k['mmap']['entry_version'],
                 [(e['base'], e['len'], e['type']) for e in k['mmap_entry']]),
        'mods': [(strip_name(m['string'], n), m['size'], m['crc32'], m['aligned'])
                 for m, n in zip(k['mod'], mod_names)],
        'load_base': k['load_base']['addr'],
        'rsdp': {x: k['rsdp'][x] for x in k['rsdp']} if 'rsdp' in k else None,
    }
    return v


def mb2_two_way(kfile, mem='256M'):
    d = tmpdir()
    mods = modules(d)
    kpath = kernel(kfile)
    names = [n for n, _, _ in mods]
    fk = parse_report(boot_fwboot(kpath, mods, mem), 'mb2test')
    gk = parse_report(boot_grub('multiboot2', kpath, mods, mem), 'mb2test')
    f = mb2_view(fk, 'opt/fwboot/k', ['opt/fwboot/' + n for n in names])
    g = mb2_view(gk, None, [None] * len(names))
    compare('fwboot', f, 'GRUB', g)
    expect(fk['loader'].startswith('fwboot ') and gk['loader'].startswith('GRUB'), 'loader names')
    if kfile.endswith('.elf'):
        compare_sections('fwboot', fk, 'GRUB', gk)
    return fk, gk


def test_mb2_elf32():
    mb2_two_way('mb2test-elf32.elf')


def test_mb2_elf64():
    mb2_two_way('mb2test-elf64.elf')


def test_mb2_address_tag():
    mb2_two_way('mb2test-aout.bin')


def test_mb2_mmap_8g():
    mb2_two_way('mb2test-elf32.elf', mem='8G')


if __name__ == '__main__':
    fail('run through tests/boot/run.py')
