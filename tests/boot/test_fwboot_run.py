# SPDX-License-Identifier: BSD-2-Clause
"""tools/fwboot-run: every outcome, every check before QEMU, --print,
--libvirt-xml, suites with JUnit/TAP/shards; only the payload's output
matched (pc, UEFI, microvm), the call trace kept after a fail pattern
(Debian's kernel), --accel auto's measured choice, and the developer's loop:
-i through a pty, --gdb with gdb in batch mode, --screenshot against
fbtest's pattern. Each test runs the real tool, which runs real QEMU; the
payloads are the test kernels, the demo, and a few tiny kernels written
here."""

import os
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET

from harness import (ROOT, BUILD, FWBOOT, QEMU, DEBUG_EXIT, accel, crc32_file, expect,
                     expect_eq, fail, kernel, random_file, tmpdir, write_file, Skip)

TOOL = os.path.join(ROOT, 'tools', 'fwboot-run')
JUNIT_XSD = os.path.join(ROOT, 'tests', 'boot', 'junit.xsd')
GUARD = '300'       # fwboot-run's own --timeout in tests: a hang guard only


class Run:
    def __init__(self, p, cmd):
        self.status = p.returncode
        self.out = p.stdout.decode('utf-8', 'replace')
        self.err = p.stderr.decode('utf-8', 'replace')
        self.cmd = cmd

    def __repr__(self):
        return 'status %d\ncommand: %s\nstdout tail:\n%s\nstderr:\n%s' % (
            self.status, ' '.join(shlex.quote(a) for a in self.cmd),
            '\n'.join(self.out.splitlines()[-15:]), self.err[-2000:])


def run(*args, env=None, tool=TOOL, timeout=900, accel_opt=True):
    cmd = ['python3', tool] + (['--accel', accel()] if accel_opt else []) + list(args)
    if any(a == '--suite' for a in args):
        pass
    e = dict(os.environ)
    e.pop('FWBOOT_ELF', None)
    if env:
        e.update(env)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=e)
    return Run(p, cmd)


def expect_run(r, status, what):
    if r.status != status:
        fail('%s: fwboot-run exited with %d, expected %d\n%r' % (what, r.status, status, r))


def test_passing_boot_with_module_args():
    """A Multiboot kernel, two modules (one with its own arguments, through
    the generated script), payload arguments: every expectation in order."""
    d = tmpdir()
    m1 = random_file(d, 'one.bin', 5000, seed=1)
    m2 = random_file(d, 'two.bin', 7000, seed=2)
    r = run(kernel('mbtest-elf32.elf'), '--initrd', m1 + '=first module', '--initrd', m2,
            '--timeout', GUARD,
            '--expect', r'^mbtest: cmdline="opt/fwboot/mbtest-elf32.elf x y"$',
            '--expect', r'mod index=0 .*crc32=0x%08x .*string="opt/fwboot/one.bin first module"'
            % crc32_file(m1),
            '--expect', r'mod index=1 .*crc32=0x%08x .*string="opt/fwboot/two.bin"' % crc32_file(m2),
            '--expect', r'^mbtest: done', '--', 'x', 'y')
    expect_run(r, 0, 'passing boot')
    expect('mbtest: done' in r.out, 'the console was not streamed to stdout')
    expect('PASS' in r.err.splitlines()[-1], 'no PASS line at the end: %r' % r)


def test_pass_by_exit_code_and_log():
    """Without --expect: the demo's isa-debug-exit value given by
    --exit-code passes; --log keeps the console, --timestamps prefixes it."""
    d = tmpdir()
    log = os.path.join(d, 'console.log')
    r = run(kernel('demo.elf'), '--exit-code', '0x40', '--log', log, '--timestamps',
            '--timeout', GUARD, '--', 'hello', 'ci')
    expect_run(r, 0, 'demo with --exit-code 0x40')
    with open(log) as f:
        text = f.read()
    expect('command line: "opt/fwboot/demo.elf hello ci"' in text, 'log lacks the demo line:\n' + text)
    expect(re.search(r'^\[ *\d+\.\d{3}\] fwboot demo kernel: all done', r.out, re.M),
           'no timestamped demo line on stdout:\n' + r.out[-1500:])
    r = run(kernel('demo.elf'), '--timeout', GUARD)
    expect_run(r, 20, 'demo without --exit-code (status 129 is not a pass by itself)')
    expect('0x40' in r.err, 'the reason does not name the exit value: %r' % r)


def test_expectation_not_met():
    r = run(kernel('mbtest-elf32.elf'), '--expect', 'mbtest: done', '--expect', 'never printed',
            '--timeout', GUARD)
    expect_run(r, 20, 'an expectation that never appears')
    expect('/never printed/' in r.err and '1 of 2' in r.err, 'reason lacks the pattern: %r' % r)
    # in order: a line seen before the one expected first does not count
    r = run(kernel('mbtest-elf32.elf'), '--expect', 'mbtest: done', '--expect', 'mbtest: variant=',
            '--timeout', GUARD)
    expect_run(r, 20, 'expectations out of order')


def test_fail_pattern():
    r = run(kernel('mbtest-elf32.elf'), '--fail-on', r'mbtest: mods count=0', '--expect', 'mbtest: done',
            '--timeout', GUARD)
    expect_run(r, 21, '--fail-on seen before the expectation')
    expect('mods count=0' in r.err, 'reason lacks the line: %r' % r)
    # what follows the pattern is kept (a call trace would): mbtest goes on and exits
    expect('mbtest: done' in r.out, 'the console after the fail pattern was cut off: %r' % r)
    # a guest that keeps running after the pattern: the console is read until
    # it is quiet (bounded), not until the hang guard
    d = tmpdir()
    script = write_file(d, 'bug.ipxe', b'#!ipxe\necho BUG: unable to handle page fault\n'
                        b'echo Call Trace:\necho end of the trace\nsleep 3000\n')
    r = run('--script', script, '--timeout', GUARD)
    expect_run(r, 21, 'a BUG: line, then more lines, then silence')
    expect('end of the trace' in r.out, 'the lines after BUG: were cut off: %r' % r)
    # the default set: a kernel panic line (the demo prints its module's first line)
    d = tmpdir()
    mod = write_file(d, 'panic.txt', b'Kernel panic - not syncing: VFS: Unable to mount root fs\n')
    r = run(kernel('demo.elf'), '--initrd', mod, '--exit-code', '0x40', '--timeout', GUARD)
    expect_run(r, 21, 'the default fail pattern for a kernel panic')
    r = run(kernel('demo.elf'), '--initrd', mod, '--exit-code', '0x40', '--no-default-fail-on',
            '--timeout', GUARD)
    expect_run(r, 0, '--no-default-fail-on')


def test_timeout_and_early_end():
    d = tmpdir()
    script = write_file(d, 'slow.ipxe', b'#!ipxe\necho ready for the test\nsleep 3000\n')
    r = run('--script', script, '--timeout', '5')
    expect_run(r, 124, 'a script that sleeps past --timeout')
    expect('timeout' in r.err, 'no timeout reason: %r' % r)
    # the outcome is known at "ready": QEMU is ended then, not after the sleep
    # (it would end as a timeout, 124, if fwboot-run waited for QEMU)
    r = run('--script', script, '--expect', 'ready for the test', '--timeout', GUARD)
    expect_run(r, 0, 'an expectation met while the guest keeps running')


