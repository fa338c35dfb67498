/* SPDX-License-Identifier: BSD-2-Clause */
/* Which graphics mode a request gets (pure: builds for the host tests). */
#include "lib/byteorder.h"
#include "lib/fmt.h"
#include "kernel/formats/image.h"
#include "include/status.h"
#include "kernel/video.h"

static const struct {
	uint32_t bpp, bit;
	uint8_t rp, rs, gp, gs, bp, bs;	/* field positions and sizes, little-endian pixels */
} depths[] = {
	{ 15, VIDEO_DEPTH_15, 10, 5, 5, 5, 0, 5 },
	{ 16, VIDEO_DEPTH_16, 11, 5, 5, 6, 0, 5 },
	{ 24, VIDEO_DEPTH_24, 16, 8, 8, 8, 0, 8 },
	{ 32, VIDEO_DEPTH_32, 16, 8, 8, 8, 0, 8 },
};
#define NDEPTHS (sizeof(depths) / sizeof(depths[0]))

/* Largest first: the fallback when video memory is short. */
static const uint16_t common[][2] = {
	{ 2560, 1600 }, { 1920, 1200 }, { 1920, 1080 }, { 1600, 1200 }, { 1280, 1024 },
	{ 1280, 800 }, { 1024, 768 }, { 800, 600 }, { 640, 480 }, { 320, 240 },
};
#define NCOMMON (sizeof(common) / sizeof(common[0]))

static uint32_t bytes_of(uint32_t bpp)
{
	return (bpp + 7) / 8;
}

static uint32_t clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int fits(const struct video_caps *c, uint32_t w, uint32_t h, uint32_t bpp)
{
	return (uint64_t)w * bytes_of(bpp) * h <= c->vram;
}

/* The supported depth nearest want (ties up); -1 when none. */
static int nearest_depth(uint32_t depths_mask, uint32_t want)
{
	int best = -1;
	uint32_t bestd = 0;
	for (unsigned i = 0; i < NDEPTHS; i++) {
		if (!(depths_mask & depths[i].bit))
			continue;
		uint32_t dist = depths[i].bpp > want ? depths[i].bpp - want : want - depths[i].bpp;
		if (best < 0 || dist < bestd || (dist == bestd && depths[i].bpp > depths[best].bpp)) {
			best = (int)i;
			bestd = dist;
		}
	}
	return best;
}

/* VIDEO_MODE_LIST (video.h): rank every listed mode by size class (the
 * asked size, else no larger, else larger), size within it (larger first
 * when no larger, smaller first when larger) and depth (nearer, ties up). */
static int choose_listed(const struct video_caps *c, uint32_t w, uint32_t h, uint32_t bpp, struct video_mode *m,
			 struct diag *d)
{
	const struct video_mode *best = 0;
	uint64_t best_key = 0;
	for (uint32_t i = 0; i < c->nmodes; i++) {
		const struct video_mode *x = &c->modes[i];
		uint64_t area = (uint64_t)x->width * x->height & 0x3fffffff;
		uint64_t size = x->width == w && x->height == h ? 3ULL << 30
				: x->width <= w && x->height <= h ? 2ULL << 30 | area : 0x3fffffff - area;
		uint32_t dd = x->bpp > bpp ? 2 * (x->bpp - bpp) : 2 * (bpp - x->bpp) + 1;
		uint64_t key = size << 16 | (0xffff - (dd & 0xffff));
		if (!best || key > best_key)
			best = x, best_key = key;
	}
	if (!best)
		return diag_fail(d, ST_BAD_IMAGE, "video: %s lists no mode with a framebuffer", c->name);
	*m = *best;
	return 0;
}

int video_choose(const struct video_caps *caps, const struct video_request *r, struct video_mode *m,
		 struct diag *d)
{
	if (caps->kind == VIDEO_NONE)
		return diag_fail(d, ST_BAD_IMAGE, "video: no display (no Bochs-compatible VGA on PCI)");
	if (caps->kind == VIDEO_MODE_LIST)
		return choose_listed(caps, r->width ? r->width : VIDEO_DEFAULT_WIDTH,
				     r->height ? r->height : VIDEO_DEFAULT_HEIGHT, r->depth ? r->depth : VIDEO_DEFAULT_DEPTH,
				     m, d);
	if (caps->max_width < VIDEO_MIN_SIDE || caps->max_height < VIDEO_MIN_SIDE)
		return diag_fail(d, ST_BAD_IMAGE, "video: %s reports a largest mode of %ux%u", caps->name,
				 caps->max_width, caps->max_height);
	uint32_t want_d = r->depth ? r->depth : VIDEO_DEFAULT_DEPTH;
	int di = nearest_depth(caps->depths, want_d);
	if (di < 0)
		return diag_fail(d, ST_BAD_IMAGE, "video: %s offers no RGB depth", caps->name);
	uint32_t w = clamp(r->width ? r->width : VIDEO_DEFAULT_WIDTH, VIDEO_MIN_SIDE, caps->max_width) & ~7u;
	uint32_t h = clamp(r->height ? r->height : VIDEO_DEFAULT_HEIGHT, VIDEO_MIN_SIDE, caps->max_height);
	/* short of video memory: keep the size at a lower depth, else shrink */
	uint32_t ow = w, oh = h;
	int found = 0;
	for (int i = di; !found && i >= 0; i--)
		if ((caps->depths & depths[i].bit) && fits(caps, w, h, depths[i].bpp))
			found = 1, di = i;
	for (unsigned k = 0; !found && k < NCOMMON; k++) {
		if (common[k][0] > w || common[k][1] > h)
			continue;
		for (int i = di; !found && i >= 0; i--)
			if ((caps->depths & depths[i].bit) && fits(caps, common[k][0], common[k][1], depths[i].bpp))
				found = 1, di = i, ow = common[k][0], oh = common[k][1];
	}
	if (!found)
		return diag_fail(d, ST_BAD_IMAGE, "video: %s has %u KiB of video memory, too little for %ux%u or any "
				 "smaller common mode", caps->name, caps->vram / 1024, w, h);
	m->addr = caps->fb_base;
	m->width = ow;
	m->height = oh;
	m->bpp = depths[di].bpp;
	m->pitch = ow * bytes_of(m->bpp);
	m->size = m->pitch * oh;
	m->red_pos = depths[di].rp;
	m->red_size = depths[di].rs;
	m->green_pos = depths[di].gp;
	m->green_size = depths[di].gs;
	m->blue_pos = depths[di].bp;
	m->blue_size = depths[di].bs;
	return 0;
}

