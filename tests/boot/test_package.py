# SPDX-License-Identifier: BSD-2-Clause
"""Installing fwboot: `make install DESTDIR=...` puts exactly the expected
files in place (and `make uninstall` takes them all back), the manual pages
lint clean and say what the README says, the Debian package builds (lintian
clean: tools/mkdeb.sh fails otherwise) with the installed layout, and the
fwboot.elf a user installs boots the installed demo. Installing the .deb
itself into a clean Debian 12 root is the fresh-machine check's part
(tools/fresh-check.sh --package, run by .ci/run).
"""

import os
import re
import shutil
import subprocess

from harness import ROOT, Skip, expect, expect_eq, fail, tmpdir

PREFIX = '/usr'


def make(*args, env=None, timeout=900):
    """Run make in the source tree; fail with its output if it fails."""
    p = subprocess.run(['make', '-s', '-C', ROOT] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                       env=env)
    out = p.stdout.decode('utf-8', 'replace')
    if p.returncode != 0:
        fail('make %s failed (%d):\n%s' % (' '.join(args), p.returncode, out[-3000:]))
    return out


def files_under(d):
    """Every file (and symlink) below d, as paths relative to d."""
    found = set()
    for top, _, names in os.walk(d):
        for n in names:
            found.add(os.path.relpath(os.path.join(top, n), d))
    return found


def makefile_version():
    with open(os.path.join(ROOT, 'Makefile')) as f:
        m = re.search(r'^VERSION := (\S+)$', f.read(), re.M)
    if not m:
        fail('no VERSION in the Makefile')
    return m.group(1)


def efi_built():
    """Whether make builds (and so installs) fwboot.efi: when its compiler
    is there (platform/efi/efi.mk; tools/deps.sh installs it)."""
    return shutil.which('x86_64-w64-mingw32-gcc') is not None


def expected_install(prefix=PREFIX.lstrip('/'), efi=None):
    """What make install must put under DESTDIR, named here one by one (the
    docs: every docs/*.md of the tree; fwboot.efi when it is built, or as
    efi says)."""
    files = {
        'lib/fwboot/fwboot.elf',
        'lib/fwboot/fwboot-pvh.elf',
        'lib/fwboot/demo.elf',
        'share/doc/fwboot/README.md',
        'share/man/man7/fwboot.7',
        'bin/fwboot-run',
        'share/man/man1/fwboot-run.1',
        'bin/fwboot-pcrs',
        'share/man/man1/fwboot-pcrs.1',
    }
    if efi_built() if efi is None else efi:
        files.add('lib/fwboot/fwboot.efi')
    for d in sorted(os.listdir(os.path.join(ROOT, 'docs'))):
        if d.endswith('.md'):
            files.add('share/doc/fwboot/docs/' + d)
    return {os.path.join(prefix, f) for f in files}


def install(prefix=PREFIX):
    dest = tmpdir()
    make('install', 'DESTDIR=' + dest, 'PREFIX=' + prefix)
    return dest


