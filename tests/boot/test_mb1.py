# SPDX-License-Identifier: BSD-2-Clause
"""Multiboot 1 boot tests: fwboot boots the mbtest kernels (tests/kernels/)
from fw_cfg, and mbtest's report must match exactly what the test gave:
command line, modules (order, strings, sizes, CRC32, page alignment), loader
name, memory map, the variant's load address, zeroed bss, data below 1 MiB.
"""

import os

from kreport import check_elf_sections
from harness import (DEFAULT_TIMEOUT, MBTEST_DONE, Skip, accel, boot, contiguous_available, crc32_bytes, crc32_file,
                     expect, expect_eq, expect_status, fail, kernel, mbtest_pattern,
                     parse_mbtest, random_file, tmpdir, write_file)

LOADER_NAME = 'fwboot 0.1.0'
KERNEL_NAME = 'opt/fwboot/kernel'
DEFAULT_NAME = 'opt/fwboot/boot'
MB1_BOOTLOADER_MAGIC = 0x2BADB002

# Multiboot 1 info flags fwboot must set.
MB1_INFO_MEMORY = 1 << 0
MB1_INFO_CMDLINE = 1 << 2
MB1_INFO_MODS = 1 << 3
MB1_INFO_MMAP = 1 << 6
MB1_INFO_LOADER_NAME = 1 << 9
MB1_INFO_REQUIRED = (MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MMAP
                     | MB1_INFO_LOADER_NAME)

# variant -> (file in build/kernels, physical load address, has a segment below 1 MiB)
VARIANTS = {
    'elf32': ('mbtest-elf32.elf', 0x100000, False),
    'low': ('mbtest-low.elf', 0x100000, True),
    'aout': ('mbtest-aout.bin', 0x200000, False),
    'aout0': ('mbtest-aout0.bin', 0x300000, False),
    'elf64': ('mbtest-elf64.elf', 0x100000, False),
    'self': ('mbtest-self.elf', 0x30000, False),
    'vaddr': ('mbtest-vaddr.elf', 0x100000, False),
    'fake': ('mbtest-fake.elf', 0x100000, False),
}

# What entry.S carries (see tests/kernels/entry.S).
PATTERN_SIZE, PATTERN_SEED = 4099, 0x05
LOWDATA_ADDR, LOWDATA_SIZE, LOWDATA_SEED = 0x9000, 6000, 0x3b

ARGS = 'arg1 arg2 key=value'


def mib(n):
    return n << 20


def mem_bytes(mem):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(mem[:-1]) * units[mem[-1]] if mem[-1] in units else int(mem) << 20


# ---- building a boot ----

class Module:
    """One module: its fw_cfg name and either a host file or a string."""

    def __init__(self, name, path=None, string=None):
        self.name = name
        self.path = path
        self.string = string
        if path is not None:
            self.size = os.path.getsize(path)
            self.crc = crc32_file(path)
        else:
            self.size = len(string.encode())
            self.crc = crc32_bytes(string.encode())


def random_modules(d, specs):
    """specs: [(fw_cfg name, size, seed)] -> [Module], files in d."""
    mods = []
    for i, (name, size, seed) in enumerate(specs):
        path = random_file(d, 'mod%d.bin' % i, size, seed)
        mods.append(Module(name, path))
    return mods


def fwboot_append(name, modules, args=None, options=()):
    """fwboot's command line: name= (unless None: the default), options,
    one initrd= per module in order, then '-- args' when args is not None."""
    words = []
    if name is not None:
        words.append('name=' + name)
    words += list(options)
    words += ['initrd=' + m.name for m in modules]
    if args is not None:
        words += ['--', args] if args else ['--']
    return ' '.join(words)


def boot_mbtest(kernel_file, modules, append, kernel_name=KERNEL_NAME, mem='256M',
                option_roms=(), extra=(), skip_without_memory=False, timeout=DEFAULT_TIMEOUT):
    """Boot fwboot with the kernel as fw_cfg file kernel_name (unless it
    comes as an option ROM) and the modules; expect mbtest's 'done' exit."""
    files = []
    if kernel_name is not None:
        files.append((kernel_name, kernel_file))
    files += [(m.name, m.path) for m in modules if m.path is not None]
    strings = [(m.name, m.string) for m in modules if m.string is not None]
    r = boot(files=files, strings=strings, append=append, mem=mem,
             option_roms=option_roms, extra=extra, timeout=timeout)
    if skip_without_memory and r.status == 1 and 'cannot set up guest memory' in r.stderr:
        raise Skip('this host cannot give QEMU -m %s' % mem)
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    expect(info['done'], 'mbtest did not finish its report')
    return info


