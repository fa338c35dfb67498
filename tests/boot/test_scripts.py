# SPDX-License-Identifier: BSD-2-Clause
"""Boot scripts over fw_cfg and cpio bundles, end to end: the script runs on
fwboot, fetches from fw_cfg, and the payload reports what it received."""

import os
import subprocess

from harness import (boot, crc32_file, expect, expect_eq, expect_status, exit_status, fail, kernel,
                     parse_mbtest, random_file, tmpdir, write_file, MBTEST_DONE)

ST_NOT_FOUND = exit_status(4)
ST_SCRIPT = exit_status(8)


def script(d, name, text, crlf=False):
    if crlf:
        text = text.replace('\n', '\r\n')
    return write_file(d, name, text.encode())


def expect_console(r, text):
    expect(text in r.console, 'console lacks %r' % text)


def test_issue_example_with_modules_and_their_strings():
    d = tmpdir()
    m1 = random_file(d, 'vmlinuz', 40000, seed=21)
    m2 = random_file(d, 'initrd', 123457, seed=22)
    s = script(d, 'boot.ipxe', '''#!ipxe
# boot.ipxe, exposed as -fw_cfg name=opt/fwboot/boot,file=boot.ipxe
echo Booting ${fwboot/version} from fw_cfg
kernel fw_cfg:opt/fwboot/xen console=com1 dom0_mem=1G
module fw_cfg:opt/fwboot/vmlinuz console=hvc0 root=/dev/vda1
module fw_cfg:opt/fwboot/initrd
boot || goto failed
:failed
echo Boot failed, trying the rescue kernel
chain fw_cfg:opt/fwboot/rescue.ipxe
''')
    r = boot(files={'opt/fwboot/boot': s, 'opt/fwboot/xen': kernel('mbtest-elf32.elf'),
                    'opt/fwboot/vmlinuz': m1, 'opt/fwboot/initrd': m2})   # no -append at all
    expect_status(r, MBTEST_DONE)
    expect_console(r, 'Booting 0.1.0 from fw_cfg')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/xen console=com1 dom0_mem=1G', 'kernel command line')
    expect_eq([m['string'] for m in info['mod']],
              ['opt/fwboot/vmlinuz console=hvc0 root=/dev/vda1', 'opt/fwboot/initrd'], 'module strings')
    expect_eq([m['crc32'] for m in info['mod']], [crc32_file(m1), crc32_file(m2)], 'module CRCs')


def test_boot_failure_falls_back_to_rescue_chain():
    d = tmpdir()
    junk = random_file(d, 'xen', 5000, seed=1)
    main = script(d, 'boot.ipxe', '''#!ipxe
kernel fw_cfg:opt/fwboot/xen
boot || goto failed
echo not reached
:failed
echo Boot failed, trying the rescue kernel
chain fw_cfg:opt/fwboot/rescue.ipxe
''')
    rescue = script(d, 'rescue.ipxe', '#!ipxe\nimgfree\nchain fw_cfg:opt/fwboot/rescue.elf rescue=1\n')
    r = boot(files={'opt/fwboot/boot': main, 'opt/fwboot/xen': junk, 'opt/fwboot/rescue.ipxe': rescue,
                    'opt/fwboot/rescue.elf': kernel('mbtest-self.elf')})
    expect_status(r, MBTEST_DONE)
    expect_console(r, 'fwboot: script opt/fwboot/boot:3: boot: image: opt/fwboot/xen is not a bootable image')
    expect_console(r, 'Boot failed, trying the rescue kernel')
    expect('not reached' not in r.console, 'goto skipped the line')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/rescue.elf rescue=1', 'rescue command line')
    expect_eq(info['mod'], [], 'imgfree dropped the images')


def test_missing_file_or_goto():
    d = tmpdir()
    s = script(d, 's', '''#!ipxe
kernel fw_cfg:opt/fwboot/absent || goto other
echo not reached
:other
kernel opt/fwboot/k from-other
boot
''')
    r = boot(files={'opt/fwboot/s': s, 'opt/fwboot/k': kernel('mbtest-elf32.elf')},
             append='name=opt/fwboot/s')
    expect_status(r, MBTEST_DONE)
    expect_console(r, 'no fw_cfg file "opt/fwboot/absent"')
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/k from-other', 'command line (bare NAME URI)')


