/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux bzImage loader: check the setup header, place the kernel, keep
 * its decompression window free, place the initrds, the command line and
 * either boot_params (32-bit entry) or the real-mode setup block (16-bit
 * entry). A pure planner: it decides and builds, the loader moves bytes. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "include/bootparam.h"
#include "lib/byteorder.h"
#include "lib/fmt.h"
#include "kernel/formats/linux.h"
#include "include/status.h"
#include "lib/str.h"
#include "kernel/video.h"

#define PAGE 4096ULL
#define LOW_MEM_END 0xA0000ULL		/* conventional memory ends here at the latest */
#define RM_BLOCK_MIN 0x10000ULL		/* boot.rst: the real-mode block lives above 64 KiB */
#define INITRD_GAP_ALIGN 4		/* each archive of a concatenation starts 4-aligned */

/* "2.15" from 0x020F: minor versions are written in decimal. */
#define VER(v) (unsigned)((v) >> 8), (unsigned)((v) & 0xff)

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int linux_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d)
{
	(void)f;
	if (len < LH_HEADER + 4)
		return diag_fail(d, ST_BAD_IMAGE, "linux: too short for a setup header (%zu bytes)", len);
	if (get_le16(hdr + LH_BOOT_FLAG) != LINUX_BOOT_FLAG)
		return diag_fail(d, ST_BAD_IMAGE, "linux: no boot flag 0xAA55 at 0x1FE");
	if (get_le32(hdr + LH_HEADER) != LINUX_HDRS_MAGIC)
		return diag_fail(d, ST_BAD_IMAGE,
				 "linux: boot flag but no \"HdrS\" at 0x202 (a boot sector or a pre-2.00 zImage)");
	return 0;
}

/* Where the last header field of this protocol version ends. */
static uint32_t header_need(uint16_t v)
{
	if (v >= 0x020A)
		return LH_INIT_SIZE + 4;
	if (v >= 0x0206)
		return LH_CMDLINE_SIZE + 4;
	if (v >= 0x0205)
		return LH_RELOCATABLE + 1;
	if (v >= 0x0203)
		return LH_INITRD_ADDR_MAX + 4;
	return LH_CMD_LINE_PTR + 4;
}

int linux_parse(const uint8_t *hdr, size_t len, uint64_t file_size, struct linux_header *h,
		struct diag *d)
{
	int r = linux_probe(0, hdr, len, d);
	if (r)
		return r;
	memset(h, 0, sizeof(*h));
	if (len < LH_LOADFLAGS + 1)
		return diag_fail(d, ST_BAD_IMAGE, "linux: too short for a setup header (%zu bytes)", len);
	uint16_t v = get_le16(hdr + LH_VERSION);
	h->version = v;
	h->loadflags = hdr[LH_LOADFLAGS];
	if (v < 0x0202)
		return diag_fail(d, ST_BAD_IMAGE, "linux: protocol version %u.%02u is too old (need 2.02 or newer)",
				 VER(v));
	if (!(h->loadflags & LF_LOADED_HIGH))
		return diag_fail(d, ST_BAD_IMAGE,
				 "linux: zImage (protocol %u.%02u, LOADED_HIGH clear) is not supported, only bzImage",
				 VER(v));
	if (hdr[LH_JUMP] != 0xEB)
		return diag_fail(d, ST_BAD_IMAGE, "linux: no short jump at 0x200 (0x%02x) to tell where the setup header ends",
				 hdr[LH_JUMP]);
	h->hdr_end = LH_HEADER + hdr[LH_JUMP + 1];
	if (h->hdr_end > BP_HDR_LIMIT || h->hdr_end > len)
		return diag_fail(d, ST_BAD_IMAGE, "linux: setup header ends at 0x%x, past its limit 0x%x",
				 h->hdr_end, BP_HDR_LIMIT);
	if (h->hdr_end < header_need(v))
		return diag_fail(d, ST_BAD_IMAGE, "linux: protocol %u.%02u header ends at 0x%x, before its last field (0x%x)",
				 VER(v), h->hdr_end, header_need(v));

