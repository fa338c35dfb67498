# SPDX-License-Identifier: BSD-2-Clause
"""QEMU boot-test harness for fwboot (Python 3 standard library only).

boot() runs qemu-system-x86_64 with fwboot as -kernel and the given fw_cfg
files, and returns the exit status and the serial console text. The timeout
only guards against hangs (a hang is a failure, reported as such); tests never
assert on timing.

Typical use in a tests/boot/test_*.py file:

    from harness import boot, tmpdir, random_file, expect_status, parse_mbtest

    def test_something():
        d = tmpdir()
        mod = random_file(d, 'mod', 1000, seed=1)
        r = boot(files={'opt/fwboot/kernel': kernel('mbtest-elf32.elf'),
                        'opt/fwboot/mod': mod},
                 append='name=opt/fwboot/kernel initrd=opt/fwboot/mod -- a b')
        expect_status(r, MBTEST_DONE)
        info = parse_mbtest(r)
        expect_eq(info['cmdline'], 'opt/fwboot/kernel a b', 'command line')

Environment: FWBOOT_KVM=1 runs under KVM instead of TCG; FWBOOT_QEMU names
another QEMU binary; FWBOOT_TIMEOUT sets the hang guard in seconds (300);
FWBOOT_KEEP_TMP=1 keeps the temporary directories.
"""

import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, 'build')
FWBOOT = os.path.join(BUILD, 'fwboot.elf')
KERNELS = os.path.join(BUILD, 'kernels')
QEMU = os.environ.get('FWBOOT_QEMU', 'qemu-system-x86_64')

# Seconds before a boot counts as hung: a guard, not a performance bound.
DEFAULT_TIMEOUT = int(os.environ.get('FWBOOT_TIMEOUT', '300'))
DEBUG_EXIT = 'isa-debug-exit,iobase=0xf4,iosize=0x04'

# QEMU exit statuses: a guest write of V to isa-debug-exit gives (V << 1) | 1.
MBTEST_DONE = 129               # mbtest and the demo write 0x40
MBTEST_BAD_MAGIC = 131          # mbtest writes 0x41


def exit_status(value):
    """QEMU's exit status when the guest writes value to isa-debug-exit."""
    return (value << 1) | 1


# ---- failures and skips ----

class TestFailure(AssertionError):
    """A test's expectation did not hold. The message says what and why."""


class Skip(Exception):
    """Only for an optional prerequisite that is absent (say which)."""


def fail(msg):
    raise TestFailure(msg)


def expect(cond, msg):
    if not cond:
        raise TestFailure(msg)


def expect_eq(actual, expected, what):
    if actual != expected:
        raise TestFailure('%s: got %r, expected %r' % (what, actual, expected))


# ---- per-test context: the runner reads the boots for failure reports ----

_ctx = threading.local()


class TestContext:
    def __init__(self, name):
        self.name = name
        self.boots = []       # every BootResult of this test, in order
        self.tmpdirs = []


def begin_test(name):
    _ctx.current = TestContext(name)
    return _ctx.current


def end_test():
    """Forget the current test and remove its temporary directories."""
    ctx = getattr(_ctx, 'current', None)
    _ctx.current = None
    if ctx and not os.environ.get('FWBOOT_KEEP_TMP'):
        for d in ctx.tmpdirs:
            shutil.rmtree(d, ignore_errors=True)
    return ctx


def current_test():
    return getattr(_ctx, 'current', None)


def tmpdir():
    """A fresh temporary directory, removed when the test ends."""
    d = tempfile.mkdtemp(prefix='fwboot-test-')
    ctx = current_test()
    if ctx is not None:
        ctx.tmpdirs.append(d)
    return d


# ---- files ----

def kernel(name):
    """Path of a built test kernel (build/kernels/NAME); fails if missing."""
    path = os.path.join(KERNELS, name)
    if not os.path.isfile(path):
        fail('%s is missing: run "make kernels"' % os.path.relpath(path, ROOT))
    return path


def _random_chunks(size, seed, chunk=1 << 22):
    rng = random.Random(seed)
    while size:
        n = min(size, chunk)
        yield rng.randbytes(n)
        size -= n


def random_bytes(size, seed):
    """size deterministic pseudo-random bytes (the same for the same seed)."""
    return b''.join(_random_chunks(size, seed))


def random_file(directory, name, size, seed):
    """Write random_bytes(size, seed) to directory/name; return its path."""
    path = os.path.join(directory, name)
    with open(path, 'wb') as f:
        for block in _random_chunks(size, seed):
            f.write(block)
    return path


