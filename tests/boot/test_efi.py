"""fwboot.efi under OVMF (Debian's ovmf package, TCG): started by OVMF's own
-kernel, it reads the load options as its command line, fw_cfg by DMA or
port I/O, and boots EFI images from fw_cfg through the firmware's
LoadImage/StartImage with their arguments as load options and initrds
through Linux's initrd media protocol. Formats only
fwboot.elf boots are refused by name; failures give fwboot.elf's messages
and statuses, compared against fwboot.elf under SeaBIOS as the oracle.

OVMF takes seconds to start under TCG, so each boot checks several things:
eight OVMF boots in all (plus three quick SeaBIOS ones).
"""

import os
import shutil

import harness

from harness import (Skip, boot, expect, expect_eq, expect_status, exit_status, fail, kernel, random_file,
                     tmpdir, write_file)

OVMF = '/usr/share/ovmf/OVMF.fd'
FWBOOT_EFI = os.path.join(harness.BUILD, 'fwboot.efi')
EFI_CC = 'x86_64-w64-mingw32-gcc'

EFIOPTS_DONE = exit_status(0x44)       # tests/efi/efiopts.c
ST_CMDLINE = exit_status(2)
ST_NOT_FOUND = exit_status(4)
ST_BAD_IMAGE = exit_status(5)
ST_UEFI_UNSUPPORTED = exit_status(10)


def need_efi():
    """Skip only where the firmware or the PE toolchain is truly absent
    (tools/deps.sh installs both); a missing build is a failure."""
    if not os.path.isfile(OVMF):
        raise Skip('%s is missing (Debian package ovmf; tools/deps.sh installs it)' % OVMF)
    if not os.path.isfile(FWBOOT_EFI):
        if shutil.which(EFI_CC) is None:
            raise Skip('%s is missing (gcc-mingw-w64-x86-64; tools/deps.sh installs it)' % EFI_CC)
        fail('build/fwboot.efi is missing: run "make"')


def efi_boot(**kw):
    need_efi()
    return boot(kernel_path=FWBOOT_EFI, extra=['-bios', OVMF] + list(kw.pop('extra', ())), **kw)


def app():
    return kernel('efiopts.efi')


def efiopts(r):
    """{'size', 'options', 'terminated'} from efiopts' lines."""
    out = {}
    for line in r.console.splitlines():
        for key in ('size', 'options', 'terminated'):
            if line.startswith('efiopts: %s ' % key):
                out[key] = line[len('efiopts: %s ' % key):]
    expect('options' in out, 'efiopts printed no load options: it did not run')
    return out


def expect_line(r, text):
    expect(text in r.console, 'console lacks %r' % text)


def fwboot_lines(r):
    return [l for l in r.console.splitlines() if l.startswith('fwboot: ')]


def test_efi_app_gets_its_arguments_as_load_options():
    args = 'one  two=2 "three" --x'
    r = efi_boot(files={'opt/fwboot/app': app()}, append='name=opt/fwboot/app -- ' + args)
    expect_status(r, EFIOPTS_DONE)
    got = efiopts(r)
    expect_eq(got['options'], '"%s"' % args.replace('"', '\\u0022'), 'load options')
    expect_eq(got['size'], str(2 * (len(args) + 1)), 'LoadOptionsSize (UCS-2 and its NUL)')
    expect_eq(got['terminated'], 'yes', 'NUL-terminated load options')
    expect_line(r, 'fwboot: boot: started by UEFI firmware (EDK II')
    expect_line(r, 'fwboot: cmdline: "name=opt/fwboot/app -- %s"' % args)   # OVMF passes -append alone
    expect_line(r, 'fwboot: efi: starting opt/fwboot/app at 0x')
    lines = fwboot_lines(r)
    dma = [l for l in lines if l.startswith('fwboot: fw_cfg: ')]
    expect(len(dma) == 1 and dma[0].startswith('fwboot: fw_cfg: DMA, '),
           'one fw_cfg line, by DMA (each line once on COM1, not twice): %r' % dma)