const char *video_mode_str(const struct video_mode *m, char *buf, unsigned n)
{
	fmt_snprintf(buf, n, "%ux%ux%u", m->width, m->height, m->bpp);
	return buf;
}

const char *video_caps_str(const struct video_caps *caps, char *buf, unsigned n)
{
	if (caps->kind == VIDEO_NONE) {
		fmt_snprintf(buf, n, "no display fwboot can drive%s", caps->vga_text ? "; VGA text mode only" : "");
		return buf;
	}
	unsigned at = (unsigned)fmt_snprintf(buf, n, "%s: up to %ux%u, depths", caps->name, caps->max_width,
					     caps->max_height);
	const char *sep = " ";
	for (unsigned i = 0; i < NDEPTHS && at < n; i++) {
		if (!(caps->depths & depths[i].bit))
			continue;
		at += (unsigned)fmt_snprintf(buf + at, n - at, "%s%u", sep, depths[i].bpp);
		sep = "/";
	}
	if (at < n)
		fmt_snprintf(buf + at, n - at, ", %u KiB", caps->vram / 1024);
	return buf;
}

int video_for_payload(const char *sub, const char *what, const struct boot_env *env,
		      const struct video_request *r, int required, struct plan *p, struct diag *d)
{
	static const struct video_caps none = { .kind = VIDEO_NONE, .name = "none" };
	const struct video_caps *c = env->video ? env->video : &none;
	struct video_request want = *r;
	char asked[32], got[32], avail[160];
	struct video_mode m;
	struct diag why;
	struct video_mode am = { .width = want.width, .height = want.height, .bpp = want.depth };
	video_mode_str(&am, asked, sizeof(asked));
	if (video_choose(c, &want, &m, &why)) {
		video_caps_str(c, avail, sizeof(avail));
		if (required)
			return diag_fail(d, ST_BAD_IMAGE, "%s: %s asks for a %s framebuffer (0 = any), but %s (available: %s)",
					 sub, what, asked, why.msg + 7 /* after "video: " */, avail);
		fmt_snprintf(p->video_note, sizeof(p->video_note), "%s %s asks for %s: %s; %s", sub, what, asked,
			     why.msg + 7, c->vga_text ? "staying in VGA text mode" : "no framebuffer");
		return 0;
	}
	p->set_video = 1;
	p->video = m;
	p->video_caps = c;
	fmt_snprintf(p->video_note, sizeof(p->video_note), "%s %s asks for %s: setting %s on %s, framebuffer at 0x%llx, pitch %u",
		     sub, what, asked, video_mode_str(&m, got, sizeof(got)), c->name, (unsigned long long)m.addr,
		     m.pitch);
	return 1;
}

void video_put_fb(uint8_t *b, const struct video_mode *m)
{
	if (!m) {
		put_le64(b + VIDEO_FB_ADDR, 0xB8000);
		put_le32(b + VIDEO_FB_PITCH, 160);
		put_le32(b + VIDEO_FB_WIDTH, 80);
		put_le32(b + VIDEO_FB_HEIGHT, 25);
		b[VIDEO_FB_BPP] = 16;
		b[VIDEO_FB_TYPE] = VIDEO_FB_TYPE_EGA_TEXT;
		return;
	}
	put_le64(b + VIDEO_FB_ADDR, m->addr);
	put_le32(b + VIDEO_FB_PITCH, m->pitch);
	put_le32(b + VIDEO_FB_WIDTH, m->width);
	put_le32(b + VIDEO_FB_HEIGHT, m->height);
	b[VIDEO_FB_BPP] = (uint8_t)m->bpp;
	b[VIDEO_FB_TYPE] = VIDEO_FB_TYPE_RGB;
	b[VIDEO_FB_COLOR + 0] = m->red_pos;
	b[VIDEO_FB_COLOR + 1] = m->red_size;
	b[VIDEO_FB_COLOR + 2] = m->green_pos;
	b[VIDEO_FB_COLOR + 3] = m->green_size;
	b[VIDEO_FB_COLOR + 4] = m->blue_pos;
	b[VIDEO_FB_COLOR + 5] = m->blue_size;
}
