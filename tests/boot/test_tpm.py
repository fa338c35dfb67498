# SPDX-License-Identifier: BSD-2-Clause
"""Measured boot into a TPM 2.0 (swtpm, Debian's swtpm and swtpm-tools):
fwboot extends every file it boots into PCR 9 and every command line into
PCR 8 and appends the matching events to the firmware's log. Each measured
boot is checked three ways: the PCRs the guest reads (tests/kernels/tpmtest
through the TIS FIFO, or Debian's Linux through sysfs) equal what the host
computes here with hashlib from the files and command lines alone, and
tpm2_eventlog replays the guest's log to the same values, SeaBIOS's own
events (PCR 0-7) intact. Then the failure modes: no TPM, a full log, a TPM
that stops answering, with and without measure=required."""

import base64
import hashlib
import os
import re
import shutil
import signal
import struct
import subprocess
import time

from harness import (FWBOOT, Skip, boot, boot_keys, exit_status, expect, expect_eq, expect_status, fail, kernel,
                     parse_mbtest, tmpdir, write_file, MBTEST_DONE)
from test_scripts import make_cpio

TPMTEST_DONE = 129
ST_MEASURE = exit_status(11)
K = 'opt/fwboot/k'
OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd'
OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd'
FWBOOT_EFI = os.path.join(os.path.dirname(FWBOOT), 'fwboot.efi')


