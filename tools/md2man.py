#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Make the fwboot(7) manual page from README.md, so the two cannot drift.

usage: md2man.py README.md [--prefix /usr] [--version V] [--date YYYY-MM-DD] OUT.7

The page is the README's "Using fwboot" part: each ### section becomes a
man section (.SH), its paragraphs, lists, indented code blocks and tables
(tbl) carried over. Paths in examples that name the build tree
(build/fwboot.elf) name the installed file instead. Only the Markdown the
README uses is understood; anything else (a heading level, a construct) is
an error, so a README change that this page cannot carry fails the build.
"""

import argparse
import re
import sys

PART = 'Using fwboot'          # the ## heading whose ### sections make the page
ENDS = ('## ',)                # the next ## heading ends the part


class Unsupported(Exception):
    pass


def esc(text):
    """Escape roff's specials in running text."""
    text = text.replace('\\', '\\e')
    return text


def code_esc(text):
    """Escape text shown literally: backslashes, and '-' as a real minus."""
    return esc(text).replace('-', '\\-')


def inline(text):
    """Markdown inline spans to roff fonts; links keep their text."""
    out = []
    pos = 0
    span = re.compile(r'`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)]+)\)')
    for m in span.finditer(text):
        out.append(esc(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append('\\fB' + code_esc(m.group(1)) + '\\fR')
        elif m.group(2) is not None:
            out.append('\\fB' + esc(m.group(2)) + '\\fR')
        else:
            label, target = m.group(3), m.group(4)
            label_text = inline(label)
            if target.startswith('docs/') and label.strip('`') != target:
                label_text += ' (' + code_esc(target) + ')'
            out.append(label_text)
        pos = m.end()
    out.append(esc(text[pos:]))
    return ''.join(out)


def line_safe(s):
    """A roff text line must not start with a control character."""
    return '\\&' + s if s[:1] in ('.', "'") else s


def table(rows):
    """A Markdown table (header, rule, rows) as a tbl block."""
    cells = [[c.strip() for c in r.strip().strip('|').split('|')] for r in rows]
    head, rule, body = cells[0], cells[1], cells[2:]
    if not all(set(c) <= set('-: ') for c in rule):
        raise Unsupported('table without a rule line: %r' % rows[1])
    n = len(head)
    for r in body:
        if len(r) != n:
            raise Unsupported('table row with %d cells, header has %d: %r' % (len(r), n, r))
    if max(len(c) for r in body for c in r) > 80:
        # cells of whole sentences: a tagged list, which no page length can
        # break (troff cannot split a table across pages in man pages)
        out = []
        for r in body:
            out += ['.TP', '\\fB%s\\fR' % line_safe(inline(r[0]))]
            for i, (h, c) in enumerate(zip(head[1:], r[1:])):
                if i:
                    out.append('.br')
                out.append(line_safe('\\fI%s\\fR: %s' % (inline(h), inline(c))))
        return out
    out = ['.TS', 'allbox tab(\t);', ' '.join(['lb'] * (n - 1) + ['lbx']) + '.',
           '\t'.join('T{\n%s\nT}' % line_safe(inline(c)) for c in head),
           '.T&', ' '.join(['l'] * (n - 1) + ['lx']) + '.']
    for r in body:
        out.append('\t'.join('T{\n%s\nT}' % line_safe(inline(c)) for c in r))
    out += ['.TE', '.sp']
    return out


def convert(md, prefix):
    """The roff body of the page from the README text."""
    lines = md.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == '## ' + PART)
    except StopIteration:
        raise Unsupported('README has no "## %s" part' % PART)
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith(ENDS) and not lines[i].startswith('###')), len(lines))
    installed = prefix + '/lib/fwboot/fwboot.elf'
    part = [l if l.lstrip().startswith('make') else l.replace('build/fwboot.elf', installed)
            for l in lines[start + 1:end]]

    out = []
    i = 0
    para = []

    def flush():
        if para:
            if not out or not out[-1].startswith('.SH'):
                out.append('.PP')
            # one input line: a code span may run across the README's line breaks
            out.append(line_safe(inline(' '.join(para))))
            para.clear()

    while i < len(part):
        l = part[i]
        if not l.strip():
            flush()
            i += 1
        elif l.startswith('### '):
            flush()
            out.append('.SH "%s"' % esc(l[4:].strip().upper().replace('"', "'")))
            i += 1
        elif l.startswith('#'):
            raise Unsupported('heading level not carried into the man page: %r' % l)
        elif l.startswith('    '):
            flush()
            block = []
            while i < len(part) and (part[i].startswith('    ') or not part[i].strip()):
                block.append(part[i][4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            if not out or not out[-1].startswith('.SH'):
                out.append('.PP')
            out += ['.RS 4', '.nf']
            out += [line_safe(code_esc(b)) if b.strip() else '' for b in block]
            out += ['.fi', '.RE']
        elif l.startswith('|'):
            flush()
            rows = []
            while i < len(part) and part[i].startswith('|'):
                rows.append(part[i])
                i += 1
            out += table(rows)
        elif l.startswith('- '):
            flush()
            while i < len(part) and part[i].startswith('- '):
                item = [part[i][2:]]
                i += 1
                while i < len(part) and part[i].startswith('  ') and not part[i].startswith('    '):
                    item.append(part[i].strip())
                    i += 1
                out.append('.IP \\(bu 2')
                out.append(line_safe(inline(' '.join(item))))
        else:
            para.append(l.strip())
            i += 1
    flush()
    return out


def page(md, prefix, version, date):
    intro = []
    for l in md.splitlines()[1:]:
        if l.startswith('#') or (intro and not l.strip()):
            break
        if l.strip():
            intro.append(l.strip())
    head = [
        "'\\\" t",
        '.\\" fwboot(7): made by tools/md2man.py from README.md; edit the README, not this file.',
        '.TH FWBOOT 7 %s "fwboot %s" "fwboot"' % (date, version),
        '.SH NAME',
        'fwboot \\- boot a QEMU virtual machine from files in fw_cfg',
        '.SH SYNOPSIS',
        '.nf',
        '\\fBqemu\\-system\\-x86_64 \\-kernel\\fR %s/lib/fwboot/fwboot.elf \\e' % code_esc(prefix),
        '    \\fB\\-fw_cfg\\fR name=opt/fwboot/\\fIFILE\\fR,file=\\fIPATH\\fR ... \\e',
        '    \\fB\\-append\\fR "[name=\\fIFILE\\fR] [initrd=\\fIFILE\\fR]... [\\fIoption\\fR]... [\\-\\- \\fIARGS\\fR]"',
        '.fi',
        '.SH DESCRIPTION',
    ]
    head += [line_safe(inline(t)) for t in intro]
    tail = [
        '.SH FILES',
        '.TP',
        '%s/lib/fwboot/fwboot.elf' % code_esc(prefix),
        'fwboot itself: give it to QEMU as \\fB\\-kernel\\fR, or to GRUB as \\fBmultiboot\\fR or \\fBmultiboot2\\fR.',
        '.TP',
        '%s/lib/fwboot/demo.elf' % code_esc(prefix),
        'a small Multiboot kernel that prints what it received; boot it through fwboot to try a setup.',
        '.TP',
        '%s/share/doc/fwboot/' % code_esc(prefix),
        'the README and the detailed documents it names: \\fBdocs/formats.md\\fR, \\fBdocs/linux.md\\fR,',
        '\\fBdocs/scripts.md\\fR.',
        '.SH SEE ALSO',
        '\\fBfwboot\\-run\\fR(1), \\fBqemu\\-system\\-x86_64\\fR(1)',
    ]
    return '\n'.join(head + convert(md, prefix) + tail) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('readme')
    ap.add_argument('out')
    ap.add_argument('--prefix', default='/usr/local')
    ap.add_argument('--version', default='0')
    ap.add_argument('--date', default='2026-12-01')
    a = ap.parse_args()
    with open(a.readme, encoding='utf-8') as f:
        md = f.read()
    try:
        text = page(md, a.prefix.rstrip('/') or '/', a.version, a.date)
    except Unsupported as e:
        print('md2man: %s: %s' % (a.readme, e), file=sys.stderr)
        return 1
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
