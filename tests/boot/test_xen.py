# SPDX-License-Identifier: BSD-2-Clause
"""Debian's Xen hypervisor (/boot/xen-*.gz: a gzipped ELF with Multiboot 1
and Multiboot 2 headers and a relocatable tag) through fwboot. With no dom0
given, Xen reports its loader and command line, then panics and reboots
(QEMU exits with 0 under -no-reboot): enough to show the boot worked.

The package is fetched once with apt-get download into
${FWBOOT_CACHE:-~/.cache/fwboot}/debian/xen, never into the repository.
"""

import glob
import os
import re
import shutil
import subprocess
import threading

from harness import Skip, boot, expect, fail, expect_eq

K = 'opt/fwboot/xen'
_lock = threading.Lock()
_xen = []


def xen_gz():
    """Path of Debian's xen-*.gz, fetched on first use."""
    with _lock:
        if _xen:
            return _xen[0]
        if shutil.which('apt-get') is None or shutil.which('dpkg') is None:
            raise Skip('apt-get and dpkg are needed to fetch Debian\'s Xen')
        cache = os.path.join(os.environ.get('FWBOOT_CACHE', os.path.expanduser('~/.cache/fwboot')),
                             'debian', 'xen')
        found = glob.glob(os.path.join(cache, 'root', 'boot', 'xen-*.gz'))
        if not found:
            os.makedirs(cache, exist_ok=True)

            def run(*cmd):
                return subprocess.run(cmd, cwd=cache, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)
            deps = run('apt-cache', 'depends', 'xen-system-amd64').stdout.decode()
            pkg = re.search(r'Depends: (xen-hypervisor-[0-9.]+-amd64)', deps)
            if not pkg:
                run('apt-get', 'update', '-qq')
                deps = run('apt-cache', 'depends', 'xen-system-amd64').stdout.decode()
                pkg = re.search(r'Depends: (xen-hypervisor-[0-9.]+-amd64)', deps)
            if not pkg:
                fail('cannot tell which xen-hypervisor package xen-system-amd64 wants')
            p = run('apt-get', 'download', '-q', pkg.group(1))
            debs = glob.glob(os.path.join(cache, pkg.group(1) + '_*.deb'))
            if p.returncode != 0 or not debs:
                fail('apt-get download %s failed: %s' % (pkg.group(1), p.stdout.decode()[-300:]))
            run('dpkg', '-x', debs[0], 'root')
            found = glob.glob(os.path.join(cache, 'root', 'boot', 'xen-*.gz'))
            if not found:
                fail('%s has no /boot/xen-*.gz' % debs[0])
        _xen.append(found[0])
        return found[0]


def boot_xen(opts=''):
    return boot(files={K: xen_gz()}, mem='512M',
                append='name=%s %s -- console=com1 com1=115200,8n1 fwboot-marker' % (K, opts))


def xen_said(r, text):
    expect(text in r.console, 'Xen did not print %r; console tail:\n%s' % (text, r.tail(15)))


def test_multiboot2_gzipped_relocated():
    r = boot_xen()
    expect(not r.hang, 'hang')
    expect('gzip: %s inflated to ' % K in r.console, 'no gzip line')
    expect('image: %s is multiboot2' % K in r.console, 'not booted through Multiboot 2')
    xen_said(r, '(XEN) Bootloader: fwboot ')
    # Xen drops the image name itself (the loader is not GRUB 2)
    xen_said(r, '(XEN) Command line: console=com1 com1=115200,8n1 fwboot-marker\n')
    m = re.search(r'\(XEN\) Xen image load base address: (0x[0-9a-f]+)', r.console)
    expect(m and int(m.group(1), 16) != 0, 'Xen did not find itself relocated: %r' % (m and m.group(0)))
    xen_said(r, 'dom0 kernel not specified')
    expect_eq(r.status, 0, 'QEMU exit status (Xen reboots under -no-reboot)')


def test_multiboot1_override():
    r = boot_xen('format=multiboot1')
    expect('image: %s is multiboot1' % K in r.console, 'format=multiboot1 not honoured')
    xen_said(r, '(XEN) Bootloader: fwboot ')
    xen_said(r, '(XEN) Command line: console=com1 com1=115200,8n1 fwboot-marker\n')
    xen_said(r, 'dom0 kernel not specified')
