# SPDX-License-Identifier: BSD-2-Clause
"""The libvirt recipes (docs/libvirt.md; README's UEFI domain) on a real
libvirt daemon: define and start the documented domains and fwboot-run's
generated one (qemu:///system, TCG), and read fwboot's and the payload's
lines from the serial log.

Needs root (it uses the system daemon). A daemon that is already running is
used and left alone; otherwise the test starts `virtlogd -d` and
`libvirtd -d` (no systemd needed) and stops exactly those afterwards. It is
skipped, with the daemon's own words, only where the daemon cannot start
(e.g. a chroot without what libvirtd needs)."""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

from harness import (ROOT, FWBOOT, crc32_file, expect, expect_eq, fail, kernel, random_file,
                     tmpdir, Skip)

URI = 'qemu:///system'
TOOL = os.path.join(ROOT, 'tools', 'fwboot-run')
GUARD = 300             # seconds: hang guards only
_lock = threading.Lock()    # one daemon start at a time


def virsh(*args, check=True):
    p = subprocess.run(['virsh', '-c', URI] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=GUARD)
    out = p.stdout.decode('utf-8', 'replace')
    if check and p.returncode != 0:
        fail('virsh %s failed (%d): %s' % (' '.join(args), p.returncode, out.strip()))
    return p.returncode, out


def daemon_answers():
    try:
        return virsh('version', check=False)[0] == 0
    except subprocess.TimeoutExpired:
        return False


def root_is_a_mount():
    """Whether / is a mount point (it is on a machine, and in tools/fresh-check.sh's
    root; not in a chroot into a plain directory)."""
    try:
        with open('/proc/self/mountinfo') as f:
            return any(line.split()[4] == '/' for line in f if len(line.split()) > 4)
    except OSError:
        return True     # no /proc to tell: let the daemon try


def read_pid(path):
    try:
        with open(path) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


