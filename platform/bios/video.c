/* SPDX-License-Identifier: BSD-2-Clause */
/* The display, as far as fwboot drives it: find a Bochs-compatible device
 * on PCI bus 0 (QEMU's vendor 0x1234, device 0x1111), read its limits,
 * and set a linear framebuffer mode through the DISPI registers at the
 * hand-off. Facts from QEMU's hw/display/vga.c, bochs-display.c and
 * include/hw/display/bochs-vbe.h. */
#include "kernel/console.h"
#include "lib/fmt.h"
#include "platform/x86/io.h"
#include "platform/bios/pci.h"
#include "include/status.h"
#include "kernel/video.h"
#include "platform/bios/bios.h"

#define QEMU_VENDOR 0x1234
#define QEMU_VGA_DEVICE 0x1111
#define CLASS_VGA 0x0300	/* class 3 (display), subclass 0 (VGA-compatible) */

#define DISPI_INDEX_PORT 0x1CE
#define DISPI_DATA_PORT 0x1CF
#define DISPI_MMIO_OFFSET 0x500	/* register i at BAR2 + 0x500 + 2 * i */

#define DISPI_ID 0x0
#define DISPI_XRES 0x1
#define DISPI_YRES 0x2
#define DISPI_BPP 0x3
#define DISPI_ENABLE 0x4
#define DISPI_VIRT_WIDTH 0x6
#define DISPI_X_OFFSET 0x8
#define DISPI_Y_OFFSET 0x9
#define DISPI_VIDEO_MEMORY_64K 0xA

#define DISPI_ID_MIN 0xB0C0
#define DISPI_ID_MAX 0xB0CF
#define DISPI_ENABLED 0x01
#define DISPI_GETCAPS 0x02
#define DISPI_LFB_ENABLED 0x40

#define DISPI_MAX_SIDE_X 16000	/* bochs-display has no GETCAPS: QEMU's limits */
#define DISPI_MAX_SIDE_Y 12000

#define VGA_INPUT_STATUS 0x3DA	/* reading it resets the attribute flip-flop */
#define VGA_ATTR_INDEX 0x3C0
#define VGA_ATTR_PAS 0x20	/* palette address source: the screen shows */
#define VGA_MMIO_OFFSET 0x400	/* ports 0x3C0-0x3DF at BAR2 + 0x400 (not on bochs-display) */
#define VGA_MMIO_PORT0 0x3C0

static char caps_name[48];

static uint16_t dispi_read(const struct video_caps *c, unsigned i)
{
	if (c->kind == VIDEO_BOCHS_MMIO)
		return *(volatile uint16_t *)(uintptr_t)(c->mmio_base + DISPI_MMIO_OFFSET + 2 * i);
	outw(DISPI_INDEX_PORT, (uint16_t)i);
	return inw(DISPI_DATA_PORT);
}

static void dispi_write(const struct video_caps *c, unsigned i, uint16_t v)
{
	if (c->kind == VIDEO_BOCHS_MMIO) {
		*(volatile uint16_t *)(uintptr_t)(c->mmio_base + DISPI_MMIO_OFFSET + 2 * i) = v;
		return;
	}
	outw(DISPI_INDEX_PORT, (uint16_t)i);
	outw(DISPI_DATA_PORT, v);
}

/* Limits: GETCAPS makes QEMU's VGA read back its maxima in XRES/YRES/BPP;
 * bochs-display ignores it (XRES then reads back what was written, 0),
 * and shows only 16 and 32 bits per pixel. Restores what it changed. */
static void read_limits(struct video_caps *c, const char *what, unsigned dev)
{
	uint16_t enable = dispi_read(c, DISPI_ENABLE), xres = dispi_read(c, DISPI_XRES);
	dispi_write(c, DISPI_XRES, 0);
	dispi_write(c, DISPI_ENABLE, DISPI_GETCAPS);
	uint16_t mx = dispi_read(c, DISPI_XRES), my = dispi_read(c, DISPI_YRES), mb = dispi_read(c, DISPI_BPP);
	dispi_write(c, DISPI_ENABLE, enable);
	dispi_write(c, DISPI_XRES, xres);
	if (mx) {
		c->max_width = mx;
		c->max_height = my;
		c->depths = mb >= 32 ? VIDEO_DEPTH_15 | VIDEO_DEPTH_16 | VIDEO_DEPTH_24 | VIDEO_DEPTH_32
			  : mb >= 24 ? VIDEO_DEPTH_15 | VIDEO_DEPTH_16 | VIDEO_DEPTH_24
			  : mb >= 15 ? VIDEO_DEPTH_15 | VIDEO_DEPTH_16 : 0;
	} else {
		what = "bochs-display";
		c->max_width = DISPI_MAX_SIDE_X;
		c->max_height = DISPI_MAX_SIDE_Y;
		c->depths = VIDEO_DEPTH_16 | VIDEO_DEPTH_32;
	}
	c->vram = (uint32_t)dispi_read(c, DISPI_VIDEO_MEMORY_64K) << 16;
	fmt_snprintf(caps_name, sizeof(caps_name), "%s (PCI 00:%02x.0)", what, dev);
	c->name = caps_name;
}