	uint32_t sects = hdr[LH_SETUP_SECTS] ? hdr[LH_SETUP_SECTS] : LINUX_DEFAULT_SETUP_SECTS;
	h->setup_size = (sects + 1) * LINUX_SECTOR;
	if (file_size <= h->setup_size)
		return diag_fail(d, ST_BAD_IMAGE, "linux: truncated: the file has %llu bytes, its setup code alone %u",
				 (unsigned long long)file_size, h->setup_size);
	h->kernel_off = h->setup_size;
	h->kernel_size = file_size - h->setup_size;
	if (v >= 0x0204) {
		/* syssize counts 16-byte paragraphs, rounded up */
		uint64_t sys = (uint64_t)get_le32(hdr + LH_SYSSIZE) * 16;
		if (sys > h->kernel_size + 15)
			return diag_fail(d, ST_BAD_IMAGE,
					 "linux: truncated: syssize says %llu bytes of kernel, the file has %llu after the setup code",
					 (unsigned long long)sys, (unsigned long long)h->kernel_size);
	}

	h->code32_start = get_le32(hdr + LH_CODE32_START);
	h->initrd_addr_max = v >= 0x0203 ? get_le32(hdr + LH_INITRD_ADDR_MAX) : LINUX_OLD_INITRD_MAX;
	h->relocatable = v >= 0x0205 && hdr[LH_RELOCATABLE];
	h->kernel_alignment = 1;
	if (h->relocatable) {
		h->kernel_alignment = get_le32(hdr + LH_KERNEL_ALIGNMENT);
		if (!is_pow2(h->kernel_alignment))
			return diag_fail(d, ST_BAD_IMAGE, "linux: relocatable, but kernel_alignment 0x%x is not a power of two",
					 h->kernel_alignment);
	}
	h->min_alignment = h->kernel_alignment;
	if (h->relocatable && v >= 0x020A && hdr[LH_MIN_ALIGNMENT] &&
	    hdr[LH_MIN_ALIGNMENT] < 32 && (1u << hdr[LH_MIN_ALIGNMENT]) < h->kernel_alignment)
		h->min_alignment = 1u << hdr[LH_MIN_ALIGNMENT];
	h->cmdline_size = v >= 0x0206 ? get_le32(hdr + LH_CMDLINE_SIZE) : LINUX_OLD_CMDLINE_MAX;
	if (v >= 0x020A) {
		h->pref_address = get_le64(hdr + LH_PREF_ADDRESS);
		h->init_size = get_le32(hdr + LH_INIT_SIZE);
	}
	return 0;
}

/* The value of the last "key=value" word of a kernel command line, up to
 * the next blank; NULL when absent. Words after a lone "--" go to init. */
static const char *kernel_option(const char *args, const char *key, size_t *vlen)
{
	const char *found = 0;
	size_t klen = str_len(key);
	if (!str_find(args, key))
		return 0;	/* most command lines name none of the few asked for */
	const char *s = args;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		const char *w = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
		if (s - w == 2 && w[0] == '-' && w[1] == '-')
			break;
		if ((size_t)(s - w) >= klen && str_ncmp(w, key, klen) == 0) {
			found = w + klen;
			*vlen = (size_t)(s - found);
		}
	}
	return found;
}

/* An unsigned number in C notation (0x hex, 0 octal, else decimal), with
 * an optional K/M/G/T/P/E suffix when suffixes is set; 0 on success. */