def test_fwboot_status_passed_through():
    d = tmpdir()
    junk = random_file(d, 'junk.bin', 4096, seed=3)
    r = run(junk, '--timeout', GUARD, '--expect', 'never')
    expect_run(r, 5, 'an image no loader accepts (fwboot status 5)')
    last = r.err.strip().splitlines()[-1]
    expect('status 5' in last and 'is not a bootable image' in last,
           'fwboot\'s message is not repeated at the end: %r' % last)
    script = write_file(d, 'missing.ipxe', b'#!ipxe\nkernel fw_cfg:opt/fwboot/nothing-here\nboot\n')
    r = run('--script', script, '--timeout', GUARD)
    expect_run(r, 4, 'a script naming a missing fw_cfg file (fwboot status 4)')
    expect('nothing-here' in r.err.strip().splitlines()[-1], 'message not repeated: %r' % r)


def test_missing_and_bad_files():
    d = tmpdir()
    r = run(os.path.join(d, 'no-such-kernel'))
    expect_run(r, 65, 'a missing kernel')
    expect('does not exist' in r.err, r.err)
    r = run(kernel('mbtest-elf32.elf'), '--initrd', d)
    expect_run(r, 65, 'a directory as initrd')
    expect('not a regular file' in r.err, r.err)
    if os.getuid() != 0:
        f = write_file(d, 'secret', b'x')
        os.chmod(f, 0)
        r = run(kernel('mbtest-elf32.elf'), '--initrd', f)
        expect_run(r, 65, 'an unreadable initrd')
    a = os.path.join(d, 'a')
    b = os.path.join(d, 'b')
    os.mkdir(a)
    os.mkdir(b)
    write_file(a, 'mod', b'1')
    write_file(b, 'mod', b'2')
    r = run(kernel('mbtest-elf32.elf'), '--initrd', os.path.join(a, 'mod'), '--initrd', os.path.join(b, 'mod'))
    expect_run(r, 65, 'two initrds with the same fw_cfg name')
    expect('opt/fwboot/mod' in r.err, r.err)
    r = run(kernel('mbtest-elf32.elf'), '--initrd', os.path.join(a, 'mod') + '=a ${x}')
    expect_run(r, 65, 'module arguments the script language would expand')


def test_long_name_refused_then_bundled():
    d = tmpdir()
    name = 'k' * 50 + '.elf'                # opt/fwboot/ + 54 = 65 characters
    k = os.path.join(d, name)
    shutil.copy(kernel('mbtest-elf32.elf'), k)
    r = run(k, '--timeout', GUARD)
    expect_run(r, 65, 'a fw_cfg name over 55 characters')
    expect('65 characters' in r.err and 'at most 55' in r.err, r.err)
    r = run(k, '--bundle', '--expect', 'mbtest: done', '--timeout', GUARD)
    expect_run(r, 0, 'the same kernel in a bundle (long member names are fine)')
    expect('fwboot-run.cpio#' + name in r.out, 'fwboot did not boot the bundle member')


def test_comma_in_a_path():
    """QEMU takes a comma doubled; libvirt cannot take one at all."""
    d = tmpdir()
    m = random_file(d, 'a,b.bin', 3000, seed=4)
    r = run(kernel('mbtest-elf32.elf'), '--initrd', m, '--timeout', GUARD,
            '--expect', r'crc32=0x%08x .*string="opt/fwboot/a,b.bin"' % crc32_file(m),
            '--expect', 'mbtest: done')
    expect_run(r, 0, 'a module whose name and path hold a comma')
    r = run(kernel('mbtest-elf32.elf'), '--initrd', m, '--libvirt-xml')
    expect_run(r, 65, '--libvirt-xml with a comma')
    expect('comma' in r.err, r.err)


def test_too_many_files_bundled():
    """25 modules: more than fw_cfg's free slots, so fwboot-run bundles them
    and says so; every module arrives intact. The limit it measured is
    QEMU's own: QEMU itself aborts one file past it."""
    d = tmpdir()
    mods = [random_file(d, 'm%02d' % i, 1000 + 37 * i, seed=10 + i) for i in range(25)]
    args = [kernel('mbtest-elf32.elf')]
    for m in mods:
        args += ['--initrd', m]
    r = run(*args, '--timeout', GUARD, '--expect', 'mbtest: mods count=25', '--expect', 'mbtest: done')
    expect_run(r, 0, '25 modules')
    expect('cpio bundle' in r.err and 'free fw_cfg slots' in r.err, 'no note about the bundle: %r' % r)
    got = {int(m.group(1)): int(m.group(2), 16)
           for m in re.finditer(r'mbtest: mod index=(\d+) .*crc32=(0x[0-9a-f]+)', r.out)}
    expect_eq(got, {i: crc32_file(m) for i, m in enumerate(mods)}, 'module CRCs')
    free = int(re.search(r'only (\d+) free', r.err).group(1))
    # the oracle: plain QEMU with one file more than that aborts
    base = [QEMU, '-kernel', FWBOOT, '-append', 'list', '-machine', 'pc', '-m', '256M', '-smp', '1',
            '-accel', accel(), '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'stdio',
            '-device', DEBUG_EXIT]

    def qemu_with(n):
        cmd = list(base)
        for i in range(n):
            cmd += ['-fw_cfg', 'name=opt/fwboot/m%02d,file=%s' % (i, mods[i])]
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=300)
    p = qemu_with(free)
    expect(p.returncode == 33 and b'(32 files)' in p.stdout,
           'QEMU with %d files: status %d, %r' % (free, p.returncode, p.stdout[-300:]))
    p = qemu_with(free + 1)
    expect(p.returncode != 33 and b'fw_cfg' in p.stderr,
           'QEMU with %d files did not refuse: status %d' % (free + 1, p.returncode))


def test_print_runs_as_printed():
    """--print's command, run by the test itself, boots the same way."""
    d = tmpdir()
    m = random_file(d, 'mod.bin', 2000, seed=5)
    r = run(kernel('mbtest-elf32.elf'), '--initrd', m, '--print', '--', 'p', 'q')
    expect_run(r, 0, '--print')
    cmd = shlex.split(r.out.strip())
    expect(cmd[0] == 'qemu-system-x86_64' and '-kernel' in cmd and DEBUG_EXIT in cmd,
           'unexpected command: %s' % r.out)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    out = p.stdout.decode('latin-1')
    expect_eq(p.returncode, 129, 'the printed command\'s QEMU status (mbtest done)')
    expect('mbtest: cmdline="opt/fwboot/mbtest-elf32.elf p q"' in out, out[-2000:])
    # per-module arguments: the generated script stays for the printed command
    r = run(kernel('mbtest-elf32.elf'), '--initrd', m + '=with args', '--print')
    expect_run(r, 0, '--print with a generated script')
    kept = re.search(r'stay in (\S+)', r.err)
    expect(kept is not None, 'no note where the generated files are: %r' % r)
    try:
        cmd = shlex.split(r.out.strip())
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        expect(p.returncode == 129 and b'string="opt/fwboot/mod.bin with args"' in p.stdout,
               'printed command with a script: status %d' % p.returncode)
    finally:
        shutil.rmtree(kept.group(1), ignore_errors=True)