def test_missing_file_without_or_ends_the_script():
    d = tmpdir()
    s = script(d, 's', '#!ipxe\necho one\nkernel fw_cfg:opt/fwboot/xen\necho not reached\n')
    r = boot(files={'opt/fwboot/boot': s})
    expect_status(r, ST_NOT_FOUND)
    expect_console(r, 'fwboot: script opt/fwboot/boot:3: kernel: no fw_cfg file "opt/fwboot/xen"')
    expect('not reached' not in r.console, 'the script stopped')


def test_unknown_command():
    d = tmpdir()
    r = boot(files={'opt/fwboot/boot': script(d, 's', '#!ipxe\necho hi\nfrobnicate now\n')})
    expect_status(r, ST_SCRIPT)
    expect_console(r, 'fwboot: script opt/fwboot/boot:3: frobnicate: unknown command')


def test_unknown_scheme():
    d = tmpdir()
    r = boot(files={'opt/fwboot/boot': script(d, 's', '#!ipxe\nkernel http://example.org/vmlinuz\n')})
    expect_status(r, ST_SCRIPT)
    expect_console(r, 'fwboot: script opt/fwboot/boot:2: kernel: fwboot fetches only from fw_cfg')


def test_chain_loop_is_an_error():
    d = tmpdir()
    a = script(d, 'a', '#!ipxe\necho in a\nchain fw_cfg:opt/fwboot/b\n')
    b = script(d, 'b', '#!ipxe\necho in b\nchain fw_cfg:opt/fwboot/a\n')
    r = boot(files={'opt/fwboot/a': a, 'opt/fwboot/b': b}, append='name=opt/fwboot/a')
    expect_status(r, ST_SCRIPT)
    expect_console(r, 'in b')
    expect('loop' in r.console or 'deep' in r.console, 'the chain loop is named')


def test_goto_loop_is_bounded():
    d = tmpdir()
    r = boot(files={'opt/fwboot/boot': script(d, 's', '#!ipxe\n:top\ngoto top\n')})
    expect_status(r, ST_SCRIPT)
    expect_console(r, 'fwboot: script opt/fwboot/boot:')


def test_script_that_boots_nothing():
    d = tmpdir()
    r = boot(files={'opt/fwboot/boot': script(d, 's', '#!ipxe\necho nothing to do\nexit 0\n')})
    expect_status(r, ST_SCRIPT)
    expect_console(r, 'fwboot: script opt/fwboot/boot: ended without booting anything')


def test_ipxe_script_unchanged_crlf_variables_initrd_imgargs():
    """Written for iPXE: CRLF line ends, set/${}, iseq, initrd, imgargs,
    line continuation, comments."""
    d = tmpdir()
    m = random_file(d, 'rd', 9999, seed=5)
    s = script(d, 'boot.ipxe', '''#!ipxe
set base fw_cfg:opt/fwboot
set console ttyS0
iseq ${console} ttyS0 && echo console is ${console}  # a comment
kernel --name k ${base}/k
initrd ${base}/rd
imgargs k console=${console} \\
  quiet
boot k
''', crlf=True)
    r = boot(files={'opt/fwboot/boot': s, 'opt/fwboot/k': kernel('mbtest-elf64.elf'), 'opt/fwboot/rd': m})
    expect_status(r, MBTEST_DONE)
    expect_console(r, 'console is ttyS0')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/k console=ttyS0 quiet', 'command line')   # iPXE joins words with one space
    expect_eq([x['crc32'] for x in info['mod']], [crc32_file(m)], 'initrd CRC')


