/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fbtest: a kernel that asks its loader for a graphics mode (fbentry.S),
 * reports the framebuffer it was given, and draws a known pattern on it
 * through the pitch and colour field positions it received. The boot test
 * then reads the screen back (QEMU's screendump) and checks every pixel.
 *
 * Lines ("fbtest: ..."; tests/boot/kreport.py parses them):
 *   variant=NAME protocol=multiboot1|multiboot2 magic=0x...
 *   fb addr= pitch= width= height= bpp= type= red_pos= red_size= green_pos= green_size= blue_pos= blue_size=
 *   fb none                     (no framebuffer information)
 *   drawn                       pattern on the screen (EGA text: "fbtest: EGA text screen"
 *                               on the last row); the kernel halts (the test quits QEMU)
 *   done                        nothing to draw on: exits through isa-debug-exit (0x40)
 *
 * The pattern: pixel (x, y) has red (x*3 + y) & 0xff, green (x ^ (y*5)) &
 * 0xff, blue ((x*y) >> 4) & 0xff, each cut to its field's size (top bits).
 */
/* kout.h helpers this kernel does not use */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kout.h"

void fbtest_main(uint32_t magic, uint32_t info);

struct fb {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type, rp, rs, gp, gs, bp, bs;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The shared layout (GRUB's): address, pitch, width, height, bpp, type, then colour info at +24. */
static void read_fb(const uint8_t *f, struct fb *fb)
{
	fb->addr = rd32(f) | (uint64_t)rd32(f + 4) << 32;
	fb->pitch = rd32(f + 8);
	fb->width = rd32(f + 12);
	fb->height = rd32(f + 16);
	fb->bpp = f[20];
	fb->type = f[21];
	fb->rp = f[24];
	fb->rs = f[25];
	fb->gp = f[26];
	fb->gs = f[27];
	fb->bp = f[28];
	fb->bs = f[29];
}

static int find_fb(uint32_t magic, uint32_t info, struct fb *fb)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)info;
	if (magic == 0x2BADB002) {
		if (!(rd32(b) & (1u << 12)))
			return 0;
		read_fb(b + 88, fb);
		return 1;
	}
	uint32_t total = rd32(b);
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = rd32(b + off), size = rd32(b + off + 4);
		if (type == 0 || size < 8)
			break;
		if (type == 8) {
			read_fb(b + off + 8, fb);
			return 1;
		}
		off = (off + size + 7) & ~7u;
	}
	return 0;
}

static uint32_t field(uint32_t v8, uint8_t pos, uint8_t size)
{
	return size ? (v8 >> (8 - size)) << pos : 0;
}

static void draw(const struct fb *fb)
{
	uint32_t bytes = (fb->bpp + 7u) / 8;
	for (uint32_t y = 0; y < fb->height; y++) {
		volatile uint8_t *row = (volatile uint8_t *)(uintptr_t)(fb->addr + (uint64_t)y * fb->pitch);
		for (uint32_t x = 0; x < fb->width; x++) {
			uint32_t r = (x * 3 + y) & 0xff, g = (x ^ (y * 5)) & 0xff, b = ((x * y) >> 4) & 0xff;
			uint32_t px = field(r, fb->rp, fb->rs) | field(g, fb->gp, fb->gs) | field(b, fb->bp, fb->bs);
			for (uint32_t i = 0; i < bytes; i++)
				row[x * bytes + i] = (uint8_t)(px >> (8 * i));
		}
	}
}

void fbtest_main(uint32_t magic, uint32_t info)
{
	struct fb fb;
	kout_init("fbtest");
	out("variant=%s protocol=%s magic=%x", FBTEST_VARIANT,
	    magic == 0x2BADB002 ? "multiboot1" : magic == 0x36D76289 ? "multiboot2" : "unknown", magic);
	if (magic != 0x2BADB002 && magic != 0x36D76289) {
		out("error what=magic");
		kout_exit(KOUT_FAILED);
	}
	if (!find_fb(magic, info, &fb)) {
		out("fb none");
		out("done");
		kout_exit(KOUT_DONE);
	}
	out("fb addr=%L pitch=%u width=%u height=%u bpp=%u type=%u red_pos=%u red_size=%u green_pos=%u "
	    "green_size=%u blue_pos=%u blue_size=%u", fb.addr, fb.pitch, fb.width, fb.height, (uint32_t)fb.bpp,
	    (uint32_t)fb.type, (uint32_t)fb.rp, (uint32_t)fb.rs, (uint32_t)fb.gp, (uint32_t)fb.gs, (uint32_t)fb.bp,
	    (uint32_t)fb.bs);
	if (fb.type == 2 && fb.height && fb.pitch >= 2 * 24) {
		/* EGA text: a line of our own on the last row, in the loader's words */
		static const char msg[] = "fbtest: EGA text screen";
		volatile uint8_t *row = (volatile uint8_t *)(uintptr_t)(fb.addr + (uint64_t)(fb.height - 1) * fb.pitch);
		for (uint32_t i = 0; msg[i]; i++) {
			row[2 * i] = (uint8_t)msg[i];
			row[2 * i + 1] = 0x1f;
		}
		out("drawn");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (fb.type != 1 || fb.addr >> 32 || !fb.bpp || fb.bpp > 32) {
		out("done");
		kout_exit(KOUT_DONE);
	}
	draw(&fb);
	out("drawn");
	for (;;)	/* the test reads the screen, then quits QEMU */
		__asm__ volatile("cli; hlt");
}