def test_efi_script_bundle_port_io_and_refusals():
    """One boot: a script (over port I/O) tries every format fwboot.efi
    refuses, each failure handled by ||, then boots an EFI application
    from a cpio bundle with arguments."""
    from test_linux import debian
    from test_scripts import make_cpio
    d = tmpdir()
    with open(debian()['vmlinuz'], 'rb') as f:
        stubless = bytearray(f.read(65536))
    expect(stubless[:2] == b'MZ' and stubless[0x202:0x206] == b'HdrS', "Debian's kernel: MZ and HdrS")
    stubless[:2] = b'\0\0'     # no MZ: a bzImage without its EFI stub, as fwboot sees it
    with open(app(), 'rb') as f:
        truncated = f.read()[:1024]     # PE headers, sections missing: LoadImage refuses it
    files = {
        'opt/fwboot/mb1': kernel('mbtest-elf32.elf'),
        'opt/fwboot/mb2': kernel('mb2test-elf32.elf'),
        'opt/fwboot/pvh': kernel('pvhtest-elf32.elf'),
        'opt/fwboot/gz': kernel('mb2test-elf32.elf.gz'),
        'opt/fwboot/linux': write_file(d, 'linux', bytes(stubless)),
        'opt/fwboot/junk': random_file(d, 'junk', 5000, seed=7),
        'opt/fwboot/trunc': write_file(d, 'trunc', truncated),
        'opt/fwboot/set.cpio': make_cpio(d, 'set.cpio', {'app.efi': app()}),
    }
    names = ['mb1', 'mb2', 'pvh', 'gz', 'linux', 'junk', 'trunc']
    # imgfree: a fetched image stays, and the next boot would take it as a module
    text = '#!ipxe\n' + ''.join('chain fw_cfg:opt/fwboot/%s || echo after-%s\nimgfree\n' % (n, n) for n in names)
    text += 'kernel fw_cfg:opt/fwboot/set.cpio#app.efi from the bundle\nboot\n'
    files['opt/fwboot/boot.ipxe'] = write_file(d, 'boot.ipxe', text.encode())
    r = efi_boot(files=files, append='fw_cfg=pio name=opt/fwboot/boot.ipxe')
    expect_status(r, EFIOPTS_DONE)
    expect_line(r, 'fwboot: fw_cfg: port I/O, ')
    refused = 'not supported under UEFI yet (fwboot.efi boots EFI images; fwboot.elf boots this under SeaBIOS)'
    for name, what in (('mb1', 'a Multiboot 1 kernel'), ('mb2', 'a Multiboot 2 kernel'), ('pvh', 'a PVH kernel'),
                       ('gz', 'gzip-compressed'), ('linux', 'a Linux kernel without an EFI stub')):
        expect_line(r, 'chain: image: opt/fwboot/%s is %s: %s' % (name, what, refused))
    expect_line(r, 'chain: image: opt/fwboot/junk is not a bootable image (efi: no MZ signature; multiboot2: ')
    expect_line(r, 'chain: image: opt/fwboot/trunc is not a bootable image (the firmware\'s LoadImage refused it: ')
    for n in names:
        expect(('\nafter-%s\n' % n) in r.console, 'the script went on after %s' % n)
    expect_eq(efiopts(r)['options'], '"from the bundle"', 'load options of the bundle member')


def elf_error(append, files):
    """fwboot.elf's error line under SeaBIOS: the oracle for fwboot.efi's."""
    r = boot(files=files, append=append)
    errs = [l for l in fwboot_lines(r) if l.endswith(']') and '[status ' in l]
    expect(len(errs) == 1, 'fwboot.elf printed one error line: %r' % errs)
    return r.status, errs[0]