static int parse_number(const char *s, size_t n, int suffixes, uint64_t *out)
{
	uint64_t base = 10, v = 0;
	size_t i = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	else if (n >= 2 && s[0] == '0')
		base = 8, i = 1;
	size_t digits = 0;
	for (; i < n; i++, digits++) {
		char c = s[i];
		uint64_t dv;
		if (c >= '0' && c <= '9')
			dv = (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			dv = (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			dv = (uint64_t)(c - 'A' + 10);
		else
			break;
		if (dv >= base || v > (~0ULL - dv) / base)
			return -1;
		v = v * base + dv;
	}
	if (!digits && base != 8)
		return -1;
	if (i < n) {
		static const char units[] = "KMGTPE";
		const char *u = suffixes && i + 1 == n ? str_chr(units, s[i] & ~0x20) : 0;
		if (!u || !*u)
			return -1;
		int shift = 10 * (int)(u - units + 1);
		if (v > (~0ULL >> shift))
			return -1;
		v <<= shift;
	}
	*out = v;
	return 0;
}

/* vga= goes into vid_mode, which the setup code reads before the command line. */
static int vga_mode(const char *args, uint16_t *mode)
{
	size_t n;
	const char *v = kernel_option(args, "vga=", &n);
	uint64_t x;
	if (!v)
		return 0;
	if (n == 6 && str_ncmp(v, "normal", 6) == 0)
		*mode = LINUX_VID_NORMAL;
	else if (n == 3 && str_ncmp(v, "ext", 3) == 0)
		*mode = LINUX_VID_EXT;
	else if (n == 3 && str_ncmp(v, "ask", 3) == 0)
		*mode = LINUX_VID_ASK;
	else if (parse_number(v, n, 0, &x) == 0 && x <= 0xFFFF)
		*mode = (uint16_t)x;
	else
		return 0;	/* the kernel will say what it thinks of it */
	return 1;
}

/* The VESA modes vga= names (VESA number + 0x200, as Linux numbers them):
 * 0x301 640x480x8 .. 0x31B 1280x1024x24. 0 when v is none of them. */
static int vesa_mode(uint16_t v, struct video_request *r)
{
	static const uint16_t sizes[][2] = { { 640, 480 }, { 800, 600 }, { 1024, 768 }, { 1280, 1024 } };
	static const uint8_t rgb[] = { 15, 16, 24 };
	if (v < 0x300 || v > 0x31B)
		return 0;
	unsigned n = v - 0x300;
	if (n >= 0x10) {	/* 0x310-0x31B: 15, 16, 24 bits for each size */
		r->width = sizes[(n - 0x10) / 3][0];
		r->height = sizes[(n - 0x10) / 3][1];
		r->depth = rgb[(n - 0x10) % 3];
		return 1;
	}
	if (n == 1 || n == 3 || n == 5 || n == 7) {	/* 8-bit modes: the nearest RGB depth */
		r->width = sizes[n / 2][0];
		r->height = sizes[n / 2][1];
		r->depth = 8;
		return 1;
	}
	return 0;
}

/* video=[name:]WxH[-bpp][@refresh]...: the size and depth asked. */
static int video_option(const char *args, struct video_request *r, const char **what, size_t *wlen)
{
	size_t n;
	const char *v = kernel_option(args, "video=", &n);
	if (!v)
		return 0;
	*what = v - 6;
	*wlen = n + 6;
	const char *colon = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] == ':') {
			colon = v + i;
			break;
		}
	if (colon) {
		n -= (size_t)(colon + 1 - v);
		v = colon + 1;
	}
	uint32_t f[3] = { 0, 0, 0 };
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		size_t start = i;
		while (i < n && v[i] >= '0' && v[i] <= '9' && f[k] < 100000)
			f[k] = f[k] * 10 + (uint32_t)(v[i++] - '0');
		if (i == start)
			return k >= 2 ? (r->width = f[0], r->height = f[1], 1) : 0;
		if (k == 0 && (i >= n || v[i++] != 'x'))
			return 0;
		if (k == 1 && (i >= n || v[i] != '-'))
			break;
		if (k == 1)
			i++;
	}
	r->width = f[0];
	r->height = f[1];
	r->depth = f[2];
	return 1;
}

/* screen_info (32-bit entry; the setup code fills it on the 16-bit one):
 * a linear framebuffer when vga= names a VESA graphics mode or video=
 * a size and a mode can be set, else the VGA text console when there is
 * a VGA (so console=tty0 shows text), else nothing. */
