# SPDX-License-Identifier: BSD-2-Clause
"""fwboot's console for CI: `quiet` (errors and the hand-off line only),
`verbose` (the fw_cfg directory, zero-fills, every MiB of port I/O), and
the progress lines of slow loads (port I/O, inflate)."""

import gzip
import hashlib
import os
import re

from harness import (boot, crc32_file, expect, expect_eq, expect_status, kernel, parse_mbtest,
                     random_file, tmpdir, MBTEST_DONE)

K = 'opt/fwboot/kernel'


def fwboot_lines(r):
    return [l for l in r.console.splitlines() if l.startswith('fwboot')]


def test_quiet():
    d = tmpdir()
    mod = random_file(d, 'mod', 5000, seed=21)
    r = boot(files={K: kernel('mbtest-elf32.elf'), 'opt/fwboot/mod': mod},
             append='quiet name=%s initrd=opt/fwboot/mod -- a' % K)
    expect_status(r, MBTEST_DONE)
    lines = fwboot_lines(r)
    expect(len(lines) == 1 and re.match(r'fwboot: boot: multiboot1 entry 0x100040 ', lines[0]),
           'quiet printed more (or less) than the hand-off line: %r' % lines)
    info = parse_mbtest(r)
    expect_eq(info['cmdline'], K + ' a', 'the payload\'s command line')
    expect_eq(info['mod'][0]['crc32'], crc32_file(mod), 'module CRC')
    # errors are still printed in full, with their status
    r = boot(files={K: mod}, append='quiet name=%s' % K)
    expect_status(r, 11)
    lines = fwboot_lines(r)
    expect(any('is not a bootable image' in l and '[status 5]' in l for l in lines),
           'quiet hid the error: %r' % lines)
    expect(not any('memory:' in l or 'open:' in l for l in lines), 'quiet printed progress: %r' % lines)


def test_verbose():
    r = boot(files={K: kernel('mbtest-elf32.elf')}, append='verbose name=%s' % K)
    expect_status(r, MBTEST_DONE)
    text = r.console
    expect('fwboot: fw_cfg directory (' in text and re.search(r'^  opt/fwboot/kernel +\d+ bytes', text, re.M),
           'verbose did not list the fw_cfg directory')
    expect(re.search(r'^fwboot: load: bss -> 0x[0-9a-f]+-0x[0-9a-f]+ \(\d+ bytes zeroed\)$', text, re.M),
           'verbose did not show the zero-fill')
    plain = boot(files={K: kernel('mbtest-elf32.elf')}, append='name=%s' % K)
    expect_status(plain, MBTEST_DONE)
    expect('directory (' not in plain.console and 'zeroed' not in plain.console,
           'the normal level printed verbose lines')
    expect('time:' not in plain.console, 'the normal level printed the step times')
    check_time_line(text)


STEPS = ['setup', 'fw_cfg', 'open', 'script', 'pins', 'inflate', 'plan', 'load', 'hand-off']


def check_time_line(text):
    """verbose ends with where fwboot's time went: every step, in order,
    summing to the total (each rounded down), after the hand-off line."""
    m = re.search(r'^fwboot: time: (\d+) us from entry to hand-off: (.*) \(TSC (\d+)\.\d{3} MHz, '
                  r'timed against the PIT\)$', text, re.M)
    expect(m, 'no time: line with a TSC rate in %r' % text[-600:])
    parts = [p.strip().rsplit(' ', 1) for p in m.group(2).split(',')]
    expect_eq([p[0] for p in parts], STEPS, 'the steps, in order')
    us = [int(p[1]) for p in parts]
    total = int(m.group(1))
    expect(total - len(us) <= sum(us) <= total, 'steps %r do not sum to the total %d' % (us, total))
    expect(us[STEPS.index('load')] > 0 and us[STEPS.index('setup')] > 0, 'setup and load took no time: %r' % us)
    expect(int(m.group(3)) > 0, 'a TSC rate of 0 MHz')
    return dict(zip(STEPS, us))


