# SPDX-License-Identifier: BSD-2-Clause
"""Graphics for the payload: fbtest (tests/kernels/fbtest.c) asks for a mode
through Multiboot 1 (flag 2) or Multiboot 2 (the framebuffer tag, required
or optional), draws a known pattern through the framebuffer it was given,
and the test reads the screen back through QEMU's screendump (QMP) and
checks every pixel. Also: refusal and fallback without a usable display,
and fwboot's own lines on the VGA text screen."""

from harness import (boot, boot_screen, expect, expect_eq, expect_status, exit_status, kernel,
                     vga_text_rows)
from kreport import fwboot_line, parse_report

K = 'opt/fwboot/kernel'
ST_BAD_IMAGE = exit_status(5)
DONE = exit_status(0x40)
DRAWN = ('fbtest: drawn', 'fbtest: done', 'fwboot: halted')
STD = ('-vga', 'std')


def fb_boot(name, extra=STD, vga_text=False):
    return boot_screen(files={K: kernel(name)}, append='name=' + K, until=DRAWN, extra=extra,
                       vga_text=vga_text)


def expected_pixel(x, y):
    """fbtest's pattern (tests/kernels/fbtest.c)."""
    return ((x * 3 + y) & 0xff, (x ^ (y * 5)) & 0xff, ((x * y) >> 4) & 0xff)


def check_pattern(r, fb):
    """Every pixel of the screen is fbtest's pattern, cut to the field sizes
    the kernel was told (the top bits of each channel must match)."""
    s = r.screen
    expect(s is not None, 'no screendump: the kernel did not draw (console: %s)' % r.tail(5))
    expect_eq((s.width, s.height), (fb['width'], fb['height']), 'screen size')
    sizes = (fb['red_size'], fb['green_size'], fb['blue_size'])
    masks = [(0xff << (8 - n)) & 0xff for n in sizes]
    bad = []
    for y in range(s.height):
        for x in range(s.width):
            got = s.pixel(x, y)
            want = expected_pixel(x, y)
            if any((g & m) != (w & m) for g, w, m in zip(got, want, masks)):
                bad.append((x, y, got, want))
                if len(bad) > 5:
                    break
        if len(bad) > 5:
            break
    expect(not bad, 'pixels differ from the pattern (x, y, got, want): %r' % bad[:5])