static int fill_screen_info(uint8_t *si, const struct boot_request *req, const struct boot_env *env,
			    struct plan *p, struct diag *d)
{
	struct video_request vr = { 0, 0, 0 };
	uint16_t vga;
	char what[40];
	const char *w = 0;
	size_t wl = 0;
	int asked = 0;
	if (vga_mode(req->args, &vga) && vesa_mode(vga, &vr)) {
		fmt_snprintf(what, sizeof(what), "vga=0x%x", vga);
		asked = 1;
	} else if (video_option(req->args, &vr, &w, &wl)) {
		fmt_snprintf(what, sizeof(what), "%.*s", (int)(wl < 30 ? wl : 30), w);
		asked = 1;
	}
	if (asked) {
		int r = video_for_payload("linux", what, env, &vr, 0, p, d);
		if (r < 0)
			return r;
		if (r == 1) {
			const struct video_mode *m = &p->video;
			si[SI_ORIG_VIDEO_ISVGA] = VIDEO_TYPE_VLFB;
			put_le16(si + SI_LFB_WIDTH, (uint16_t)m->width);
			put_le16(si + SI_LFB_HEIGHT, (uint16_t)m->height);
			put_le16(si + SI_LFB_DEPTH, (uint16_t)m->bpp);
			put_le32(si + SI_LFB_BASE, (uint32_t)m->addr);
			put_le32(si + SI_LFB_SIZE, (m->size + 0xFFFF) >> 16);
			put_le16(si + SI_LFB_LINELENGTH, (uint16_t)m->pitch);
			uint8_t *c = si + SI_RED_SIZE;
			c[0] = m->red_size;
			c[1] = m->red_pos;
			c[2] = m->green_size;
			c[3] = m->green_pos;
			c[4] = m->blue_size;
			c[5] = m->blue_pos;
			if (m->bpp == 32) {	/* the unused top byte */
				c[6] = 8;
				c[7] = 24;
			}
			put_le16(si + SI_PAGES, 1);
			return 0;
		}
	}
	if (!env->video || !env->video->vga_text)
		return 0;
	si[SI_ORIG_X] = env->video->cursor_x;	/* plan_execute updates both after its last line */
	si[SI_ORIG_Y] = env->video->cursor_y;
	p->text_cursor = 1;
	si[SI_ORIG_VIDEO_MODE] = 3;
	si[SI_ORIG_VIDEO_COLS] = 80;
	si[SI_ORIG_VIDEO_LINES] = 25;
	si[SI_ORIG_VIDEO_ISVGA] = VIDEO_TYPE_VGA_TEXT;
	put_le16(si + SI_ORIG_VIDEO_EGA_BX, 0x0003);	/* colour, 256 KiB */
	put_le16(si + SI_ORIG_VIDEO_POINTS, 16);
	return 0;
}

/* mem= ends memory for the kernel, so the initrd must end below it too. */
static uint64_t mem_option(const char *args)
{
	size_t n;
	const char *v = kernel_option(args, "mem=", &n);
	uint64_t x;
	if (v && parse_number(v, n, 1, &x) == 0 && x)
		return x;
	return 0;
}


/* Without BIOS services the setup code would call empty interrupt vectors
 * and hang: refuse it by name. */
static int no_bios(const char *why, struct diag *d)
{
	return diag_fail(d, ST_BAD_IMAGE,
			 "linux: %s the image's real-mode setup code, which calls the BIOS (INT 10h, 15h, 16h), "
			 "and " NO_BIOS_SERVICES "%s",
			 why, str_eq(why, "entry=16 runs") ? ": use entry=32" : "");
}

static int choose_entry(const struct boot_request *req, const struct linux_header *h, int bios,
			enum linux_entry *e, struct diag *d)
{
	/* iPXE's ipxe.lkrn, for one, has code32_start 0: only its setup code knows the way in */
	int can32 = h->code32_start >= LINUX_HIGH_LOAD && h->code32_start - LINUX_HIGH_LOAD < h->kernel_size;
	int can16 = h->setup_size <= LINUX_RM_SETUP_MAX;
	if (!req->entry) {
		/* the 32-bit entry only where the image promises it works without its setup code */
		int promised32 = can32 && h->version >= LINUX_32BIT_PROMISED;
		enum linux_entry other = LINUX_DEFAULT_ENTRY == LINUX_ENTRY_32 ? LINUX_ENTRY_16 : LINUX_ENTRY_32;
		*e = (LINUX_DEFAULT_ENTRY == LINUX_ENTRY_32 ? promised32 : can16) ? LINUX_DEFAULT_ENTRY : other;
		if (*e == LINUX_ENTRY_16 && !can16 && can32)
			*e = LINUX_ENTRY_32;	/* a setup too big to run: the 32-bit entry is all there is */
		if (*e == LINUX_ENTRY_16 && !bios && can32)	/* memdisk hangs if given the 32-bit entry */
			return no_bios("before protocol 2.07 (no promised 32-bit entry; entry=32 tries it) its way in is", d);
		if (*e == LINUX_ENTRY_16 && !bios)
			return no_bios("its only way in is", d);
		if (!(*e == LINUX_ENTRY_32 ? can32 : can16))
			return diag_fail(d, ST_BAD_IMAGE,
					 "linux: neither entry works: code32_start 0x%x lies outside the kernel, setup code is %u bytes",
					 h->code32_start, h->setup_size);
		return 0;
	}
	if (str_eq(req->entry, "32")) {
		if (!can32)
			return diag_fail(d, ST_BAD_IMAGE,
					 "linux: no 32-bit entry: code32_start 0x%x lies outside the protected-mode kernel 0x%x-0x%llx (use entry=16)",
					 h->code32_start, (unsigned)LINUX_HIGH_LOAD,
					 (unsigned long long)(LINUX_HIGH_LOAD + h->kernel_size - 1));
		*e = LINUX_ENTRY_32;
		return 0;
	}
	if (str_eq(req->entry, "16")) {
		if (!can16)
			return diag_fail(d, ST_BAD_IMAGE,
					 "linux: setup code is %u bytes, more than the %u the 16-bit entry can run (use entry=32)",
					 h->setup_size, LINUX_RM_SETUP_MAX);
		if (!bios)
			return no_bios("entry=16 runs", d);
		*e = LINUX_ENTRY_16;
		return 0;
	}
	return diag_fail(d, ST_CMDLINE,
			 "linux: entry=%s: expected entry=32 (32-bit boot protocol) or entry=16 (real-mode setup code)",
			 req->entry);
}