class Swtpm:
    """A software TPM 2.0 (the SHA-256 bank alone, or the banks named) with
    its state in a temporary directory, for one QEMU run: .args attach it as
    tpm-tis."""

    def __init__(self, banks='sha256'):
        for tool in ('swtpm', 'swtpm_setup'):
            if shutil.which(tool) is None:
                raise Skip('%s is missing (Debian packages swtpm and swtpm-tools; tools/deps.sh installs them)'
                           % tool)
        self.dir = tmpdir()
        p = subprocess.run(['swtpm_setup', '--tpm2', '--tpmstate', self.dir, '--pcr-banks', banks],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            fail('swtpm_setup failed: %s' % p.stdout.decode()[-400:])
        sock = os.path.join(self.dir, 'ctrl.sock')
        self.proc = subprocess.Popen(['swtpm', 'socket', '--tpm2', '--tpmstate', 'dir=' + self.dir,
                                      '--ctrl', 'type=unixio,path=' + sock, '--terminate'],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        end = time.monotonic() + 10
        while not os.path.exists(sock):
            if time.monotonic() > end or self.proc.poll() is not None:
                self.stop()
                fail('swtpm did not open its control socket')
            time.sleep(0.02)
        self.args = ['-chardev', 'socket,id=chrtpm,path=' + sock, '-tpmdev', 'emulator,id=tpm0,chardev=chrtpm',
                     '-device', 'tpm-tis,tpmdev=tpm0']

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def sha(data, bank='sha256'):
    return hashlib.new(bank, data).digest()


def file_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def expected_pcrs(files=(), strings=(), bank='sha256'):
    """PCR 8 and 9 of a bank from zero: each command line's digest into 8,
    each file's into 9, in order (the host's own computation, hashlib only)."""
    zero = bytes(hashlib.new(bank).digest_size)
    pcr = {8: zero, 9: zero}
    for s in strings:
        pcr[8] = sha(pcr[8] + sha(s.encode(), bank), bank)
    for path in files:
        pcr[9] = sha(pcr[9] + sha(file_bytes(path), bank), bank)
    return {i: v.hex() for i, v in pcr.items()}


def fwboot_cmdline(append):
    """What QEMU hands fwboot.elf: its path, a space, then -append."""
    return FWBOOT + ' ' + (append or '')


def tpmtest_report(r, bank='sha256'):
    """tpmtest's PCRs of a bank and its copy of the log, from a boot's
    console (or a serial log's text)."""
    text = getattr(r, 'console', r)
    pcrs = {int(i): v for i, v in re.findall(r'tpmtest: pcr index=(\d+) %s=([0-9a-f]+)' % bank, text)}
    log = bytes.fromhex(''.join(re.findall(r'tpmtest: loghex ([0-9a-f]+)', text)))
    return pcrs, log


def spec_algs(log):
    """The Spec ID Event's digest algorithms, in order: [(alg, size)]."""
    n = struct.unpack_from('<I', log, 32 + 24)[0]
    return [struct.unpack_from('<HH', log, 32 + 28 + 4 * i) for i in range(n)]


def log_events(log):
    """The events of a crypto-agile log (walked here, apart from fwboot's
    code, with the digest sizes its Spec ID Event declares): [(pcr, type,
    [(alg, digest)] in the event's order, data)], and the bytes they fill."""
    size = struct.unpack_from('<I', log, 28)[0]
    sizes = dict(spec_algs(log))
    at, out = 32 + size, []
    while at + 12 <= len(log):
        pcr, typ, count = struct.unpack_from('<III', log, at)
        if count == 0:
            break
        digests, p = [], at + 12
        for _ in range(count):
            alg = struct.unpack_from('<H', log, p)[0]
            digests.append((alg, log[p + 2:p + 2 + sizes[alg]]))
            p += 2 + sizes[alg]
        esize = struct.unpack_from('<I', log, p)[0]
        out.append((pcr, typ, digests, log[p + 4:p + 4 + esize]))
        at = p + 4 + esize
    return out, log[:at]


def replay(log, bank='sha256'):
    """tpm2_eventlog's PCRs of a bank for log: {index: hex}."""
    if shutil.which('tpm2_eventlog') is None:
        raise Skip('tpm2_eventlog is missing (Debian package tpm2-tools; tools/deps.sh installs it)')
    d = tmpdir()
    path = write_file(d, 'log.bin', log)
    p = subprocess.run(['tpm2_eventlog', path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    text = p.stdout.decode('utf-8', 'replace')
    expect(p.returncode == 0, 'tpm2_eventlog failed: %s' % text[-300:])
    expect(('\n  %s:' % bank) in text, 'tpm2_eventlog replays no %s bank: %s' % (bank, text[-300:]))
    part = text.split('\n  %s:' % bank)[-1]
    n = 2 * hashlib.new(bank).digest_size
    return {int(i): v for i, v in re.findall(r'^\s+(\d+)\s*:\s*0x([0-9a-fA-F]{%d})\b' % n, part, re.M)}


def expect_measured(pcrs, log, want, names):
    """PCR 8 and 9 as the host computed them, the log replaying to the PCRs,
    SeaBIOS's events intact, and fwboot's events named as documented."""
    expect_eq(pcrs.get(8), want[8], 'PCR 8 (command lines)')
    expect_eq(pcrs.get(9), want[9], 'PCR 9 (files)')
    events, used = log_events(log)
    expect(any(e[0] == 0 for e in events), "SeaBIOS's own PCR 0 events are in the log")
    got = replay(used)
    for i in (0, 8, 9):
        expect_eq(got.get(i, '').lower(), pcrs[i], 'PCR %d replayed by tpm2_eventlog' % i)
    ours = [e for e in events if e[0] in (8, 9)]
    expect(all(e[1] == 0x0d for e in ours), 'fwboot logs EV_IPL events')
    expect_eq([e[3].rstrip(b'\0').decode() for e in ours], names, 'event descriptions, in order')


def boot_tpm(tpm, **kw):
    extra = list(kw.pop('extra', ())) + tpm.args
    try:
        return boot(extra=extra, **kw)
    finally:
        tpm.stop()


def test_multiboot_with_modules():
    d = tmpdir()
    k = kernel('tpmtest.elf')
    m1 = write_file(d, 'm1', b'first module\n' * 1000)
    m2 = write_file(d, 'm2', b'second')
    append = 'name=%s initrd=opt/fwboot/m1 initrd=opt/fwboot/m2 -- console=ttyS0 a="b c"' % K
    r = boot_tpm(Swtpm(), files=[(K, k), ('opt/fwboot/m1', m1), ('opt/fwboot/m2', m2)], append=append)
    expect_status(r, TPMTEST_DONE)
    pcrs, log = tpmtest_report(r)
    want = expected_pcrs([k, m1, m2], [fwboot_cmdline(append), 'console=ttyS0 a="b c"'])
    expect_measured(pcrs, log, want, ['fwboot_cmdline: ' + fwboot_cmdline(append), K, 'opt/fwboot/m1',
                                      'opt/fwboot/m2', 'kernel_cmdline: console=ttyS0 a="b c"'])
    expect('fwboot: measure: opt/fwboot/m2 into PCR 9' in r.console, 'each measurement is on the console')
    # tools/fwboot-pcrs says the same, from the same files and command lines
    from harness import ROOT
    tool = subprocess.run(['python3', os.path.join(ROOT, 'tools', 'fwboot-pcrs'), '--cmdline', fwboot_cmdline(append),
                           '--file', k, '--file', m1, '--file', m2, '--cmdline', 'console=ttyS0 a="b c"'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, check=True).stdout.decode()
    expect_eq(tool, 'PCR 8: %s\nPCR 9: %s\n' % (pcrs[8], pcrs[9]), 'tools/fwboot-pcrs')


def test_script_chain_and_bundle():
    """A script chains another, which boots a kernel and a module from a
    bundle: both scripts as fetched, the members' bytes, the command lines."""
    d = tmpdir()
    k = kernel('tpmtest.elf')
    m = write_file(d, 'mod', b'a bundle member\n')
    bundle = make_cpio(d, 'bundle.cpio', {'k': k, 'mod': m})
    second = write_file(d, 'second', b'#!ipxe\nkernel fw_cfg:opt/fwboot/b#k kargs\n'
                                     b'module fw_cfg:opt/fwboot/b#mod margs\nboot\n')
    first = write_file(d, 'first', b'#!ipxe\necho first\nchain fw_cfg:opt/fwboot/second\n')
    r = boot_tpm(Swtpm(), files=[('opt/fwboot/boot', first), ('opt/fwboot/second', second),
                                 ('opt/fwboot/b', bundle)])
    expect_status(r, TPMTEST_DONE)
    pcrs, log = tpmtest_report(r)
    want = expected_pcrs([first, second, k, m], [fwboot_cmdline(None), 'kargs', 'margs'])
    events, _ = log_events(log)
    names = [e[3].rstrip(b'\0').decode() for e in events if e[0] in (8, 9)]
    expect_measured(pcrs, log, want, names)
    expect_eq(names[1:], ['opt/fwboot/boot', 'opt/fwboot/second', 'opt/fwboot/b#k', 'opt/fwboot/b#mod',
                          'kernel_cmdline: kargs', 'module_cmdline: margs'], 'event descriptions after the first')


def test_no_tpm_one_line_and_unchanged_hand_off():
    """Without a TPM: one line says so, measure=optional spelled out changes
    nothing, and the hand-off is what QEMU's own -kernel gives the same
    kernel and modules, field by field (test_parity's comparison, every
    allowed difference named there): measuring adds nothing to a boot
    without a TPM."""
    from test_parity import mb1_three_way
    k = kernel('mbtest-elf32.elf')
    r1 = boot(files={K: k}, append='name=%s -- x' % K)
    r2 = boot(files={K: k}, append='name=%s measure=optional -- x' % K)
    for r in (r1, r2):
        expect_status(r, MBTEST_DONE)
        expect_eq(r.console.count('fwboot: measure: no TPM (no TPM interface at 0xfed40000): nothing is measured'),
                  1, 'the one no-TPM line')
        expect('into PCR' not in r.console, 'nothing measured')
    hand1 = [l for l in r1.console.splitlines() if l.startswith('mbtest:') and 'cmdline' not in l]
    hand2 = [l for l in r2.console.splitlines() if l.startswith('mbtest:') and 'cmdline' not in l]
    expect_eq(hand1, hand2, 'the hand-off')
    mb1_three_way('mbtest-elf32.elf', grub=False)
    r = boot(files={K: k}, append='name=%s measure=required' % K)
    expect_status(r, ST_MEASURE)
    expect('measure: measure=required, and there is no TPM' in r.console, 'the refusal is named')


def fill_script(d, required):
    """A script whose failing attempts (a file that is no image, with a long
    command line) fill the log area, then boots tpmtest."""
    junk = write_file(d, 'junk', b'not an image')
    pad = 'x' * 500
    text = '#!ipxe\n%sset n 0\n:again\ninc n\nimgfree\nkernel fw_cfg:opt/fwboot/junk %s\nboot || goto next\n:next\n' \
           'iseq ${n} 130 || goto again\nimgfree\nkernel fw_cfg:opt/fwboot/k last\nboot\n' % (
               'measure required\n' if required else '', pad)
    return junk, write_file(d, 'fill', text.encode())


def test_log_full():
    d = tmpdir()
    junk, script = fill_script(d, False)
    files = [('opt/fwboot/boot', script), ('opt/fwboot/junk', junk), ('opt/fwboot/k', kernel('tpmtest.elf'))]
    r = boot_tpm(Swtpm(), files=files)
    expect_status(r, TPMTEST_DONE)
    expect('the event log is full' in r.console, 'the full log is named')
    expect('fwboot: measure: opt/fwboot/k not measured into PCR 9: the event log is full' in r.console,
           'what was not logged is named')
    d = tmpdir()
    junk, script = fill_script(d, True)
    files = [('opt/fwboot/boot', script), ('opt/fwboot/junk', junk), ('opt/fwboot/k', kernel('tpmtest.elf'))]
    r = boot_tpm(Swtpm(), files=files)
    expect_status(r, ST_MEASURE)
    expect('(measure=required)' in r.console and 'the event log is full' in r.console, 'refused by name')


def kill_midway(required):
    d = tmpdir()
    k = kernel('tpmtest.elf')
    script = write_file(d, 's', ('#!ipxe\n%sprompt --key k --timeout 60000 press k\nkernel fw_cfg:%s after\n'
                                 'boot\n' % ('measure required\n' if required else '', K)).encode())
    tpm = Swtpm()
    try:
        def kill():
            tpm.kill()
            return b'k'
        return boot_keys(files=[('opt/fwboot/boot', script), (K, k)], extra=tpm.args, steps=[('press k', kill)])
    finally:
        tpm.stop()


def test_tpm_killed_mid_boot():
    """swtpm dies while the script waits for a key, after the script was
    measured: the kernel's measurement fails by name, every wait bounded."""
    r = kill_midway(False)
    expect('fwboot: measure: opt/fwboot/boot into PCR 9' in r.console, 'measured while the TPM lived')
    expect(re.search(r'fwboot: measure: %s not measured into PCR 9: tpm: .*the TPM stopped working' % K,
                     r.console), 'the dead TPM is named: %s' % r.tail())
    expect('not measured into PCR 8: the TPM stopped answering earlier' in r.console, 'not asked again')
    expect('tpmtest:' in r.console, 'the boot went on')
    r = kill_midway(True)
    expect_status(r, ST_MEASURE)
    expect('(measure=required)' in r.console, 'refused by name')


def measure_banks(banks):
    """A TPM with the banks named (swtpm_setup --pcr-banks): fwboot extends
    each, and each of its events holds one digest per algorithm in the order
    of SeaBIOS's Spec ID Event; PCR 8 and 9 of each bank equal the host's
    hashlib values (and fwboot-pcrs --bank's), and tpm2_eventlog replays
    each bank."""
    d = tmpdir()
    k = kernel('tpmtest.elf')
    m1 = write_file(d, 'm1', b'first module\n' * 1000)
    append = 'name=%s initrd=opt/fwboot/m1 -- two banks' % K
    r = boot_tpm(Swtpm(banks), files=[(K, k), ('opt/fwboot/m1', m1)], append=append)
    expect_status(r, TPMTEST_DONE)
    _, log = tpmtest_report(r)
    algs = spec_algs(log)
    names = {0x04: 'sha1', 0x0b: 'sha256'}
    expect(sorted(names.get(a, a) for a, _ in algs) == sorted(banks.split(',')) and
           all(size == hashlib.new(names[a]).digest_size for a, size in algs),
           "SeaBIOS's Spec ID Event lists the banks: %s" % algs)
    events, used = log_events(log)
    ours = [e for e in events if e[0] in (8, 9)]
    strings = [fwboot_cmdline(append), 'two banks']
    data = [strings[0].encode(), file_bytes(k), file_bytes(m1), strings[1].encode()]
    expect_eq(len(ours), len(data), "fwboot's events")
    for e, x in zip(ours, data):
        expect_eq([a for a, _ in e[2]], [a for a, _ in algs], "an event's digests, in the Spec ID Event's order")
        for alg, digest in e[2]:
            expect_eq(digest.hex(), sha(x, names[alg]).hex(), '%s digest of %s' % (names[alg], e[3]))
    for bank in banks.split(','):
        pcrs, _ = tpmtest_report(r, bank)
        want = expected_pcrs([k, m1], strings, bank)
        expect_eq(pcrs.get(8), want[8], '%s PCR 8 (command lines)' % bank)
        expect_eq(pcrs.get(9), want[9], '%s PCR 9 (files)' % bank)
        got = replay(used, bank)
        for i in (0, 8, 9):
            expect_eq(got.get(i, '').lower(), pcrs[i], '%s PCR %d replayed by tpm2_eventlog' % (bank, i))
        from harness import ROOT
        tool = subprocess.run(['python3', os.path.join(ROOT, 'tools', 'fwboot-pcrs'), '--bank', bank, '--cmdline',
                               strings[0], '--file', k, '--file', m1, '--cmdline', strings[1]],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, check=True).stdout.decode()
        expect_eq(tool, 'PCR 8: %s\nPCR 9: %s\n' % (pcrs[8], pcrs[9]), 'tools/fwboot-pcrs --bank %s' % bank)
    expect('fwboot: measure: opt/fwboot/m1 into PCR 9' in r.console, 'measured by name')


def test_sha1_and_sha256_banks():
    measure_banks('sha1,sha256')


def test_sha1_bank_alone():
    measure_banks('sha1')


def test_sha384_bank_cannot_be_hashed():
    """A SHA-384 bank active beside SHA-256: fwboot cannot hash it, names it,
    and measures nothing (or refuses under measure=required)."""
    k = kernel('tpmtest.elf')
    r = boot_tpm(Swtpm('sha256,sha384'), files={K: k}, append='name=%s' % K)
    expect_status(r, TPMTEST_DONE)
    expect('its sha384 bank (algorithm 0x000c) is active, and fwboot hashes only SHA-1 and SHA-256' in r.console,
           'the bank is named: %s' % r.tail())
    expect('not measured into PCR 9: the TPM cannot be used' in r.console, 'what was not measured is named')
    r = boot_tpm(Swtpm('sha256,sha384'), files={K: k}, append='name=%s measure=required' % K)
    expect_status(r, ST_MEASURE)


def ovmf_args():
    """Debian's 4 MiB OVMF (its TPM 2.0 build) on pflash, with a copy of its variables."""
    for path in (OVMF_CODE, OVMF_VARS):
        if not os.path.isfile(path):
            raise Skip('%s is missing (Debian package ovmf; tools/deps.sh installs it)' % path)
    if not os.path.isfile(FWBOOT_EFI):
        raise Skip('build/fwboot.efi is not built (gcc-mingw-w64-x86-64-win32)')
    d = tmpdir()
    vars_copy = os.path.join(d, 'vars.fd')
    shutil.copy(OVMF_VARS, vars_copy)
    return ['-drive', 'if=pflash,format=raw,readonly=on,file=' + OVMF_CODE,
            '-drive', 'if=pflash,format=raw,file=' + vars_copy]


def test_ovmf_multiboot_with_modules():
    """fwboot.efi under OVMF measures through EFI_TCG2_PROTOCOL: the same
    PCR 9 as on SeaBIOS, PCR 8 from OVMF's load options (-append alone)."""
    d = tmpdir()
    k = kernel('tpmtest.elf')
    m1 = write_file(d, 'm1', b'first module\n' * 1000)
    append = 'name=%s initrd=opt/fwboot/m1 -- on uefi' % K
    r = boot_tpm(Swtpm(), kernel_path=FWBOOT_EFI, files=[(K, k), ('opt/fwboot/m1', m1)], append=append,
                 extra=ovmf_args())
    expect_status(r, TPMTEST_DONE)
    pcrs, _ = tpmtest_report(r)
    want = expected_pcrs([k, m1], [append, 'on uefi'])
    expect_eq(pcrs.get(8), want[8], 'PCR 8 (command lines)')
    expect_eq(pcrs.get(9), want[9], 'PCR 9 (files)')
    expect('fwboot: measure: opt/fwboot/m1 into PCR 9' in r.console, 'measured through the firmware')


def test_ovmf_without_tpm():
    k = kernel('tpmtest.elf')
    r = boot(kernel_path=FWBOOT_EFI, files={K: k}, append='name=%s measure=required' % K, extra=ovmf_args())
    expect_status(r, ST_MEASURE)
    expect('measure: no TPM (the firmware has no EFI_TCG2_PROTOCOL)' in r.console, 'the one line')


LINUX_INIT = '''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t securityfs none /sys/kernel/security
for i in 0 8 9; do echo "PCR$i<$(/bin/busybox cat /sys/class/tpm/tpm0/pcr-sha256/$i)>"; done
echo LOG-BEGIN
/bin/busybox base64 /sys/kernel/security/tpm0/binary_bios_measurements
echo LOG-END
/bin/busybox poweroff -f
'''


def linux_initrds(d):
    """Debian's busybox with an /init that prints PCR 0, 8, 9 from sysfs and
    the event log in base64; a second archive beside it."""
    import stat
    from test_linux import cpio, debian, second_initrd
    root = os.path.join(d, 'root1')
    for sub in ('bin', 'proc', 'dev', 'sys'):
        os.makedirs(os.path.join(root, sub))
    shutil.copy(debian()['busybox'], os.path.join(root, 'bin', 'busybox'))
    os.chmod(write_file(root, 'init', LINUX_INIT.encode()), 0o755)
    try:
        os.mknod(os.path.join(root, 'dev', 'console'), 0o600 | stat.S_IFCHR, os.makedev(5, 1))
    except OSError:
        pass
    return cpio(root, os.path.join(d, 'initrd1.cpio')), second_initrd(d)


def linux_report(r):
    pcrs = {int(i): v.lower() for i, v in re.findall(r'^PCR(\d+)<([0-9A-Fa-f]{64})>', r.console, re.M)}
    m = re.search(r'^LOG-BEGIN\n(.*?)^LOG-END', r.console, re.M | re.S)
    expect(m, 'the guest printed no event log: %s' % r.tail())
    return pcrs, base64.b64decode(''.join(m.group(1).split()))


def test_linux_two_initrds_seabios():
    """Debian's kernel through fwboot.elf on SeaBIOS with two initrds: the
    PCRs Linux reads and the log it exposes (SeaBIOS's events, then fwboot's)."""
    from test_linux import LINUX_TIMEOUT, MEM, debian
    d = tmpdir()
    vmlinuz = debian()['vmlinuz']
    i1, i2 = linux_initrds(d)
    args = 'console=ttyS0 panic=-1 quiet'
    append = 'name=opt/fwboot/vmlinuz initrd=opt/fwboot/i1 initrd=opt/fwboot/i2 -- ' + args
    r = boot_tpm(Swtpm(), files=[('opt/fwboot/vmlinuz', vmlinuz), ('opt/fwboot/i1', i1), ('opt/fwboot/i2', i2)],
                 append=append, mem=MEM, timeout=LINUX_TIMEOUT)
    expect_status(r, 0)
    pcrs, log = linux_report(r)
    want = expected_pcrs([vmlinuz, i1, i2], [fwboot_cmdline(append), args])
    expect_measured(pcrs, log, want, ['fwboot_cmdline: ' + fwboot_cmdline(append), 'opt/fwboot/vmlinuz',
                                      'opt/fwboot/i1', 'opt/fwboot/i2', 'kernel_cmdline: ' + args])


def test_linux_two_initrds_ovmf():
    """Debian's kernel through fwboot.efi under OVMF: fwboot's events in the
    firmware's log (EFI_TCG2_PROTOCOL), then what Linux's EFI stub measures
    itself (its initrd, both archives as fwboot serves them concatenated,
    into PCR 9), all replayed to the PCRs Linux reads."""
    from test_linux import LINUX_TIMEOUT, debian
    d = tmpdir()
    vmlinuz = debian()['vmlinuz']
    i1, i2 = linux_initrds(d)
    args = 'console=ttyS0 panic=-1 no_timer_check quiet'
    append = 'name=opt/fwboot/vmlinuz initrd=opt/fwboot/i1 initrd=opt/fwboot/i2 -- ' + args
    r = boot_tpm(Swtpm(), kernel_path=FWBOOT_EFI, files=[('opt/fwboot/vmlinuz', vmlinuz), ('opt/fwboot/i1', i1),
                                                         ('opt/fwboot/i2', i2)],
                 append=append, mem='512M', timeout=LINUX_TIMEOUT, extra=ovmf_args())
    expect_status(r, 0)
    pcrs, log = linux_report(r)
    want = expected_pcrs([vmlinuz, i1, i2], [append, args])
    # Linux's EFI stub (6.1) then measures, as EV_EVENT_TAG into PCR 9, the
    # load options fwboot.efi gave it (UCS-2 with the NUL) and its initrd
    pcr9 = bytes.fromhex(want[9])
    for data in ((args + '\0').encode('utf-16-le'), file_bytes(i1) + file_bytes(i2)):
        pcr9 = sha(pcr9 + sha(data))
    expect_eq(pcrs.get(8), want[8], 'PCR 8 (command lines)')
    expect_eq(pcrs.get(9), pcr9.hex(), "PCR 9 (fwboot's files, then the stub's load options and initrd)")
    events, used = log_events(log)
    got = replay(used)
    for i in (0, 8, 9):
        expect_eq(got.get(i, '').lower(), pcrs[i], 'PCR %d replayed by tpm2_eventlog' % i)
    expect_eq([e[3].rstrip(b'\0').decode() for e in events if e[0] in (8, 9) and e[1] == 0x0d],
              ['fwboot_cmdline: ' + append, 'opt/fwboot/vmlinuz', 'opt/fwboot/i1', 'opt/fwboot/i2',
               'kernel_cmdline: ' + args], "fwboot's events in the firmware's log")


def test_microvm_tpm_refused_by_name():
    """QEMU's microvm takes a tpm-tis device, but there (QEMU 7.2, qboot) the
    TPM does not answer a command and no TPM2 ACPI table names a log area:
    fwboot names why it cannot measure, within its bounded waits; the boot
    goes on, or is refused under measure=required."""
    k = kernel('mbtest-elf32.elf')
    fwboot_pvh = os.path.join(os.path.dirname(FWBOOT), 'fwboot-pvh.elf')
    r = boot_tpm(Swtpm(), kernel_path=fwboot_pvh, files={K: k}, append='name=%s' % K, extra=['-M', 'microvm'])
    expect_status(r, MBTEST_DONE)
    expect('fwboot: measure: the TPM cannot be used: tpm: ' in r.console, 'the reason is named: %s' % r.tail())
    expect('fwboot: measure: %s not measured into PCR 9: the TPM cannot be used' % K in r.console,
           'what was not measured is named')
    r = boot_tpm(Swtpm(), kernel_path=fwboot_pvh, files={K: k}, append='name=%s measure=required' % K,
                 extra=['-M', 'microvm'])
    expect_status(r, ST_MEASURE)


def test_fwboot_run_tpm():
    """fwboot-run --tpm: swtpm started and attached, the final PCRs printed
    (PCR 9 as the host computes it from the files); --libvirt-xml --tpm: the
    <tpm> element."""
    from harness import ROOT
    for tool in ('swtpm', 'swtpm_setup', 'swtpm_ioctl', 'tpm2_pcrread'):
        if shutil.which(tool) is None:
            raise Skip('%s is missing (Debian packages swtpm, swtpm-tools, tpm2-tools)' % tool)
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    m1 = write_file(d, 'm1', b'module for fwboot-run\n')
    run = os.path.join(ROOT, 'tools', 'fwboot-run')
    p = subprocess.run(['python3', run, '--tpm', '--exit-code', '0x40', '--fwboot', FWBOOT, '--initrd', m1, '-q',
                        k, '--', 'x'], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    text = p.stdout.decode('utf-8', 'replace')
    expect_eq(p.returncode, 0, 'fwboot-run --tpm status (%s)' % text[-400:])
    got = {int(i): v.lower() for i, v in re.findall(r'tpm: sha256 PCR (\d+)\s*:\s*0x([0-9A-Fa-f]{64})', text)}
    expect_eq(got.get(9), expected_pcrs([k, m1])[9], 'PCR 9 printed by fwboot-run')
    expect(got.get(8, '0' * 64) != '0' * 64, 'PCR 8 extended')
    p = subprocess.run(['python3', run, '--tpm', '--libvirt-xml', '--fwboot', FWBOOT, k], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    expect("<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>" in p.stdout.decode(),
           'the libvirt tpm element')