class Daemons:
    """Start virtlogd and libvirtd unless they run; stop only what was started."""

    def __init__(self):
        self.started = []       # (name, pid)

    def start(self):
        for tool in ('virsh', 'libvirtd', 'virtlogd', 'virt-xml-validate'):
            if shutil.which(tool) is None and not os.path.exists('/usr/sbin/' + tool):
                fail('%s is missing (tools/deps.sh installs libvirt-daemon-system and libvirt-clients)' % tool)
        if os.getuid() != 0:
            raise Skip('the libvirt system daemon needs root')
        if not root_is_a_mount():
            raise Skip('/ is not a mount point here (a plain chroot): libvirt makes / a slave mount '
                       'for each QEMU it starts, which fails there ("Failed disable mount propagation '
                       'out of the root filesystem"); tools/fresh-check.sh gives its root a mount')
        if daemon_answers():
            return
        errors = []
        for name, pidfile in (('virtlogd', '/run/virtlogd.pid'), ('libvirtd', '/run/libvirtd.pid')):
            if read_pid(pidfile):
                continue
            p = subprocess.run([name, '-d'], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=GUARD)
            if p.returncode != 0:
                errors.append('%s -d: status %d: %s' % (name, p.returncode,
                                                         p.stdout.decode('utf-8', 'replace').strip()))
                continue
            pid = None
            for _ in range(100):        # the pid file appears once it daemonized
                pid = read_pid(pidfile)
                if pid:
                    break
                time.sleep(0.1)
            if pid:
                self.started.append((name, pid))
            else:
                errors.append('%s -d: no running daemon in %s' % (name, pidfile))
        for _ in range(GUARD * 10):
            if daemon_answers():
                return
            if not read_pid('/run/libvirtd.pid'):
                break           # it died: say why below
            time.sleep(0.1)
        reason = '; '.join(errors) or virsh('version', check=False)[1].strip()
        self.stop()
        raise Skip('the libvirt daemon cannot run here: %s' % reason)

    def stop(self):
        for name, pid in reversed(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            for _ in range(GUARD * 10):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        self.started = []


def undefine(name):
    """--nvram: a UEFI domain's varstore goes too (plain undefine refuses
    such a domain); a domain without one is undefined as usual."""
    virsh('undefine', '--nvram', name, check=False)


def run_domain(xml_path, name, serial):
    """Define and start a domain, wait until it is shut off, and return the
    serial log and the state reason; the domain is gone afterwards."""
    virsh('destroy', name, check=False)
    undefine(name)
    status, out = virsh('define', xml_path, check=False)
    if status != 0:
        with open(xml_path) as f:
            fail('virsh define %s failed (%d): %s\n--- the domain:\n%s' % (xml_path, status, out.strip(), f.read()))
    try:
        virsh('start', name)
        state = ''
        for _ in range(GUARD * 10):
            state = virsh('domstate', name, '--reason', check=False)[1].strip()
            if state.startswith('shut off'):
                break
            time.sleep(0.1)
        else:
            fail('domain %s still "%s" after %d s' % (name, state, GUARD))
        with open(serial, encoding='latin-1') as f:
            log = f.read().replace('\r\n', '\n')
        return log, state
    finally:
        virsh('destroy', name, check=False)
        undefine(name)


def expect_booted(log, cmdline, mod, what):
    expect(re.search(r'^fwboot: boot: multiboot1 entry 0x100040 ', log, re.M),
           '%s: no fwboot hand-off line in the serial log:\n%s' % (what, log[-2000:]))
    expect('mbtest: cmdline="%s"' % cmdline in log, '%s: payload command line missing:\n%s' % (what, log[-2000:]))
    m = re.search(r'^mbtest: mod index=0 .*crc32=(0x[0-9a-f]+)', log, re.M)
    expect(m and int(m.group(1), 16) == crc32_file(mod), '%s: module CRC wrong or missing' % what)
    expect(re.search(r'^mbtest: done', log, re.M), '%s: the payload did not finish:\n%s' % (what, log[-2000:]))


def test_libvirt_daemon_boots_documented_and_generated_domains():
    d = tmpdir()
    os.chmod(d, 0o755)      # the QEMU user (libvirt-qemu) must reach the files
    daemons = Daemons()
    with _lock:
        daemons.start()
        try:
            # 1. the domain in docs/libvirt.md, its paths moved into d
            with open(os.path.join(ROOT, 'docs', 'libvirt.md')) as f:
                xml = next(b for b in re.findall(r'```xml\n(.*?)```', f.read(), re.S)
                           if b.lstrip().startswith('<domain'))
            shutil.copy(FWBOOT, os.path.join(d, 'fwboot.elf'))
            shutil.copy(kernel('mbtest-elf32.elf'), os.path.join(d, 'kernel.elf'))
            mod = random_file(d, 'module.bin', 9000, seed=31)
            name = 'fwboot-test-doc-%d' % os.getpid()
            xml = xml.replace('/var/lib/fwboot-demo', d).replace('fwboot-demo', name)
            path = os.path.join(d, 'doc.xml')
            with open(path, 'w') as f:
                f.write(xml)
            log, state = run_domain(path, name, os.path.join(d, 'serial.log'))
            expect_booted(log, 'opt/fwboot/kernel.elf hello from libvirt', mod, 'docs/libvirt.md domain')
            # the pitfall the doc names: a passing run is "crashed" too
            expect(state == 'shut off (crashed)', 'domain state %r (docs say "shut off (crashed)")' % state)

            # 2. fwboot-run --libvirt-xml, with a per-module argument (a generated script)
            name = 'fwboot-test-gen-%d' % os.getpid()
            serial = os.path.join(d, 'gen-serial.log')
            p = subprocess.run(['python3', TOOL, '--fwboot', os.path.join(d, 'fwboot.elf'), '--libvirt-xml',
                                '--name', name, '--log', serial, os.path.join(d, 'kernel.elf'),
                                '--initrd', mod + '=from fwboot-run', '--', 'generated', 'domain'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=GUARD)
            expect_eq(p.returncode, 0, 'fwboot-run --libvirt-xml status (%s)' % p.stderr.decode()[-500:])
            kept = re.search(rb'stay in (\S+)', p.stderr)
            path = os.path.join(d, 'gen.xml')
            with open(path, 'wb') as f:
                f.write(p.stdout)
            try:
                log, state = run_domain(path, name, serial)
            finally:
                if kept:
                    shutil.rmtree(kept.group(1).decode(), ignore_errors=True)
            expect_booted(log, 'opt/fwboot/kernel.elf generated domain', mod, 'fwboot-run\'s domain')
            expect('string="opt/fwboot/module.bin from fwboot-run"' in log,
                   'the module\'s own argument did not arrive:\n' + log[-1500:])

            # 3. the documented domain with a <uuid>, booting a script that
            # passes ${uuid} on: libvirt's -uuid reaches SMBIOS type 1
            uuid = '5f0a3c2e-8d41-4b6a-9c7e-1a2b3c4d5e6f'
            name = 'fwboot-test-uuid-%d' % os.getpid()
            with open(os.path.join(d, 'boot.ipxe'), 'w') as f:
                f.write('#!ipxe\nkernel fw_cfg:opt/fwboot/kernel.elf uuid=${uuid}\n'
                        'module fw_cfg:opt/fwboot/module.bin\nboot\n')
            with open(os.path.join(d, 'doc.xml')) as f:
                xml = f.read().replace('fwboot-test-doc-%d' % os.getpid(), name)
            xml = xml.replace('</name>', '</name>\n  <uuid>%s</uuid>' % uuid, 1)
            xml = re.sub(r'<cmdline>.*?</cmdline>', '<cmdline>name=opt/fwboot/boot.ipxe</cmdline>', xml)
            xml = xml.replace('<sysinfo type=\'fwcfg\'>', '<sysinfo type=\'fwcfg\'>\n    <entry name='
                              '\'opt/fwboot/boot.ipxe\' file=\'%s\'/>' % os.path.join(d, 'boot.ipxe'), 1)
            xml = xml.replace(os.path.join(d, 'serial.log'), os.path.join(d, 'uuid-serial.log'))
            path = os.path.join(d, 'uuid.xml')
            with open(path, 'w') as f:
                f.write(xml)
            log, state = run_domain(path, name, os.path.join(d, 'uuid-serial.log'))
            expect_booted(log, 'opt/fwboot/kernel.elf uuid=%s' % uuid, mod, 'a domain\'s <uuid> as ${uuid}')

            # 4. README's UEFI domain, on the same daemons (each start of
            # libvirtd probes QEMU's capabilities again: about a minute under TCG)
            boot_readme_uefi_domain(d)
        finally:
            daemons.stop()


def readme_uefi_domain():
    """The domain XML of README's UEFI section (an indented code block)."""
    with open(os.path.join(ROOT, 'README.md')) as f:
        text = f.read()
    start = text.index('### UEFI (OVMF)')
    m = re.search(r'^    <domain .*?^    </domain>$', text[start:], re.M | re.S)
    expect(m, "README's UEFI section has no domain XML")
    return '\n'.join(l[4:] for l in m.group(0).splitlines()) + '\n'


def boot_readme_uefi_domain(d):
    """README's UEFI domain: libvirt picks OVMF itself (<os firmware='efi'>,
    Secure Boot off) from Debian's firmware descriptors, OVMF starts
    fwboot.efi as the direct kernel with <cmdline> as its load options,
    and fwboot.efi boots the EFI test application from the fw_cfg entry."""
    from test_efi import FWBOOT_EFI, need_efi
    need_efi()
    shutil.copy(FWBOOT_EFI, os.path.join(d, 'fwboot.efi'))
    shutil.copy(kernel('efiopts.efi'), os.path.join(d, 'app.efi'))
    name = 'fwboot-test-uefi-%d' % os.getpid()
    xml = readme_uefi_domain()
    for old, new in (('/usr/lib/fwboot/fwboot.efi', os.path.join(d, 'fwboot.efi')),
                     ('/var/lib/fwboot-uefi/serial.log', os.path.join(d, 'uefi-serial.log')),
                     ('/var/lib/fwboot-uefi', d), ('fwboot-uefi', name)):
        expect(old in xml, "README's UEFI domain no longer names %s" % old)
        xml = xml.replace(old, new)
    path = os.path.join(d, 'uefi.xml')
    with open(path, 'w') as f:
        f.write(xml)
    p = subprocess.run(['virt-xml-validate', path, 'domain'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, 'virt-xml-validate refused README\'s UEFI domain:\n%s' % p.stdout.decode())
    qemu_log = '/var/log/libvirt/qemu/%s.log' % name
    if os.path.exists(qemu_log):
        os.unlink(qemu_log)
    log, state = run_domain(path, name, os.path.join(d, 'uefi-serial.log'))
    with open(qemu_log, encoding='utf-8', errors='replace') as f:
        qemu_cmd = f.read()
    expect('/usr/share/OVMF/OVMF_CODE_4M.fd' in qemu_cmd,
           'libvirt did not start OVMF_CODE_4M.fd (no Secure Boot):\n%s' % qemu_cmd[-2000:])
    expect('fwboot: boot: started by UEFI firmware (EDK II' in log,
           'fwboot.efi did not start under OVMF:\n%s' % log[-2000:])
    expect('fwboot: cmdline: "name=opt/fwboot/app.efi -- hello from libvirt"' in log,
           'fwboot.efi\'s command line is not the domain\'s <cmdline>:\n%s' % log[-2000:])
    expect('efiopts: options "hello from libvirt"' in log,
           'the EFI application did not get its load options:\n%s' % log[-2000:])
    # the application ends QEMU through isa-debug-exit (0x44): "crashed" to libvirt
    expect(state == 'shut off (crashed)', 'domain state %r' % state)


def test_libvirt_starts_swtpm_for_measured_boot():
    """docs/libvirt.md's domain with its <tpm> element on the real daemon:
    libvirt runs swtpm_setup and swtpm itself (as its swtpm_user, tss),
    fwboot names the TPM and measures every file and command line, and the
    PCRs tpmtest reads there equal the host's hashlib values; the log
    replays to them. libvirt removes the TPM's state when the domain is
    undefined."""
    import test_tpm
    for tool in ('swtpm', 'swtpm_setup'):
        if shutil.which(tool) is None:
            raise Skip('%s is missing: libvirt starts it for <tpm><backend type=\'emulator\'/> (Debian packages '
                       'swtpm and swtpm-tools; tools/deps.sh installs them)' % tool)
    d = tmpdir()
    os.chmod(d, 0o755)
    daemons = Daemons()
    with _lock:
        daemons.start()
        try:
            with open(os.path.join(ROOT, 'docs', 'libvirt.md')) as f:
                blocks = re.findall(r'```xml\n(.*?)```', f.read(), re.S)
            xml = next(b for b in blocks if b.lstrip().startswith('<domain'))
            tpm = next(b for b in blocks if b.lstrip().startswith('<tpm'))
            shutil.copy(FWBOOT, os.path.join(d, 'fwboot.elf'))
            k = shutil.copy(kernel('tpmtest.elf'), os.path.join(d, 'kernel.elf'))
            mod = random_file(d, 'module.bin', 9000, seed=37)
            name = 'fwboot-test-tpm-%d' % os.getpid()
            xml = xml.replace('/var/lib/fwboot-demo', d).replace('fwboot-demo', name)
            expect('  </devices>' in xml and '<cmdline>name=' in xml, 'docs/libvirt.md: the domain changed shape')
            xml = xml.replace('  </devices>', tpm + '  </devices>').replace('<cmdline>name=', '<cmdline>verbose name=')
            path = os.path.join(d, 'tpm.xml')
            with open(path, 'w') as f:
                f.write(xml)
            swtpm_log = '/var/log/swtpm/libvirt/qemu/%s-swtpm.log' % name

            def states():
                top = '/var/lib/libvirt/swtpm'
                return sorted(os.listdir(top)) if os.path.isdir(top) else []
            before = states()
            try:
                log, state = run_domain(path, name, os.path.join(d, 'serial.log'))
            except BaseException:
                if os.path.exists(swtpm_log):
                    with open(swtpm_log, errors='replace') as f:
                        print('--- %s:\n%s' % (swtpm_log, f.read()[-3000:]))
                raise
            finally:
                if os.path.exists(swtpm_log):
                    os.unlink(swtpm_log)
            m = re.search(r'^fwboot: tpm: TPM 2\.0 0x[0-9a-f]{8}, banks sha256, log 0x[0-9a-f]+ ', log, re.M)
            expect(m, 'fwboot did not name the TPM libvirt attached:\n%s' % log[-2000:])
            for what in ('opt/fwboot/kernel.elf into PCR 9', 'opt/fwboot/module.bin into PCR 9',
                         'kernel_cmdline: hello from libvirt into PCR 8'):
                expect('fwboot: measure: ' + what in log, 'not measured: %s:\n%s' % (what, log[-2000:]))
            pcrs, tcg_log = test_tpm.tpmtest_report(log)
            append = re.search(r'<cmdline>(.*?)</cmdline>', xml).group(1)
            want = test_tpm.expected_pcrs([k, mod], [os.path.join(d, 'fwboot.elf') + ' ' + append,
                                                     'hello from libvirt'])
            test_tpm.expect_measured(pcrs, tcg_log, want, [
                'fwboot_cmdline: %s %s' % (os.path.join(d, 'fwboot.elf'), append), 'opt/fwboot/kernel.elf',
                'opt/fwboot/module.bin', 'kernel_cmdline: hello from libvirt'])
            expect(state == 'shut off (crashed)', 'domain state %r' % state)
            expect_eq(states(), before, 'TPM state directories left in /var/lib/libvirt/swtpm after undefine')
        finally:
            daemons.stop()