/* The protected-mode kernel: at 1 MiB, or for a relocatable kernel at
 * pref_address when free, else as low as the best alignment allows.
 * *align gets the alignment the address actually has (capped). */
static int place_kernel(const struct linux_header *h, const struct file *f, struct mem_map *m,
			struct plan *p, uint64_t *load, uint32_t *align, struct diag *d)
{
	struct diag why;
	uint64_t at = LINUX_HIGH_LOAD;
	*align = h->kernel_alignment;
	if (!h->relocatable) {
		int r = mem_claim(m, at, h->kernel_size, CLAIM_TARGET, "linux kernel", &why);
		if (r < 0)
			return diag_fail(d, -r, "linux: the kernel must load at 0x%llx: %s", (unsigned long long)at,
					 why.msg);
	} else {
		int found = 0;
		uint64_t pref = h->pref_address;
		if (pref >= MEM_LOW_END && pref % h->kernel_alignment == 0 && pref < MEM_4G &&
		    h->kernel_size <= MEM_4G - pref)
			found = !mem_alloc(m, h->kernel_size, h->kernel_alignment, pref, pref + h->kernel_size, 0,
					   CLAIM_TARGET, "linux kernel", &at, 0);
		for (uint32_t a = h->kernel_alignment; !found && a >= h->min_alignment && a; a >>= 1) {
			found = !mem_alloc(m, h->kernel_size, a, MEM_LOW_END, MEM_4G, 0, CLAIM_TARGET, "linux kernel",
					   &at, 0);
			*align = a;
		}
		if (!found)
			return diag_fail(d, ST_NO_MEMORY,
					 "linux: no room for the kernel (%llu bytes) below 4 GiB, aligned to 0x%x or at least 0x%x; "
					 "it needs %u KiB of RAM there to run (init_size 0x%x)",
					 (unsigned long long)h->kernel_size, h->kernel_alignment, h->min_alignment,
					 (h->init_size > h->kernel_size ? h->init_size : (uint32_t)h->kernel_size) / 1024,
					 h->init_size);
	}
	struct plan_seg *s = plan_add(p, at, h->kernel_size, SRC_FILE, "linux kernel");
	if (!s)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the plan");
	s->file = f;
	s->off = h->kernel_off;
	*load = at;
	return 0;
}

/* The kernel decompresses into init_size bytes at its runtime start:
 * nothing fwboot places may land there. */
