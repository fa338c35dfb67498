# SPDX-License-Identifier: BSD-2-Clause
"""Reading what mb2test and pvhtest (tests/kernels/) print, and the checks
their boot tests share.

A line is "<prefix>: [kind words] key=value ...". Values: 0x-hex or decimal
integers, "quoted" strings (escapes \\\\, \\" and \\xNN), or bare words.
Lines without a kind add their keys at the top level; the kinds in
LIST_KINDS repeat and become lists of dicts; any other kind is one dict.
"""

import re
import struct

from harness import BootResult, fail, expect, expect_eq

LIST_KINDS = ('mod', 'mmap_entry', 'tag', 'shdr', 'efi_desc')

_TOKEN = re.compile(r'([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|\S*)|(\S+)')


def _unquote(s):
    out, i = [], 1
    while i < len(s) - 1:
        if s[i] == '\\':
            if s[i + 1] == 'x':
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
            else:
                out.append(s[i + 1])
                i += 2
        else:
            out.append(s[i])
            i += 1
    return ''.join(out)


def _value(v):
    if v.startswith('"'):
        return _unquote(v)
    if re.fullmatch(r'0x[0-9a-fA-F]+', v):
        return int(v, 16)
    if re.fullmatch(r'[0-9]+', v):
        return int(v)
    return v


def parse_report(text, prefix):
    """Parse the "<prefix>: ..." lines of text (or a BootResult) into a dict;
    'done' says whether the kernel reached its last line. Fails when the
    kernel printed nothing."""
    if isinstance(text, BootResult):
        text = text.console
    info = {k: [] for k in LIST_KINDS}
    info['done'] = False
    lead = prefix + ': '
    lines = 0
    for line in text.splitlines():
        if not line.startswith(lead):
            continue
        lines += 1
        kind, fields = [], {}
        for m in _TOKEN.finditer(line[len(lead):]):
            if m.group(1):
                fields[m.group(1)] = _value(m.group(2))
            elif not fields:
                kind.append(m.group(3))
        kind = ' '.join(kind)
        if kind == 'done':
            info['done'] = True
        elif not kind:
            info.update(fields)
        elif kind in LIST_KINDS:
            info[kind].append(fields)
        else:
            info.setdefault(kind, {}).update(fields)
    if not lines:
        fail('no %s output on the console (did the kernel start?)' % prefix)
    return info


# ---- facts about files ----

def elf_entry(path):
    """e_entry of an ELF32 or ELF64 file."""
    with open(path, 'rb') as f:
        h = f.read(64)
    if h[:4] != b'\x7fELF':
        fail('%s is not ELF' % path)
    return struct.unpack_from('<I' if h[4] == 1 else '<Q', h, 24)[0]


def fwboot_line(r, text):
    """Fail unless fwboot printed a line containing text."""
    expect(text in r.console, 'fwboot did not say %r; console tail:\n%s' % (text, r.tail(8)))


# ---- shared checks ----

def available_from(entries, start):
    """Bytes of type-1 memory from start on, without a gap."""
    pos, moved = start, True
    while moved:
        moved = False
        for e in entries:
            if e['type'] == 1 and e['base'] <= pos < e['base'] + e['len']:
                pos, moved = e['base'] + e['len'], True
    return pos - start


def check_memory_map(entries):
    """A map as QEMU's BIOS gives it: RAM at 0 and at 1 MiB, entries sorted."""
    expect(entries, 'empty memory map')
    expect(any(e['type'] == 1 and e['base'] == 0 for e in entries), 'no RAM at 0 in %r' % entries)
    expect(any(e['type'] == 1 and e['base'] == 0x100000 for e in entries), 'no RAM at 1 MiB in %r' % entries)
    for e in entries:
        expect(e['len'] > 0, 'empty memory map entry %r' % e)


def check_modules(mods, expected, image):
    """mods (the kernel's mod lines) against expected [(path, string)]: same
    order, sizes, CRC-32s, strings; page-aligned; apart from each other and
    from the kernel image [load, load + size)."""
    import harness
    expect_eq(len(mods), len(expected), 'module count')
    ranges = [(image['load'], image['load'] + image['size'], 'the kernel')]
    for i, (m, (path, string)) in enumerate(zip(mods, expected)):
        with open(path, 'rb') as f:
            data = f.read()
        expect_eq(m['index'], i, 'module %d index' % i)
        expect_eq(m['size'], len(data), 'module %d size' % i)
        expect_eq(m['crc32'], harness.crc32_bytes(data), 'module %d CRC-32' % i)
        expect_eq(m['aligned'], 1, 'module %d page-aligned (start %#x)' % (i, m['start']))
        if string is None:
            expect_eq(m.get('string_paddr'), 0, 'module %d has no string' % i)
        else:
            expect_eq(m.get('string'), string, 'module %d string' % i)
        start, end = m['start'], m['start'] + len(data)
        for a, b, what in ranges:
            expect(end <= a or start >= b, 'module %d at %#x-%#x overlaps %s at %#x-%#x'
                   % (i, start, end, what, a, b))
        ranges.append((start, end, 'module %d' % i))


# ---- ELF section headers (Multiboot 1 info bit 5, Multiboot 2 tag 9) ----

SHF_WRITE, SHF_ALLOC, SHT_NOBITS = 1, 2, 8