# ---- checking mbtest's report ----

def check_machine(info):
    st, seg = info.get('state', {}), info.get('segments', {})
    expect_eq(st.get('pg'), 0, 'CR0.PG (paging must be off)')
    expect_eq(st.get('pe'), 1, 'CR0.PE (protected mode)')
    expect_eq(st.get('if'), 0, 'EFLAGS.IF (interrupts must be off)')
    expect_eq(st.get('a20'), 1, 'A20 gate')
    expect_eq(seg.get('flat'), 1, 'flat 4 GiB segments (%s)' % seg)
    expect(seg.get('cs') and seg.get('ds') and seg.get('ss'),
           'null segment selector (%s)' % seg)
    expect_eq(info.get('machine', {}).get('state_ok'), 1, 'machine state')


def check_mmap(info, mem):
    entries = info['mmap_entry']
    summary = info.get('mmap', {})
    expect(entries, 'no memory map entries')
    expect_eq(summary.get('count'), len(entries), 'memory map entry count')
    expect_eq(summary.get('size_ok'), 1, 'memory map entry size fields / mmap_length')
    for e in entries:
        expect(e['len'] > 0, 'empty memory map entry %s (skip empty entries)' % e)
        expect(e['size'] >= 20, 'memory map entry size field %d < 20' % e['size'])
    expect_eq(summary.get('empty'), 0, 'empty memory map entries')
    spans = sorted((e['base'], e['base'] + e['len'], e['index']) for e in entries)
    for a, b in zip(spans, spans[1:]):
        expect(a[1] <= b[0], 'memory map entries %d and %d overlap' % (a[2], b[2]))

    low = contiguous_available(entries, 0)
    upper = contiguous_available(entries, 0x100000)
    expect(low > 0, 'no available memory at address 0 in the map')
    expect(upper > 0, 'no available memory at 1 MiB in the map')
    expect_eq(info.get('mem_lower'), min(640, low // 1024), 'mem_lower (KiB available from 0)')
    # The spec lets mem_upper fall short of the first hole above 1 MiB
    # (QEMU's own loader reports 256 KiB less): accept up to 1 MiB short.
    mu = info.get('mem_upper')
    expect(mu is not None and upper - mib(1) <= mu * 1024 <= upper,
           'mem_upper %r KiB does not match the map (%d KiB available from 1 MiB)'
           % (mu, upper // 1024))
    total = sum(e['len'] for e in entries if e['type'] == 1)
    want = mem_bytes(mem)
    expect(want - mib(2) <= total <= want,
           'available memory in the map is %d KiB, -m gave %d KiB' % (total >> 10, want >> 10))


def check_modules(info, modules):
    mods = info['mod']
    expect_eq(info.get('mods', {}).get('count'), len(modules), 'module count')
    expect_eq(len(mods), len(modules), 'module lines printed')
    for i, (got, want) in enumerate(zip(mods, modules)):
        what = 'module %d (%s)' % (i, want.name)
        expect_eq(got['string'], want.name, what + ' string')
        expect_eq(got['size'], want.size, what + ' size')
        expect_eq(got['crc32'], want.crc, what + ' CRC32')
        expect_eq(got['aligned'], 1, what + ' page alignment (start %#x)' % got['start'])
        expect_eq(got['ram'], 1, what + ' lies in available memory')


def check_layout(info):
    layout = info.get('layout', {})
    overlaps = ['%s%d/%s%d' % (o['a'], o['a_index'], o['b'], o['b_index'])
                for o in info['overlap']]
    expect_eq(layout.get('overlaps'), 0, 'overlapping regions %s' % ' '.join(overlaps))
    outside = ['%s%d %#x-%#x' % (r['name'], r['index'], r['start'], r['end'])
               for r in info['region'] if not r['ram']]
    expect_eq(layout.get('outside_ram'), 0, 'regions outside available memory %s'
              % ', '.join(outside))


def check_mbtest(info, variant, cmdline, modules, loader=LOADER_NAME, mem='256M'):
    """Everything mbtest reports against what the test gave."""
    _, load, has_low = VARIANTS[variant]
    expect_eq(info.get('variant_lines'), 1, 'mbtest started this many times')
    expect_eq(info.get('variant'), variant, 'variant')
    expect_eq(info.get('magic'), MB1_BOOTLOADER_MAGIC, 'EAX magic')
    expect_eq(info.get('entry_ok'), 1, 'entry point (ran at %#x)' % info.get('entry', 0))
    expect_eq(info.get('load'), load, 'load address')
    check_machine(info)

    flags = info.get('info', {}).get('flags', 0)
    expect(flags & MB1_INFO_REQUIRED == MB1_INFO_REQUIRED,
           'info flags %#x lack %#x' % (flags, MB1_INFO_REQUIRED & ~flags))
    expect_eq(info.get('cmdline'), cmdline, 'command line')
    expect_eq(info.get('loader'), loader, 'boot loader name')
    check_mmap(info, mem)
    check_modules(info, modules)

    image = info.get('image', {})
    expect_eq(image.get('pattern_ok'), 1, 'image data at the end of the load range')
    expect_eq(image.get('pattern_crc32'), crc32_bytes(mbtest_pattern(PATTERN_SIZE, PATTERN_SEED)),
              'image data CRC32')
    expect_eq(image.get('pre_ok'), 1, 'image bytes before the Multiboot header')
    expect_eq(image.get('bss_zero'), 1, 'bss zeroed (%s bytes)' % image.get('bss_size'))
    if has_low:
        low = info.get('lowdata')
        expect(low is not None, 'no lowdata line')
        expect_eq(low.get('addr'), LOWDATA_ADDR, 'low segment address')
        expect_eq(low.get('ok'), 1, 'low segment contents')
        expect_eq(low.get('crc32'), crc32_bytes(mbtest_pattern(LOWDATA_SIZE, LOWDATA_SEED)),
                  'low segment CRC32')
        expect_eq(low.get('bss_zero'), 1, 'low segment zero-fill (p_memsz > p_filesz)')
    check_layout(info)


# ---- the variants, each with three modules and arguments ----

def variant_test(variant, seed):
    d = tmpdir()
    # initrd order differs from fw_cfg's (sorted) directory order on purpose
    mods = random_modules(d, [('opt/fwboot/mod-b', 16384, seed),
                              ('opt/fwboot/mod-a', 99999, seed + 1),
                              ('opt/fwboot/mod-c', 2048, seed + 2)])
    path = kernel(VARIANTS[variant][0])
    info = boot_mbtest(path, mods, fwboot_append(KERNEL_NAME, mods, ARGS))
    check_mbtest(info, variant, KERNEL_NAME + ' ' + ARGS, mods)
    if path.endswith('.elf'):
        # info bit 5: the section headers against the file; vaddr's loaded
        # sections carry virtual addresses, where other memory lies
        check_elf_sections(info, path, moved=variant == 'vaddr')
    else:
        expect(info.get('elfsyms', {}).get('absent'), 'section headers for an a.out kludge image')


def test_elf32():
    variant_test('elf32', 100)


def test_low():
    """A PT_LOAD below 1 MiB (QEMU's own loader puts its info block there)."""
    variant_test('low', 200)


def test_aout():
    """The a.out kludge: header fields instead of ELF, bss_end_addr zeroed."""
    variant_test('aout', 300)


def test_aout0():
    """a.out kludge with load_end_addr = 0: load to the end of the file."""
    variant_test('aout0', 400)


def test_elf64():
    """An ELF64 container with 32-bit code below 4 GiB (QEMU refuses it)."""
    variant_test('elf64', 500)


def test_self():
    """Linked at 0x30000, inside fwboot's own image: staged, moved at hand-off."""
    variant_test('self', 600)


def test_vaddr():
    """p_vaddr 0xC0100000 != p_paddr 0x100000; the virtual entry is translated."""
    variant_test('vaddr', 700)


def test_fake_magic_before_header():
    """Two magics whose checksums fail sit before the real header (as in
    grub.lkrn): they are skipped, and the log says so."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/mod-a', 5000, 800)])
    r = boot(files=[(KERNEL_NAME, kernel('mbtest-fake.elf'))] + [(m.name, m.path) for m in mods],
             append=fwboot_append(KERNEL_NAME, mods, ARGS))
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    check_mbtest(info, 'fake', KERNEL_NAME + ' ' + ARGS, mods)
    expect('multiboot1: header at offset 0x%x; skipped 2 magics with an invalid checksum before it'
           % (0x1000 + 48 + 16 + 8) in r.console, 'the skipped magics are not logged:\n' + r.tail())


# ---- transfers ----

def test_big_module():
    """A 64 MiB module checked by CRC32 in the guest."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/big', mib(64), 800),
                              ('opt/fwboot/small', 12345, 801)])
    # Under TCG the guest's CRC takes well under a second; under a software
    # KVM (SPECS.md) guest code is ~100x slower and this boot takes minutes.
    timeout = max(DEFAULT_TIMEOUT, 1800) if accel() == 'kvm' else DEFAULT_TIMEOUT
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods,
                       fwboot_append(KERNEL_NAME, mods, 'big'), mem='512M', timeout=timeout)
    check_mbtest(info, 'elf32', KERNEL_NAME + ' big', mods, mem='512M')


def test_pio():
    """fw_cfg=pio: everything through port I/O instead of DMA."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/pio1', 50001, 900),
                              ('opt/fwboot/pio2', 8192, 901)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods,
                       fwboot_append(KERNEL_NAME, mods, ARGS, options=['fw_cfg=pio']))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods)


def test_pio_bytes():
    """fw_cfg=inb (the benchmark's byte-at-a-time loop) loads the same bytes,
    also from an offset inside an item, and says which method it used."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/inb1', 20001, 902),
                              ('opt/fwboot/inb2', 777, 903)])
    files = [(KERNEL_NAME, kernel('mbtest-elf32.elf'))] + [(m.name, m.path) for m in mods]
    r = boot(files=files, append=fwboot_append(KERNEL_NAME, mods, ARGS, options=['fw_cfg=inb']))
    expect_status(r, MBTEST_DONE)
    expect('fw_cfg: port I/O, a byte per inb' in r.console, 'the log names the byte loop')
    expect('(20001 bytes, port I/O, a byte per inb)' in r.console, 'a module load names the byte loop')
    info = parse_mbtest(r)
    expect(info['done'], 'mbtest did not finish its report')
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods)