def make_cpio(d, name, members):
    """A newc archive built by Debian's cpio from {member name: path}."""
    src = os.path.join(d, name + '.d')
    os.makedirs(src)
    for member, path in members.items():
        with open(path, 'rb') as f, open(os.path.join(src, member), 'wb') as g:
            g.write(f.read())
    out = os.path.join(d, name)
    p = subprocess.run('ls | cpio -o -H newc > %s' % out, shell=True, cwd=src,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        fail('cpio failed: %s' % p.stdout.decode())
    return out


def test_bundle_with_script_kernel_and_modules():
    d = tmpdir()
    m1 = random_file(d, 'm1', 70001, seed=31)
    m2 = random_file(d, 'm2', 4096, seed=32)
    s = script(d, 'boot.ipxe', '''#!ipxe
echo size of m1: ${fwboot/size/opt/fwboot/set.cpio#m1}
kernel fw_cfg:opt/fwboot/set.cpio#kernel.elf from the bundle
module fw_cfg:opt/fwboot/set.cpio#m1 first
module fw_cfg:opt/fwboot/set.cpio#m2
boot
''')
    bundle = make_cpio(d, 'set.cpio', {'boot.ipxe': s, 'kernel.elf': kernel('mbtest-low.elf'),
                                        'm1': m1, 'm2': m2})
    r = boot(files={'opt/fwboot/set.cpio': bundle}, append='name=opt/fwboot/set.cpio#boot.ipxe')
    expect_status(r, MBTEST_DONE)
    expect_console(r, 'size of m1: 70001')
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/set.cpio#kernel.elf from the bundle', 'command line')
    expect_eq([x['string'] for x in info['mod']], ['opt/fwboot/set.cpio#m1 first', 'opt/fwboot/set.cpio#m2'],
              'module strings')
    expect_eq([x['crc32'] for x in info['mod']], [crc32_file(m1), crc32_file(m2)], 'module CRCs')
    expect_eq(info['lowdata']['ok'], 1, 'the low segment arrived intact')


def test_bundle_member_from_plain_command_line():
    d = tmpdir()
    m = random_file(d, 'm', 3333, seed=41)
    bundle = make_cpio(d, 'b.cpio', {'k': kernel('mbtest-elf32.elf'), 'm': m})
    r = boot(files={'opt/fwboot/b.cpio': bundle},
             append='name=opt/fwboot/b.cpio#k initrd=opt/fwboot/b.cpio#m -- plain')
    expect_status(r, MBTEST_DONE)
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], 'opt/fwboot/b.cpio#k plain', 'command line')
    expect_eq(info['mod'][0]['crc32'], crc32_file(m), 'module CRC')


def test_bundle_missing_member():
    d = tmpdir()
    bundle = make_cpio(d, 'b.cpio', {'k': kernel('mbtest-elf32.elf')})
    r = boot(files={'opt/fwboot/b.cpio': bundle}, append='name=opt/fwboot/b.cpio#nope')
    expect_status(r, ST_NOT_FOUND)
    expect_console(r, 'fwboot: open: ')
    expect_console(r, 'nope')


def test_retry_loop_runs_in_constant_memory():
    """1200 failed boots (each reads a 32 KiB header window; the old heap gave
    out after about 500), then a good kernel boots."""
    d = tmpdir()
    bad = random_file(d, 'bad', 40000, seed=31)
    n = 1200
    s = script(d, 'boot.ipxe', '''#!ipxe
set n x
:retry
imgfree
kernel fw_cfg:opt/fwboot/bad
boot || goto next
:next
iseq ${n} %s && goto good || goto more
:more
set n ${n}x
goto retry
:good
echo failed %d times, now the good kernel
kernel fw_cfg:opt/fwboot/good
boot
''' % ('x' * n, n))
    r = boot(files={'opt/fwboot/boot': s, 'opt/fwboot/bad': bad,
                    'opt/fwboot/good': kernel('mbtest-elf32.elf')})
    expect_console(r, 'failed %d times, now the good kernel' % n)
    expect_status(r, MBTEST_DONE)
    expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/good', 'kernel command line')


def test_bundle_walk_over_port_io_is_linear():
    """2000 members of 2 KiB, the kernel last, over port I/O on a machine
    without fw_cfg DMA: the walk reads the archive once (about 4 MiB). The
    old driver rewound and discarded the offset for every header read,
    about 4 GB of port reads: far past the hang guard."""
    d = tmpdir()
    members = {}
    for i in range(2000):
        members['m%04d' % i] = random_file(d, 'm%04d' % i, 2048, seed=i)
    members['zz-kernel.elf'] = kernel('mbtest-elf32.elf')
    bundle = make_cpio(d, 'set.cpio', members)
    for extra, mode in (((), 'fw_cfg=pio'), (('-machine', 'pc-i440fx-2.4'), '')):
        r = boot(files={'opt/fwboot/set.cpio': bundle},
                 append='name=opt/fwboot/set.cpio#zz-kernel.elf %s -- walk' % mode, extra=extra)
        expect_status(r, MBTEST_DONE)
        expect_console(r, 'fw_cfg: port I/O')
        expect_eq(parse_mbtest(r)['cmdline'], 'opt/fwboot/set.cpio#zz-kernel.elf walk', 'kernel command line')