void video_probe(struct video_caps *c)
{
	const volatile uint8_t *bda_cursor = phys_ptr(0x450);
	c->kind = VIDEO_NONE;
	c->name = "none";
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read32(dev, 0, PCI_VENDOR_ID);
		if ((id & 0xFFFF) == 0xFFFF)
			continue;
		uint32_t class = pci_read32(dev, 0, PCI_CLASS_REV) >> 16;
		int vga = class == CLASS_VGA;
		if (vga)
			c->vga_text = 1;
		if (c->kind != VIDEO_NONE || (id & 0xFFFF) != QEMU_VENDOR || id >> 16 != QEMU_VGA_DEVICE)
			continue;
		uint64_t fb = pci_bar_mem(dev, 0, 0);
		uint64_t mmio = pci_bar_mem(dev, 0, 2);
		/* paging is off: fwboot and a 32-bit kernel reach only the low 4 GiB */
		if (!fb || fb >= 0x100000000ULL || (!vga && (!mmio || mmio >= 0x100000000ULL)))
			continue;
		uint32_t cmd = pci_read32(dev, 0, PCI_COMMAND);
		uint32_t want = PCI_CMD_MEMORY | (vga ? PCI_CMD_IO : 0);
		if ((cmd & want) != want)
			pci_write32(dev, 0, PCI_COMMAND, (cmd & 0xFFFF) | want);
		c->kind = vga ? VIDEO_BOCHS_PORTS : VIDEO_BOCHS_MMIO;
		c->fb_base = fb;
		c->mmio_base = (uint32_t)mmio;
		uint16_t idv = dispi_read(c, DISPI_ID);
		if (idv < DISPI_ID_MIN || idv > DISPI_ID_MAX) {
			log_info("video: PCI 00:%02x.0 has no Bochs display interface (ID 0x%04x)", dev, idv);
			c->kind = VIDEO_NONE;
			continue;
		}
		read_limits(c, vga ? "Bochs VGA" : "Bochs VGA (MMIO)", dev);
		if (c->vga_text)
			break;	/* nothing a later slot holds changes either: QEMU's VGA at 00:02.0 ends the scan there */
	}
	if (c->vga_text) {
		c->cursor_x = bda_cursor[0];
		c->cursor_y = bda_cursor[1];
	}
}

int video_set(const struct video_caps *c, const struct video_mode *m, struct diag *d)
{
	char want[32];
	if (c->kind == VIDEO_NONE)
		return diag_fail(d, ST_INTERNAL, "video: no display to set %s on", video_mode_str(m, want, sizeof(want)));
	dispi_write(c, DISPI_ENABLE, 0);
	dispi_write(c, DISPI_BPP, (uint16_t)m->bpp);
	dispi_write(c, DISPI_XRES, (uint16_t)m->width);
	dispi_write(c, DISPI_YRES, (uint16_t)m->height);
	dispi_write(c, DISPI_VIRT_WIDTH, (uint16_t)m->width);
	dispi_write(c, DISPI_X_OFFSET, 0);
	dispi_write(c, DISPI_Y_OFFSET, 0);
	dispi_write(c, DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
	uint32_t x = dispi_read(c, DISPI_XRES), y = dispi_read(c, DISPI_YRES), b = dispi_read(c, DISPI_BPP);
	uint32_t vw = dispi_read(c, DISPI_VIRT_WIDTH);
	if (x != m->width || y != m->height || b != m->bpp || vw != m->width)
		return diag_fail(d, ST_INTERNAL, "video: %s did not take %s (it reads back %ux%ux%u, line %u pixels)",
				 c->name, video_mode_str(m, want, sizeof(want)), x, y, b, vw);
	/* unblank: a VGA shows nothing while the attribute controller's
	 * palette address source bit is clear (secondary-vga starts so) */
	if (c->kind == VIDEO_BOCHS_PORTS) {
		(void)inb(VGA_INPUT_STATUS);
		outb(VGA_ATTR_INDEX, VGA_ATTR_PAS);
	} else {
		volatile uint8_t *vga = (volatile uint8_t *)(uintptr_t)(c->mmio_base + VGA_MMIO_OFFSET);
		(void)vga[VGA_INPUT_STATUS - VGA_MMIO_PORT0];
		vga[VGA_ATTR_INDEX - VGA_MMIO_PORT0] = VGA_ATTR_PAS;
	}
	vga_text_enable(0);	/* the text screen is gone; the kernel owns the pixels */
	rep_stosl((void *)(uintptr_t)m->addr, 0, m->size / 4);
	return 0;
}