static int keep_out_window(const struct linux_header *h, uint64_t load, uint32_t align,
			   struct mem_map *m, uint64_t *start, uint64_t *end, struct diag *d)
{
	uint64_t s = align_up(load, align);
	if (s < h->pref_address)
		s = h->pref_address;
	*start = *end = s;
	if (!h->init_size)
		return 0;	/* before 2.10 the header does not say */
	uint64_t avail = mem_avail_at(m, s);
	if (avail < h->init_size)
		return diag_fail(d, ST_NO_MEMORY,
				 "linux: the kernel decompresses into 0x%llx-0x%llx (init_size 0x%x: it needs %u KiB of RAM "
				 "there), but RAM there %s", (unsigned long long)s, (unsigned long long)(s + h->init_size - 1),
				 h->init_size, h->init_size / 1024, avail ? "ends sooner" : "is missing");
	struct diag why;
	int r = mem_claim(m, s, h->init_size, CLAIM_KEEPOUT, "linux decompression window", &why);
	if (r < 0)
		return diag_fail(d, -r, "linux: %s", why.msg);
	*end = s + h->init_size;
	return 0;
}

/* All initrds as one ramdisk: page-aligned, each file 4-aligned after the
 * previous (so concatenated cpio archives unpack), as high as allowed. */
static int place_initrds(const struct boot_request *req, const struct linux_header *h,
			 struct mem_map *m, struct plan *p, uint64_t win_start, uint64_t win_end,
			 uint32_t *image, uint32_t *size, struct diag *d)
{
	*image = *size = 0;
	if (!req->nmods)
		return 0;
	uint64_t total = 0;
	for (size_t i = 0; i < req->nmods; i++)
		total = align_up(total, INITRD_GAP_ALIGN) + req->mods[i].file->size;
	uint64_t hi = (uint64_t)h->initrd_addr_max + 1;
	if (hi > MEM_4G)
		hi = MEM_4G;
	uint64_t mem = mem_option(req->args);
	if (mem && mem < hi)
		hi = mem;
	uint64_t base;
	if (total >= MEM_4G ||
	    mem_alloc(m, total, PAGE, MEM_LOW_END, hi, MEM_TOP_DOWN, CLAIM_PLACED, "initrd", &base, 0)) {
		char window[64] = "";
		if (win_end > win_start)
			fmt_snprintf(window, sizeof(window), " outside the decompression window 0x%llx-0x%llx",
				     (unsigned long long)win_start, (unsigned long long)win_end - 1);
		return diag_fail(d, ST_NO_MEMORY, "linux: initrd (%llu bytes in %zu file%s) does not fit in RAM below 0x%llx%s",
				 (unsigned long long)total, req->nmods, req->nmods == 1 ? "" : "s",
				 (unsigned long long)hi, window);
	}
	uint64_t off = 0;
	for (size_t i = 0; i < req->nmods; i++) {
		const struct file *f = req->mods[i].file;
		uint64_t at = align_up(off, INITRD_GAP_ALIGN);
		struct plan_seg *z = at > off ? plan_add(p, base + off, at - off, SRC_ZERO, "initrd padding") : 0;
		struct plan_seg *s = plan_add(p, base + at, f->size, SRC_FILE, f->name);
		if ((at > off && !z) || !s)
			return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the plan");
		s->file = f;
		off = at + f->size;
	}
	*image = (uint32_t)base;
	*size = (uint32_t)total;
	return 0;
}

/* What fwboot writes into a copy of the setup header (b indexed by file offset). */
struct linux_fill {
	uint32_t code32_start, align, ramdisk_image, ramdisk_size, cmd_line_ptr;
	int set_align, set_vga;
	uint16_t vga;
};

static void fill_header(uint8_t *b, const struct linux_header *h, const struct linux_fill *x)
{
	b[LH_TYPE_OF_LOADER] = LINUX_LOADER_UNDEFINED;
	put_le32(b + LH_CODE32_START, x->code32_start);
	put_le32(b + LH_RAMDISK_IMAGE, x->ramdisk_image);
	put_le32(b + LH_RAMDISK_SIZE, x->ramdisk_size);
	put_le32(b + LH_CMD_LINE_PTR, x->cmd_line_ptr);
	if (x->set_align && h->version >= 0x020A)
		put_le32(b + LH_KERNEL_ALIGNMENT, x->align);
	if (x->set_vga)
		put_le16(b + LH_VID_MODE, x->vga);
}

/* 32-bit entry: boot_params (zeroed, the header copied and filled, the
 * memory map as e820) with the command line right after it. */
