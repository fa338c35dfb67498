# SPDX-License-Identifier: BSD-2-Clause
"""Boot scripts that talk to a person (issue 24): a menu of three kernels
chosen by arrow keys, by hotkey and by its timeout, over the serial port
and the PS/2 keyboard; prompt; the settings scripts branch on (${platform},
${buildarch}, ${uuid}, ${serial}, ...) on SeaBIOS and OVMF; serial keys on
microvm.

Keys are typed only once the console shows what waits for them (the
help line under a drawn menu, the prompt's text), so nothing depends on
TCG's speed; every choose and prompt either gets its keys or has a
--timeout, so a run never waits for a person."""

import os

import harness
import test_efi

from harness import (MBTEST_DONE, boot, boot_keys, expect, expect_eq, expect_status, kernel, parse_mbtest,
                     tmpdir, write_file)

HELP = 'Esc to cancel'          # the last line of a drawn menu
LONG = 600000                   # a timeout no key test reaches: keys stop it
UUID = '86a9f546-d31b-4ba2-9bbb-303b61bcf8d1'
SERIAL = 'FWB-24-0042'


def menu_script(default='two', timeout=LONG):
    """The menu example of docs/scripts.md, booting kernel N as opt/menu/N."""
    return '''#!ipxe
menu Boot which kernel?
item --key 1 one    Kernel one
item --key 2 two    Kernel two
item --gap          Or else:
item --key 3 three  Kernel three
choose --default %s --timeout %d target || goto cancelled
echo chose ${target}
kernel fw_cfg:opt/menu/${target} picked=${target}
boot
:cancelled
echo menu cancelled
kernel fw_cfg:opt/menu/one picked=none
boot
''' % (default, timeout)


def menu_files(text):
    d = tmpdir()
    k = kernel('mbtest-elf32.elf')
    return {'opt/fwboot/boot': write_file(d, 'boot.ipxe', text.encode()),
            'opt/menu/one': k, 'opt/menu/two': k, 'opt/menu/three': k}


def picked(r):
    expect_status(r, MBTEST_DONE)
    expect(not getattr(r, 'steps_left', None), 'markers never seen: %r' % getattr(r, 'steps_left', None))
    return parse_mbtest(r)['cmdline'].split('picked=')[-1]


def test_menu_default_by_timeout():
    r = boot(files=menu_files(menu_script(default='two', timeout=1500)))
    expect_eq(picked(r), 'two', 'the default, by the timeout')
    expect(' > 2      Kernel two' in r.console, 'the default is marked: %r' % r.tail())
    expect('(default in 1500 ms)' in r.console, 'the timeout is shown')


def test_menu_serial_arrows():
    # down from one skips nothing (two is next); down, down, up ends on two
    r = boot_keys(files=menu_files(menu_script(default='one')),
                  steps=[(HELP, b'\x1b[B'), (HELP, b'\x1b[B'), (HELP, b'\x1b[A'), (HELP, b'\r')])
    expect_eq(picked(r), 'two', 'chosen by arrows over the serial port')
    expect('chose two' in r.console, 'the script saw it')
    last = r.console[r.console.rfind('Boot which kernel?'):]
    expect(' > 2      Kernel two' in last and ' > 3' not in last, 'the last drawing marks two: %r' % last)


def test_menu_serial_hotkey_and_escape():
    r = boot_keys(files=menu_files(menu_script(default='one')), steps=[(HELP, b'2')])
    expect_eq(picked(r), 'two', 'chosen by its hotkey')
    r = boot_keys(files=menu_files(menu_script(default='one')), steps=[(HELP, b'\x1b')])
    expect_eq(picked(r), 'none', 'Escape cancels choose')
    expect('menu cancelled' in r.console, 'the script took the || branch')


def test_menu_ps2_keyboard_and_vga_text():
    """Keys through QMP send-key reach the PS/2 controller (SeaBIOS's i8042);
    the VGA text screen shows the menu the serial port shows."""
    r = boot_keys(files=menu_files(menu_script(default='one')), qmp=True, extra=['-vga', 'std'],
                  vga_text_at=HELP, steps=[(HELP, ['down']), (HELP, ['ret'])])
    expect_eq(picked(r), 'two', 'chosen by the PS/2 keyboard')
    expect(r.vga_text is not None, 'the VGA text window was read')
    rows = [row.rstrip() for row in harness.vga_text_rows(r.vga_text)]
    for line in ('Boot which kernel?', ' > 1      Kernel one', '   2      Kernel two', '    Or else:',
                 '   3      Kernel three'):
        expect(line in rows, 'the VGA screen lacks %r: %r' % (line, rows[:25]))
        expect(line in r.console.splitlines(), 'the serial console lacks %r' % line)


PROMPT = '''#!ipxe
prompt --key s --timeout %d Press s for the second kernel || goto first
kernel fw_cfg:opt/menu/two picked=two
boot
:first
kernel fw_cfg:opt/menu/one picked=one
boot
'''


def test_prompt_interrupted_and_not():
    r = boot_keys(files=menu_files(PROMPT % LONG), steps=[('Press s for the second kernel', b's')])
    expect_eq(picked(r), 'two', 'the prompt saw its key')
    r = boot(files=menu_files(PROMPT % 1000))
    expect_eq(picked(r), 'one', 'the prompt timed out')