def test_target_build_is_freestanding():
    """Target code compiles with the compiler's freestanding headers and
    the project's, and fails on any C library header."""
    cc = make('print-target-cc').split()
    d = tmpdir()
    for header, ok in (('stdint.h', True), ('stddef.h', True), ('stdarg.h', True),
                       ('stdbool.h', True), ('limits.h', True), ('lib/memops.h', True),
                       ('string.h', False), ('stdlib.h', False), ('stdio.h', False)):
        src = os.path.join(d, 'probe.c')
        with open(src, 'w') as f:
            f.write('#include <%s>\nint probe;\n' % header)
        p = subprocess.run(cc + ['-c', '-o', os.path.join(d, 'probe.o'), src], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.stdout.decode('utf-8', 'replace')
        if ok:
            expect(p.returncode == 0, 'target code cannot include <%s>:\n%s' % (header, out))
        else:
            expect(p.returncode != 0 and ('%s: No such file' % header) in out,
                   'target code can include the C library\'s <%s> (status %d):\n%s'
                   % (header, p.returncode, out))


def test_install_layout():
    dest = install()
    got = files_under(dest)
    # fwboot.iso comes along only when it was built (make iso, the GRUB tests)
    got.discard('usr/lib/fwboot/fwboot.iso')
    expect_eq(sorted(got), sorted(expected_install()), 'files make install put under DESTDIR')
    expect(efi_built(), 'x86_64-w64-mingw32-gcc is missing (tools/deps.sh installs gcc-mingw-w64-x86-64-win32): '
           'fwboot.efi is neither built nor installed')
    for f in ('fwboot.elf', 'fwboot.efi'):
        with open(os.path.join(ROOT, 'build', f), 'rb') as a, \
                open(os.path.join(dest, 'usr/lib/fwboot', f), 'rb') as b:
            expect(a.read() == b.read(), 'the installed %s is not build/%s' % (f, f))
    for f in sorted(got):
        mode = os.stat(os.path.join(dest, f)).st_mode & 0o777
        want = 0o755 if f.startswith('usr/bin/') else 0o644
        expect_eq(oct(mode), oct(want), 'mode of %s' % f)


def test_install_prefix_and_uninstall():
    # the default PREFIX is /usr/local, and the man page names that prefix
    dest = install('/usr/local')
    expect_eq(sorted(files_under(dest) - {'usr/local/lib/fwboot/fwboot.iso'}),
              sorted(expected_install('usr/local')), 'files under PREFIX=/usr/local')
    with open(os.path.join(dest, 'usr/local/share/man/man7/fwboot.7')) as f:
        page = f.read()
    expect('/usr/local/lib/fwboot/fwboot.elf' in page, 'fwboot(7) does not name the installed path')
    expect('build/fwboot.elf \\e' not in page, 'fwboot(7) still names build/fwboot.elf in -kernel examples')
    make('uninstall', 'DESTDIR=' + dest, 'PREFIX=/usr/local')
    left = files_under(dest)
    expect_eq(sorted(left), [], 'files left after make uninstall')
    expect(not os.path.exists(os.path.join(dest, 'usr/local/lib/fwboot')),
           'make uninstall left usr/local/lib/fwboot behind')


def man_pages():
    """fwboot(7) as `make man` builds it for PREFIX (into this test's own
    directory: tests run in parallel), and every page in man/."""
    b = tmpdir()
    make('man', 'PREFIX=' + PREFIX, 'B=' + b)
    pages = [os.path.join(b, 'man', 'fwboot.7')]
    mandir = os.path.join(ROOT, 'man')
    if os.path.isdir(mandir):
        pages += [os.path.join(mandir, p) for p in sorted(os.listdir(mandir))
                  if re.search(r'\.[1-8]$', p)]
    return pages


def test_man_pages_lint_clean():
    for tool in ('mandoc', 'groff'):
        if shutil.which(tool) is None:
            fail('%s is missing (tools/deps.sh installs it)' % tool)
    for page in man_pages():
        name = os.path.relpath(page, ROOT)
        p = subprocess.run(['mandoc', '-T', 'lint', '-W', 'warning', page],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        expect_eq(p.stdout.decode(), '', 'mandoc -T lint -W warning %s' % name)
        expect_eq(p.returncode, 0, 'mandoc status for %s' % name)
        p = subprocess.run(['groff', '-ww', '-t', '-man', '-z', page],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        expect_eq(p.stdout.decode(), '', 'groff -ww -t -man -z %s' % name)
        expect_eq(p.returncode, 0, 'groff status for %s' % name)


def readme_table(heading):
    """The rows (lists of cells, Markdown kept) of the first table under a
    README heading."""
    with open(os.path.join(ROOT, 'README.md')) as f:
        lines = f.read().splitlines()
    try:
        i = lines.index(heading)
    except ValueError:
        fail('README has no heading %r' % heading)
    rows = []
    for line in lines[i + 1:]:
        if line.startswith('#'):
            break
        if line.startswith('|'):
            rows.append([c.strip() for c in line.strip().strip('|').split('|')])
        elif rows:
            break
    if len(rows) < 3:
        fail('no table under %r in the README' % heading)
    return rows[2:]


def plain(md):
    """A README cell as the rendered page shows it: no Markdown marks, links
    as their text, white space squeezed."""
    md = re.sub(r'\[([^\]]+)\]\([^)]+\)', r'\1', md)
    return re.sub(r'\s+', ' ', md.replace('`', '').replace('**', '')).strip()


def test_man_page_says_what_the_readme_says():
    page = man_pages()[0]
    # rendered as man(1) would, on a line so long that no table cell wraps
    p = subprocess.run(['groff', '-t', '-man', '-Tascii', '-rLL=5000n', '-P-cbou', page],
                       stdout=subprocess.PIPE)
    expect_eq(p.returncode, 0, 'groff -Tascii status')
    text = re.sub(r'\s+', ' ', p.stdout.decode('ascii', 'replace').replace('|', ' '))
    for heading in ('### Command line', '### Exit statuses', '### Formats'):
        for row in readme_table(heading):
            for cell in row:
                # a cell's words in order (the page may wrap or pad them)
                words = plain(cell).split()
                pattern = r'\s+'.join(re.escape(w) for w in words)
                expect(re.search(pattern, text) is not None,
                       'fwboot(7) lacks %r from the README table %r' % (plain(cell), heading))
    for section in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMAND LINE', 'FORMATS',
                    'EXIT STATUSES', 'FILES', 'SEE ALSO'):
        expect(re.search(r'(^|\s)%s(\s|$)' % section, text) is not None,
               'fwboot(7) has no %s section' % section)


def test_md2man_refuses_what_it_cannot_carry():
    d = tmpdir()
    src = os.path.join(d, 'README.md')
    with open(src, 'w') as f:
        f.write('# x\n\nintro\n\n## Using fwboot\n\n#### too deep\n\ntext\n')
    p = subprocess.run(['python3', os.path.join(ROOT, 'tools', 'md2man.py'), src,
                        os.path.join(d, 'out.7')], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    expect_eq(p.returncode, 1, 'md2man status on a heading it cannot carry')
    expect('heading level' in p.stdout.decode(), 'md2man did not say why: %r' % p.stdout)


def test_installed_fwboot_boots_the_installed_demo():
    dest = install()
    p = subprocess.run(['sh', os.path.join(ROOT, 'tools', 'installed-check.sh'), dest, PREFIX],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=600)
    out = p.stdout.decode('utf-8', 'replace')
    expect(p.returncode == 0, 'installed-check failed (%d):\n%s' % (p.returncode, out[-2000:]))
    expect('fwboot demo kernel: booted by fwboot' in out, 'the demo did not report fwboot')
    expect('installed-check: the installed fwboot.efi started under OVMF' in out,
           'the installed fwboot.efi was not started under OVMF:\n%s' % out[-2000:])


def test_debian_package():
    for tool in ('dpkg-buildpackage', 'lintian', 'dpkg-deb'):
        if shutil.which(tool) is None:
            fail('%s is missing (tools/deps.sh installs it)' % tool)
    if os.geteuid() != 0 and shutil.which('fakeroot') is None:
        raise Skip('not root and no fakeroot')
    version = makefile_version()
    out = make('deb', timeout=1800)
    expect('lintian clean' in out, 'make deb did not report lintian clean:\n%s' % out[-2000:])
    deb = os.path.join(ROOT, 'build', 'deb', 'fwboot_%s_all.deb' % version)
    expect(os.path.isfile(deb), '%s was not built' % deb)

    def field(name):
        p = subprocess.run(['dpkg-deb', '-f', deb, name], stdout=subprocess.PIPE)
        return p.stdout.decode().strip()
    expect_eq(field('Package'), 'fwboot', 'Package')
    expect_eq(field('Version'), version, 'Version')
    expect_eq(field('Architecture'), 'all', 'Architecture')
    expect('qemu-system-x86' in field('Recommends'), 'the package does not recommend qemu-system-x86')
    expect('python3' in field('Depends'), 'fwboot-run needs python3: not in Depends')
    with open(os.path.join(ROOT, 'debian', 'control')) as f:
        build_depends = re.search(r'^Build-Depends:(.*?)^\S', f.read(), re.M | re.S).group(1)
    for pkg in ('gcc-mingw-w64-x86-64-win32', 'binutils-mingw-w64-x86-64'):
        expect(re.search(r'\b%s\b' % re.escape(pkg), build_depends),
               'debian/control: %s (fwboot.efi\'s compiler) is not a Build-Depends' % pkg)

    p = subprocess.run(['dpkg-deb', '-c', deb], stdout=subprocess.PIPE)
    listed = set()
    for line in p.stdout.decode().splitlines():
        path = line.split()[-1]
        if not path.endswith('/'):
            listed.add(os.path.normpath(path))
    # dh compresses man pages and larger docs; it adds the copyright, the
    # changelog and the lintian overrides
    def packaged(f):
        if f.startswith('usr/share/man/'):
            return f + '.gz'
        if f.startswith('usr/share/doc/') and f + '.gz' in listed:
            return f + '.gz'	# dh_compress takes docs over 4 KiB
        return f
    # the package always builds fwboot.efi (debian/rules; its compiler is a Build-Depends)
    want = {packaged(f) for f in expected_install(efi=True)}
    want |= {'usr/share/doc/fwboot/copyright', 'usr/share/doc/fwboot/changelog.gz',
             'usr/share/lintian/overrides/fwboot'}
    expect_eq(sorted(listed), sorted(want), 'files in the .deb (dpkg-deb -c)')
    # fwboot.efi as shipped: a PE32+ image for x86-64, subsystem 10 (EFI application)
    x = tmpdir()
    subprocess.run(['dpkg-deb', '-x', deb, x], check=True)
    with open(os.path.join(x, 'usr/lib/fwboot/fwboot.efi'), 'rb') as f:
        pe = f.read()
    off = int.from_bytes(pe[0x3c:0x40], 'little') if pe[:2] == b'MZ' else 0
    expect(off and pe[off:off + 4] == b'PE\0\0', 'the packaged fwboot.efi is not a PE image')
    expect_eq(int.from_bytes(pe[off + 4:off + 6], 'little'), 0x8664, 'fwboot.efi machine (x86-64)')
    opt = off + 24
    expect_eq(int.from_bytes(pe[opt:opt + 2], 'little'), 0x20b, 'fwboot.efi optional header magic (PE32+)')
    expect_eq(int.from_bytes(pe[opt + 68:opt + 70], 'little'), 10, 'fwboot.efi subsystem (EFI application)')
    docs = sorted(f for f in want if f.startswith('usr/share/doc/fwboot/docs/'))
    expect(len(docs) >= 3, 'the .deb has no docs: %r' % docs)