def test_pio_low():
    """Port I/O into a segment below 1 MiB and one above."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/pio', 3001, 950)])
    info = boot_mbtest(kernel('mbtest-low.elf'), mods,
                       fwboot_append(KERNEL_NAME, mods, ARGS, options=['fw_cfg=pio']))
    check_mbtest(info, 'low', KERNEL_NAME + ' ' + ARGS, mods)


def test_option_rom():
    """A kernel given as -option-rom is fw_cfg file genroms/<basename>."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/rom-mod', 7777, 1000)])
    name = 'genroms/mbtest-elf32.elf'
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods,
                       fwboot_append(name, mods, 'from a rom'), kernel_name=None,
                       option_roms=[kernel('mbtest-elf32.elf')])
    check_mbtest(info, 'elf32', name + ' from a rom', mods)


# ---- the command line ----

def test_no_args():
    """Without '--' the command line is just the file's name."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/m', 4096, 1100)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods))
    check_mbtest(info, 'elf32', KERNEL_NAME, mods)


def test_empty_args():
    """A '--' with nothing after it: no arguments, just the name."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/m', 4095, 1150)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods, ''))
    check_mbtest(info, 'elf32', KERNEL_NAME, mods)


def test_args_verbatim():
    """Everything after the first '--' reaches the kernel as it was written."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/m', 1000, 1200)])
    args = 'x=1 -- name=other initrd=y  two  spaces "quoted" back\\slash list'
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods, args))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + args, mods)


def test_default_name():
    """Without name= fwboot loads opt/fwboot/boot."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/m', 5000, 1300)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(None, mods, 'dflt'),
                       kernel_name=DEFAULT_NAME)
    check_mbtest(info, 'elf32', DEFAULT_NAME + ' dflt', mods)