static int build_boot_params(const struct boot_request *req, const uint8_t *hdr,
			     const struct linux_header *h, struct linux_fill *x,
			     struct boot_env *env, struct plan *p, uint64_t *at, struct diag *d)
{
	struct mem_map *m = env->mem;
	size_t cl = str_len(req->args);
	/* under UEFI the EFI memory map follows the command line, filled at
	 * ExitBootServices (linux_efi_mmap_fill), as GRUB EFI's linux gives it */
	uint64_t mo = (BP_SIZE + cl + 1 + 7) & ~7ULL, room = env->efi_systab ? env->efi_mmap_cap & ~7u : 0;
	uint64_t len = room ? mo + room : BP_SIZE + cl + 1;
	if (m->nmap > BP_E820_MAX)
		return diag_fail(d, ST_NO_MEMORY, "linux: the memory map has %zu entries, boot_params holds %d",
				 m->nmap, BP_E820_MAX);
	/* low memory first, like the real-mode layout; anywhere below 4 GiB else */
	if (mem_alloc(m, len, PAGE, RM_BLOCK_MIN, LOW_MEM_END, 0, CLAIM_PLACED, "linux boot_params", at, 0) &&
	    mem_alloc(m, len, PAGE, MEM_LOW_END, MEM_4G, MEM_TOP_DOWN, CLAIM_PLACED, "linux boot_params", at, d))
		return diag_fail(d, ST_NO_MEMORY, "linux: no room for boot_params and the command line (%llu bytes)",
				 (unsigned long long)len);
	uint8_t *bp = zalloc((size_t)len);
	if (!bp)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for boot_params");
	memcpy(bp + BP_HDR_START, hdr + BP_HDR_START, h->hdr_end - BP_HDR_START);
	x->cmd_line_ptr = (uint32_t)*at + BP_SIZE;
	fill_header(bp, h, x);
	bp[BP_E820_ENTRIES] = (uint8_t)m->nmap;
	for (size_t i = 0; i < m->nmap; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
		put_le64(e, m->map[i].start);
		put_le64(e + 8, m->map[i].end - m->map[i].start);
		put_le32(e + 16, m->map[i].type);
	}
	if (env->rsdp)
		put_le64(bp + BP_ACPI_RSDP_ADDR, env->rsdp);
	if (room) {
		memcpy(bp + BP_EFI_SIGNATURE, "EL64", 4);
		put_le32(bp + BP_EFI_SYSTAB, (uint32_t)env->efi_systab);
		put_le32(bp + BP_EFI_SYSTAB_HI, (uint32_t)(env->efi_systab >> 32));
		put_le32(bp + BP_EFI_MEMMAP, (uint32_t)(*at + mo));
		p->efi_mmap_linux = 1;
		p->efi_mmap_info = bp;
		p->efi_mmap_tag = bp + mo;
		p->efi_mmap_room = (uint32_t)room;
	}
	int r = fill_screen_info(bp, req, env, p, d);
	if (r)
		return r;
	memcpy(bp + BP_SIZE, req->args, cl + 1);
	if (p->text_cursor)
		p->text_cursor = *at + SI_ORIG_X;
	struct plan_seg *s = plan_add(p, *at, len, SRC_MEM, "linux boot_params");
	if (!s)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the plan");
	s->mem = bp;
	return 0;
}

/* 16-bit entry: boot sector and setup code, stack and heap up to
 * LINUX_RM_HEAP_END, the command line after it, all below 640 KiB. The
 * setup code comes straight from the file; the filled header overlays it. */
