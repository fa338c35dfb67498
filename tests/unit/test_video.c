/* SPDX-License-Identifier: BSD-2-Clause */
/* video_choose: which mode a request gets on what the display offers. */
#include <stdlib.h>
#include "include/status.h"
#include "kernel/video.h"
#include "test.h"

static const struct video_caps std_vga = { .kind = VIDEO_BOCHS_PORTS, .name = "Bochs VGA (PCI 00:02.0)",
					   .vga_text = 1, .fb_base = 0xfd000000, .vram = 16 << 20,
					   .max_width = 16000, .max_height = 12000, .depths = 0xf };

static int choose(const struct video_caps *c, uint32_t w, uint32_t h, uint32_t depth, struct video_mode *m,
		  struct diag *d)
{
	struct video_request r = { w, h, depth };
	memset(m, 0, sizeof(*m));
	d->msg[0] = 0;
	return video_choose(c, &r, m, d);
}

#define MODE(m, w, h, b) do { ok_eq((m).width, w); ok_eq((m).height, h); ok_eq((m).bpp, b); } while (0)

int main(void)
{
	struct video_mode m;
	struct diag d;
	struct video_caps c = std_vga;
	char buf[200];

	/* as asked, with the pitch and fields of each depth */
	ok_eq(choose(&c, 800, 600, 32, &m, &d), 0);
	MODE(m, 800, 600, 32);
	ok_eq(m.pitch, 3200);
	ok_eq(m.size, 3200 * 600);
	ok_eq(m.addr, 0xfd000000);
	ok(m.red_pos == 16 && m.red_size == 8 && m.green_pos == 8 && m.green_size == 8 && m.blue_pos == 0 &&
	   m.blue_size == 8);
	ok_eq(choose(&c, 800, 600, 24, &m, &d), 0);
	ok_eq(m.pitch, 2400);
	ok_eq(choose(&c, 640, 480, 16, &m, &d), 0);
	ok(m.red_pos == 11 && m.red_size == 5 && m.green_pos == 5 && m.green_size == 6 && m.blue_size == 5);
	ok_eq(m.pitch, 1280);
	ok_eq(choose(&c, 640, 480, 15, &m, &d), 0);
	ok(m.red_pos == 10 && m.green_size == 5 && m.bpp == 15 && m.pitch == 1280);
	/* 0 is no preference: 1024x768x32 */
	ok_eq(choose(&c, 0, 0, 0, &m, &d), 0);
	MODE(m, 1024, 768, 32);
	ok_eq(choose(&c, 1280, 0, 16, &m, &d), 0);
	MODE(m, 1280, 768, 16);
	/* nearest depth, ties upwards: 8 has no RGB mode here, 20 sits between 16 and 24 */
	ok_eq(choose(&c, 640, 480, 8, &m, &d), 0);
	ok_eq(m.bpp, 15);
	ok_eq(choose(&c, 640, 480, 20, &m, &d), 0);
	ok_eq(m.bpp, 24);
	ok_eq(choose(&c, 640, 480, 99, &m, &d), 0);
	ok_eq(m.bpp, 32);
	/* bochs-display: 16 and 32 only */
	c.depths = VIDEO_DEPTH_16 | VIDEO_DEPTH_32;
	ok_eq(choose(&c, 640, 480, 24, &m, &d), 0);
	ok_eq(m.bpp, 32);
	ok_eq(choose(&c, 640, 480, 15, &m, &d), 0);
	ok_eq(m.bpp, 16);
	c = std_vga;
	/* sizes: clamped to the display's limits, the width to a multiple of 8 */
	ok_eq(choose(&c, 1366, 768, 32, &m, &d), 0);
	MODE(m, 1360, 768, 32);
	ok_eq(choose(&c, 10, 10, 32, &m, &d), 0);
	MODE(m, 64, 64, 32);
	c.max_width = 1600;
	c.max_height = 1200;
	ok_eq(choose(&c, 4000, 3000, 16, &m, &d), 0);
	MODE(m, 1600, 1200, 16);
	/* short of video memory: the largest common mode that fits, then a lower depth */
	c = std_vga;
	c.vram = 4 << 20;
	ok_eq(choose(&c, 1920, 1080, 32, &m, &d), 0);	/* 8.3 MB at 32, 6.2 at 24: 4.1 at 16 fits */
	MODE(m, 1920, 1080, 16);
	c.depths = VIDEO_DEPTH_32 | VIDEO_DEPTH_24;
	ok_eq(choose(&c, 1920, 1080, 32, &m, &d), 0);	/* no 16: the largest common mode, 1280x1024x24 (3.9 MB) */
	MODE(m, 1280, 1024, 24);
	c.vram = 1 << 20;
	c.depths = VIDEO_DEPTH_32 | VIDEO_DEPTH_16;
	ok_eq(choose(&c, 800, 600, 32, &m, &d), 0);	/* 800x600x16 = 0.96 MB fits */
	MODE(m, 800, 600, 16);
	ok_eq(choose(&c, 1024, 768, 32, &m, &d), 0);	/* 1.5 MB even at 16: the largest common mode, 800x600x16 */
	MODE(m, 800, 600, 16);
	c.vram = 64 << 10;
	ok_eq(choose(&c, 800, 600, 32, &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "video: Bochs VGA (PCI 00:02.0) has 64 KiB of video memory, too little for 800x600 or any smaller "
		      "common mode");
	/* nothing to drive */
	c = std_vga;
	c.depths = 0;
	ok_eq(choose(&c, 800, 600, 32, &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "video: Bochs VGA (PCI 00:02.0) offers no RGB depth");
	struct video_caps none = { .kind = VIDEO_NONE, .name = "none" };
	ok_eq(choose(&none, 800, 600, 32, &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "video: no display (no Bochs-compatible VGA on PCI)");

	/* what messages say of the display */
	ok_str(video_caps_str(&std_vga, buf, sizeof(buf)),
	       "Bochs VGA (PCI 00:02.0): up to 16000x12000, depths 15/16/24/32, 16384 KiB");
	ok_str(video_caps_str(&none, buf, sizeof(buf)), "no display fwboot can drive");
	none.vga_text = 1;
	ok_str(video_caps_str(&none, buf, sizeof(buf)), "no display fwboot can drive; VGA text mode only");

	/* the shared framebuffer layout: RGB and EGA text */
	uint8_t fb[32];
	memset(fb, 0xee, sizeof(fb));
	ok_eq(choose(&std_vga, 800, 600, 16, &m, &d), 0);
	video_put_fb(fb, &m);
	ok(fb[0] == 0 && fb[1] == 0 && fb[2] == 0 && fb[3] == 0xfd && fb[4] == 0 && fb[7] == 0);
	ok(fb[8] == (1600 & 0xff) && fb[9] == 1600 >> 8 && fb[12] == (800 & 0xff) && fb[16] == (600 & 0xff));
	ok(fb[20] == 16 && fb[21] == VIDEO_FB_TYPE_RGB);
	ok(fb[22] == 0xee && fb[23] == 0xee);	/* reserved: the caller's zeroed block */
	ok(fb[24] == 11 && fb[25] == 5 && fb[26] == 5 && fb[27] == 6 && fb[28] == 0 && fb[29] == 5);
	ok_eq(fb[30], 0xee);	/* VIDEO_FB_RGB_LEN bytes and no more */
	memset(fb, 0, sizeof(fb));
	video_put_fb(fb, 0);
	ok(fb[0] == 0 && fb[1] == 0x80 && fb[2] == 0x0b && fb[8] == 160 && fb[12] == 80 && fb[16] == 25);
	ok(fb[20] == 16 && fb[21] == VIDEO_FB_TYPE_EGA_TEXT && fb[24] == 0);
	/* a fixed list (UEFI's GOP): the asked size, else the largest no larger, else the smallest */
	{
		static const struct video_mode gop[] = {
			{ 0x80000000, 640 * 4, 640, 480, 32, 16, 8, 8, 8, 0, 8, 640 * 480 * 4 },
			{ 0x80000000, 800 * 4, 800, 600, 32, 16, 8, 8, 8, 0, 8, 800 * 600 * 4 },
			{ 0x80000000, 1024 * 4, 1024, 768, 32, 16, 8, 8, 8, 0, 8, 1024 * 768 * 4 },
			{ 0x80000000, 1280 * 2, 1280, 1024, 16, 11, 5, 5, 6, 0, 5, 1280 * 1024 * 2 },
			{ 0x80000000, 1280 * 4, 1280, 1024, 32, 16, 8, 8, 8, 0, 8, 1280 * 1024 * 4 },
		};
		struct video_caps l = { .kind = VIDEO_MODE_LIST, .name = "GOP", .modes = gop, .nmodes = 5 };
		ok_eq(choose(&l, 800, 600, 32, &m, &d), 0);
		MODE(m, 800, 600, 32);
		ok_eq(m.pitch, 3200);
		ok_eq(m.addr, 0x80000000);
		ok_eq(choose(&l, 0, 0, 0, &m, &d), 0);		/* no preference: 1024x768x32 */
		MODE(m, 1024, 768, 32);
		ok_eq(choose(&l, 640, 480, 16, &m, &d), 0);	/* no 16-bit 640x480: the size wins */
		MODE(m, 640, 480, 32);
		ok_eq(choose(&l, 1280, 1024, 16, &m, &d), 0);	/* both depths: the one asked */
		MODE(m, 1280, 1024, 16);
		ok_eq(choose(&l, 1280, 1024, 24, &m, &d), 0);	/* 24 is as near 16 as 32: ties up */
		MODE(m, 1280, 1024, 32);
		ok_eq(choose(&l, 1000, 700, 32, &m, &d), 0);	/* the largest no larger */
		MODE(m, 800, 600, 32);
		ok_eq(choose(&l, 320, 200, 32, &m, &d), 0);	/* nothing that small: the smallest */
		MODE(m, 640, 480, 32);
		ok_eq(choose(&l, 4000, 3000, 32, &m, &d), 0);
		MODE(m, 1280, 1024, 32);
		l.nmodes = 0;
		ok_eq(choose(&l, 800, 600, 32, &m, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "video: GOP lists no mode with a framebuffer");
	}

	return test_done("video");
}
