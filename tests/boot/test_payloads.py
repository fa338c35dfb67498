# SPDX-License-Identifier: BSD-2-Clause
"""Third-party payloads that GRUB or QEMU's own -kernel boots, through
fwboot with no format= or entry= (unless a test says otherwise):

- GRUB's grub.lkrn (lnxboot.img + an i386-pc core, built here with
  grub-mkimage): a false Multiboot magic in its code before the real header;
  booted as Multiboot 1 by the probe order, and as Linux with format=linux
  (protocol 2.03: its setup code must run);
- syslinux's memdisk (Debian's syslinux-common; protocol 2.03, hooks INT 13h
  from its setup code) with a floppy image whose boot sector, assembled here,
  prints a marker and reads its second sector back through INT 13h;
- Intel's tboot (Debian's tboot) through Multiboot 2 and 1 with Debian's
  kernel and a busybox initramfs as modules, reaching the initramfs;
- Memtest86+ (Debian's memtest86+: the x86-64 and i386 Linux-protocol
  images, and its EFI image through fwboot.efi under OVMF), which never
  exits: each runs until it shows what it found and is testing, and must
  show what it shows when QEMU's own -kernel (OVMF's, for the EFI image)
  starts it.

Every image is built or fetched at test time (tools/fetch-debian.sh caches
the Debian packages outside the repository)."""

import os
import re
import shutil
import subprocess

from harness import boot, boot_screen, exit_status, expect, expect_eq, expect_status, fail, tmpdir, write_file
from test_linux import LINUX_TIMEOUT, MARKER, debian, initramfs

GRUB_MARKER = 'FWBOOT-GRUB-LKRN-MARKER'
FLOPPY_MARKER = 'FWBOOT-FLOPPY-BOOT-SECTOR'
SECTOR2_MARKER = 'FWBOOT-FLOPPY-INT13-SECTOR-2'
FLOPPY_DONE = exit_status(0x42)     # the boot sector writes 0x42 to isa-debug-exit
GRUB_I386_PC = '/usr/lib/grub/i386-pc'
CROSS = 'i686-linux-gnu-'


def need(tool):
    if shutil.which(tool) is None:
        fail('%s is missing (tools/deps.sh installs it)' % tool)


# ---- grub.lkrn ----