def elf_sections(path):
    """(shentsize, shstrndx, [section dicts with name, type, flags, addr,
    offset, size, data]) read from the ELF file at path."""
    data = open(path, 'rb').read()
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from('<Q', data, 40)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 58)
    else:
        shoff, = struct.unpack_from('<I', data, 32)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 46)
    secs = []
    for i in range(shnum):
        o = shoff + i * shentsize
        if is64:
            name, typ, flags, addr, off, size = struct.unpack_from('<IIQQQQ', data, o)
        else:
            name, typ, flags, addr, off, size = struct.unpack_from('<IIIIII', data, o)
        secs.append(dict(name=name, type=typ, flags=flags, addr=addr, offset=off, size=size,
                         data=b'' if typ == SHT_NOBITS else data[off:off + size]))
    names = secs[shstrndx]['data'] if shstrndx < len(secs) else b''
    for s in secs:
        s['name'] = names[s['name']:names.index(b'\0', s['name'])].decode() if s['name'] < len(names) else ''
    return shentsize, shstrndx, secs


def check_elf_sections(k, path, moved=False):
    """The section header table a test kernel printed (k: its parsed report)
    against its own file: every field the file's, sh_addr kept for sections
    a segment loads and set for those the loader placed (sh_addr 0 in the
    file), whose bytes in memory must be the file's; the kernel's own lookup
    of its entry function through the placed symbol table must agree.
    moved: a relocated image (its loaded sections' link addresses hold
    other memory, so their bytes are not compared)."""
    import zlib
    entsize, shndx, secs = elf_sections(path)
    es = k.get('elfsyms')
    expect(es and not es.get('absent'), 'no ELF section headers in the boot information')
    expect_eq(es['num'], len(secs), 'section count')
    expect_eq(es['entsize'], entsize, 'section header size')
    expect_eq(es['shndx'], shndx, 'section name table index')
    got = k['shdr']
    expect_eq(len(got), len(secs), 'section lines printed')
    for g, s in zip(got, secs):
        what = 'section %d (%s)' % (g['index'], s['name'])
        for key in ('name', 'type', 'flags', 'size'):
            expect_eq(g[key], s[key], what + ' ' + key)
        if s['addr'] or not s['size']:
            expect_eq(g['addr'], s['addr'], what + ' address (loaded with its segment)')
            if s['addr'] and s['type'] != SHT_NOBITS and not s['flags'] & SHF_WRITE and not moved:
                expect_eq(g['crc32'], zlib.crc32(s['data']), what + ' contents in memory')
        else:
            expect(g['addr'] >= 0x100000, what + ' placed at %#x' % g['addr'])
            if s['type'] != SHT_NOBITS:
                expect_eq(g['crc32'], zlib.crc32(s['data']), what + ' contents as placed')
    check = k.get('elfsyms_check', {})
    expect_eq(check.get('symbol_ok'), 1, 'the kernel\'s own symbol through the placed tables: %r' % check)


def check_mb2(r, variant, load, cmdline, mods=(), protocol='multiboot2'):
    """Everything a Multiboot 2 boot of mb2test must show; returns the report."""
    import harness
    harness.expect_status(r, harness.MBTEST_DONE)
    k = parse_report(r, 'mb2test')
    expect(k['done'], 'mb2test did not finish')
    expect_eq(k['variant'], variant, 'variant')
    expect_eq(k['protocol'], protocol, 'boot protocol')
    image = k['image']
    expect_eq(image['load'], load, 'load address')
    expect_eq(image['pattern_ok'], 1, 'the image\'s last bytes (pattern) arrived')
    expect_eq(image['bss_zero'], 1, 'bss zeroed')
    expect_eq(k['state']['ok'], 1, 'machine state (PE on, paging and interrupts off): %r' % k['state'])
    expect_eq(k['cmdline'], cmdline, 'command line')
    expect(k['loader'].startswith('fwboot '), 'loader name %r' % k['loader'])
    if protocol != 'multiboot2':
        return k
    expect_eq(k['magic'], 0x36d76289, 'EAX')
    info = k['info']
    expect_eq(info['aligned'], 1, 'information block 8-aligned (%#x)' % info['addr'])
    expect_eq(info['reserved'], 0, 'information reserved field')
    expect_eq(k['tags']['end_ok'], 1, 'information ends with the end tag at total_size')
    expect_eq(k['mmap']['entry_size'], 24, 'memory map entry_size')
    expect_eq(k['mmap']['entry_version'], 0, 'memory map entry_version')
    expect_eq(k['mmap']['count'], len(k['mmap_entry']), 'memory map entries')
    check_memory_map(k['mmap_entry'])
    expect_eq(k['meminfo']['lower'], 639, 'mem_lower (KiB)')
    expect_eq(k['meminfo']['upper'], min(available_from(k['mmap_entry'], 0x100000), 1 << 32) // 1024,
              'mem_upper (KiB)')
    expect_eq(k['load_base']['addr'], load, 'load base address tag')
    rsdp = k.get('rsdp')
    expect(rsdp, 'no ACPI RSDP tag')
    expect(rsdp['tag'] in (14, 15), 'RSDP tag %r' % rsdp)
    for key in ('signature_ok', 'checksum_ok', 'ext_checksum_ok', 'matches_bios'):
        expect_eq(rsdp[key], 1, 'RSDP copy ' + key)
    expect_eq(rsdp['len'], 20 if rsdp['tag'] == 14 else rsdp['len'], 'old RSDP tag length')
    smbios = k.get('smbios')
    expect(smbios, 'no SMBIOS tag (SeaBIOS has an entry point)')
    for key in ('reserved_zero', 'matches_bios'):
        expect_eq(smbios[key], 1, 'SMBIOS tag ' + key + ': %r' % smbios)
    expect(not k['tag'], 'tags fwboot should not give: %r' % k['tag'])
    check_modules(k['mod'], mods, image)
    return k