def write_file(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def crc32_bytes(data):
    return zlib.crc32(data) & 0xffffffff


def crc32_file(path):
    crc = 0
    with open(path, 'rb') as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            crc = zlib.crc32(block, crc)
    return crc & 0xffffffff


def mbtest_pattern(size, seed):
    """The known bytes mbtest carries (tests/kernels/entry.S):
    byte i = (i*151 + (i>>8)*17 + seed) & 0xff."""
    return bytes((i * 151 + (i >> 8) * 17 + seed) & 0xff for i in range(size))


# ---- running QEMU ----

class BootResult:
    """What one QEMU run gave: .status (exit code, None on a hang),
    .console (serial text), .hang, .cmd (argument list)."""

    def __init__(self, cmd, status, console, hang, stderr, timeout):
        self.cmd = cmd
        self.status = status
        self.console = console
        self.hang = hang
        self.stderr = stderr
        self.timeout = timeout

    def tail(self, lines=25):
        return '\n'.join(self.console.splitlines()[-lines:])

    def command_line(self):
        return ' '.join(_shell_quote(a) for a in self.cmd)

    def __repr__(self):
        return '<BootResult status=%r hang=%r console=%d chars>' % (
            self.status, self.hang, len(self.console))


def _shell_quote(a):
    if re.fullmatch(r'[\w@%+=:,./-]+', a):
        return a
    return "'" + a.replace("'", "'\\''") + "'"


def _pairs(x):
    if x is None:
        return []
    if isinstance(x, dict):
        return list(x.items())
    return list(x)


def qemu_opt(value):
    """Escape a value inside a QEMU option list (a comma is written twice)."""
    return value.replace(',', ',,')


def accel():
    return 'kvm' if os.environ.get('FWBOOT_KVM') == '1' else 'tcg'


def boot(files=None, append=None, mem='256M', extra=(), option_roms=(), strings=None,
         timeout=DEFAULT_TIMEOUT, kernel_path=None, cdrom=None, debug_exit=True, disk=None):
    """Boot fwboot (or kernel_path) under QEMU and wait for it to exit.

    files: {fw_cfg name: host path} or a list of (name, path) pairs, each
    given as -fw_cfg name=N,file=F. strings: the same for -fw_cfg
    name=N,string=S. append: fwboot's command line (-append). option_roms:
    paths given as -option-rom (fw_cfg name genroms/<basename>). extra: more
    QEMU arguments. cdrom: boot the BIOS from this ISO instead of -kernel
    (GRUB starting fwboot; no append then). disk: the same for a raw disk
    image (an IDE disk: a FAT image the EFI shell or UEFI's removable-media
    boot reads). debug_exit=False leaves out the isa-debug-exit device. The
    console is COM1, captured to a file.
    """
    if cdrom is not None or disk is not None:
        if kernel_path is not None or append is not None or (cdrom and disk):
            fail('boot(): cdrom= or disk= replaces -kernel and -append')
        if not os.path.isfile(cdrom or disk):
            fail('image %s does not exist' % (cdrom or disk))
    elif kernel_path is None:
        kernel_path = FWBOOT
        if not os.path.isfile(FWBOOT):
            fail('build/fwboot.elf is missing: run "make"')
    if shutil.which(QEMU) is None:
        fail('%s not found (tools/deps.sh installs it)' % QEMU)
    for name, path in _pairs(files):
        if not os.path.isfile(path):
            fail('fw_cfg file %s: %s does not exist' % (name, path))

    d = tempfile.mkdtemp(prefix='fwboot-qemu-')
    try:
        serial = os.path.join(d, 'serial.txt')
        if cdrom is not None:
            cmd = [QEMU, '-cdrom', cdrom, '-boot', 'd']
        elif disk is not None:
            cmd = [QEMU, '-drive', 'file=%s,format=raw,if=ide' % qemu_opt(disk)]
        else:
            cmd = [QEMU, '-kernel', kernel_path]
        cmd += ['-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'file:' + serial,
                '-accel', accel(), '-m', str(mem)]
        if debug_exit:
            cmd += ['-device', DEBUG_EXIT]
        if append is not None:
            cmd += ['-append', append]
        for name, path in _pairs(files):
            cmd += ['-fw_cfg', 'name=%s,file=%s' % (qemu_opt(name), qemu_opt(path))]
        for name, value in _pairs(strings):
            cmd += ['-fw_cfg', 'name=%s,string=%s' % (qemu_opt(name), qemu_opt(value))]
        for path in option_roms:
            cmd += ['-option-rom', qemu_opt(path)]
        cmd += list(extra)

        hang = False
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
            status, stderr = p.returncode, (p.stdout + p.stderr).decode('utf-8', 'replace')
        except subprocess.TimeoutExpired as e:
            hang = True
            status = None
            stderr = ((e.stdout or b'') + (e.stderr or b'')).decode('utf-8', 'replace')
        try:
            with open(serial, 'rb') as f:
                console = f.read().decode('latin-1')
        except FileNotFoundError:
            console = ''
    finally:
        shutil.rmtree(d, ignore_errors=True)

    r = BootResult(cmd, status, console.replace('\r\n', '\n'), hang, stderr, timeout)
    ctx = current_test()
    if ctx is not None:
        ctx.boots.append(r)
    return r


def expect_status(r, expected):
    """Fail unless QEMU exited with expected; a hang is reported as one."""
    if r.hang:
        fail('hang: QEMU did not exit within %d s (the guest stopped making progress '
             'or loops)' % r.timeout)
    if r.status != expected:
        why = ''
        if r.status is not None and r.status & 1 and r.status > 1:
            why = ' (guest wrote 0x%x to isa-debug-exit)' % (r.status >> 1)
        elif r.status == 0:
            why = ' (QEMU exited normally: reset or shutdown with -no-reboot, e.g. a triple fault)'
        err = r.stderr.strip().splitlines()
        fail('exit status %r%s, expected %d%s' % (r.status, why, expected,
             ('; qemu said: ' + err[-1]) if err else ''))


# ---- mbtest output ----

# A line: "mbtest: [kind words] key=value key=value ...". Values: integers
# (decimal or 0x hex), "quoted strings" with \\ \" \xNN escapes, or words.
# Kinds that repeat become lists; other kinds become one dict each; lines
# without a kind add their keys at the top level.
MBTEST_LIST_KINDS = ('mmap_entry', 'mod', 'region', 'overlap', 'shdr')

_TOKEN = re.compile(r'\s*(?:([A-Za-z_][\w]*)=("(?:[^"\\]|\\.)*"|\S*)|(\S+))')


def _unquote(s):
    out = []
    i = 1
    while i < len(s) - 1:
        c = s[i]
        if c == '\\':
            n = s[i + 1]
            if n == 'x':
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(n)
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def _value(v):
    if v.startswith('"'):
        return _unquote(v)
    if re.fullmatch(r'0x[0-9a-fA-F]+', v):
        return int(v, 16)
    if re.fullmatch(r'[0-9]+', v):
        return int(v)
    if v == 'none':
        return None
    return v


def parse_mbtest(text):
    """Parse mbtest's console lines (text or a BootResult) into a dict.

    Top-level keys come from lines without a kind (variant, magic, load,
    entry, entry_ok, cmdline, loader, mem_lower, mem_upper); each other kind
    is a dict (state, segments, machine, info, mmap, mods, image, lowdata,
    layout, error) or, for mmap_entry/mod/region/overlap, a list of dicts.
    'done' is True when mbtest reached its last line; 'lines' counts lines.
    Fails when there is no mbtest output at all.
    """
    if isinstance(text, BootResult):
        text = text.console
    info = {k: [] for k in MBTEST_LIST_KINDS}
    info['done'] = False
    info['lines'] = 0
    info['variant_lines'] = 0
    for line in text.splitlines():
        if not line.startswith('mbtest: '):
            continue
        info['lines'] += 1
        rest = line[len('mbtest: '):]
        kind = []
        fields = {}
        pos = 0
        while pos < len(rest):
            m = _TOKEN.match(rest, pos)
            if not m or m.end() == pos:
                break
            pos = m.end()
            if m.group(1):
                fields[m.group(1)] = _value(m.group(2))
            elif m.group(3):
                if fields:
                    fields.setdefault('_extra', []).append(m.group(3))
                else:
                    kind.append(m.group(3))
        kind = ' '.join(kind)
        if kind == 'done':
            info['done'] = True
        elif not kind:
            if 'variant' in fields:
                info['variant_lines'] += 1
            info.update(fields)
        elif kind in MBTEST_LIST_KINDS:
            info[kind].append(fields)
        else:
            info.setdefault(kind, {}).update(fields)
    if info['lines'] == 0:
        fail('no mbtest output on the console (did the kernel start?)')
    return info


def contiguous_available(entries, start):
    """Bytes of type-1 memory from start onwards without a gap (adjacent or
    overlapping type-1 entries join), 0 if start is not available."""
    pos = start
    moved = True
    while moved:
        moved = False
        for e in entries:
            if e['type'] == 1 and e['base'] <= pos < e['base'] + e['len']:
                pos = e['base'] + e['len']
                moved = True
    return pos - start


# ---- the screen: QEMU's monitor (QMP) reads it back ----

class Screen:
    """A screendump: .width, .height, .pixels (RGB bytes, row after row)."""

    def __init__(self, width, height, pixels):
        self.width, self.height, self.pixels = width, height, pixels

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.pixels[i:i + 3])