# ---- modules ----

def test_no_modules():
    info = boot_mbtest(kernel('mbtest-elf32.elf'), [], fwboot_append(KERNEL_NAME, [], ARGS))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, [])


def test_string_module():
    """A module given as -fw_cfg name=N,string=S (no trailing NUL)."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/file', 3000, 1400)])
    mods.append(Module('opt/fwboot/note', string='hello from a string'))
    info = boot_mbtest(kernel('mbtest-aout.bin'), mods, fwboot_append(KERNEL_NAME, mods, ARGS))
    check_mbtest(info, 'aout', KERNEL_NAME + ' ' + ARGS, mods)


def test_many_modules():
    """Eight modules of assorted odd and page sizes, in command-line order."""
    d = tmpdir()
    sizes = [1, 4096, 4097, 333, 65536, 12289, 2, 30001]
    specs = [('opt/fwboot/many/%02d' % (7 - i), s, 1500 + i) for i, s in enumerate(sizes)]
    mods = random_modules(d, specs)
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods, ARGS))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods)


def test_same_file_twice():
    """The same fw_cfg file named twice is two modules."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/twice', 10000, 1600)])
    mods = [mods[0], mods[0]]
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods[:1],
                       fwboot_append(KERNEL_NAME, mods, ARGS))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods)