def grub_lkrn(d):
    """lnxboot.img followed by an i386-pc core whose embedded configuration
    prints a marker on COM1 and halts (QEMU exits 0)."""
    need('grub-mkimage')
    cfg = write_file(d, 'grub.cfg', ('serial --unit=0 --speed=115200\nterminal_output serial\n'
                                     'echo %s\nhalt\n' % GRUB_MARKER).encode())
    core = os.path.join(d, 'core.img')
    subprocess.run(['grub-mkimage', '-O', 'i386-pc', '-d', GRUB_I386_PC, '-o', core,
                    '-p', '(memdisk)/boot/grub', '-c', cfg, 'serial', 'terminal', 'echo', 'halt'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out = os.path.join(d, 'grub.lkrn')
    with open(out, 'wb') as f:
        for part in (os.path.join(GRUB_I386_PC, 'lnxboot.img'), core):
            with open(part, 'rb') as p:
                f.write(p.read())
    return out


def expect_grub_ran(r):
    expect_status(r, 0)
    expect(GRUB_MARKER in r.console, 'GRUB did not run its configuration:\n' + r.tail())


def test_grub_lkrn_multiboot1_by_probe_order():
    """The magic at 0x2e4 is an operand in lnxboot's code; the header at
    0xd5c is the real one (the a.out kludge)."""
    r = boot(files=[('opt/fwboot/grub', grub_lkrn(tmpdir()))], append='name=opt/fwboot/grub')
    expect_grub_ran(r)
    expect('image: opt/fwboot/grub is multiboot1' in r.console, 'not booted as Multiboot 1')
    expect('multiboot1: header at offset 0xd5c; skipped 1 magic with an invalid checksum before it '
           '(the first at 0x2e4' in r.console, 'the skipped magic is not logged:\n' + r.tail())


def test_grub_lkrn_as_linux():
    """Protocol 2.03: with no entry=, its setup code runs (the 32-bit entry hangs)."""
    r = boot(files=[('opt/fwboot/grub', grub_lkrn(tmpdir()))], append='name=opt/fwboot/grub format=linux')
    expect_grub_ran(r)
    expect('image: opt/fwboot/grub is linux (16-bit entry)' in r.console, 'not the 16-bit entry')


def test_grub_lkrn_qemu_oracle():
    """QEMU's own -kernel boots the same file (the oracle for the rule)."""
    r = boot(kernel_path=grub_lkrn(tmpdir()), append='')
    expect_grub_ran(r)


# ---- memdisk with a floppy of our own ----

BOOT_SECTOR = r'''
	.code16
	.text
	.globl _start
_start:
	cli
	xorw %%ax, %%ax
	movw %%ax, %%ds
	movw %%ax, %%es
	movw %%ax, %%ss
	movw $0x7c00, %%sp
	sti
	movb %%dl, drive
	/* COM1: 115200 8N1, no interrupts */
	movw $0x3f9, %%dx
	xorb %%al, %%al
	outb %%al, %%dx
	movw $0x3fb, %%dx
	movb $0x80, %%al
	outb %%al, %%dx
	movw $0x3f8, %%dx
	movb $1, %%al
	outb %%al, %%dx
	movw $0x3f9, %%dx
	xorb %%al, %%al
	outb %%al, %%dx
	movw $0x3fb, %%dx
	movb $3, %%al
	outb %%al, %%dx
	movw $hello, %%si
	call puts
	/* the second sector through INT 13h: memdisk's hook answers */
	movw $0x0201, %%ax
	movw $0x0002, %%cx
	xorb %%dh, %%dh
	movb drive, %%dl
	movw $0x8000, %%bx
	int $0x13
	jc failed
	movw $0x8000, %%si
	call puts
	movb $0x42, %%al
	outb %%al, $0xf4
stop:	cli
	hlt
	jmp stop
failed:	movw $nope, %%si
	call puts
	movb $0x43, %%al
	outb %%al, $0xf4
	jmp stop

/* print the NUL-terminated string at SI, waiting (bounded) for the UART */
puts:	lodsb
	testb %%al, %%al
	jz 2f
	movb %%al, %%ah
	movw $0x3fd, %%dx
	movw $0xffff, %%cx
1:	inb %%dx, %%al
	testb $0x20, %%al
	loopz 1b
	movb %%ah, %%al
	movw $0x3f8, %%dx
	outb %%al, %%dx
	jmp puts
2:	ret

drive:	.byte 0
hello:	.asciz "\r\n%s\r\n"
nope:	.asciz "INT 13h read failed\r\n"
	.org 510
	.byte 0x55, 0xaa
'''


def floppy(d):
    """A 1.44 MB floppy: a boot sector that prints FLOPPY_MARKER, reads
    sector 2 through INT 13h and prints what it holds (SECTOR2_MARKER)."""
    need(CROSS + 'as')
    need(CROSS + 'ld')
    src = write_file(d, 'boot.S', (BOOT_SECTOR % FLOPPY_MARKER).encode())
    obj, elf, binary = (os.path.join(d, n) for n in ('boot.o', 'boot.elf', 'boot.bin'))
    subprocess.run([CROSS + 'as', '--32', '-o', obj, src], check=True)
    subprocess.run([CROSS + 'ld', '-m', 'elf_i386', '-Ttext', '0x7c00', '-e', '_start', '-o', elf, obj],
                   check=True)
    subprocess.run([CROSS + 'objcopy', '-O', 'binary', '-j', '.text', elf, binary], check=True)
    sector = open(binary, 'rb').read()
    expect(len(sector) == 512 and sector[510:] == b'\x55\xaa', 'boot sector is %d bytes' % len(sector))
    second = (SECTOR2_MARKER + '\r\n').encode() + b'\0'
    image = sector + second.ljust(512, b'\0') + bytes(1474560 - 1024)
    return write_file(d, 'floppy.img', image)


def expect_floppy_booted(r):
    expect_status(r, FLOPPY_DONE)
    expect(FLOPPY_MARKER in r.console, 'the floppy boot sector did not run:\n' + r.tail())
    expect(SECTOR2_MARKER in r.console, 'INT 13h did not read the second sector:\n' + r.tail())


def test_memdisk_floppy():
    d = tmpdir()
    r = boot(files=[('opt/fwboot/memdisk', debian()['memdisk']), ('opt/fwboot/floppy', floppy(d))],
             append='name=opt/fwboot/memdisk initrd=opt/fwboot/floppy', timeout=120)
    expect_floppy_booted(r)
    expect('image: opt/fwboot/memdisk is linux (16-bit entry)' in r.console, 'not the 16-bit entry')


def test_memdisk_qemu_oracle():
    d = tmpdir()
    r = boot(kernel_path=debian()['memdisk'], append='', extra=['-initrd', floppy(d)], timeout=120)
    expect_floppy_booted(r)


# ---- tboot with Linux and an initramfs as modules ----

TBOOT_SCRIPT = """#!ipxe
kernel fw_cfg:opt/fwboot/tboot logging=serial,memory serial=115200,8n1,0x3f8
module fw_cfg:opt/fwboot/vmlinuz console=ttyS0 panic=-1 no_timer_check
module fw_cfg:opt/fwboot/initrd
boot
"""


def boot_tboot(options):
    """tboot (gzipped; both Multiboot headers) from a script: Linux with its
    command line and the initramfs as modules. Under QEMU there is no TXT:
    tboot says so (no SINIT module, a non-Intel CPU under TCG) and starts
    Linux without a measured launch."""
    d = tmpdir()
    script = write_file(d, 'tboot.ipxe', TBOOT_SCRIPT.encode())
    files = [('opt/fwboot/boot', script), ('opt/fwboot/tboot', debian()['tboot']),
             ('opt/fwboot/vmlinuz', debian()['vmlinuz']), ('opt/fwboot/initrd', initramfs(d))]
    r = boot(files=files, append=options, mem='512M', timeout=LINUX_TIMEOUT)
    expect('YIKES' not in r.console, 'tboot failed:\n' + r.tail())
    expect_status(r, 0)     # the initramfs powers off
    expect('TBOOT: transfering control to kernel' in r.console, 'tboot did not start Linux:\n' + r.tail())
    lines = r.console.splitlines()
    expect(MARKER in lines, 'the initramfs did not run:\n' + r.tail())
    expect('CMDLINE<opt/fwboot/vmlinuz console=ttyS0 panic=-1 no_timer_check>' in lines, 'Linux command line from tboot')
    return r


def test_tboot_multiboot2_linux_initramfs():
    """tboot makes room in the boot information by deleting the ELF-symbols
    tag (type 9): without it, "grow_mb2_tag slack 0 < growth 48"."""
    r = boot_tboot('name=opt/fwboot/boot')
    expect('image: opt/fwboot/tboot is multiboot2' in r.console, 'not booted through Multiboot 2')


def test_tboot_multiboot1_linux_initramfs():
    r = boot_tboot('name=opt/fwboot/boot format=multiboot1')
    expect('image: opt/fwboot/tboot is multiboot1' in r.console, 'not booted through Multiboot 1')


if __name__ == '__main__':
    fail('run through tests/boot/run.py')


# ---- Memtest86+ ----

ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
MEMTEST_RANGE = re.compile(r'(\d+[KMG]B) - (\d+[KMG]B) \[(\d+[KMG]B) of (\d+[KMG]B)\]')


def memtest_facts(console, range_pattern=MEMTEST_RANGE):
    """What Memtest86+ shows on its serial console once it tests: the
    memory it found, the CPUs it uses and the range of the running test
    (from the memory map it was given, as range_pattern reads it); None
    before it gets there."""
    plain = ANSI.sub('', console)
    rng = range_pattern.search(plain)
    if rng is None:
        return None
    mem = re.search(r'Memory\s*:\s*(\d+[KMG]B)', plain)
    cpu = re.search(r'CPU: (\d+) Cores (\d+) Threads', plain)
    return {'range': rng.groups(), 'memory': mem and mem.group(1), 'cpu': cpu and cpu.groups()}


def memtest_boot(**kw):
    r = boot_screen(until=lambda c: memtest_facts(c) is not None, grab_screen=False, timeout=LINUX_TIMEOUT, **kw)
    facts = memtest_facts(r.console)
    expect(facts is not None, 'Memtest86+ did not start testing: ' + ANSI.sub('', r.tail(5)))
    return r, facts


def test_memtest86plus_against_qemu():
    """Both images through fwboot (x86-64 by the default 32-bit entry, i386
    by entry=16, its setup code) show the memory, CPUs and test range they
    show when QEMU's own -kernel starts them."""
    files = debian()
    for key, entry, how in (('memtest64', '', '32-bit entry'), ('memtest32', ' entry=16', '16-bit entry')):
        image = files[key]
        _, want = memtest_boot(kernel_path=image, append='console=ttyS0,115200')
        r, got = memtest_boot(files={'opt/fwboot/memtest': image},
                              append='name=opt/fwboot/memtest%s -- console=ttyS0,115200' % entry)
        expect('fwboot: boot: linux (%s)' % how in r.console, '%s: fwboot did not boot it by the %s' % (key, how))
        expect_eq(got, want, '%s through fwboot against QEMU\'s -kernel' % key)


def memtest_efi_facts(console):
    """The EFI image's first screen on the serial console: memory and CPUs
    once its status reads Testing; None before."""
    plain = ANSI.sub(' ', console)
    mem = re.search(r'Memory\s*:\s*(\d+[KMG]B)', plain)
    cpu = re.search(r'CPU: (\d+) Cores (\d+) Threads', plain)
    if not (mem and cpu and 'Status: Testing' in plain):
        return None
    return {'memory': mem.group(1), 'cpu': cpu.groups()}


def test_memtest86plus_efi_against_ovmf():
    """fwboot.efi starts Memtest86+'s EFI image with "console=ttyS0,115200"
    as its load options (it needs GOP: -vga std); Memtest must find the
    memory and CPUs it finds when OVMF's own -kernel starts it."""
    from test_efi import FWBOOT_EFI, OVMF, need_efi
    need_efi()
    image = debian()['memtestefi']
    extra = ['-bios', OVMF, '-vga', 'std']
    got_want = []
    for kw in ({'kernel_path': image, 'append': 'console=ttyS0,115200'},
               {'kernel_path': FWBOOT_EFI, 'files': {'opt/fwboot/memtest': image},
                'append': 'name=opt/fwboot/memtest -- console=ttyS0,115200'}):
        r = boot_screen(until=lambda c: memtest_efi_facts(c) is not None, grab_screen=False, extra=extra,
                        timeout=LINUX_TIMEOUT, **kw)
        facts = memtest_efi_facts(r.console)
        expect(facts is not None, 'Memtest86+ (EFI) did not start testing: ' + ANSI.sub(' ', r.tail(5)))
        got_want.append((r, facts))
    (_, want), (r, got) = got_want
    expect('with load options "console=ttyS0,115200"' in r.console, 'fwboot.efi did not pass the load options')
    expect_eq(got, want, 'Memtest86+ EFI through fwboot.efi against OVMF\'s -kernel')
