/* SPDX-License-Identifier: BSD-2-Clause */
/* Graphics for the payload: what display the machine has (probed once, by
 * platform/bios/video.c), which mode a kernel's request gets (video_choose, pure,
 * host-tested), and setting it at the hand-off. Only QEMU's Bochs display
 * interface (VBE DISPI) is driven: -vga std / -device VGA (index/data ports
 * 0x1CE/0x1CF), -device secondary-vga and bochs-display (the same registers
 * in BAR2's MMIO at 0x500). No VBE BIOS call is made. */
#ifndef FWBOOT_VIDEO_H
#define FWBOOT_VIDEO_H

#include <stdint.h>
#include "lib/diag.h"

/* How the mode registers are reached. */
enum video_kind {
	VIDEO_NONE,		/* no display fwboot can drive */
	VIDEO_BOCHS_PORTS,	/* DISPI through ports 0x1CE/0x1CF (a VGA) */
	VIDEO_BOCHS_MMIO,	/* DISPI in BAR2 + 0x500 (no VGA ports) */
	VIDEO_MODE_LIST,	/* only the listed modes (UEFI's GOP: fwboot.efi sets them) */
};

/* Bits of video_caps.depths: the RGB depths a display can show. */
#define VIDEO_DEPTH_15 (1u << 0)
#define VIDEO_DEPTH_16 (1u << 1)
#define VIDEO_DEPTH_24 (1u << 2)
#define VIDEO_DEPTH_32 (1u << 3)

/* What the machine offers; filled by video_probe (zeroed: nothing). */
struct video_caps {
	enum video_kind kind;
	const char *name;	/* "VGA (PCI 00:02.0)", for messages */
	int vga_text;		/* a VGA-compatible device: the text screen at 0xB8000 works */
	uint64_t fb_base;	/* BAR0: the linear framebuffer */
	uint32_t mmio_base;	/* BAR2 (VIDEO_BOCHS_MMIO) */
	uint32_t vram;		/* bytes of video memory */
	uint32_t max_width, max_height;
	uint32_t depths;	/* VIDEO_DEPTH_* */
	uint8_t cursor_x, cursor_y;	/* the BIOS text cursor (for Linux's screen_info) */
	const struct video_mode *modes;	/* VIDEO_MODE_LIST: the modes there are */
	uint32_t nmodes;
};

/* A kernel's wish: 0 in a field means no preference. */
struct video_request {
	uint32_t width, height, depth;
};

/* A chosen mode: what the kernel is told and what video_set programs. */
struct video_mode {
	uint64_t addr;		/* framebuffer physical address */
	uint32_t pitch, width, height, bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	uint32_t size;		/* bytes the mode uses: pitch * height */
};

#define VIDEO_DEFAULT_WIDTH 1024	/* a field of 0 in the request gets these */
#define VIDEO_DEFAULT_HEIGHT 768
#define VIDEO_DEFAULT_DEPTH 32
#define VIDEO_MIN_SIDE 64		/* bochs-display shows nothing smaller */

/*
 * The mode closest to r that caps can show. From a list (VIDEO_MODE_LIST):
 * the listed mode of the asked size (at the depth nearest the one asked,
 * ties up), else the largest no larger (by area), else the smallest. Else:
 * the supported depth nearest
 * to the one asked (ties go up), the width and height clamped to
 * [64, max] (the width down to a multiple of 8, as QEMU rounds it); when
 * the video memory is too small, that size at a lower depth, else the
 * largest common mode no larger that fits (at the highest depth that does). Pure. 0, or -ST_BAD_IMAGE
 * with the reason in d (no display, no depth, no mode fits).
 */
int video_choose(const struct video_caps *caps, const struct video_request *r, struct video_mode *m,
		 struct diag *d);

/* "1024x768x32" for a mode, in buf; returns buf. */
const char *video_mode_str(const struct video_mode *m, char *buf, unsigned n);

/* "no display" or "<name>: up to WxH, depths 15/16/24/32, N KiB" for messages. */
const char *video_caps_str(const struct video_caps *caps, char *buf, unsigned n);

/* ---- for the loaders (pure) ---- */

struct boot_env;
struct plan;

/*
 * A payload's graphics request (sub and what name it in messages:
 * "multiboot2", "header tag 5 (framebuffer)"): 1 when a mode was chosen
 * (p->set_video, p->video: set at the hand-off), 0 when none can be and
 * the request is optional (text mode or nothing), -ST_BAD_IMAGE with the
 * reason and what is available when it is required. p->video_note says
 * which, for the log.
 */
int video_for_payload(const char *sub, const char *what, const struct boot_env *env,
		      const struct video_request *r, int required, struct plan *p, struct diag *d);

/* The framebuffer fields as Multiboot 1 (info + 88) and Multiboot 2 (tag
 * + 8) share them in GRUB's layout: address u64, pitch, width, height u32,
 * bpp, type u8, then (RGB) the colour info at +24: red position, red mask
 * size, green..., blue... . m NULL: the EGA text screen, 80x25. */
#define VIDEO_FB_ADDR 0
#define VIDEO_FB_PITCH 8
#define VIDEO_FB_WIDTH 12
#define VIDEO_FB_HEIGHT 16
#define VIDEO_FB_BPP 20
#define VIDEO_FB_TYPE 21
#define VIDEO_FB_COLOR 24
#define VIDEO_FB_RGB_LEN 30	/* bytes written for an RGB framebuffer */
#define VIDEO_FB_TYPE_RGB 1
#define VIDEO_FB_TYPE_EGA_TEXT 2
void video_put_fb(uint8_t *b, const struct video_mode *m);

/* ---- hardware (platform/bios/video.c, target only) ---- */

/* Find the display on PCI bus 0 and read what it can do. */
void video_probe(struct video_caps *caps);

/* Program m on the display, check it took, clear the screen; stops
 * fwboot's own output to the VGA text screen. 0 or -ST_* with d. */
int video_set(const struct video_caps *caps, const struct video_mode *m, struct diag *d);

#endif