def virt_xml_validate(path):
    if shutil.which('virt-xml-validate') is None:
        fail('virt-xml-validate is missing (libvirt-clients; tools/deps.sh installs it)')
    p = subprocess.run(['virt-xml-validate', path, 'domain'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode('utf-8', 'replace')


def test_libvirt_xml_validates():
    d = tmpdir()
    os.chmod(d, 0o755)
    m = random_file(d, 'mod.bin', 2000, seed=6)
    subprocess.run(['make', '-s', '-C', ROOT, 'iso'], stdout=subprocess.DEVNULL)
    variants = [('plain', ['--initrd', m, '--', 'a', 'b']),
                ('module args', ['--initrd', m + '=module args']),
                ('iso', ['--iso', '--initrd', m])]
    for what, extra in variants:
        r = run(kernel('mbtest-elf32.elf'), '--libvirt-xml', '--name', 'fwboot-test', *extra)
        expect_run(r, 0, '--libvirt-xml (%s)' % what)
        xml = write_file(d, 'domain.xml', r.out.encode())
        status, out = virt_xml_validate(xml)
        expect(status == 0, 'virt-xml-validate refused fwboot-run\'s XML (%s):\n%s\n%s' % (what, out, r.out))
        root = ET.fromstring(r.out)
        entries = {e.get('name'): e.get('file') for e in root.findall('./sysinfo/entry')}
        expect(root.find('./sysinfo').get('type') == 'fwcfg', 'no fwcfg sysinfo')
        expect(all(n.startswith('opt/') for n in entries), 'names outside opt/: %s' % entries)
        expect(all(os.path.isabs(f) for f in entries.values()), 'relative paths: %s' % entries)
        expect(root.find('./features/acpi') is not None, 'no <acpi/>')
        expect(root.find('./os/smbios') is None, '<smbios> must not be there')
        if what == 'plain':
            expect_eq(root.findtext('./os/cmdline'),
                      'name=opt/fwboot/mbtest-elf32.elf initrd=opt/fwboot/mod.bin -- a b', 'cmdline')
            expect_eq(entries.get('opt/fwboot/mod.bin'), m, 'module entry')
        for f in entries.values():
            if 'fwboot-run-' in f:
                shutil.rmtree(os.path.dirname(f), ignore_errors=True)
    # the recipe in docs/libvirt.md validates too
    with open(os.path.join(ROOT, 'docs', 'libvirt.md')) as f:
        blocks = re.findall(r'```xml\n(.*?)```', f.read(), re.S)
    doms = [b for b in blocks if b.lstrip().startswith('<domain')]
    expect(doms, 'docs/libvirt.md has no ```xml domain block')
    for b in doms:
        status, out = virt_xml_validate(write_file(d, 'doc.xml', b.encode()))
        expect(status == 0, 'virt-xml-validate refused docs/libvirt.md\'s domain:\n%s' % out)


def test_fwboot_found_like_installed():
    """fwboot.elf through --fwboot, $FWBOOT_ELF, and ../build next to the
    script (a copy of the tool in another tree); a clear error otherwise."""
    d = tmpdir()
    os.makedirs(os.path.join(d, 'bin'))
    os.makedirs(os.path.join(d, 'build'))
    tool = os.path.join(d, 'bin', 'fwboot-run')
    shutil.copy(TOOL, tool)
    k = kernel('mbtest-elf32.elf')
    r = run(k, '--print', tool=tool)
    if not os.path.isfile('/usr/lib/fwboot/fwboot.elf') and not os.path.isfile('/usr/local/lib/fwboot/fwboot.elf'):
        expect_run(r, 65, 'no fwboot.elf anywhere')
        expect('cannot find fwboot.elf' in r.err and '/usr/lib/fwboot/fwboot.elf' in r.err
               and os.path.join(d, 'lib', 'fwboot', 'fwboot.elf') in r.err, r.err)
    shutil.copy(FWBOOT, os.path.join(d, 'build', 'fwboot.elf'))
    r = run(k, '--print', tool=tool)
    expect_run(r, 0, 'fwboot.elf in ../build')
    expect(os.path.join(d, 'build', 'fwboot.elf') in r.out, r.out)
    other = os.path.join(d, 'other.elf')
    shutil.copy(FWBOOT, other)
    r = run(k, '--print', tool=tool, env={'FWBOOT_ELF': other})
    expect_run(r, 0, '$FWBOOT_ELF')
    expect('-kernel ' + other in r.out, r.out)
    r = run(k, '--fwboot', other, '--expect', 'mbtest: done', '--timeout', GUARD, tool=tool)
    expect_run(r, 0, '--fwboot boots')
    r = run(k, '--fwboot', os.path.join(d, 'nope.elf'), tool=tool)
    expect_run(r, 65, '--fwboot naming a missing file')


def test_iso_through_grub():
    p = subprocess.run(['make', '-s', '-C', ROOT, 'iso'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'make iso failed: %s' % p.stdout.decode()[-1000:])
    d = tmpdir()
    m = random_file(d, 'mod.bin', 3000, seed=7)
    r = run(kernel('mbtest-elf32.elf'), '--iso', '--initrd', m, '--timeout', GUARD, '--match-fwboot',
            '--expect', 'started by GRUB', '--expect',
            r'crc32=0x%08x .*string="opt/fwboot/mod.bin"' % crc32_file(m), '--expect', 'mbtest: done',
            '--', 'via', 'grub')
    expect_run(r, 0, '--iso')
    expect('cmdline="opt/fwboot/mbtest-elf32.elf via grub"' in r.out, r.out[-2000:])
    r = run(kernel('mbtest-elf32.elf'), '--iso', '--format', 'multiboot1')
    expect_run(r, 64, '--iso with --format')


def test_usage_and_qemu_failures():
    r = run('--no-such-option')
    expect_run(r, 64, 'an unknown option')
    r = run()
    expect_run(r, 64, 'no kernel')
    r = run(kernel('mbtest-elf32.elf'), '--expect', '(unclosed')
    expect_run(r, 64, 'a bad regular expression')
    r = run(kernel('mbtest-elf32.elf'), '--qemu', '/nonexistent/qemu-system-x86_64')
    expect_run(r, 125, 'a QEMU binary that does not exist')
    r = run(kernel('mbtest-elf32.elf'), '--qemu-arg=-no-such-qemu-option')
    expect_run(r, 125, 'QEMU refusing its arguments')
    expect('no-such-qemu-option' in r.err, 'QEMU\'s own message not shown: %r' % r)


SUITE = '''
[suite]
name = "fwboot-run-selftest"

[defaults]
timeout = 300
expect = ["^mbtest: done"]

[[target]]
name = "mb1-elf32"
kernel = "{k}/mbtest-elf32.elf"
initrd = ["mod.bin=mod args"]
args = "one two"
expect = ['string="opt/fwboot/mod.bin mod args"', "^mbtest: done"]

[[target]]
name = "mb2-elf64"
kernel = "{k}/mb2test-elf64.elf"
expect = ["^mb2test: done"]

[[target]]
name = "demo"
kernel = "{k}/demo.elf"
expect = []
exit_code = 0x40

[[target]]
name = "expect-fails"
kernel = "{k}/mbtest-elf32.elf"
expect = ["this line never comes"]

[[target]]
name = "fwboot-refuses"
kernel = "mod.bin"

[[target]]
name = "missing-kernel"
kernel = "nothing.elf"
'''


def write_suite(d):
    random_file(d, 'mod.bin', 1500, seed=8)
    return write_file(d, 'suite.toml', SUITE.format(k=os.path.join(BUILD, 'kernels')).encode())


def test_suite_junit():
    """Six targets, -j 2: PASS/FAIL lines, the tally, the exit status, and a
    JUnit file that parses, says the same, and fits tests/boot/junit.xsd."""
    d = tmpdir()
    suite = write_suite(d)
    junit = os.path.join(d, 'out.xml')
    logs = os.path.join(d, 'logs')
    r = run('--suite', suite, '-j', '2', '--junit', junit, '--log', logs)
    expect_run(r, 1, 'a suite with failures')
    expect_eq(r.out.strip().splitlines()[-1], '3 passed, 3 failed', 'last line')
    verdicts = re.findall(r'^(PASS|FAIL) (\S+)', r.out, re.M)
    expect_eq(verdicts, [('PASS', 'mb1-elf32'), ('PASS', 'mb2-elf64'), ('PASS', 'demo'),
                         ('FAIL', 'expect-fails'), ('FAIL', 'fwboot-refuses'), ('FAIL', 'missing-kernel')],
              'verdicts in suite order')
    root = ET.parse(junit).getroot()
    expect_eq(root.tag, 'testsuites', 'root element')
    ts = root.find('testsuite')
    expect_eq((ts.get('name'), ts.get('tests'), ts.get('failures'), ts.get('errors')),
              ('fwboot-run-selftest', '6', '2', '1'), 'testsuite attributes')
    cases = {c.get('name'): c for c in ts.findall('testcase')}
    expect_eq(sorted(cases), sorted(n for _, n in verdicts), 'testcases')
    for n in ('mb1-elf32', 'mb2-elf64', 'demo'):
        expect(cases[n].find('failure') is None and cases[n].find('error') is None, n + ' has a failure')
    expect('mbtest: done' in cases['mb1-elf32'].findtext('system-out'), 'no console in system-out')
    f = cases['expect-fails'].find('failure')
    expect(f is not None and 'this line never comes' in f.get('message'), 'expect-fails failure')
    f = cases['fwboot-refuses'].find('failure')
    expect(f is not None and f.get('type') == 'fwboot' and 'not a bootable image' in f.get('message'),
           'fwboot-refuses failure')
    e = cases['missing-kernel'].find('error')
    expect(e is not None and 'does not exist' in e.get('message'), 'missing-kernel error')
    with open(os.path.join(logs, 'mb2-elf64.log')) as f:
        expect('mb2test: done' in f.read(), 'per-target log')
    if shutil.which('xmllint') is None:
        fail('xmllint is missing (libxml2-utils; tools/deps.sh installs it)')
    p = subprocess.run(['xmllint', '--noout', '--schema', JUNIT_XSD, junit], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'xmllint --schema junit.xsd: %s' % p.stdout.decode())
    # and the schema is not a rubber stamp: a report without tests= fails it
    bad = open(junit).read().replace(' tests="6"', '', 1)
    p = subprocess.run(['xmllint', '--noout', '--schema', JUNIT_XSD, write_file(d, 'bad.xml', bad.encode())],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode != 0, 'junit.xsd accepted a testsuites element without tests=')


def test_suite_shards_and_tap():
    """--shard K/N: deterministic slices that together are the suite, each
    exactly once; --tap prints TAP 13."""
    d = tmpdir()
    names = ['t%d' % i for i in range(7)]
    text = '[defaults]\nkernel = "absent.elf"\n' + ''.join(
        '[[target]]\nname = "%s"\n' % n for n in names)
    suite = write_file(d, 's.toml', text.encode())
    seen = []
    for k in (1, 2, 3):
        for attempt in range(2):
            r = run('--suite', suite, '--tap', '--shard', '%d/3' % k, '-j', '2')
            expect_run(r, 1, 'shard %d/3 (every target fails its check)' % k)
            lines = r.out.strip().splitlines()
            expect_eq(lines[0], 'TAP version 13', 'TAP header')
            got = re.findall(r'^not ok (\d+) - (\S+)$', r.out, re.M)
            expect_eq(lines[1], '1..%d' % len(got), 'TAP plan')
            expect_eq([int(i) for i, _ in got], list(range(1, len(got) + 1)), 'TAP numbering')
            expect_eq(lines[-1], '# 0 passed, %d failed' % len(got), 'TAP tally')
            if attempt == 0:
                first = [n for _, n in got]
                seen += first
            else:
                expect_eq([n for _, n in got], first, 'shard %d/3 the second time' % k)
    expect_eq(sorted(seen), sorted(names), 'the shards together')
    r = run('--suite', suite, '--shard', '4/3')
    expect_run(r, 64, '--shard 4/3')
    bad = write_file(d, 'bad.toml', b'[[target]]\nname = "x"\nkernal = "typo"\n')
    r = run('--suite', bad)
    expect_run(r, 64, 'a suite with an unknown key')
    expect('kernal' in r.err, r.err)


def test_linux_payload():
    """Debian's kernel and a busybox initramfs: passes by powering off
    (QEMU status 0), and by an expectation; a kernel panic is a failure."""
    import test_linux
    d = tmpdir()
    vmlinuz = test_linux.debian()['vmlinuz']
    initrd = test_linux.initramfs(d)
    common = [vmlinuz, '--initrd', initrd, '-m', test_linux.MEM, '--timeout', str(test_linux.LINUX_TIMEOUT)]
    r = run(*common, '--', 'console=ttyS0', 'quiet', 'from=fwboot-run')
    expect_run(r, 0, 'Linux powering off')
    expect(re.search(r'^CMDLINE<.*from=fwboot-run.*>', r.out, re.M), 'no /proc/cmdline line:\n' + r.out[-2000:])
    r = run(*common, '--expect', re.escape(test_linux.MARKER), '--', 'console=ttyS0', 'quiet')
    expect_run(r, 0, 'Linux with --expect')
    log = os.path.join(d, 'panic.log')
    r = run(vmlinuz, '-m', test_linux.MEM, '--timeout', str(test_linux.LINUX_TIMEOUT), '--log', log,
            '--', 'console=ttyS0', 'root=/dev/nothing', 'panic=-1')
    expect_run(r, 21, 'Linux without a root file system (a kernel panic)')
    expect('Kernel panic - not syncing' in r.err, r.err)
    with open(log) as f:
        text = f.read()
    expect(re.search(r'Kernel panic - not syncing.*\n(.*\n)*.*Call Trace:', text),
           'the log has no call trace after the panic:\n' + text[-3000:])


def test_linux_crash_call_trace_in_junit():
    """Debian's kernel crashed on purpose (sysrq c from the test's init):
    its panic line ends the run as a failure, and the call trace printed
    after it is in the log and in the JUnit failure itself, not only in
    system-out."""
    import test_linux
    d = tmpdir()
    vmlinuz = test_linux.debian()['vmlinuz']
    root = os.path.join(d, 'root')
    for sub in ('bin', 'proc'):
        os.makedirs(os.path.join(root, sub))
    shutil.copy(test_linux.debian()['busybox'], os.path.join(root, 'bin', 'busybox'))
    init = write_file(root, 'init', b'#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\n'
                      b'echo c > /proc/sysrq-trigger\n/bin/busybox sleep 1000\n')
    os.chmod(init, 0o755)
    initrd = test_linux.cpio(root, os.path.join(d, 'oops.cpio'))
    suite = write_file(d, 'oops.toml', (
        '[[target]]\nname = "oops"\nkernel = "%s"\ninitrd = ["%s"]\nmemory = "%s"\ntimeout = %d\n'
        'args = "console=ttyS0 sysrq_always_enabled panic=-1 oops=panic"\n'
        % (vmlinuz, initrd, test_linux.MEM, test_linux.LINUX_TIMEOUT)).encode())
    junit = os.path.join(d, 'oops.xml')
    logs = os.path.join(d, 'logs')
    r = run('--suite', suite, '--junit', junit, '--log', logs)
    expect_run(r, 1, 'a suite whose kernel oopses')
    f = ET.parse(junit).getroot().find('.//failure')
    expect(f is not None and f.get('type') == 'fail-on', 'no fail-on failure: %r' % r)
    expect(re.search(r'(BUG: |Oops|Kernel panic)', f.text.split('console from the deciding line:')[1].splitlines()[1]),
           'the failure does not start at the deciding line:\n' + f.text[:2000])
    expect('Call Trace:' in f.text, 'the JUnit failure has no call trace:\n' + f.text[:3000])
    with open(os.path.join(logs, 'oops.log')) as fl:
        expect('Call Trace:' in fl.read(), 'the log has no call trace')


def test_uefi():
    """--uefi: OVMF (-bios) starts fwboot.efi with fwboot's command line as
    its load options, through -kernel or (with --iso) GRUB EFI from
    fwboot.iso; fwboot.efi's failure status is passed through; --print and
    --libvirt-xml say the same; a missing firmware is refused before QEMU."""
    from test_efi import FWBOOT_EFI, OVMF, need_efi
    need_efi()
    app = kernel('efiopts.efi')
    r = run(app, '--uefi', '--timeout', GUARD, '--match-fwboot',
            '--expect', r'^fwboot: boot: started by UEFI firmware',
            '--expect', r'^efiopts: options "one two"$', '--', 'one', 'two')
    expect_run(r, 0, '--uefi')
    expect('fwboot: cmdline: "name=opt/fwboot/efiopts.efi -- one two"' in r.out, r.out[-2000:])
    r = run(app, '--uefi', '--fwboot-arg', 'bogus=1', '--timeout', GUARD)
    expect_run(r, 2, '--uefi with a bad fwboot word (status 2)')
    expect('fwboot: cmdline: unknown option "bogus=1"' in r.err, r.err)
    r = run(app, '--uefi', '--print', '--', 'p')
    expect_run(r, 0, '--uefi --print')
    cmd = shlex.split(r.out.strip())
    expect(cmd[cmd.index('-bios') + 1] == OVMF and cmd[cmd.index('-kernel') + 1] == FWBOOT_EFI,
           'not OVMF and fwboot.efi: %s' % r.out)
    p = subprocess.run(['make', '-s', '-C', ROOT, 'iso'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'make iso failed: %s' % p.stdout.decode()[-1000:])
    r = run(app, '--uefi', '--iso', '--timeout', GUARD, '--match-fwboot', '--expect', r"Booting `fwboot\.efi: ",
            '--expect', r'^efiopts: options "via grub efi"$', '--', 'via', 'grub', 'efi')
    expect_run(r, 0, '--uefi --iso')
    d = tmpdir()
    os.chmod(d, 0o755)
    r = run(app, '--uefi', '--libvirt-xml', '--name', 'fwboot-test', '--', 'x')
    expect_run(r, 0, '--uefi --libvirt-xml')
    status, out = virt_xml_validate(write_file(d, 'uefi.xml', r.out.encode()))
    expect(status == 0, 'virt-xml-validate refused the --uefi domain:\n%s\n%s' % (out, r.out))
    root = ET.fromstring(r.out)
    expect_eq(root.find('./os').get('firmware'), 'efi', '<os firmware=...>')
    expect_eq(root.findtext('./os/kernel'), FWBOOT_EFI, '<kernel>')
    expect_eq([(f.get('name'), f.get('enabled')) for f in root.findall('./os/firmware/feature')],
              [('secure-boot', 'no')], 'firmware features')
    r = run(app, '--ovmf', OVMF, '--libvirt-xml')
    expect_run(r, 64, '--libvirt-xml with --ovmf (libvirt picks the firmware)')
    r = run(app, '--ovmf', os.path.join(d, 'nope.fd'))
    expect_run(r, 65, '--ovmf naming a missing file')
    expect('nope.fd (from --ovmf) does not exist' in r.err, r.err)


def test_man_page():
    """man/fwboot-run.1 lints clean and names every option --help lists."""
    page = os.path.join(ROOT, 'man', 'fwboot-run.1')
    for cmd in (['mandoc', '-T', 'lint', page], ['groff', '-ww', '-man', '-z', page]):
        if shutil.which(cmd[0]) is None:
            fail('%s is missing (tools/deps.sh installs it)' % cmd[0])
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        expect(p.returncode == 0 and not p.stdout.strip(), '%s: %s' % (' '.join(cmd), p.stdout.decode()))
    with open(page) as f:
        text = f.read().replace('\\-', '-')
    r = run('--help')
    expect_run(r, 0, '--help')
    opts = set(re.findall(r'(?<![\w-])(--[a-z][a-z-]+)', r.out)) - {'--help'}
    missing = sorted(o for o in opts if o not in text)
    expect(not missing, 'options in --help but not in the man page: %s' % missing)


def children(pid):
    out = []
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                with open('/proc/%s/stat' % p) as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(p))
            except OSError:
                pass
    return out


def test_sigterm_ends_qemu():
    """A CI job cancelled (SIGTERM to fwboot-run) leaves no QEMU behind,
    although QEMU runs in its own session."""
    import signal
    import time
    d = tmpdir()
    script = write_file(d, 'slow.ipxe', b'#!ipxe\necho waiting for the signal\nsleep 3000\n')
    p = subprocess.Popen(['python3', TOOL, '--accel', accel(), '--script', script, '--timeout', GUARD],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for line in p.stdout:
            if b'waiting for the signal' in line:
                break
        qemu = children(p.pid)
        expect(qemu, 'no QEMU child of fwboot-run')
        p.send_signal(signal.SIGTERM)
        expect_eq(p.wait(timeout=300), 128 + signal.SIGTERM, 'fwboot-run status after SIGTERM')
        for _ in range(3000):       # a guard: QEMU is killed with SIGKILL
            if not any(os.path.exists('/proc/%d' % q) and
                       open('/proc/%d/stat' % q).read().rsplit(')', 1)[1].split()[0] != 'Z' for q in qemu):
                break
            time.sleep(0.1)
        else:
            fail('QEMU %s still runs after fwboot-run ended' % qemu)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_status_read_after_console_closes():
    """QEMU's exit status decides a run without --expect, even when QEMU is
    slow to exit after its console closed (as under load: the console pipe
    closes first). A wrapper closes the console, then waits before exiting
    with QEMU's status; fwboot-run used to kill it then (status -9)."""
    d = tmpdir()
    wrapper = write_file(d, 'slow-exit-qemu', (
        '#!/bin/sh\n"%s" "$@"\nst=$?\nexec >&- 2>&-\nsleep 2\nexit $st\n' % QEMU).encode())
    os.chmod(wrapper, 0o755)
    r = run(kernel('demo.elf'), '--qemu', wrapper, '--exit-code', '0x40', '--timeout', GUARD)
    expect_run(r, 0, 'a QEMU that exits 2 s after closing its console')


# ---- tiny payloads written here: a Multiboot 1 a.out-kludge header (flag
# 16: loaded at 1 MiB as it is, entered right after the header) and a few
# bytes of 32-bit code ----

HALT = bytes([0xfa, 0xf4, 0xeb, 0xfd])                      # cli; 1: hlt; jmp 1b
EXIT0 = bytes([0xb0, 0x00, 0xe6, 0xf4]) + HALT              # mov al, 0; out 0xf4, al
# echo COM1 until a 'q' comes, then write 0x40 to isa-debug-exit:
# 1: mov dx, 0x3fd; 2: in al, dx; test al, 1; jz 2b; mov dx, 0x3f8;
# in al, dx; out dx, al; cmp al, 'q'; jne 1b; mov al, 0x40; out 0xf4, al
ECHO = bytes([0x66, 0xba, 0xfd, 0x03, 0xec, 0xa8, 0x01, 0x74, 0xfb, 0x66, 0xba, 0xf8, 0x03,
              0xec, 0xee, 0x3c, 0x71, 0x75, 0xed, 0xb0, 0x40, 0xe6, 0xf4]) + HALT


def tiny_kernel(d, name, code):
    """A Multiboot 1 kernel of 32 header bytes and code, at 0x100000."""
    import struct
    magic, flags = 0x1BADB002, 1 << 16
    base = 0x100000
    hdr = struct.pack('<8I', magic, flags, (-(magic + flags)) & 0xffffffff, base, base, 0, 0,
                      base + 32)
    return write_file(d, name, hdr + code)


def false_pass_case(platform):
    """The issue's example: the payload's arguments are echoed by fwboot in
    its cmdline line; a kernel that only halts must not pass. It runs until
    --timeout (124), having started: fwboot's hand-off line is there."""
    d = tmpdir()
    dead = tiny_kernel(d, 'dead.elf', HALT)
    extra = {'bios': [], 'uefi': ['--uefi'], 'microvm': ['--machine', 'microvm']}[platform]
    if platform == 'uefi':
        from test_efi import need_efi
        need_efi()
    r = run(dead, *extra, '--timeout', '20', '--expect', 'selftest passed', '--', 'selftest', 'passed')
    expect_run(r, 124, 'a halting kernel with its arguments in fwboot\'s lines (%s)' % platform)
    expect(re.search(r'^fwboot: cmdline: .*-- selftest passed', r.out, re.M),
           'fwboot did not echo the arguments (the case is not the issue\'s): %r' % r)
    expect(re.search(r'^fwboot: (boot: .* entry |efi: starting )', r.out, re.M),
           'the payload never started (no hand-off line): %r' % r)
    expect('appeared only in fwboot\'s own lines' in r.err, 'the reason does not say why: %r' % r)
    # a kernel that exits: the payload ended first (20), whatever fwboot printed
    gone = tiny_kernel(d, 'gone.elf', EXIT0)
    r = run(gone, *extra, '--timeout', GUARD, '--expect', 'selftest passed', '--expect', 'x',
            '--', 'selftest', 'passed', '0x1')
    expect_run(r, 20, 'an exiting kernel with its arguments in fwboot\'s lines (%s)' % platform)
    expect('isa-debug-exit value 0x0' in r.err, 'the reason does not name the value 0: %r' % r)
    # asked explicitly, fwboot's lines count
    r = run(gone, *extra, '--timeout', GUARD, '--match-fwboot', '--expect', 'selftest passed',
            '--', 'selftest', 'passed')
    expect_run(r, 0, '--match-fwboot (%s)' % platform)
    # fwboot's memory map is full of "0x": an --expect x is not met by it
    r = run(gone, *extra, '--timeout', GUARD, '--expect', 'x')
    expect_run(r, 20, '--expect x against fwboot\'s hex numbers (%s)' % platform)


def test_false_pass_bios():
    false_pass_case('bios')


def test_false_pass_uefi():
    false_pass_case('uefi')


def test_false_pass_microvm():
    false_pass_case('microvm')


def test_payload_output_counts():
    """What the payload prints counts, also when it repeats its arguments
    (mbtest prints its command line); a fail pattern in fwboot's echo of
    the arguments does not end the run."""
    r = run(kernel('mbtest-elf32.elf'), '--timeout', GUARD, '--expect', 'selftest passed',
            '--', 'selftest', 'passed')
    expect_run(r, 0, 'mbtest echoing its arguments')
    r = run(kernel('mbtest-elf32.elf'), '--timeout', GUARD, '--expect', '^mbtest: done',
            '--', 'Kernel', 'panic', '-', 'not', 'syncing')
    expect_run(r, 21, 'a panic line printed by the payload')
    r = run(kernel('mbtest-elf32.elf'), '--timeout', GUARD, '--expect', '^mbtest: done',
            '--fail-on', 'only-in-args', '--', 'only-in-args')
    expect_run(r, 21, 'the payload printed the pattern in its cmdline line')
    r = run(kernel('mbtest-elf32.elf'), '--timeout', GUARD, '--expect', '^mbtest: done',
            '--fail-on', 'fwboot: cmdline', '--', 'x')
    expect_run(r, 0, 'a fail pattern only fwboot\'s lines hold')


SMALL_SUITE = '''
[suite]
name = "small"

[defaults]
timeout = 300

[[target]]
name = "one"
kernel = "{k}/mbtest-elf32.elf"
expect = ["^mbtest: done"]

[[target]]
name = "two"
kernel = "{k}/mbtest-elf32.elf"
initrd = ["mod.bin=with args"]
expect = ["never printed"]

[[target]]
name = "three"
kernel = "{k}/demo.elf"
exit_code = 0x40

[[target]]
name = "slow"
script = "slow.ipxe"
timeout = 4
'''


def test_suite_empty_shard_only_and_stable_names():
    """An empty shard fails with a message; --only runs one target; the
    JUnit names do not depend on the shard; a failure's reproduce command
    works after the run (its generated script kept beside the log); START
    and RUNNING lines; --timestamps reaches the suite's logs."""
    d = tmpdir()
    random_file(d, 'mod.bin', 1000, seed=21)
    write_file(d, 'slow.ipxe', b'#!ipxe\necho slow target\nsleep 3000\n')
    suite = write_file(d, 'small.toml', SMALL_SUITE.format(k=os.path.join(BUILD, 'kernels')).encode())
    r = run('--suite', suite, '--shard', '5/5')
    expect_run(r, 64, 'shard 5/5 of a 4-target suite')
    expect('selects no target' in r.err and 'has 4' in r.err, 'no message: %r' % r)
    r = run('--suite', suite, '--only', 'nothing-like-this')
    expect_run(r, 64, '--only matching nothing')
    j1 = os.path.join(d, 'shard.xml')
    r = run('--suite', suite, '--shard', '1/2', '--junit', j1)
    expect_run(r, 0, 'shard 1/2 (one and three)')
    j2 = os.path.join(d, 'only.xml')
    logs = os.path.join(d, 'logs')
    r = run('--suite', suite, '--only', '^(tw|sl)', '--junit', j2, '--log', logs, '--timestamps',
            env={'FWBOOT_RUN_PROGRESS': '0.5'})
    expect_run(r, 1, '--only ^(tw|sl) (the failing targets)')
    expect_eq(re.findall(r'^(START|PASS|FAIL) (\S+)', r.out, re.M),
              [('START', 'two'), ('FAIL', 'two'), ('START', 'slow'), ('FAIL', 'slow')],
              'progress and verdict lines')
    expect(re.search(r'^RUNNING slow \(\d+ s\)$', r.out, re.M), 'no RUNNING line: %r' % r)
    names = set()
    for j in (j1, j2):
        for c in ET.parse(j).getroot().iter('testcase'):
            names.add(c.get('classname'))
    expect_eq(names, {'small'}, 'classnames with and without a shard')
    with open(os.path.join(logs, 'two.log')) as f:
        expect(re.match(r'\[ *\d+\.\d{3}\] ', f.read()), '--timestamps not in the suite log')
    fail_el = [c for c in ET.parse(j2).getroot().iter('testcase') if c.get('name') == 'two'][0].find('failure')
    text = fail_el.text
    m = re.search(r'^QEMU command: (.*)$', text, re.M)
    expect(m and 'kept in' in text, 'no QEMU command with kept files: %s' % text)
    cmd = shlex.split(m.group(1))
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    expect(p.returncode == 129 and b'string="opt/fwboot/mod.bin with args"' in p.stdout,
           'the kept QEMU command: status %d %r' % (p.returncode, p.stderr[-300:]))
    m = re.search(r'^reproduce: (.*)$', text, re.M)
    expect(m is not None, 'no reproduce line: %s' % text)
    cmd = shlex.split(m.group(1))
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    out = p.stdout.decode()
    expect(p.returncode == 1 and re.search(r'^FAIL two', out, re.M) and 'one' not in out.split(),
           'the reproduce command: status %d\n%s' % (p.returncode, out[-1000:]))


def test_options_spelt_wrong_and_old_python():
    r = run(kernel('mbtest-elf32.elf'), '--exp', 'x')
    expect_run(r, 64, 'an abbreviated option')
    expect('unknown option --exp (did you mean --expect?)' in r.err, r.err)
    r = run('--expcet', 'x', kernel('mbtest-elf32.elf'))
    expect_run(r, 64, 'a misspelt option')
    expect('unknown option --expcet (did you mean --expect?)' in r.err, r.err)
    expect('kernel' not in r.err.lower().split('did you mean')[0].split('unknown option')[-1],
           'reported as a kernel path: ' + r.err)
    # a Python without tomllib (as 3.10): the usage status and what is needed
    d = tmpdir()
    suite = write_file(d, 's.toml', b'[[target]]\nname = "x"\nkernel = "k"\n')
    wrapper = write_file(d, 'no-tomllib.py', (
        'import runpy, sys\nsys.modules["tomllib"] = None\nsys.argv = sys.argv[1:]\n'
        'runpy.run_path(sys.argv[0], run_name="__main__")\n').encode())
    p = subprocess.run(['python3', wrapper, TOOL, '--suite', suite], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    err = p.stderr.decode()
    expect(p.returncode == 64 and 'Python 3.11' in err and 'Traceback' not in err,
           'without tomllib: status %d: %s' % (p.returncode, err))


def test_timestamps_quiet_log():
    d = tmpdir()
    log = os.path.join(d, 'c.log')
    r = run(kernel('mbtest-elf32.elf'), '-q', '--log', log, '--timestamps', '--expect', '^mbtest: done',
            '--timeout', GUARD)
    expect_run(r, 0, '-q --log --timestamps')
    expect('mbtest' not in r.out, '-q streamed the console')
    with open(log) as f:
        text = f.read()
    expect(re.search(r'^\[ *\d+\.\d{3}\] mbtest: done', text, re.M), 'log not timestamped:\n' + text[-500:])


def read_png(path):
    """An 8-bit RGB PNG without interlace (as fwboot-run writes): a Screen.
    Checks the signature and every chunk's CRC, undoes the row filters."""
    import struct
    import zlib
    from harness import Screen
    with open(path, 'rb') as f:
        data = f.read()
    expect(data[:8] == b'\x89PNG\r\n\x1a\n', '%s is not a PNG' % path)
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
        expect(crc == zlib.crc32(kind + body), 'bad CRC in the %s chunk' % kind)
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    expect((depth, ctype, interlace) == (8, 2, 0), 'not 8-bit RGB without interlace: %r' % (ihdr,))
    raw = zlib.decompress(idat)
    stride = w * 3
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ft == 1:
                row[i] = (row[i] + a) & 0xff
            elif ft == 2:
                row[i] = (row[i] + b) & 0xff
            elif ft == 3:
                row[i] = (row[i] + (a + b) // 2) & 0xff
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xff
        out += row
        prev = row
    return Screen(w, h, bytes(out))


def check_fbtest_png(path, what):
    """The screenshot holds fbtest's pattern (800x600x32: every bit)."""
    from test_video import expected_pixel
    s = read_png(path)
    expect_eq((s.width, s.height), (800, 600), '%s: screenshot size' % what)
    bad = [(x, y) for y in range(0, 600, 7) for x in range(800)
           if s.pixel(x, y) != expected_pixel(x, y)]
    expect(not bad, '%s: pixels differ from fbtest\'s pattern at %r' % (what, bad[:5]))


def test_screenshot_png():
    """--screenshot: the framebuffer test kernel's drawing, saved as a PNG at
    the end of the run (a pass, and a failure: a suite's timeout), and named
    as an attachment in the JUnit report."""
    d = tmpdir()
    png = os.path.join(d, 'shot.png')
    r = run(kernel('fbtest-mb1.elf'), '--screenshot', png, '--expect', '^fbtest: drawn', '--timeout', GUARD)
    expect_run(r, 0, '--screenshot of fbtest')
    expect('screenshot: %s (800x600)' % png in r.err, r.err)
    check_fbtest_png(png, 'single run')
    suite = write_file(d, 'fb.toml', (
        '[[target]]\nname = "fb-fails"\nkernel = "%s"\nexpect = ["never printed"]\ntimeout = 20\n'
        'screenshot = true\n' % kernel('fbtest-mb1.elf')).encode())
    junit = os.path.join(d, 'fb.xml')
    r = run('--suite', suite, '--junit', junit)
    expect_run(r, 1, 'a failing suite target with a screenshot')
    case = ET.parse(junit).getroot().find('.//testcase')
    expect(case.find('failure') is not None, 'fb-fails did not fail')
    m = re.search(r'\[\[ATTACHMENT\|(.*\.png)\]\]', case.findtext('system-out'))
    expect(m is not None, 'no attachment in system-out')
    check_fbtest_png(m.group(1), 'suite target (timeout)')
    r = run(kernel('fbtest-mb1.elf'), '--screenshot', os.path.join(d, 'x.ppm'))
    expect_run(r, 64, '--screenshot to a file not named .png')
    r = run(kernel('fbtest-mb1.elf'), '--display', '--print')
    expect_run(r, 0, '--display --print')
    expect('-vga std' in r.out, '--display gives no display device: ' + r.out)


def test_accel_auto_measures():
    """The default --accel auto picks KVM only where /dev/kvm is faster than
    TCG: on a machine whose /dev/kvm is a software virtualizer (as this
    project's own), TCG, saying why; bench/linux.py's kvm_is_real() is the
    oracle. The choice is cached, and the cache is used."""
    import sys
    d = tmpdir()
    env = {'XDG_CACHE_HOME': d}
    r = run(kernel('mbtest-elf32.elf'), '--expect', '^mbtest: done', '--timeout', GUARD, env=env,
            accel_opt=False)
    expect_run(r, 0, 'the default accelerator')
    m = re.search(r'^fwboot-run: accelerator: (\w+) \(auto: (.*)\)$', r.err, re.M)
    expect(m is not None, 'no line saying which accelerator ran: %r' % r)
    usable = os.access('/dev/kvm', os.R_OK | os.W_OK)
    if not usable:
        expect_eq(m.group(1), 'tcg', 'the accelerator without a usable /dev/kvm')
    else:
        sys.path.insert(0, os.path.join(ROOT, 'bench'))
        try:
            from linux import kvm_is_real
        finally:
            sys.path.pop(0)
        real, why = kvm_is_real()
        expect_eq(m.group(1), 'kvm' if real else 'tcg', 'the accelerator (bench says: %s)' % why)
        if not real:
            expect('not hardware KVM' in m.group(2), 'the reason: ' + m.group(2))
    r = run(kernel('mbtest-elf32.elf'), '--print', env=env, accel_opt=False)
    expect_run(r, 0, '--print with the default accelerator')
    expect('cached in' in r.err, 'the second run measured again: %r' % r)
    cmd = shlex.split(r.out)
    expect_eq(cmd[cmd.index('-accel') + 1], m.group(1), 'the printed accelerator')


class Pty:
    """fwboot-run on a pseudo-terminal, as a developer's terminal."""

    def __init__(self, *args):
        import termios
        self.master, slave = os.openpty()
        self.before = termios.tcgetattr(slave)
        self.slave = slave
        self.out = b''
        self.p = subprocess.Popen(['python3', TOOL, '--accel', accel()] + list(args), stdin=slave,
                                  stdout=slave, stderr=slave, start_new_session=True)

    def read_until(self, text, start=0, guard=300):
        """Read until text appears in the output after offset start (a hang guard only)."""
        import select
        import time
        end = time.monotonic() + guard
        while text.encode() not in self.out[start:]:
            if time.monotonic() > end:
                fail('no %r on the terminal:\n%s' % (text, self.out[-2000:].decode('latin-1')))
            ready, _, _ = select.select([self.master], [], [], 1)
            if ready:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    fail('the terminal closed before %r:\n%s' % (text, self.out[-2000:].decode('latin-1')))
        return self.out.index(text.encode(), start) + len(text)

    def type(self, data):
        os.write(self.master, data)

    def kill(self):
        # fwboot-run and its QEMU share the session the test gave them
        if self.p.poll() is None:
            os.killpg(self.p.pid, 9)
            self.p.wait()

    def finish(self):
        import termios
        status = self.p.wait(timeout=300)
        after = termios.tcgetattr(self.slave)
        os.close(self.master)
        os.close(self.slave)
        return status, after


def test_interactive_through_a_pty():
    """--interactive (-i): a line typed on the terminal reaches a kernel that
    echoes it, and its echo comes back; Ctrl-A C reaches QEMU's monitor,
    whose quit ends the run; the terminal's settings are restored."""
    d = tmpdir()
    echo = tiny_kernel(d, 'echo.elf', ECHO)
    t = Pty('-i', echo, '--exit-code', '0x40')
    try:
        at = t.read_until('entry 0x100020')
        t.type(b'hello from the pty')
        t.read_until('hello from the pty', at)
        t.type(b'q')
        status, after = t.finish()
    finally:
        t.kill()
    expect_eq(status, 0, 'fwboot-run -i status after the kernel exited with 0x40')
    expect_eq(after, t.before, 'terminal settings after the run')
    dead = tiny_kernel(d, 'dead.elf', HALT)
    t = Pty('--interactive', dead)
    try:
        t.read_until('entry 0x100020')
        t.type(b'\x01c')
        at = t.read_until('(qemu)')
        t.type(b'info status\r')
        t.read_until('VM status: running', at)
        t.type(b'quit\r')
        status, after = t.finish()
    finally:
        t.kill()
    expect_eq(status, 0, 'fwboot-run -i status after the monitor\'s quit')
    expect_eq(after, t.before, 'terminal settings after the monitor\'s quit')
    r = run(dead, '-i', '--expect', 'x')
    expect_run(r, 64, '--interactive with --expect')
    r = run(dead, '-i', '--print')
    expect_run(r, 0, '-i --print')
    cmd = shlex.split(r.out)
    expect_eq(cmd[cmd.index('-serial') + 1], 'mon:stdio', 'the printed -serial of -i')


def test_gdb_batch():
    """--gdb: QEMU waits; the printed gdb command, run by Debian's gdb in
    batch mode with a few commands added, attaches, stops at the payload's
    entry (a hardware breakpoint) and at a named function (--gdb-break),
    reads a variable the entry code wrote (EAX, the Multiboot magic),
    continues, and the run ends with the kernel's status."""
    import socket
    if shutil.which('gdb') is None:
        fail('gdb is missing (tools/deps.sh installs it)')
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    nm = subprocess.run(['nm', k], stdout=subprocess.PIPE, check=True).stdout.decode()
    main_addr = int(re.search(r'^([0-9a-f]+) T mbtest_main$', nm, re.M).group(1), 16)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    console = open(os.path.join(d, 'console.txt'), 'wb')
    p = subprocess.Popen(['python3', TOOL, '--accel', accel(), '--gdb=%d' % port, '--gdb-break',
                          'mbtest_main', k, '--exit-code', '0x40'],
                         stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.PIPE)
    try:
        err = []
        for line in p.stderr:
            err.append(line.decode())
            if line.startswith(b'fwboot-run: gdb: gdb '):
                break
        else:
            fail('no gdb command printed: %s' % ''.join(err))
        gcmd = shlex.split(err[-1].split('gdb: ', 1)[1])
        expect('set architecture i386:x86-64' in gcmd and 'hbreak *0x100040' in gcmd
               and 'hbreak mbtest_main' in gcmd and gcmd[-1] == k,
               'the gdb command lacks the architecture, breakpoints or symbols: %s' % gcmd)
        more = ['-ex', 'p/x $pc', '-ex', 'continue', '-ex', 'p/x $pc', '-ex', 'p/x (unsigned int)boot_eax',
                '-ex', 'delete', '-ex', 'continue']
        g = subprocess.run(gcmd[:1] + ['-batch', '-nx'] + gcmd[1:-1] + more + gcmd[-1:],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=300)
        out = g.stdout.decode('utf-8', 'replace')
        expect('$1 = 0x100040' in out, 'gdb did not stop at the entry:\n' + out)
        expect('$2 = 0x%x' % main_addr in out, 'gdb did not stop at mbtest_main:\n' + out)
        expect('$3 = 0x2badb002' in out, 'gdb did not read boot_eax:\n' + out)
        rest = p.stderr.read().decode()
        status = p.wait(timeout=300)
    finally:
        if p.poll() is None:
            p.terminate()       # fwboot-run ends its QEMU on SIGTERM
            p.wait()
        console.close()
    expect(status == 0 and 'isa-debug-exit value 0x40' in rest,
           'fwboot-run after gdb: status %d, %s' % (status, rest))
    r = run(k, '--gdb', '--print')
    expect_run(r, 0, '--gdb --print')
    cmd = shlex.split(r.out)
    expect('-S' in cmd and cmd[cmd.index('-gdb') + 1] == 'tcp:127.0.0.1:1234',
           '--print lacks what --gdb adds: %s' % r.out)