static int build_real_mode(const struct boot_request *req, const uint8_t *hdr,
			   const struct linux_header *h, struct linux_fill *x, struct mem_map *m,
			   const struct file *f, struct plan *p, uint64_t *at, struct diag *d)
{
	size_t cl = str_len(req->args);
	uint64_t len = LINUX_RM_HEAP_END + cl + 1;
	if (mem_alloc(m, len, 16, RM_BLOCK_MIN, LOW_MEM_END, 0, CLAIM_PLACED, "linux real-mode setup", at, 0))
		return diag_fail(d, ST_NO_MEMORY,
				 "linux: no room below 640 KiB for the real-mode setup code, its stack and the command line (%llu bytes)",
				 (unsigned long long)len);
	uint8_t *b = zalloc(h->hdr_end + cl + 1);
	if (!b)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the setup header");
	memcpy(b + BP_HDR_START, hdr + BP_HDR_START, h->hdr_end - BP_HDR_START);
	x->cmd_line_ptr = (uint32_t)*at + LINUX_RM_HEAP_END;
	fill_header(b, h, x);
	b[LH_LOADFLAGS] |= LF_CAN_USE_HEAP;
	put_le16(b + LH_HEAP_END_PTR, LINUX_RM_HEAP_END - 0x200);
	char *cmd = (char *)b + h->hdr_end;
	memcpy(cmd, req->args, cl + 1);

	struct plan_seg *code = plan_add(p, *at, h->setup_size, SRC_FILE, "linux setup code");
	if (!code)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the plan");
	code->file = f;
	code->off = 0;
	/* after the code segment in plan order: the loader writes it second */
	struct plan_seg *hs = plan_add(p, *at + BP_HDR_START, h->hdr_end - BP_HDR_START, SRC_MEM, "linux setup header");
	struct plan_seg *cs = plan_add(p, *at + LINUX_RM_HEAP_END, cl + 1, SRC_MEM, "linux command line");
	if (!hs || !cs)
		return diag_fail(d, ST_NO_MEMORY, "linux: no memory for the plan");
	hs->mem = b + BP_HDR_START;
	cs->mem = cmd;
	return 0;
}

int linux_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	       struct boot_env *env, struct plan *p, struct diag *d)
{
	struct linux_header h;
	struct mem_map *m = env->mem;
	const struct file *f = req->kernel;
	int r = linux_parse(hdr, len, f->size, &h, d);
	if (r)
		return r;
	enum linux_entry entry;
	r = choose_entry(req, &h, !env->no_bios, &entry, d);
	if (r)
		return r;
	size_t cl = str_len(req->args);
	if (cl > h.cmdline_size)
		return diag_fail(d, ST_CMDLINE, "linux: command line is %zu bytes, the kernel takes at most %u (cmdline_size)",
				 cl, h.cmdline_size);

	struct linux_fill x;
	memset(&x, 0, sizeof(x));
	uint64_t load = 0, win_start = 0, win_end = 0;
	uint32_t align = 1;
	r = place_kernel(&h, f, m, p, &load, &align, d);
	if (r)
		return r;
	r = keep_out_window(&h, load, align, m, &win_start, &win_end, d);
	if (r)
		return r;
	r = place_initrds(req, &h, m, p, win_start, win_end, &x.ramdisk_image, &x.ramdisk_size, d);
	if (r)
		return r;
	/* a relocated kernel's entry moves with it (code32_start is relative to 1 MiB) */
	x.code32_start = h.code32_start + (uint32_t)(load - LINUX_HIGH_LOAD);
	x.align = align;
	x.set_align = align != h.kernel_alignment;
	x.set_vga = vga_mode(req->args, &x.vga);

	uint64_t at;
	if (entry == LINUX_ENTRY_32) {
		r = build_boot_params(req, hdr, &h, &x, env, p, &at, d);
		if (r)
			return r;
		p->mode = ENTRY_FLAT32;
		p->entry = x.code32_start;
		memset(&p->regs, 0, sizeof(p->regs));
		p->regs.esi = (uint32_t)at;
		p->format = "linux (32-bit entry)";
	} else {
		r = build_real_mode(req, hdr, &h, &x, m, f, p, &at, d);
		if (r)
			return r;
		uint16_t seg = (uint16_t)(at >> 4);
		p->mode = ENTRY_REAL16;
		p->entry = 0;
		p->rm_cs = (uint16_t)(seg + LINUX_RM_ENTRY_SEG_OFFSET);
		p->rm_ip = 0;
		p->rm_ss = seg;
		p->rm_ds = seg;
		p->rm_sp = LINUX_RM_HEAP_END;
		p->format = "linux (16-bit entry)";
	}
	return 0;
}

int linux_efi_mmap_fill(uint8_t *bp, uint8_t *buf, uint32_t room, const void *desc, uint64_t size,
			uint32_t desc_size, uint32_t desc_version)
{
	if (size > room || desc_size == 0 || size % desc_size)
		return -1;
	memcpy(buf, desc, (size_t)size);
	put_le32(bp + BP_EFI_MEMDESC_SIZE, desc_size);
	put_le32(bp + BP_EFI_MEMDESC_VERSION, desc_version);
	put_le32(bp + BP_EFI_MEMMAP_SIZE, (uint32_t)size);
	return 0;
}