SETTINGS = '''#!ipxe
echo platform=${platform} buildarch=${buildarch} uuid=${uuid} serial=${serial} product=${product} memsize=${memsize}
iseq ${platform} efi && kernel fw_cfg:opt/x/k.efi || kernel fw_cfg:opt/x/k.elf uuid=${uuid} serial=${serial}
boot
'''

SMBIOS = ['-uuid', UUID, '-smbios', 'type=1,serial=%s,product=fwboot-vm' % SERIAL]


def test_settings_and_platform_bios():
    d = tmpdir()
    r = boot(files={'opt/fwboot/boot': write_file(d, 's', SETTINGS.encode()),
                    'opt/x/k.elf': kernel('mbtest-elf32.elf'), 'opt/x/k.efi': kernel('efiopts.efi')},
             extra=SMBIOS)
    expect_status(r, MBTEST_DONE)
    expect('platform=pcbios buildarch=i386 uuid=%s serial=%s product=fwboot-vm memsize=25' % (UUID, SERIAL)
           in r.console, 'the settings: %r' % r.tail())
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/x/k.elf uuid=%s serial=%s' % (UUID, SERIAL), 'k.elf booted')


def test_settings_and_platform_efi():
    d = tmpdir()
    r = test_efi.efi_boot(files={'opt/fwboot/boot': write_file(d, 's', SETTINGS.encode()),
                                 'opt/x/k.elf': kernel('mbtest-elf32.elf'), 'opt/x/k.efi': kernel('efiopts.efi')},
                          extra=SMBIOS)
    expect_status(r, test_efi.EFIOPTS_DONE)
    expect('platform=efi buildarch=x86_64 uuid=%s serial=%s product=fwboot-vm' % (UUID, SERIAL) in r.console,
           'the settings: %r' % r.tail())
    test_efi.efiopts(r)


def test_menu_efi_serial_and_ps2():
    """Under OVMF the serial terminal is the firmware's (ConIn decodes the
    arrows), the keyboard is ConIn too."""
    test_efi.need_efi()
    files = menu_files(menu_script(default='one'))
    r = boot_keys(kernel_path=test_efi.FWBOOT_EFI, files=files, qmp=True,
                  extra=['-bios', test_efi.OVMF],
                  steps=[(HELP, b'\x1b[B'), (HELP, ['down']), (HELP, b'\x1b[A'), (HELP, b'\r')])
    expect_eq(picked(r), 'two', 'down (serial), down (PS/2), up (serial), Enter under OVMF')


def test_menu_microvm_serial():
    path = harness.FWBOOT
    r = boot_keys(kernel_path=path, files=menu_files(menu_script(default='one')), extra=['-M', 'microvm'],
                  steps=[(HELP, b'\x1b[B'), (HELP, b'\r')])
    expect_eq(picked(r), 'two', 'serial input on microvm (no PS/2 controller asked)')


TYPED = '''#!ipxe
cpuid --ext 29 && set bits 64 || set bits 32
inc n ; inc n 2
echo cpu=${bits} n=${n}
echo -n Kernel name:
read k
prompt --key 0x02 --timeout %d Press Ctrl-B for the shell || goto boot
shell
:boot
kernel fw_cfg:opt/menu/${k} picked=${k}
boot
'''


def test_read_and_cpuid():
    r = boot_keys(files=menu_files(TYPED % 1000), steps=[('Kernel name:', b'thrx\x7fee\r')])
    expect_eq(picked(r), 'three', 'read, Backspace (DEL) included')
    expect('cpu=64 n=3' in r.console, 'cpuid --ext 29 (long mode) and inc: %r' % r.tail())


def test_shell_boots_by_hand():
    r = boot_keys(files=menu_files(TYPED % LONG),
                  steps=[('Kernel name:', b'one\r'), ('Press Ctrl-B', b'\x02'),
                         ('fwboot> ', b'frobnicate\r'), ('fwboot> ', b'\x1b[Akernel fw_cfg:opt/menu/two picked=shell\r'),
                         ('fwboot> ', b'boot\r')])
    expect_eq(picked(r), 'shell', 'the kernel typed at the shell')
    expect('fwboot: script shell:1: frobnicate: unknown command' in r.console, 'a bad command is named, the shell goes on')


def test_docs_menu_example():
    """The example of docs/scripts.md, as written there, and its drawing."""
    with open(os.path.join(harness.ROOT, 'docs', 'scripts.md')) as f:
        doc = f.read()
    at = doc.index('The menu example the boot tests')
    blocks = doc[at:].split('```')
    text, drawing = blocks[1].lstrip('\n'), blocks[3].strip('\n')
    expect(text.startswith('#!ipxe\nmenu '), 'the example block: %r' % text[:40])
    r = boot_keys(files=menu_files(text), steps=[(HELP, b'\r')])
    expect_eq(picked(r), 'two', 'the example chose its default')
    expect(drawing in r.console, 'the console draws the menu as the docs show it:\n%s\n---\n%s'
           % (drawing, r.tail(12)))