def check_fb(r, width, height, bpp, positions):
    k = parse_report(r, 'fbtest')
    fb = k.get('fb', {})
    expect_eq(fb.get('type'), 1, 'framebuffer type (1 = RGB)')
    expect_eq((fb['width'], fb['height'], fb['bpp']), (width, height, bpp), 'mode')
    expect_eq(fb['pitch'], width * ((bpp + 7) // 8), 'pitch')
    expect_eq((fb['red_pos'], fb['red_size'], fb['green_pos'], fb['green_size'], fb['blue_pos'],
               fb['blue_size']), positions, 'colour field positions and sizes')
    check_pattern(r, fb)
    return fb


RGB32 = (16, 8, 8, 8, 0, 8)
RGB16 = (11, 5, 5, 6, 0, 5)


def test_mb1_800x600x32_std_vga():
    r = fb_boot('fbtest-mb1.elf')
    fb = check_fb(r, 800, 600, 32, RGB32)
    fwboot_line(r, 'video: multiboot1 header flag 2 (video mode) asks for 800x600x32: setting 800x600x32')
    expect_eq(fb['addr'] & 0xfff, 0, 'framebuffer address alignment')


def test_mb1_640x480x16():
    r = fb_boot('fbtest-mb1-16.elf')
    check_fb(r, 640, 480, 16, RGB16)


def test_mb2_required_std_vga():
    r = fb_boot('fbtest-mb2.elf')
    check_fb(r, 800, 600, 32, RGB32)
    fwboot_line(r, 'video: multiboot2 header tag 5 (framebuffer) asks for 800x600x32: setting 800x600x32')


def test_mb2_optional_std_vga():
    r = fb_boot('fbtest-mb2opt.elf')
    check_fb(r, 800, 600, 32, RGB32)


def test_mb2_no_preference():
    # 0x0x0: fwboot's default, 1024x768x32
    r = fb_boot('fbtest-mb2any.elf')
    check_fb(r, 1024, 768, 32, RGB32)


def test_mb2_device_vga():
    r = fb_boot('fbtest-mb2.elf', extra=('-device', 'VGA'))
    check_fb(r, 800, 600, 32, RGB32)


def test_mb2_bochs_display():
    # no VGA ports: the DISPI registers in BAR2's MMIO
    r = fb_boot('fbtest-mb2.elf', extra=('-device', 'bochs-display'))
    check_fb(r, 800, 600, 32, RGB32)
    fwboot_line(r, 'on bochs-display (PCI 00:')


def test_mb1_bochs_display_16bpp():
    r = fb_boot('fbtest-mb1-16.elf', extra=('-device', 'bochs-display'))
    check_fb(r, 640, 480, 16, RGB16)


def test_mb2_secondary_vga():
    r = fb_boot('fbtest-mb2.elf', extra=('-device', 'secondary-vga'))
    check_fb(r, 800, 600, 32, RGB32)
    fwboot_line(r, 'on Bochs VGA (MMIO) (PCI 00:')


def test_mb2_required_refused_without_display():
    r = boot(files={K: kernel('fbtest-mb2.elf')}, append='name=' + K, extra=('-vga', 'none'))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, 'fwboot: multiboot2: header tag 5 (framebuffer) asks for a 800x600x32 framebuffer (0 = any), '
                'but no display (no Bochs-compatible VGA on PCI) (available: no display fwboot can drive)')


def test_mb2_required_refused_on_text_only_vga():
    # a VGA that is not Bochs-compatible: text mode is all there is, and says so
    r = boot(files={K: kernel('fbtest-mb2.elf')}, append='name=' + K, extra=('-vga', 'cirrus'))
    expect_status(r, ST_BAD_IMAGE)
    fwboot_line(r, '(available: no display fwboot can drive; VGA text mode only)')


def test_mb2_optional_without_display_gets_none():
    r = boot(files={K: kernel('fbtest-mb2opt.elf')}, append='name=' + K, extra=('-vga', 'none'))
    expect_status(r, DONE)
    expect('fbtest: fb none' in r.console, 'no framebuffer information: ' + r.tail(3))
    fwboot_line(r, 'video: multiboot2 header tag 5 (framebuffer) asks for 800x600x32: no display '
                '(no Bochs-compatible VGA on PCI); no framebuffer')


def test_mb2_optional_falls_back_to_text():
    # cirrus: a VGA, but not one fwboot sets modes on: the EGA text screen
    r = fb_boot('fbtest-mb2opt.elf', extra=('-vga', 'cirrus'), vga_text=True)
    k = parse_report(r, 'fbtest')
    fb = k['fb']
    expect_eq((fb['addr'], fb['type'], fb['width'], fb['height'], fb['pitch']), (0xB8000, 2, 80, 25, 160),
              'EGA text framebuffer')
    fwboot_line(r, 'staying in VGA text mode')
    rows = vga_text_rows(r.vga_text)
    expect(any('fbtest: EGA text screen' in row for row in rows[:25]), 'the kernel wrote on the text screen it was given')


def test_mb1_text_fallback_and_fwboot_lines_on_screen():
    # Multiboot 1 on a text-only VGA: the text mode; fwboot's own log is on the screen above
    r = fb_boot('fbtest-mb1.elf', extra=('-vga', 'cirrus'), vga_text=True)
    k = parse_report(r, 'fbtest')
    expect_eq(k['fb']['type'], 2, 'framebuffer type (2 = EGA text)')
    rows = vga_text_rows(r.vga_text)[:25]
    screen = '\n'.join(rows)
    expect('fwboot: image: %s is multiboot1' % K in screen, 'fwboot\'s image line on the VGA text screen:\n' + screen)
    expect(any(row.startswith('fwboot: boot: multiboot1 entry') for row in rows),
           'fwboot\'s last line on the VGA text screen:\n' + screen)
    expect('fbtest: EGA text screen' in rows[24], 'the kernel\'s line on the last row:\n' + screen)


# ---- Linux: screen_info through the 32-bit entry ----

LINUX_MARKER = 'FWBOOT-VIDEO-MARKER'
LINUX_INIT = '''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
echo "FB<$(/bin/busybox cat /proc/fb)>" > /dev/ttyS0
echo "TTY0<$(/bin/busybox cat /proc/version)>" > /dev/tty0
echo %s > /dev/ttyS0
/bin/busybox sleep 100000
''' % LINUX_MARKER


def linux_initramfs(d):
    import os
    import stat
    import test_linux
    root = os.path.join(d, 'root')
    for sub in ('bin', 'proc', 'sys', 'dev'):
        os.makedirs(os.path.join(root, sub))
    import shutil
    shutil.copy(test_linux.debian()['busybox'], os.path.join(root, 'bin', 'busybox'))
    from harness import write_file
    init = write_file(root, 'init', LINUX_INIT.encode())
    os.chmod(init, 0o755)
    for name, minor, major in (('console', 1, 5), ('ttyS0', 64, 4), ('tty0', 0, 4)):
        try:
            os.mknod(os.path.join(root, 'dev', name), 0o600 | stat.S_IFCHR, os.makedev(major, minor))
        except OSError:
            pass
    return test_linux.cpio(root, os.path.join(d, 'initrd.cpio'))


def boot_linux_screen(args, extra=STD):
    import test_linux
    from harness import tmpdir
    d = tmpdir()
    files = [('opt/fwboot/vmlinuz', test_linux.debian()['vmlinuz']), ('opt/fwboot/initrd', linux_initramfs(d))]
    return boot_screen(files=files, append='name=opt/fwboot/vmlinuz initrd=opt/fwboot/initrd entry=32 -- ' + args,
                       until=(LINUX_MARKER, 'Kernel panic', 'fwboot: halted'), extra=extra, mem='512M',
                       timeout=600, vga_text=True)


def test_linux_console_tty0_on_vga_text():
    # QEMU's own -kernel runs the setup code, which fills screen_info; through
    # the 32-bit entry fwboot does, so vgacon comes up and shows the banner
    r = boot_linux_screen('console=tty0 console=ttyS0 panic=-1 no_timer_check')
    expect(LINUX_MARKER in r.console, 'Linux did not reach /init: ' + r.tail(5))
    expect(r.vga_text is not None, 'no VGA text memory read back')
    # vgacon scrolls through all 32 KiB of text memory, so the early banner
    # has wrapped away by the time /init runs: the kernel's last lines and
    # the banner that /init writes to tty0 must be there
    expect('Console: colour VGA+ 80x25' in r.console, 'Linux did not take the VGA text console')
    text = ''.join(vga_text_rows(r.vga_text))
    expect('Run /init as init process' in text, 'the kernel log is not in VGA text memory')
    expect('TTY0<Linux version ' in text, 'the banner written to tty0 is not in VGA text memory')
    expect_eq((r.screen.width, r.screen.height), (720, 400), 'text mode screen size')


def test_linux_vga_vesa_mode_framebuffer():
    # vga=0x315 (VESA 0x115, 800x600x24) through the 32-bit entry: fwboot sets
    # the mode and hands it over as a VESA linear framebuffer in screen_info
    r = boot_linux_screen('vga=0x315 console=tty0 console=ttyS0 panic=-1 no_timer_check')
    expect(LINUX_MARKER in r.console, 'Linux did not reach /init: ' + r.tail(5))
    fwboot_line(r, 'video: linux vga=0x315 asks for 800x600x24: setting 800x600x24')
    fb = [l for l in r.console.splitlines() if l.startswith('FB<')]
    expect(fb and fb[0] != 'FB<>', 'Linux registered no framebuffer (/proc/fb: %r)' % fb)
    expect_eq((r.screen.width, r.screen.height), (800, 600), 'screen size')
    lit = sum(1 for i in range(0, len(r.screen.pixels), 3 * 97) if any(r.screen.pixels[i:i + 3]))
    expect(lit > 0, 'the framebuffer console drew nothing on the screen')


def test_linux_video_option_framebuffer():
    r = boot_linux_screen('video=1024x768-32 console=tty0 console=ttyS0 panic=-1 no_timer_check')
    expect(LINUX_MARKER in r.console, 'Linux did not reach /init: ' + r.tail(5))
    fwboot_line(r, 'video: linux video=1024x768-32 asks for 1024x768x32: setting 1024x768x32')
    fb = [l for l in r.console.splitlines() if l.startswith('FB<')]
    expect(fb and fb[0] != 'FB<>', 'Linux registered no framebuffer (/proc/fb: %r)' % fb)
    expect_eq((r.screen.width, r.screen.height), (1024, 768), 'screen size')


# ---- the oracle: GRUB boots the same kernels itself and sets the mode ----

def grub_fb_iso(command, name):
    """An ISO whose GRUB (with its VBE and Bochs video drivers) runs
    `command /boot/NAME` at once, through tools/mkiso.sh; cached."""
    import hashlib
    import os
    import subprocess
    from harness import BUILD, FWBOOT, ROOT, fail
    path = kernel(name)
    cfg = ('serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n'
           'insmod all_video\nset timeout=0\nmenuentry "fbtest" {\n\t%s /boot/%s\n\tboot\n}\n' % (command, name))
    with open(path, 'rb') as f:
        key = hashlib.sha256(f.read() + cfg.encode()).hexdigest()[:16]
    cache = os.path.join(BUILD, 'test-isos')
    os.makedirs(cache, exist_ok=True)
    iso = os.path.join(cache, 'fb-' + key + '.iso')
    if not os.path.exists(iso):
        cfg_path = os.path.join(cache, 'fb-' + key + '.cfg')
        with open(cfg_path, 'w') as f:
            f.write(cfg)
        env = dict(os.environ, MKISO_MODULES='all_video')
        p = subprocess.run(['sh', os.path.join(ROOT, 'tools/mkiso.sh'), FWBOOT, cfg_path, iso + '.tmp', path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        if p.returncode:
            fail('mkiso.sh failed: %s' % p.stdout.decode('utf-8', 'replace')[-2000:])
        os.rename(iso + '.tmp', iso)
    return iso


def compare_with_grub(command, name, width, height, bpp, positions):
    g = boot_screen(cdrom=grub_fb_iso(command, name), until=DRAWN, extra=STD)
    gfb = check_fb(g, width, height, bpp, positions)     # GRUB's own hand-over, pixels checked
    r = fb_boot(name)
    ffb = check_fb(r, width, height, bpp, positions)
    for k in ('pitch', 'width', 'height', 'bpp', 'type', 'red_pos', 'red_size', 'green_pos', 'green_size',
              'blue_pos', 'blue_size'):
        expect_eq(ffb[k], gfb[k], 'fwboot and GRUB agree on ' + k)
    expect(r.screen.pixels == g.screen.pixels, 'the screens under fwboot and GRUB differ')


def test_grub_multiboot2_same_screen():
    compare_with_grub('multiboot2', 'fbtest-mb2.elf', 800, 600, 32, RGB32)


def test_grub_multiboot_same_screen():
    compare_with_grub('multiboot', 'fbtest-mb1.elf', 800, 600, 32, RGB32)


def test_linux_text_goes_on_below_fwboot():
    # screen_info's cursor is where fwboot's last line ended: with `quiet`
    # the screen shows fwboot's whole log, then the kernel's text below it
    r = boot_linux_screen('quiet console=tty0 console=ttyS0 panic=-1')
    expect(LINUX_MARKER in r.console, 'Linux did not reach /init: ' + r.tail(5))
    rows = vga_text_rows(r.vga_text)
    screen = '\n'.join(rows[:50])
    boot_rows = [i for i, row in enumerate(rows) if row.startswith('fwboot: boot: linux (32-bit entry)')]
    tty_rows = [i for i, row in enumerate(rows) if row.startswith('TTY0<Linux version ')]
    expect(boot_rows and tty_rows, 'fwboot\'s last line and the tty0 line on the screen:\n' + screen)
    expect(tty_rows[0] > boot_rows[0], 'the kernel wrote over fwboot\'s lines:\n' + screen)
    # fwboot's log (26 rows with measured boot's no-TPM line) scrolls the
    # 25-row screen by its first line at most: its command line is still there
    expect(any(row.startswith('fwboot: cmdline: ') for row in rows[:boot_rows[0]]),
           'fwboot\'s log was overwritten:\n' + screen)
