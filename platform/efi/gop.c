/* SPDX-License-Identifier: BSD-2-Clause */
/* The Graphics Output Protocol as fwboot.efi's display (platform/efi/gop.h). */
#include "lib/memops.h"
#include "platform/efi/gop.h"
#include "platform/efi/firmware.h"
#include "include/status.h"

#define GOP_MAX_MODES 64

static struct efi_gop *gop;
static struct video_mode modes[GOP_MAX_MODES];
static uint32_t numbers[GOP_MAX_MODES];	/* GOP's number of each listed mode */
static const struct video_mode *active;

/* A contiguous colour mask as a field; 0 when it is not one. */
static int field(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	if (!mask)
		return 0;
	uint8_t p = 0, n = 0;
	while (!(mask >> p & 1))
		p++;
	while (p + n < 32 && (mask >> (p + n) & 1))
		n++;
	if (p + n < 32 && mask >> (p + n))
		return 0;
	*pos = p;
	*size = n;
	return 1;
}

/* info as a listed mode (bpp, fields, pitch); 0 for a mode without a framebuffer. */
static int describe(const struct efi_gop_mode_info *info, struct video_mode *m)
{
	memset(m, 0, sizeof(*m));
	m->bpp = 32;
	switch (info->format) {
	case EFI_GOP_RGBX8:
		m->red_pos = 0, m->green_pos = 8, m->blue_pos = 16;
		m->red_size = m->green_size = m->blue_size = 8;
		break;
	case EFI_GOP_BGRX8:
		m->red_pos = 16, m->green_pos = 8, m->blue_pos = 0;
		m->red_size = m->green_size = m->blue_size = 8;
		break;
	case EFI_GOP_BITMASK: {
		uint32_t all = info->red_mask | info->green_mask | info->blue_mask | info->reserved_mask;
		if (!field(info->red_mask, &m->red_pos, &m->red_size) ||
		    !field(info->green_mask, &m->green_pos, &m->green_size) ||
		    !field(info->blue_mask, &m->blue_pos, &m->blue_size))
			return 0;
		m->bpp = all >> 24 ? 32 : all >> 16 ? 24 : 16;
		break;
	}
	default:
		return 0;	/* Blt only */
	}
	m->width = info->width;
	m->height = info->height;
	m->pitch = info->pixels_per_scan_line * (m->bpp / 8);
	m->size = m->pitch * m->height;
	return info->width && info->height && info->pixels_per_scan_line >= info->width;
}

void efi_gop_probe(struct video_caps *c)
{
	static const struct efi_guid guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	struct efi_boot_services *bs = efi_st->boot_services;
	memset(c, 0, sizeof(*c));
	c->kind = VIDEO_NONE;
	c->name = "no GOP";
	if (EFI_IS_ERROR(bs->locate_protocol(&guid, 0, (void **)&gop)) || !gop || !gop->mode)
		return;
	uint32_t n = 0;
	for (uint32_t i = 0; i < gop->mode->max_mode && n < GOP_MAX_MODES; i++) {
		struct efi_gop_mode_info *info = 0;
		uint64_t size = 0;
		if (EFI_IS_ERROR(gop->query_mode(gop, i, &size, &info)) || !info)
			continue;
		if (size >= sizeof(*info) && describe(info, &modes[n])) {
			modes[n].addr = gop->mode->fb_base;
			numbers[n++] = i;
		}
		bs->free_pool(info);
	}
	if (!n)
		return;
	c->kind = VIDEO_MODE_LIST;
	c->name = "UEFI GOP";
	c->modes = modes;
	c->nmodes = n;
	c->fb_base = gop->mode->fb_base;
	for (uint32_t i = 0; i < n; i++) {
		if (modes[i].size > c->vram)	/* what the largest mode takes, not GOP's current fb_size */
			c->vram = modes[i].size;
		if (modes[i].width > c->max_width)
			c->max_width = modes[i].width;
		if (modes[i].height > c->max_height)
			c->max_height = modes[i].height;
		c->depths |= modes[i].bpp == 32 ? VIDEO_DEPTH_32 : modes[i].bpp == 24 ? VIDEO_DEPTH_24 : VIDEO_DEPTH_16;
	}
}

int efi_gop_set(const struct video_mode *m, struct diag *d)
{
	char es[48];
	for (uint32_t i = 0; gop && i < GOP_MAX_MODES && modes[i].width; i++) {
		if (modes[i].width != m->width || modes[i].height != m->height || modes[i].bpp != m->bpp ||
		    modes[i].pitch != m->pitch)
			continue;
		efi_status s = gop->set_mode(gop, numbers[i]);
		if (EFI_IS_ERROR(s))
			return diag_fail(d, ST_INTERNAL, "video: GOP refused mode %u (%ux%u): %s", numbers[i], m->width,
					 m->height, efi_status_str(s, es, sizeof(es)));
		/* the framebuffer the payload is told of must be the one now shown */
		if (gop->mode->fb_base != m->addr)
			return diag_fail(d, ST_INTERNAL, "video: GOP moved the framebuffer to 0x%llx for mode %u (planned 0x%llx)",
					 (unsigned long long)gop->mode->fb_base, numbers[i], (unsigned long long)m->addr);
		active = &modes[i];
		return 0;
	}
	return diag_fail(d, ST_INTERNAL, "video: %ux%ux%u is not one of GOP's modes", m->width, m->height, m->bpp);
}

int efi_gop_is_set(const struct video_mode *m)
{
	return active && active->width == m->width && active->height == m->height && active->bpp == m->bpp &&
	       active->addr == m->addr;
}

/* The payload's mode was set through GOP before ExitBootServices
 * (platform/efi/handoff.c): here, after it, only check that it is that mode. */
int video_set(const struct video_caps *c, const struct video_mode *m, struct diag *d)
{
	(void)c;
	if (efi_gop_is_set(m))
		return 0;
	return diag_fail(d, ST_INTERNAL, "video: %ux%ux%u was not set before ExitBootServices", m->width, m->height,
			 m->bpp);
}
