# SPDX-License-Identifier: BSD-2-Clause
"""Linux bzImage boots through fwboot: Debian's kernel with a busybox
initramfs through both entries and with two initrds, iPXE's ipxe.lkrn
running a script, and the loader's refusals.

The Debian packages (linux-image-amd64's kernel, busybox-static, ipxe) are
fetched once by tools/fetch-debian.sh into ${FWBOOT_CACHE:-~/.cache/fwboot},
never into the repository. The initramfs is built here, in a temporary
directory, with the cpio tool.
"""

import os
import re
import shutil
import stat
import subprocess
import threading

import harness

from harness import DEFAULT_TIMEOUT, Skip, boot, expect, expect_eq, expect_status, exit_status, fail, tmpdir, write_file

ST_CMDLINE = exit_status(2)
ST_BAD_IMAGE = exit_status(5)
ST_NO_MEMORY = exit_status(6)

MARKER = 'FWBOOT-LINUX-MARKER'
IPXE_MARKER = 'FWBOOT-IPXE-MARKER'
SECOND = 'second-initrd-file'
MEM = '512M'
# The Debian kernel under TCG needs some seconds; this only guards a hang.
LINUX_TIMEOUT = 600

_fetch_lock = threading.Lock()
_fetched = {}


def fetch_debian(*args):
    """tools/fetch-debian.sh ARGS, once per set of arguments: the NAME=PATH
    lines it prints, as a dict of the cached Debian files."""
    with _fetch_lock:
        if args not in _fetched:
            if shutil.which('apt-get') is None or shutil.which('dpkg') is None:
                raise Skip('apt-get and dpkg are needed to fetch Debian packages')
            script = os.path.join(harness.ROOT, 'tools', 'fetch-debian.sh')
            p = subprocess.run(['sh', script] + list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            if p.returncode != 0:
                fail('tools/fetch-debian.sh%s failed: %s' % (''.join(' ' + a for a in args),
                                                               p.stderr.decode('utf-8', 'replace')[-500:]))
            _fetched[args] = dict(line.partition('=')[::2] for line in p.stdout.decode().splitlines())
        return dict(_fetched[args])


def debian():
    """{'vmlinuz', 'busybox', 'ipxe'}: paths of the cached Debian files."""
    return fetch_debian()


INIT = '''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo %s
echo "CMDLINE<$(/bin/busybox cat /proc/cmdline)>"
if [ -f /extra/second.txt ]; then echo "EXTRA<$(/bin/busybox cat /extra/second.txt)>"; fi
/bin/busybox poweroff -f
''' % MARKER


def cpio(root, out):
    """Pack directory root as a newc cpio archive at out."""
    names = subprocess.run(['find', '.'], cwd=root, check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root, input=names, check=True,
                   stdout=open(out, 'wb'))
    return out


def initramfs(d):
    """The main initramfs: busybox and an /init that prints the marker and
    /proc/cmdline, then powers off (QEMU exits 0)."""
    if shutil.which('cpio') is None:
        fail('cpio is missing (tools/deps.sh installs it)')
    root = os.path.join(d, 'root1')
    for sub in ('bin', 'proc', 'dev'):
        os.makedirs(os.path.join(root, sub))
    shutil.copy(debian()['busybox'], os.path.join(root, 'bin', 'busybox'))
    init = write_file(root, 'init', INIT.encode())
    os.chmod(init, 0o755)
    try:    # the kernel's built-in initramfs has /dev/console too; this is for safety
        os.mknod(os.path.join(root, 'dev', 'console'), 0o600 | stat.S_IFCHR, os.makedev(5, 1))
    except OSError:
        pass
    return cpio(root, os.path.join(d, 'initrd1.cpio'))


def second_initrd(d):
    """A second archive with a file the first does not have."""
    root = os.path.join(d, 'root2')
    os.makedirs(os.path.join(root, 'extra'))
    write_file(os.path.join(root, 'extra'), 'second.txt', (SECOND + '\n').encode())
    return cpio(root, os.path.join(d, 'initrd2.cpio'))


def boot_linux(entry, args, two_initrds, kernel=None, mem=MEM):
    d = tmpdir()
    files = [('opt/fwboot/vmlinuz', kernel or debian()['vmlinuz']),
             ('opt/fwboot/initrd1', initramfs(d))]
    opts = 'name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd1'
    if two_initrds:
        files.append(('opt/fwboot/initrd2', second_initrd(d)))
        opts += ' initrd=opt/fwboot/initrd2'
    if entry:
        opts += ' entry=' + entry
    return boot(files=files, append='%s -- %s' % (opts, args), mem=mem, timeout=LINUX_TIMEOUT)


def expect_linux(r, args, entry_text, second):
    expect_status(r, 0)     # poweroff -f: ACPI S5, QEMU exits normally
    expect('fwboot: image: opt/fwboot/vmlinuz is linux (%s)' % entry_text in r.console,
           'fwboot did not report the %s' % entry_text)
    lines = r.console.splitlines()
    expect(MARKER in lines, 'no %s line: /init did not run' % MARKER)
    got = [l for l in lines if l.startswith('CMDLINE<')]
    expect_eq(got, ['CMDLINE<%s>' % args], '/proc/cmdline')
    extra = [l for l in lines if l.startswith('EXTRA<')]
    expect_eq(extra, ['EXTRA<%s>' % SECOND] if second else [], 'file from the second initrd')


# Spaces kept as given, a quoted value, a "--" for init: all verbatim.
ARGS = 'console=ttyS0 panic=-1 no_timer_check fwboot.test="a  b"  x=1 -- initarg'


def test_linux_32bit_entry_two_initrds():
    r = boot_linux('32', ARGS, True)
    expect_linux(r, ARGS, '32-bit entry', True)


def test_linux_16bit_entry_two_initrds():
    r = boot_linux('16', ARGS, True)
    expect_linux(r, ARGS, '16-bit entry', True)
    expect('real-mode entry' in r.console, 'no real-mode hand-off line')


def test_linux_default_entry_one_initrd():
    args = 'console=ttyS0 panic=-1 no_timer_check'
    r = boot_linux(None, args, False)
    expect_linux(r, args, '32-bit entry', False)


def test_ipxe_lkrn_runs_script():
    """iPXE as a Linux kernel: only its real-mode setup code knows the way in,
    so fwboot picks the 16-bit entry; the script given as its initrd runs.
    Its console is the BIOS's: SeaBIOS copies int 10h output to COM1 when
    fw_cfg has etc/sercon-port. Debian's iPXE has no poweroff, but reboot
    ends QEMU under -no-reboot."""
    d = tmpdir()
    script = write_file(d, 'script.ipxe', ('#!ipxe\necho %s\necho done\nreboot\n' % IPXE_MARKER).encode())
    sercon = write_file(d, 'sercon-port', b'\xf8\x03')     # COM1, 0x3f8, little-endian
    r = boot(files=[('opt/fwboot/ipxe', debian()['ipxe']), ('opt/fwboot/script', script),
                    ('etc/sercon-port', sercon)],
             append='name=opt/fwboot/ipxe initrd=opt/fwboot/script', extra=['-nic', 'none'],
             timeout=max(DEFAULT_TIMEOUT, 120))    # a hang guard: the same as every boot
    expect_status(r, 0)
    expect('is linux (16-bit entry)' in r.console, 'iPXE not booted through the 16-bit entry')
    expect(IPXE_MARKER in r.console.splitlines(), 'the iPXE script did not run')


def test_ipxe_lkrn_has_no_32bit_entry():
    r = boot(files=[('opt/fwboot/ipxe', debian()['ipxe'])],
             append='name=opt/fwboot/ipxe entry=32')
    expect_status(r, ST_BAD_IMAGE)
    expect(re.search(r'linux: no 32-bit entry: code32_start 0x0 lies outside the protected-mode '
                     r'kernel 0x100000-0x[0-9a-f]+ \(use entry=16\)', r.console),
           'no refusal of entry=32')


def test_linux_truncated():
    with open(debian()['vmlinuz'], 'rb') as f:
        img = f.read(1 << 20)
    k = write_file(tmpdir(), 'truncated', img)
    r = boot(files={'opt/fwboot/k': k}, append='name=opt/fwboot/k -- console=ttyS0')
    expect_status(r, ST_BAD_IMAGE)
    expect(re.search(r'linux: truncated: syssize says \d+ bytes of kernel, the file has \d+ after '
                     r'the setup code', r.console), 'no truncation message')


def test_linux_bad_magic():
    with open(debian()['vmlinuz'], 'rb') as f:
        img = bytearray(f.read())
    img[0x202:0x206] = b'HdrX'
    k = write_file(tmpdir(), 'badmagic', bytes(img))
    # still a PE image (its EFI stub): a BIOS cannot start that, and says
    # what the loaders it has found as well
    r = boot(files={'opt/fwboot/k': k}, append='name=opt/fwboot/k')
    expect_status(r, exit_status(10))
    expect('fwboot: image: opt/fwboot/k is an EFI image, which only UEFI firmware can start (boot it with '
           'fwboot.efi); as other formats: multiboot2: ' in r.console, 'no refusal')
    expect('linux: boot flag but no "HdrS" at 0x202' in r.console, 'no reason from the Linux loader')
    # forced, the Linux loader alone answers
    r = boot(files={'opt/fwboot/k': k}, append='name=opt/fwboot/k format=linux')
    expect_status(r, ST_BAD_IMAGE)
    expect('linux: boot flag but no "HdrS" at 0x202 (a boot sector or a pre-2.00 zImage)' in r.console,
           'no refusal with format=linux')


def test_linux_old_protocol_refused():
    with open(debian()['vmlinuz'], 'rb') as f:
        img = bytearray(f.read(64 << 10))
    img[0x206:0x208] = b'\x01\x02'
    k = write_file(tmpdir(), 'old', bytes(img))
    r = boot(files={'opt/fwboot/k': k}, append='name=opt/fwboot/k')
    expect_status(r, ST_BAD_IMAGE)
    expect('linux: protocol version 2.01 is too old (need 2.02 or newer)' in r.console, 'no refusal')


def test_linux_initrd_too_large():
    """128 MiB of RAM, the kernel's 64 MiB window at 16 MiB, fwboot's heap at
    the top: 48 MiB of initrd fits nowhere, and fwboot says so before
    loading anything."""
    d = tmpdir()
    big = os.path.join(d, 'big')
    with open(big, 'wb') as f:
        f.truncate(48 << 20)
    r = boot(files={'opt/fwboot/k': debian()['vmlinuz'], 'opt/fwboot/big': big},
             append='name=opt/fwboot/k initrd=opt/fwboot/big -- console=ttyS0', mem='128M')
    expect_status(r, ST_NO_MEMORY)
    expect(re.search(r'linux: initrd \(50331648 bytes in 1 file\) does not fit in RAM below 0x80000000 '
                     r'outside the decompression window 0x1000000-0x[0-9a-f]+', r.console),
           'no initrd refusal')
    expect('load: linux kernel' not in r.console, 'something was loaded before the refusal')


def test_linux_cmdline_too_long():
    args = 'x' * 2048       # Debian's cmdline_size is 2047
    r = boot(files={'opt/fwboot/k': debian()['vmlinuz']}, append='name=opt/fwboot/k -- ' + args)
    expect_status(r, ST_CMDLINE)
    expect('linux: command line is 2048 bytes, the kernel takes at most 2047 (cmdline_size)' in r.console,
           'no command line refusal')


def test_linux_bad_entry():
    r = boot(files={'opt/fwboot/k': debian()['vmlinuz']}, append='name=opt/fwboot/k entry=64')
    expect_status(r, ST_CMDLINE)
    expect('linux: entry=64: expected entry=32 (32-bit boot protocol) or entry=16 (real-mode setup code)'
           in r.console, 'no entry refusal')