def parse_ppm(data):
    """A binary PPM (P6, maxval 255), as QEMU's screendump writes it."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b'#':
            pos = data.index(b'\n', pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1    # the one whitespace byte after maxval
    if fields[0] != b'P6' or fields[3] != b'255':
        fail('screendump is not a P6 PPM with maxval 255 (%r)' % fields)
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + w * h * 3]
    if len(pixels) != w * h * 3:
        fail('screendump has %d pixel bytes, expected %d' % (len(pixels), w * h * 3))
    return Screen(w, h, pixels)


class _Qmp:
    def __init__(self, path):
        import json
        import socket
        self.json = json
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.f = self.sock.makefile('rw')
        self.f.readline()       # the greeting
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        self.f.write(self.json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                fail('QMP: QEMU closed the monitor during %s' % name)
            reply = self.json.loads(line)
            if 'error' in reply:
                fail('QMP %s: %s' % (name, reply['error'].get('desc')))
            if 'return' in reply:
                return reply['return']

    def close(self):
        self.sock.close()


def _reap(p, hang):
    """QEMU's output once it has ended: killed when it hung, and when it
    does not end within a minute of being asked to."""
    if hang:
        p.kill()
    try:
        out, _ = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return out


def boot_screen(files=None, append=None, until=(), extra=(), mem='256M', timeout=DEFAULT_TIMEOUT,
                cdrom=None, vga_text=False, kernel_path=None, grab_screen=True, disk=None):
    """Boot like boot() with a display (give it in extra, e.g. -vga std) and
    a QMP socket; once the console shows one of the strings in until (the
    guest has drawn and waits), read the screen (r.screen, a Screen) and,
    with vga_text, the VGA text window 0xB8000-0xBFFFF (r.vga_text, bytes:
    character, attribute, ...), then quit QEMU. When QEMU exits first,
    r.screen is None. The timeout guards a hang only. until may also be a
    function of the console text (true: seen). grab_screen=False only waits for
    until and quits (a guest that never exits, with no display);
    kernel_path boots that instead of fwboot.elf; cdrom and disk as for
    boot()."""
    import time
    d = tempfile.mkdtemp(prefix='fwboot-qmp-')
    try:
        serial = os.path.join(d, 'serial.txt')
        sock = os.path.join(d, 'qmp.sock')
        if cdrom is not None:
            cmd = [QEMU, '-cdrom', cdrom, '-boot', 'd']
        elif disk is not None:
            cmd = [QEMU, '-drive', 'file=%s,format=raw,if=ide' % qemu_opt(disk)]
        else:
            cmd = [QEMU, '-kernel', kernel_path or FWBOOT]
        cmd += ['-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'file:' + serial,
                '-device', DEBUG_EXIT, '-accel', accel(), '-m', str(mem),
                '-qmp', 'unix:%s,server=on,wait=off' % sock]
        if append is not None:
            cmd += ['-append', append]
        for name, path in _pairs(files):
            cmd += ['-fw_cfg', 'name=%s,file=%s' % (qemu_opt(name), qemu_opt(path))]
        cmd += list(extra)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        screen = text = None
        hang = False
        deadline = time.monotonic() + timeout
        seen = False
        while p.poll() is None and not seen:
            if time.monotonic() > deadline:
                hang = True
                break
            try:
                with open(serial, 'rb') as f:
                    console = f.read().decode('latin-1')
                seen = until(console) if callable(until) else any(u in console for u in until)
            except FileNotFoundError:
                pass
            if not seen:
                time.sleep(0.2)
        if seen:
            q = _Qmp(sock)
            shot = os.path.join(d, 'screen.ppm')
            if grab_screen:
                q.cmd('screendump', filename=shot)
                with open(shot, 'rb') as f:
                    screen = parse_ppm(f.read())
            if vga_text:
                dump = os.path.join(d, 'vga.bin')
                q.cmd('pmemsave', val=0xB8000, size=0x8000, filename=dump)
                with open(dump, 'rb') as f:
                    text = f.read()
            try:
                q.cmd('quit')
            except TestFailure:
                pass
            q.close()
        out = _reap(p, hang)
        try:
            with open(serial, 'rb') as f:
                console = f.read().decode('latin-1')
        except FileNotFoundError:
            console = ''
    finally:
        shutil.rmtree(d, ignore_errors=True)
    r = BootResult(cmd, None if hang else p.returncode, console.replace('\r\n', '\n'), hang,
                   (out or b'').decode('utf-8', 'replace'), timeout)
    r.screen = screen
    r.vga_text = text
    ctx = current_test()
    if ctx is not None:
        ctx.boots.append(r)
    return r


def vga_text_rows(data, cols=80):
    """The characters of a VGA text window dump (char, attribute pairs), as rows of cols."""
    chars = ''.join(chr(c) if 0x20 <= c < 0x7f else ' ' for c in data[0::2])
    return [chars[i:i + cols] for i in range(0, len(chars), cols)]


def connect_serial(path, p, deadline):
    """A client of the serial socket QEMU (process p) serves at path, once
    QEMU has opened it; fails when QEMU ended or the deadline passed first."""
    import socket
    import time
    while time.monotonic() < deadline and p.poll() is None:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.05)
    fail('QEMU did not open its serial socket')


def boot_keys(files=None, steps=(), append=None, extra=(), mem='256M', kernel_path=None,
              timeout=DEFAULT_TIMEOUT, qmp=False, vga_text_at=None):
    """Boot like boot() with COM1 on a socket the test holds, and type at it.

    steps: (marker, keys) pairs done in order: wait until marker shows on
    the console (after where the previous marker was seen), then send keys:
    bytes go to the serial port; a callable is called and the bytes it
    returns are sent; a list of QEMU key names (qmp=True) goes
    through QMP send-key to the PS/2 keyboard. A step's marker is only
    looked for in output that came after the previous one, so a redrawn
    menu is waited for afresh. vga_text_at: a marker after which the VGA
    text window is read (r.vga_text) before the next step. Then QEMU runs
    to its end; the timeout guards a hang only."""
    import socket
    import time
    d = tempfile.mkdtemp(prefix='fwboot-keys-')
    p = None
    try:
        ser = os.path.join(d, 'serial.sock')
        sock = os.path.join(d, 'qmp.sock')
        cmd = [QEMU, '-kernel', kernel_path or FWBOOT, '-nodefaults', '-display', 'none', '-no-reboot',
               '-chardev', 'socket,id=com1,path=%s,server=on,wait=on' % ser, '-serial', 'chardev:com1',
               '-device', DEBUG_EXIT, '-accel', accel(), '-m', str(mem)]
        if qmp or vga_text_at:
            cmd += ['-qmp', 'unix:%s,server=on,wait=off' % sock]
        if append is not None:
            cmd += ['-append', append]
        for name, path in _pairs(files):
            cmd += ['-fw_cfg', 'name=%s,file=%s' % (qemu_opt(name), qemu_opt(path))]
        cmd += list(extra)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        s = connect_serial(ser, p, deadline)
        s.settimeout(0.2)
        buf = bytearray()
        q = None
        hang = False
        pos = 0
        todo = list(steps)
        text = None

        def pump():
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return True
            except OSError:
                return False
            if not chunk:
                return False
            buf.extend(chunk)
            return True

        open_ = True
        while open_:
            if time.monotonic() > deadline:
                hang = True
                break
            open_ = pump()
            console = buf.decode('latin-1')
            if vga_text_at and text is None and vga_text_at in console:
                if q is None:
                    q = _Qmp(sock)
                dump = os.path.join(d, 'vga.bin')
                q.cmd('pmemsave', val=0xB8000, size=0x8000, filename=dump)
                with open(dump, 'rb') as f:
                    text = f.read()
            while todo:
                marker, keys = todo[0]
                at = console.find(marker, pos)
                if at < 0:
                    break
                pos = at + len(marker)
                todo.pop(0)
                if isinstance(keys, (bytes, bytearray)):
                    s.sendall(keys)
                elif callable(keys):    # something the test does at that point (kill a helper), then keys
                    s.sendall(keys() or b'')
                else:
                    if q is None:
                        q = _Qmp(sock)
                    for k in keys:
                        q.cmd('send-key', keys=[{'type': 'qcode', 'data': k}])
        out = _reap(p, hang)
        s.close()
        if q is not None:
            q.close()
    finally:
        if p is not None and p.poll() is None:
            p.kill()
        shutil.rmtree(d, ignore_errors=True)
    r = BootResult(cmd, None if hang else p.returncode, buf.decode('latin-1').replace('\r\n', '\n'), hang,
                   (out or b'').decode('utf-8', 'replace'), timeout)
    r.vga_text = text
    r.steps_left = [m for m, _ in todo]
    ctx = current_test()
    if ctx is not None:
        ctx.boots.append(r)
    return r