def test_empty_module():
    """A zero-byte module: start == end, still page-aligned."""
    d = tmpdir()
    mods = [Module('opt/fwboot/empty', write_file(d, 'empty', b''))]
    mods += random_modules(d, [('opt/fwboot/after', 4000, 1700)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods, ARGS))
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods)


# ---- memory ----

def test_mem_4g():
    """-m 4G: RAM above 4 GiB in the map, mem_upper up to the PCI hole."""
    d = tmpdir()
    mods = random_modules(d, [('opt/fwboot/m', 20000, 1800)])
    info = boot_mbtest(kernel('mbtest-elf32.elf'), mods, fwboot_append(KERNEL_NAME, mods, ARGS),
                       mem='4G', skip_without_memory=True)
    check_mbtest(info, 'elf32', KERNEL_NAME + ' ' + ARGS, mods, mem='4G')
    high = [e for e in info['mmap_entry'] if e['type'] == 1 and e['base'] >= 1 << 32]
    expect(high, 'no available memory above 4 GiB in the map')


# ---- the demo kernel (make run) ----

def test_demo():
    """The demo kernel boots through fwboot and reports what it got."""
    d = tmpdir()
    text = b'a line of text for the demo\nand another\n'
    module = write_file(d, 'demo-module.txt', text)
    r = boot(files=[('opt/fwboot/demo', kernel('demo.elf')),
                    ('opt/fwboot/demo-module', module)],
             append='name=opt/fwboot/demo initrd=opt/fwboot/demo-module -- hello from a test')
    expect_status(r, MBTEST_DONE)
    for line in ['fwboot demo kernel: booted by ' + LOADER_NAME,
                 'command line: "opt/fwboot/demo hello from a test"',
                 'modules: 1',
                 '  0: opt/fwboot/demo-module, %d bytes at 0x' % len(text),
                 '      "a line of text for the demo"',
                 'fwboot demo kernel: all done, bye']:
        expect(line in r.console, 'demo output lacks %r' % line)


# ---- the fixture itself, under QEMU's own Multiboot loader ----
# These do not involve fwboot: when they fail, mbtest or the harness is
# broken, not fwboot.

def qemu_fixture_test(variant):
    d = tmpdir()
    paths = [random_file(d, 'q%d' % i, size, 1900 + i) for i, size in enumerate([5000, 8192])]
    kfile = kernel(VARIANTS[variant][0])
    r = boot(append='fixture args', kernel_path=kfile,
             extra=['-initrd', '%s one two,%s' % (paths[0], paths[1])])
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    expect(info['done'], 'mbtest did not finish its report')
    mods = [Module(paths[0] + ' one two', paths[0]), Module(paths[1], paths[1])]
    check_mbtest(info, variant, kfile + ' fixture args', mods, loader='qemu')


def test_fixture_qemu_elf32():
    qemu_fixture_test('elf32')


def test_fixture_qemu_aout():
    qemu_fixture_test('aout')


def test_fixture_qemu_vaddr():
    qemu_fixture_test('vaddr')


def test_fixture_qemu_fake():
    """QEMU's own loader skips false magics too: the oracle agrees."""
    qemu_fixture_test('fake')


if __name__ == '__main__':
    fail('run through tests/boot/run.py')