def test_verbose_time_script_gzip_pin():
    """The steps a script, a pin and gzip add are charged to their own names."""
    d = tmpdir()
    gz = os.path.join(d, 'k.gz')
    with open(kernel('mbtest-elf32.elf'), 'rb') as f, gzip.open(gz, 'wb') as g:
        g.write(f.read())
    with open(gz, 'rb') as f:
        pin = hashlib.sha256(f.read()).hexdigest()
    script = os.path.join(d, 's.ipxe')
    with open(script, 'w') as f:
        f.write('#!ipxe\nkernel fw_cfg:opt/fwboot/k.gz --sha256=%s\nboot\n' % pin)
    r = boot(files={'opt/fwboot/s': script, 'opt/fwboot/k.gz': gz}, append='verbose name=opt/fwboot/s')
    expect_status(r, MBTEST_DONE)
    us = check_time_line(r.console)
    expect(us['inflate'] > 0 and us['pins'] > 0 and us['script'] > 0,
           'inflate, pins and script took no time: %r' % us)


def test_port_io_progress():
    """A 6 MiB module over port I/O: lines at each quarter (normal), each
    MiB (verbose); the module arrives intact either way."""
    d = tmpdir()
    mod = random_file(d, 'big', 6 << 20, seed=22)
    files = {K: kernel('mbtest-elf32.elf'), 'opt/fwboot/big': mod}
    # normal: the first MiB boundary at or past each quarter (1536, 3072, 4608 KiB)
    for words, marks in (('', [2048, 3072, 5120]), ('verbose', [1024 * i for i in range(1, 7)])):
        r = boot(files=files, append='fw_cfg=pio %s name=%s initrd=opt/fwboot/big' % (words, K))
        expect_status(r, MBTEST_DONE)
        got = [int(m.group(1)) for m in re.finditer(
            r'^fwboot: load: opt/fwboot/big: (\d+) of 6144 KiB \(port I/O\)$', r.console, re.M)]
        expect_eq(got, marks, 'progress lines (%s)' % (words or 'normal'))
        expect_eq(parse_mbtest(r)['mod'][0]['crc32'], crc32_file(mod), 'module CRC')
    # DMA needs none
    r = boot(files=files, append='name=%s initrd=opt/fwboot/big' % K)
    expect_status(r, MBTEST_DONE)
    expect('KiB (port I/O)' not in r.console, 'a progress line under DMA')


def test_inflate_line():
    r = boot(files={K: kernel('mb2test-elf32.elf.gz')}, append='name=%s' % K)
    expect(re.search(r'^fwboot: gzip: inflating %s \(\d+ bytes\)$' % K, r.console, re.M),
           'no line before inflating')
    lines = r.console.splitlines()
    i = next(i for i, l in enumerate(lines) if 'gzip: inflating' in l)
    expect(any('inflated to' in l for l in lines[i + 1:]), 'the inflate line is not before the result')


def _console_read_late(stall, append):
    """The serial console read by a reader that starts stall seconds late:
    QEMU holds the UART's FIFO full while its backend cannot take more."""
    import socket
    import subprocess
    import time
    import harness
    d = tmpdir()
    ser = os.path.join(d, 'serial.sock')
    cmd = [harness.QEMU, '-kernel', harness.FWBOOT, '-nodefaults', '-display', 'none', '-no-reboot',
           '-chardev', 'socket,id=com1,path=%s,server=on,wait=on' % ser, '-serial', 'chardev:com1',
           '-device', harness.DEBUG_EXIT, '-accel', harness.accel(), '-m', '256M',
           '-fw_cfg', 'name=%s,file=%s' % (K, kernel('mbtest-elf32.elf')), '-append', append]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s = harness.connect_serial(ser, p, time.monotonic() + 60)
        time.sleep(stall)
        s.settimeout(10)
        buf = bytearray()
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            buf.extend(chunk)
        s.close()
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return buf.decode('latin-1').replace('\r\n', '\n')


def test_a_late_reader_loses_nothing():
    """A console reader half a second behind (a loaded host, a VM manager's
    log socket read late) gets every line: fwboot waits for the UART's FIFO
    to drain instead of writing into a full one, which drops bytes."""
    append = 'name=%s -- late reader' % K
    prompt = _console_read_late(0, append)
    late = _console_read_late(0.6, append)
    expect('mbtest: done' in prompt, 'the prompt reader saw the kernel finish:\n%s' % prompt[-600:])
    expect_eq(late.splitlines(), prompt.splitlines(), 'what a reader 0.6 s late got, line by line')