def test_efi_failures_as_fwboot_elf():
    d = tmpdir()
    junk = random_file(d, 'junk', 5000, seed=8)
    cases = [
        ('name=opt/fwboot/nope', {'opt/fwboot/junk': junk}, ST_NOT_FOUND, None),
        ('name=opt/fwboot/junk bogus=1', {'opt/fwboot/junk': junk}, ST_CMDLINE, None),
        ('name=opt/fwboot/junk', {'opt/fwboot/junk': junk}, ST_BAD_IMAGE, '(efi: no MZ signature; '),
    ]
    for append, files, status, inserted in cases:
        want_status, want = elf_error(append, files)
        expect_eq(want_status, status, 'fwboot.elf status for %r' % append)
        if inserted:    # fwboot.efi names its own probe first
            want = want.replace('(', inserted, 1)
        r = efi_boot(files=files, append=append)
        expect_status(r, status)
        errs = [l for l in fwboot_lines(r) if l.endswith(']') and '[status ' in l]
        expect_eq(errs, [want], 'fwboot.efi error line for %r' % append)
    r = efi_boot(files={'opt/fwboot/k': kernel('mbtest-elf32.elf')}, append='name=opt/fwboot/k')
    expect_status(r, ST_UEFI_UNSUPPORTED)
    expect_line(r, 'fwboot: image: opt/fwboot/k is a Multiboot 1 kernel: not supported under UEFI yet')
    expect_line(r, '[status 10]')


def test_efi_without_debug_exit_returns_the_status():
    """No isa-debug-exit: a failing fwboot.efi returns its EFI status to
    the image that started it. Here that is fwboot.efi itself, running a
    script that chains a second fwboot.efi, then the test application."""
    d = tmpdir()
    s = write_file(d, 's', b'#!ipxe\nchain fw_cfg:opt/fwboot/child name=opt/fwboot/nope\n'
                   b'echo child-came-back\nimgfree\nchain fw_cfg:opt/fwboot/app after the child\n')
    r = efi_boot(files={'opt/fwboot/s': s, 'opt/fwboot/child': FWBOOT_EFI, 'opt/fwboot/app': app()},
                 append='name=opt/fwboot/s', debug_exit=False)
    expect_status(r, 0)     # efiopts shuts down through ResetSystem
    expect_line(r, 'fwboot: open: no fw_cfg file "opt/fwboot/nope" (see the directory above) [status 4]')
    expect_line(r, 'fwboot: returning to the firmware (EFI status 0x800000000000000e Not Found)')
    expect_line(r, 'fwboot: efi: opt/fwboot/child returned (EFI status 0x800000000000000e Not Found)')
    expect_line(r, '\nchild-came-back\n')
    expect_eq(efiopts(r)['options'], '"after the child"', 'load options after the child came back')


def test_efi_debian_kernel_through_its_efi_stub_with_two_initrds():
    """Debian's kernel as an EFI image: its EFI stub takes the load options
    as the command line and both initrds, concatenated, through Linux's
    initrd media protocol; the busybox initramfs prints /proc/cmdline
    (checked exactly) and a file of the second initrd, then powers off."""
    from test_linux import LINUX_TIMEOUT, MARKER, SECOND, debian, initramfs, second_initrd
    d = tmpdir()
    # no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
    # check can miss its ticks and panic; the test must not depend on load
    args = 'console=ttyS0 panic=-1 no_timer_check fwboot.test=efi-stub'
    files = [('opt/fwboot/vmlinuz', debian()['vmlinuz']), ('opt/fwboot/initrd1', initramfs(d)),
             ('opt/fwboot/initrd2', second_initrd(d))]
    r = efi_boot(files=files, mem='512M', timeout=LINUX_TIMEOUT,
                 append='name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd1 initrd=opt/fwboot/initrd2 -- ' + args)
    expect_status(r, 0)     # poweroff -f
    expect_line(r, 'fwboot: efi: initrd: 2 file(s), ')
    expect_line(r, 'fwboot: efi: starting opt/fwboot/vmlinuz at 0x')
    lines = r.console.splitlines()
    expect(any('Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path' in l for l in lines),
           "the EFI stub took the initrd from fwboot.efi's initrd media protocol")
    expect(any('] efi: EFI v' in l for l in lines), 'the kernel runs as an EFI boot (its "efi: EFI v" line)')
    expect(MARKER in lines, 'no %s line: /init did not run' % MARKER)
    expect_eq([l for l in lines if l.startswith('CMDLINE<')], ['CMDLINE<%s>' % args], '/proc/cmdline')
    expect_eq([l for l in lines if l.startswith('EXTRA<')], ['EXTRA<%s>' % SECOND], 'file from the second initrd')
