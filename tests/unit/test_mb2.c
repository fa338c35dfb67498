/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 2: header search and every tag refusal, image placement (ELF32,
 * ELF64, the address tag, relocatable), modules, and the boot information
 * tag by tag; the probe order between Multiboot 2 and Multiboot 1. */
#include <stdlib.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/mb2.h"
#include "include/multiboot1.h"
#include "include/multiboot2.h"
#include "include/status.h"
#include "test.h"
#include "plan_check.h"
#include "fixture.h"


/* ---- building headers ---- */

struct hb {
	uint8_t *b;
	size_t start, pos;
};

static void hb_begin(struct hb *h, uint8_t *b, size_t off)
{
	h->b = b;
	h->start = off;
	h->pos = off + 16;
	put_le32(b + off, MB2_HEADER_MAGIC);
	put_le32(b + off + 4, MB2_ARCH_I386);
}

/* A tag of n u32 words after the 8-byte tag header. */
static void hb_tag(struct hb *h, uint16_t type, uint16_t flags, const uint32_t *w, size_t n)
{
	uint8_t *t = h->b + h->pos;
	put_le16(t, type);
	put_le16(t + 2, flags);
	put_le32(t + 4, (uint32_t)(8 + 4 * n));
	for (size_t i = 0; i < n; i++)
		put_le32(t + 8 + 4 * i, w[i]);
	h->pos += (8 + 4 * n + 7) & ~(size_t)7;
}

static void hb_fix(struct hb *h)
{
	uint32_t len = (uint32_t)(h->pos - h->start);
	uint32_t arch = get_le32(h->b + h->start + 4);
	put_le32(h->b + h->start + 8, len);
	put_le32(h->b + h->start + 12, 0u - MB2_HEADER_MAGIC - arch - len);
}

static void hb_end(struct hb *h)
{
	hb_tag(h, MB2_HTAG_END, 0, 0, 0);
	hb_fix(h);
}

#define W(...) (const uint32_t[]){ __VA_ARGS__ }, sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4
#define A4(a, b, c, e) (const uint32_t[]){ a, b, c, e }

/* ---- building images ---- */

/* An ELF (32 or 64) with PT_LOADs (paddr, filesz, memsz), data at 0x1000 steps. */
static uint8_t *make_elf(int class, size_t *len, uint64_t entry, int nseg, const uint64_t *paddr,
			 const uint64_t *filesz, const uint64_t *memsz)
{
	size_t size = 0x1000 * (size_t)(nseg + 1);
	uint8_t *b = calloc(1, size);
	memcpy(b, ELF_MAGIC, 4);
	b[4] = (uint8_t)class;
	b[5] = ELFDATA2LSB;
	b[6] = 1;
	put_le16(b + 16, 2);
	if (class == ELFCLASS32) {
		put_le16(b + EH_MACHINE, EM_386);
		put_le32(b + EH32_ENTRY, (uint32_t)entry);
		put_le32(b + EH32_PHOFF, EH32_SIZE);
		put_le16(b + EH32_PHENTSIZE, PH32_SIZE);
		put_le16(b + EH32_PHNUM, (uint16_t)nseg);
	} else {
		put_le16(b + EH_MACHINE, EM_X86_64);
		put_le64(b + EH64_ENTRY, entry);
		put_le64(b + EH64_PHOFF, EH64_SIZE);
		put_le16(b + EH64_PHENTSIZE, PH64_SIZE);
		put_le16(b + EH64_PHNUM, (uint16_t)nseg);
	}
	for (int i = 0; i < nseg; i++) {
		uint64_t off = 0x1000 * (uint64_t)(i + 1);
		if (class == ELFCLASS32) {
			uint8_t *p = b + EH32_SIZE + i * PH32_SIZE;
			put_le32(p, PT_LOAD);
			put_le32(p + 4, (uint32_t)off);
			put_le32(p + 8, (uint32_t)paddr[i]);
			put_le32(p + 12, (uint32_t)paddr[i]);
			put_le32(p + 16, (uint32_t)filesz[i]);
			put_le32(p + 20, (uint32_t)memsz[i]);
		} else {
			uint8_t *p = b + EH64_SIZE + i * PH64_SIZE;
			put_le32(p, PT_LOAD);
			put_le64(p + 8, off);
			put_le64(p + 16, paddr[i] | 0xffffffff80000000ULL);	/* a high virtual address */
			put_le64(p + 24, paddr[i]);
			put_le64(p + 32, filesz[i]);
			put_le64(p + 40, memsz[i]);
		}
	}
	*len = size;
	return b;
}

/* The usual test kernel: ELF32, one segment 0x100000 (0x800 bytes, 0x3000 in memory). */
static uint8_t *std_elf(size_t *len)
{
	return make_elf(ELFCLASS32, len, 0x100010, 1, (const uint64_t[]){ 0x100000 }, (const uint64_t[]){ 0x800 },
			(const uint64_t[]){ 0x3000 });
}

static struct file file_of(const char *name, const uint8_t *buf, size_t len)
{
	struct file f = { name, 0, 0, len, buf };
	return f;
}

static uint64_t rsdp_addr;	/* what the planner sees as env->rsdp */
static const struct video_caps *video_env;	/* ... and as env->video */
static uint64_t efi_systab_env;			/* ... as env->efi_systab */
static uint32_t efi_cap_env;			/* ... as env->efi_mmap_cap */
static uint64_t efi_image_env;			/* ... as env->efi_image */

static int plan_with(struct boot_request *req, struct plan *p, struct diag *d, int reset)
{
	struct boot_env env = { .mem = &mm, .rsdp = rsdp_addr, .smbios = 0, .video = video_env, .efi_systab = efi_systab_env, .efi_mmap_cap = efi_cap_env, .efi_image = efi_image_env };
	memset(p, 0, sizeof(*p));
	d->msg[0] = 0;
	if (reset)
		reset_mem();
	const struct file *f = req->kernel;
	size_t n = f->size < IMAGE_HEADER_WINDOW ? f->size : IMAGE_HEADER_WINDOW;
	int r = mb2_plan(req, f->mem, n, &env, p, d);
	if (r == 0)	/* every accepted plan keeps the invariants */
		{
		const char *v_ = plan_check(p, &mm, req);
		if (!ok(v_ == 0))
			printf("     plan_check: %s\n", v_);
	}
	return r;
}

static int plan(struct boot_request *req, struct plan *p, struct diag *d)
{
	return plan_with(req, p, d, 1);
}

static int parse(const uint8_t *b, size_t len, struct mb2_header *h, struct diag *d)
{
	d->msg[0] = 0;
	return mb2_parse_header(b, len, h, d);
}

/* ---- reading the information back ---- */

static const uint8_t *info_of(const struct plan *p)
{
	const struct plan_seg *s = &p->segs[p->nsegs - 1];
	return s->src == SRC_MEM ? s->mem : 0;
}

/* The nth tag of a type, or NULL; checks the walk stays inside total_size. */
static const uint8_t *find_tag(const uint8_t *info, uint32_t type, int nth)
{
	uint32_t total = get_le32(info);
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t t = get_le32(info + off), size = get_le32(info + off + 4);
		if (size < 8 || off + size > total)
			return 0;
		if (t == type && nth-- == 0)
			return info + off;
		if (t == MB2_TAG_END)
			return 0;
		off = (off + size + 7) & ~7u;
	}
	return 0;
}

static int count_tags(const uint8_t *info, uint32_t type)
{
	int n = 0;
	while (find_tag(info, type, n))
		n++;
	return n;
}

/* ---- the tests ---- */

static void test_header_search(void)
{
	struct mb2_header h;
	struct diag d;
	uint8_t *b = calloc(1, 0x10000);
	struct hb hb;

	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: no header in the first 32 KiB");

	/* at the last 8-aligned slot that still holds the end tag: found */
	hb_begin(&hb, b, 32768 - 24);
	hb_end(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), 0);
	ok_eq(h.offset, 32768 - 24);
	ok_eq(h.length, 24);
	memset(b, 0, 0x10000);

	/* beyond 32 KiB: not searched */
	hb_begin(&hb, b, 32768);
	hb_end(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: no header in the first 32 KiB");
	memset(b, 0, 0x10000);

	/* only 8-aligned offsets count */
	hb_begin(&hb, b, 0x104);
	hb_end(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: no header in the first 32 KiB");
	memset(b, 0, 0x10000);

	/* checksum, architecture, header_length */
	hb_begin(&hb, b, 0x100);
	hb_end(&hb);
	put_le32(b + 0x10c, get_le32(b + 0x10c) + 1);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: no header in the first 32 KiB (1 magic with an invalid header checksum, "
		      "the first at offset 0x100, sum 0x1)");
	/* a false magic before the real header is skipped, and counted */
	{
		struct hb real;
		hb_begin(&real, b, 0x2000);
		hb_end(&real);
		ok_eq(parse(b, 0x10000, &h, &d), 0);
		ok_eq(h.offset, 0x2000);
		ok_eq(h.skipped, 1);
		ok_eq(h.skip_off, 0x100);
		ok_eq(h.skip_sum, 1);
		memset(b + 0x2000, 0, 32);
	}
	/* a lone magic word (no checksum at all) too */
	put_le32(b + 0x10c, get_le32(b + 0x10c) - 1);
	{
		uint8_t *c = calloc(1, 0x10000);
		for (size_t off = 0; off + 24 <= 32768; off += 4) {
			struct hb x;
			memset(c, 0, 0x10000);
			put_le32(c + 0x8, MB2_HEADER_MAGIC);	/* false */
			if (off < 0x18)
				continue;
			hb_begin(&x, c, off);
			hb_end(&x);
			int r = parse(c, 0x10000, &h, &d);
			if (off % 8 == 0) {
				ok_eq(r, 0);
				ok_eq(h.offset, off);
				ok_eq(h.skipped, 1);
			} else {
				ok_eq(r, -ST_BAD_IMAGE);
			}
		}
		free(c);
	}
	put_le32(b + 0x104, MB2_ARCH_MIPS32);
	hb_fix(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header is for architecture 4 (32-bit MIPS), not i386 (0)");
	put_le32(b + 0x104, 7);
	hb_fix(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header is for architecture 7, not i386 (0)");
	put_le32(b + 0x104, 0);
	hb.pos = 0x110;	/* header_length 16: no end tag */
	hb_fix(&hb);
	ok_eq(parse(b, 0x10000, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header_length 16 leaves no room for the end tag");
	/* a header longer than the file */
	memset(b, 0, 0x10000);
	hb_begin(&hb, b, 0x100);
	hb_end(&hb);
	ok_eq(parse(b, 0x110, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header at offset 0x100 with header_length 24 does not fit in the first 272 bytes");
	free(b);
}

static void test_tag_walk(void)
{
	struct mb2_header h;
	struct diag d;
	uint8_t b[512];
	struct hb hb;

	/* a tag smaller than its own header */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_MODULE_ALIGN, 0, 0, 0);
	put_le32(b + 16 + 4, 4);
	hb_end(&hb);
	ok_eq(parse(b, sizeof(b), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 6 at offset 0x10 has size 4 (16 bytes left in the header)");

	/* a tag running past header_length */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x100000));
	hb_end(&hb);
	put_le32(b + 16 + 4, 200);
	ok_eq(parse(b, sizeof(b), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 3 at offset 0x10 has size 200 (24 bytes left in the header)");

	/* no end tag before header_length */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x100000));
	hb_tag(&hb, MB2_HTAG_MODULE_ALIGN, 0, 0, 0);
	hb_fix(&hb);
	ok_eq(parse(b, sizeof(b), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tags run past header_length (40) without an end tag");

	/* a known tag that is too small for its fields */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_ADDRESS, 0, W(1, 2, 3));
	hb_end(&hb);
	ok_eq(parse(b, sizeof(b), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 2 (address) has size 20, expected at least 24");

	/* a second entry tag */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x100000));
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x100010));
	hb_end(&hb);
	ok_eq(parse(b, sizeof(b), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 3 (entry address) appears twice");

	/* every tag fwboot honours, all at once */
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 0);
	hb_tag(&hb, MB2_HTAG_INFO_REQUEST, 0, W(1, 2, 3, 4, 6, 21));
	hb_tag(&hb, MB2_HTAG_INFO_REQUEST, MB2_HT_OPTIONAL, W(8, 9, 14, 15, 99));
	hb_tag(&hb, MB2_HTAG_ADDRESS, 0, W(0x200040, 0x200000, 0x201000, 0x203000));
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x200100));
	hb_tag(&hb, MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_EGA_TEXT));
	hb_tag(&hb, MB2_HTAG_MODULE_ALIGN, 0, 0, 0);
	hb_tag(&hb, MB2_HTAG_RELOCATABLE, 0, W(0x1000000, 0x2000000, 0, 7));
	hb_tag(&hb, MB2_HTAG_FRAMEBUFFER, MB2_HT_OPTIONAL, W(1024, 768, 32));
	hb_tag(&hb, MB2_HTAG_EFI_BS, MB2_HT_OPTIONAL, 0, 0);
	hb_tag(&hb, MB2_HTAG_ENTRY_EFI32, MB2_HT_OPTIONAL, W(0x200200));
	hb_tag(&hb, MB2_HTAG_ENTRY_EFI64, MB2_HT_OPTIONAL, W(0x200300));
	hb_tag(&hb, 42, MB2_HT_OPTIONAL, W(1, 2, 3));
	hb_end(&hb);
	ok_eq(parse(b, sizeof(b), &h, &d), 0);
	ok_eq(h.has_address, 1);
	ok_eq(h.header_addr, 0x200040);
	ok_eq(h.load_addr, 0x200000);
	ok_eq(h.load_end_addr, 0x201000);
	ok_eq(h.bss_end_addr, 0x203000);
	ok_eq(h.has_entry, 1);
	ok_eq(h.entry_addr, 0x200100);
	ok_eq(h.ega_console, 0);	/* EGA text supported, but no console required */
	ok_eq(h.module_align, 1);
	ok_eq(h.has_reloc, 1);
	ok_eq(h.min_addr, 0x1000000);
	ok_eq(h.max_addr, 0x2000000);
	ok_eq(h.align, 1);	/* 0 means no alignment */
	ok_eq(h.preference, MB2_RELOC_PREF_NONE);	/* 7 is no known preference */
	ok_eq(h.required, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 21);
	ok_eq(h.requested, h.required | 1u << 8 | 1u << 9 | 1u << 14 | 1u << 15);
}

/* One header with the given tag, then the end tag; parse it. */
static int one_tag(uint16_t type, uint16_t flags, const uint32_t *w, size_t n, struct mb2_header *h,
		   struct diag *d)
{
	uint8_t b[256];
	struct hb hb;
	memset(b, 0, sizeof(b));
	hb_begin(&hb, b, 8);
	hb_tag(&hb, type, flags, w, n);
	hb_end(&hb);
	return parse(b, sizeof(b), h, d);
}

static void test_refusals(void)
{
	struct mb2_header h;
	struct diag d;

	/* the framebuffer tag is recorded; mb2_plan decides with the display (test_video.c) */
	ok_eq(one_tag(MB2_HTAG_FRAMEBUFFER, 0, W(1024, 768, 32), &h, &d), 0);
	ok_eq(h.fb_tag, 1);
	ok_eq(h.fb_required, 1);
	ok_eq(h.fb_width, 1024);
	ok_eq(h.fb_height, 768);
	ok_eq(h.fb_depth, 32);
	ok_eq(one_tag(MB2_HTAG_FRAMEBUFFER, MB2_HT_OPTIONAL, W(1024, 768, 32), &h, &d), 0);
	ok_eq(one_tag(MB2_HTAG_EFI_BS, 0, 0, 0, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 7 (EFI boot services) is required but not supported");
	/* the EFI entries count only with boot services kept (tag 7): ignored, even when required */
	ok_eq(one_tag(MB2_HTAG_ENTRY_EFI32, 0, W(0x100000), &h, &d), 0);
	ok_eq(one_tag(MB2_HTAG_ENTRY_EFI64, 0, W(0x100000), &h, &d), 0);
	ok(!h.has_entry);
	ok_eq(one_tag(MB2_HTAG_ENTRY_EFI64, 0, 0, 0, &h, &d), -ST_BAD_IMAGE);	/* still its size checked */
	ok_eq(one_tag(42, 0, W(1), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 42 (unknown) is required but not supported");
	ok_eq(one_tag(42, MB2_HT_OPTIONAL, W(1), &h, &d), 0);

	/* information requests: by name when required, skipped when optional */
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(1, 8), &h, &d), 0);	/* mb2_plan checks for a screen */
	ok_eq(h.required >> MB2_TAG_FRAMEBUFFER & 1, 1);
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(12, 17), &h, &d), 0);	/* mb2_plan checks for UEFI */
	ok_eq(h.required >> MB2_TAG_EFI64 & 1, 1);
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(11), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 11 (EFI 32-bit system table) is required but not supported");
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(5), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 5 (BIOS boot device) is required but not supported");
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(77), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 77 (unknown) is required but not supported");
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, MB2_HT_OPTIONAL, W(5, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 77),
		      &h, &d), 0);
	ok_eq(h.required, 0);
	ok_eq(one_tag(MB2_HTAG_INFO_REQUEST, 0, W(0, 1, 2, 3, 4, 6, 14, 15, 21), &h, &d), 0);

	/* console flags */
	ok_eq(one_tag(MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_REQUIRED), &h, &d), 0);	/* mb2_plan decides */
	ok_eq(h.fb_console, MB2_CONSOLE_REQUIRED);
	ok_eq(one_tag(MB2_HTAG_CONSOLE, MB2_HT_OPTIONAL, W(MB2_CONSOLE_REQUIRED), &h, &d), 0);
	ok_eq(h.ega_console, 0);
	ok_eq(one_tag(MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_REQUIRED | MB2_CONSOLE_EGA_TEXT), &h, &d), 0);
	ok_eq(h.ega_console, 1);

	/* relocatable */
	ok_eq(one_tag(MB2_HTAG_RELOCATABLE, 0, W(0x100000, 0x200000, 0x3000, 0), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: relocatable tag alignment 0x3000 is not a power of two");
	ok_eq(one_tag(MB2_HTAG_RELOCATABLE, 0, W(0x300000, 0x200000, 0x1000, 0), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: relocatable tag min_addr 0x300000 is above max_addr 0x200000");
	ok_eq(one_tag(MB2_HTAG_RELOCATABLE, 0, W(0x100000, 0x200000, 0x1000, 2), &h, &d), 0);
	ok_eq(h.preference, MB2_RELOC_PREF_HIGHEST);
}

/* An image: header at 0x200 of an ELF, built by the caller's tags. */
static uint8_t *elf_with(struct hb *hb, size_t *len)
{
	uint8_t *b = std_elf(len);
	hb_begin(hb, b, 0x200);
	return b;
}

static void test_elf32(void)
{
	struct plan p;
	struct diag d;
	struct hb hb;
	size_t len, mlen[2] = { 5000, 4096 };
	uint8_t *k = elf_with(&hb, &len);
	hb_tag(&hb, MB2_HTAG_INFO_REQUEST, 0, W(1, 2, 3, 4, 6, 21));
	hb_tag(&hb, MB2_HTAG_MODULE_ALIGN, 0, 0, 0);
	hb_end(&hb);
	struct file kf = file_of("opt/k", k, len);
	uint8_t *m0 = calloc(1, mlen[0]), *m1 = calloc(1, mlen[1]);
	struct file mf[2] = { file_of("opt/m0", m0, mlen[0]), file_of("opt/m1", m1, mlen[1]) };
	struct boot_module mods[2] = { { &mf[0], "" }, { &mf[1], "root=/dev/x quiet" } };
	struct boot_request req = { .kernel = &kf, .args = "a b  c", .mods = mods, .nmods = 2, .loader_name = "fwboot 9.9" };

	rsdp_addr = 0;
	ok_eq(plan(&req, &p, &d), 0);
	ok_str(d.msg, "");
	ok_str(p.format, "multiboot2");
	ok_eq(p.mode, ENTRY_FLAT32);
	ok_eq(p.entry, 0x100010);
	ok_eq(p.regs.eax, MB2_BOOTLOADER_MAGIC);
	ok_eq(p.nsegs, 5);	/* file, bss, two modules, info */
	ok_eq(p.segs[0].dst, 0x100000);
	ok_eq(p.segs[0].len, 0x800);
	ok_eq(p.segs[0].src, SRC_FILE);
	ok_eq(p.segs[0].off, 0x1000);
	ok_eq(p.segs[1].dst, 0x100800);
	ok_eq(p.segs[1].len, 0x2800);
	ok_eq(p.segs[1].src, SRC_ZERO);
	ok_eq(p.segs[2].dst, 0x103000);	/* modules page-aligned after the kernel */
	ok_eq(p.segs[2].len, 5000);
	ok_eq(p.segs[3].dst, 0x105000);
	ok_eq(p.segs[3].len, 4096);

	const uint8_t *info = info_of(&p);
	uint32_t total = get_le32(info);
	ok_eq(p.segs[4].len, total);
	ok_eq(total % 8, 0);
	/* the top of low memory, 8-aligned */
	ok_eq(p.segs[4].dst, (0x9fc00 - total) & ~7u);
	ok_eq(p.regs.ebx, p.segs[4].dst);
	ok_eq(get_le32(info + 4), 0);

	const uint8_t *t = find_tag(info, MB2_TAG_CMDLINE, 0);
	ok(t);
	ok_str((const char *)t + 8, "opt/k a b  c");
	ok_eq(get_le32(t + 4), 8 + 13);
	t = find_tag(info, MB2_TAG_LOADER_NAME, 0);
	ok_str((const char *)t + 8, "fwboot 9.9");
	ok_eq(count_tags(info, MB2_TAG_MODULE), 2);
	t = find_tag(info, MB2_TAG_MODULE, 0);
	ok_eq(get_le32(t + 8), 0x103000);
	ok_eq(get_le32(t + 12), 0x103000 + 5000);
	ok_str((const char *)t + 16, "opt/m0");
	t = find_tag(info, MB2_TAG_MODULE, 1);
	ok_eq(get_le32(t + 8), 0x105000);
	ok_eq(get_le32(t + 12), 0x106000);
	ok_str((const char *)t + 16, "opt/m1 root=/dev/x quiet");
	t = find_tag(info, MB2_TAG_BASIC_MEMINFO, 0);
	ok_eq(get_le32(t + 4), 16);
	ok_eq(get_le32(t + 8), 639);
	ok_eq(get_le32(t + 12), 0x7ee0000 / 1024);
	t = find_tag(info, MB2_TAG_MMAP, 0);
	ok_eq(get_le32(t + 4), 16 + 4 * 24);
	ok_eq(get_le32(t + 8), 24);
	ok_eq(get_le32(t + 12), 0);
	ok_eq(get_le64(t + 16), 0);
	ok_eq(get_le64(t + 24), 0x9fc00);
	ok_eq(get_le32(t + 32), 1);
	ok_eq(get_le64(t + 16 + 3 * 24), 0x100000);
	ok_eq(get_le64(t + 24 + 3 * 24), 0x7ee0000);
	ok_eq(get_le32(t + 32 + 3 * 24), 1);
	t = find_tag(info, MB2_TAG_LOAD_BASE_ADDR, 0);
	ok_eq(get_le32(t + 4), 12);
	ok_eq(get_le32(t + 8), 0x100000);
	ok(!find_tag(info, MB2_TAG_ACPI_OLD, 0));	/* no RSDP on this machine */
	ok(!find_tag(info, MB2_TAG_ACPI_NEW, 0));
	ok(!find_tag(info, MB2_TAG_FRAMEBUFFER, 0));
	t = find_tag(info, MB2_TAG_END, 0);
	ok_eq(t - info + 8, total);
	ok_eq(get_le32(t + 4), 8);

	/* the kernel's range is claimed: a module may not land on it */
	ok(mem_overlaps(&mm, 0x102fff, 1, CLAIM_TARGET));
	free(k);
	free(m0);
	free(m1);
}

static void test_elf64(void)
{
	struct plan p;
	struct diag d;
	struct hb hb;
	size_t len;
	uint8_t *k = make_elf(ELFCLASS64, &len, 0xffffffff80200020ULL, 2, (const uint64_t[]){ 0x200000, 0x400000 },
			      (const uint64_t[]){ 0x100, 0x200 }, (const uint64_t[]){ 0x100, 0x1000 });
	hb_begin(&hb, k, 0x800);
	hb_end(&hb);
	struct file kf = file_of("opt/k64", k, len);
	struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.entry, 0x200020);	/* e_entry translated through its segment */
	ok_eq(p.segs[0].dst, 0x200000);
	ok_eq(p.segs[0].off, 0x1000);
	ok_eq(p.segs[2].dst, 0x400000);
	ok_eq(p.segs[2].len, 0x200);
	ok_eq(p.segs[3].dst, 0x400200);
	ok_eq(p.segs[3].len, 0xe00);
	const uint8_t *info = info_of(&p);
	ok_str((const char *)find_tag(info, MB2_TAG_CMDLINE, 0) + 8, "opt/k64");
	ok_eq(get_le32(find_tag(info, MB2_TAG_LOAD_BASE_ADDR, 0) + 8), 0x200000);
	ok_eq(count_tags(info, MB2_TAG_MODULE), 0);

	/* an entry address tag overrides e_entry */
	hb_begin(&hb, k, 0x800);
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x400040));
	hb_end(&hb);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.entry, 0x400040);
	/* an entry tag no segment holds: refused, the segments named */
	hb_begin(&hb, k, 0x800);
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x3000000));
	hb_end(&hb);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "multiboot2: entry tag address 0x3000000 lies outside every loaded segment "
			 "(one of these would have to hold it: 0 at 0x200000-") == d.msg);
	/* e_entry outside every segment, no entry tag */
	hb_begin(&hb, k, 0x800);
	hb_end(&hb);
	put_le64(k + EH64_ENTRY, 0x5000000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "multiboot2: ELF entry 0x5000000 lies outside every loaded segment") == d.msg);

	/* a segment above 4 GiB, one across it */
	put_le64(k + EH64_SIZE + 24, 0x100000000ULL);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "multiboot2: ELF segment 0 at 0x100000000-") == d.msg && strstr(d.msg, " lies above 4 GiB"));
	put_le64(k + EH64_SIZE + 24, 0xffffff80ULL);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "multiboot2: ELF segment 0 at 0xffffff80-0x1") == d.msg && strstr(d.msg, " crosses 4 GiB"));
	free(k);

	/* neither ELF nor an address tag */
	uint8_t raw[256];
	memset(raw, 0, sizeof(raw));
	hb_begin(&hb, raw, 0);
	hb_end(&hb);
	struct file rf = file_of("opt/raw", raw, sizeof(raw));
	req.kernel = &rf;
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: the image is not ELF and its header has no address tag");
}

/* A flat image of size bytes with the header at hdr_off and the given address tag. */
static int plan_flat(size_t size, size_t hdr_off, const uint32_t *addr, int entry_tag, uint32_t entry,
		     struct plan *p, struct diag *d)
{
	uint8_t *b = calloc(1, size);
	struct hb hb;
	hb_begin(&hb, b, hdr_off);
	hb_tag(&hb, MB2_HTAG_ADDRESS, 0, addr, 4);
	if (entry_tag)
		hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(entry));
	hb_end(&hb);
	static struct file kf;
	kf = file_of("opt/flat", b, size);
	static struct boot_request req;
	req = (struct boot_request){ .kernel = &kf, .args = "x", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	return plan(&req, p, d);
}

static void test_address_tag(void)
{
	struct plan p;
	struct diag d;

	/* 0x40 bytes before the header belong to the image */
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x201000, 0x203000), 1, 0x200100, &p, &d), 0);
	ok_eq(p.entry, 0x200100);
	ok_eq(p.segs[0].dst, 0x200000);
	ok_eq(p.segs[0].off, 0);
	ok_eq(p.segs[0].len, 0x1000);
	ok_eq(p.segs[1].dst, 0x201000);
	ok_eq(p.segs[1].len, 0x2000);
	ok_eq(get_le32(find_tag(info_of(&p), MB2_TAG_LOAD_BASE_ADDR, 0) + 8), 0x200000);

	/* header 0x40 into the file, load_addr = header_addr: skip those bytes */
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200000, 0x200000, 0, 0), 1, 0x200000, &p, &d), 0);
	ok_eq(p.segs[0].off, 0x40);
	ok_eq(p.segs[0].len, 0x1800 - 0x40);	/* load_end_addr 0: to the end of the file */
	ok_eq(p.segs[1].len, 0);

	/* load_addr -1: from the first byte of the file */
	ok_eq(plan_flat(0x1800, 0x40, A4(0x300040, 0xFFFFFFFF, 0x301000, 0), 1, 0x300040, &p, &d), 0);
	ok_eq(p.segs[0].dst, 0x300000);
	ok_eq(p.segs[0].off, 0);
	ok_eq(p.segs[0].len, 0x1000);
	ok_eq(plan_flat(0x1800, 0x40, A4(0x20, 0xFFFFFFFF, 0, 0), 1, 0x20, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header_addr 0x20 is below the header's file offset 0x40 (load_addr -1 loads the "
		      "file from its first byte)");

	/* refusals */
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200100, 0, 0), 1, 0x200100, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: load_addr 0x200100 is above header_addr 0x200040");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200100, 0x200000, 0, 0), 1, 0x200100, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header_addr - load_addr (0x100) exceeds the header's file offset (0x40)");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x202000, 0), 1, 0x200100, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: load_end_addr 0x202000 needs 8192 bytes, the file has 6144 after offset 0x0");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x1000, 0), 1, 0x200100, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: load_end_addr 0x1000 is below load_addr 0x200000");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x201000, 0x200800), 1, 0x200100, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: bss_end_addr 0x200800 is below the load end 0x201000");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x201000, 0), 0, 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: the address tag needs an entry address tag");
	ok_eq(plan_flat(0x1800, 0x40, A4(0x200040, 0x200000, 0x201000, 0x202000), 1, 0x202000, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: entry_addr 0x202000 lies outside the image (0x200000-0x201fff)");
	ok_eq(plan_flat(0x1800, 0x40, A4(0xfffff040, 0xfffff000, 0, 0), 1, 0xfffff000, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: image at 0xfffff000-0x1000007ff crosses 4 GiB");
	/* a target that is not RAM */
	ok_eq(plan_flat(0x1800, 0x40, A4(0xa0040, 0xa0000, 0, 0), 1, 0xa0000, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: opt/flat at 0xa0000-0xa17ff is not in available RAM");
}

/* An ELF32 relocatable image: segments 0x100000 (0x800/0x1000) and 0x102000 (0x100/0x1000), so span 0x3000. */
static uint8_t *reloc_elf(size_t *len, uint32_t min, uint32_t max, uint32_t align, uint32_t pref, uint32_t link)
{
	uint8_t *b = make_elf(ELFCLASS32, len, link + 0x10, 2, (const uint64_t[]){ link, link + 0x2000 },
			      (const uint64_t[]){ 0x800, 0x100 }, (const uint64_t[]){ 0x1000, 0x1000 });
	struct hb hb;
	hb_begin(&hb, b, 0x100);
	hb_tag(&hb, MB2_HTAG_RELOCATABLE, 0, W(min, max, align, pref));
	hb_end(&hb);
	return b;
}

static int plan_reloc(uint32_t min, uint32_t max, uint32_t align, uint32_t pref, uint32_t link,
		      struct plan *p, struct diag *d)
{
	size_t len;
	uint8_t *b = reloc_elf(&len, min, max, align, pref, link);
	static struct file kf;
	kf = file_of("opt/reloc", b, len);
	static struct boot_request req;
	req = (struct boot_request){ .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	return plan(&req, p, d);
}

static uint32_t load_base(const struct plan *p)
{
	return get_le32(find_tag(info_of(p), MB2_TAG_LOAD_BASE_ADDR, 0) + 8);
}

static void test_relocatable(void)
{
	struct plan p;
	struct diag d;

	{	/* overlapping loadable segments: refused, as fixed-address ones are by their claims */
		size_t len;
		uint8_t *b = make_elf(ELFCLASS32, &len, 0x100010, 2, (const uint64_t[]){ 0x100000, 0x100800 },
				      (const uint64_t[]){ 0x800, 0x100 }, (const uint64_t[]){ 0x1000, 0x1000 });
		struct hb hb;
		hb_begin(&hb, b, 0x100);
		hb_tag(&hb, MB2_HTAG_RELOCATABLE, 0, W(0x100000, 0x2000000, 0x1000, MB2_RELOC_PREF_LOWEST));
		hb_end(&hb);
		struct file kf = file_of("opt/reloc", b, len);
		struct boot_request req = { .kernel = &kf, .args = "", .loader_name = "fwboot" };
		ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "multiboot2: loadable segments 0 and 1 overlap (0x100000-0x100fff and 0x100800-0x1017ff)");
		free(b);
	}

	/* highest: ends at or below max_addr, aligned down */
	ok_eq(plan_reloc(0x1000000, 0x2000000, 0x100000, MB2_RELOC_PREF_HIGHEST, 0x100000, &p, &d), 0);
	ok_eq(load_base(&p), 0x1f00000);
	ok_eq(p.segs[0].dst, 0x1f00000);
	ok_eq(p.segs[0].off, 0x1000);
	ok_eq(p.segs[1].dst, 0x1f00800);
	ok_eq(p.segs[2].dst, 0x1f02000);
	ok_eq(p.segs[3].dst, 0x1f02100);
	ok_eq(p.entry, 0x1f00010);
	ok(mem_overlaps(&mm, 0x1f01000, 1, CLAIM_TARGET));	/* the gap between segments is the image's too */
	/* highest, max_addr not aligned: the image still ends below it */
	ok_eq(plan_reloc(0x1000000, 0x1ffffff, 0x1000, MB2_RELOC_PREF_HIGHEST, 0x100000, &p, &d), 0);
	ok_eq(load_base(&p), 0x1ffc000);
	/* lowest: min_addr aligned up */
	ok_eq(plan_reloc(0x300000, 0x2000000, 0x200000, MB2_RELOC_PREF_LOWEST, 0x100000, &p, &d), 0);
	ok_eq(load_base(&p), 0x400000);
	ok_eq(p.entry, 0x400010);
	/* moved down */
	ok_eq(plan_reloc(0x100000, 0x2000000, 0x1000, MB2_RELOC_PREF_LOWEST, 0x1800000, &p, &d), 0);
	ok_eq(load_base(&p), 0x100000);
	ok_eq(p.entry, 0x100010);
	/* no preference: the linked address when it is allowed and free */
	ok_eq(plan_reloc(0x100000, 0x2000000, 0x1000, MB2_RELOC_PREF_NONE, 0x800000, &p, &d), 0);
	ok_eq(load_base(&p), 0x800000);
	/* ... else the lowest */
	ok_eq(plan_reloc(0x900000, 0x2000000, 0x1000, MB2_RELOC_PREF_NONE, 0x800000, &p, &d), 0);
	ok_eq(load_base(&p), 0x900000);
	/* linked inside fwboot: moved clear of it rather than staged */
	ok_eq(plan_reloc(0, 0x100000, 0x1000, MB2_RELOC_PREF_NONE, 0x30000, &p, &d), 0);
	ok_eq(load_base(&p), 0x1000);
	ok(!mem_overlaps(&mm, 0x1000, 0x3000, CLAIM_SELF));
	ok_eq(plan_reloc(0x8000, 0x100000, 0x1000, MB2_RELOC_PREF_HIGHEST, 0x30000, &p, &d), 0);
	ok_eq(load_base(&p), 0x9c000);	/* below the EBDA at 0x9fc00 */
	/* the image does not fit the window */
	ok_eq(plan_reloc(0x1000000, 0x1002000, 0x1000, MB2_RELOC_PREF_NONE, 0x100000, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "multiboot2: the relocatable image (12288 bytes) does not fit between min_addr 0x1000000 and "
		      "max_addr 0x1002000");
	/* the window is not RAM */
	ok_eq(plan_reloc(0xa0000, 0xf0000, 0x1000, MB2_RELOC_PREF_NONE, 0x100000, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "multiboot2: no free memory for the relocatable image (12288 bytes, aligned to 0x1000) between "
		      "0xa0000 and 0xf0000");
	/* an alignment nothing satisfies within the window */
	ok_eq(plan_reloc(0x1000001, 0x1800000, 0x1000000, MB2_RELOC_PREF_LOWEST, 0x100000, &p, &d), -ST_NO_MEMORY);

	/* the address tag's layout moves as a whole */
	uint8_t *b = calloc(1, 0x1800);
	struct hb hb;
	hb_begin(&hb, b, 0x40);
	hb_tag(&hb, MB2_HTAG_ADDRESS, 0, W(0x200040, 0x200000, 0x201000, 0x203000));
	hb_tag(&hb, MB2_HTAG_ENTRY, 0, W(0x200100));
	hb_tag(&hb, MB2_HTAG_RELOCATABLE, 0, W(0x4000000, 0x5000000, 0x10000, MB2_RELOC_PREF_LOWEST));
	hb_end(&hb);
	struct file kf = file_of("opt/flat", b, 0x1800);
	struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(load_base(&p), 0x4000000);
	ok_eq(p.segs[0].dst, 0x4000000);
	ok_eq(p.segs[0].off, 0);
	ok_eq(p.segs[1].dst, 0x4001000);
	ok_eq(p.segs[1].len, 0x2000);
	ok_eq(p.entry, 0x4000100);
	free(b);
}

/* RSDPs as a BIOS leaves them: revision 0 (20 bytes) and 2 (36 bytes). */
static void make_rsdp(uint8_t *r, int rev, int break_ext)
{
	memset(r, 0, 64);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "FWBOOT", 6);
	r[15] = (uint8_t)rev;
	put_le32(r + 16, 0x7fe1234);
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum += r[i];
	r[8] = (uint8_t)-sum;
	if (rev >= 2) {
		put_le32(r + 20, 36);
		put_le64(r + 24, 0x7fe5678);
		sum = 0;
		for (int i = 0; i < 36; i++)
			sum += r[i];
		r[32] = (uint8_t)(-sum + break_ext);
	}
}

static int plan_acpi(const uint32_t *req_types, size_t n, uint16_t flags, struct plan *p, struct diag *d)
{
	size_t len;
	uint8_t *k = std_elf(&len);
	struct hb hb;
	hb_begin(&hb, k, 0x200);
	if (n)
		hb_tag(&hb, MB2_HTAG_INFO_REQUEST, flags, req_types, n);
	hb_end(&hb);
	static struct file kf;
	kf = file_of("opt/k", k, len);
	static struct boot_request req;
	req = (struct boot_request){ .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	return plan(&req, p, d);
}

static void test_acpi(void)
{
	struct plan p;
	struct diag d;
	uint8_t *r = calloc(1, 64);
	const uint8_t *t;

	make_rsdp(r, 0, 0);
	rsdp_addr = (uintptr_t)r;
	ok_eq(plan_acpi(0, 0, 0, &p, &d), 0);
	t = find_tag(info_of(&p), MB2_TAG_ACPI_OLD, 0);
	ok(t);
	ok_eq(get_le32(t + 4), 28);
	ok(memcmp(t + 8, r, 20) == 0);
	ok(!find_tag(info_of(&p), MB2_TAG_ACPI_NEW, 0));

	make_rsdp(r, 2, 0);
	ok_eq(plan_acpi(0, 0, 0, &p, &d), 0);
	t = find_tag(info_of(&p), MB2_TAG_ACPI_NEW, 0);
	ok(t);
	ok_eq(get_le32(t + 4), 44);
	ok(memcmp(t + 8, r, 36) == 0);
	ok(!find_tag(info_of(&p), MB2_TAG_ACPI_OLD, 0));
	/* asked for the old tag as well: the first 20 bytes are the 1.0 structure */
	ok_eq(plan_acpi(W(14), MB2_HT_OPTIONAL, &p, &d), 0);
	ok_eq(get_le32(find_tag(info_of(&p), MB2_TAG_ACPI_OLD, 0) + 4), 28);
	ok_eq(get_le32(find_tag(info_of(&p), MB2_TAG_ACPI_NEW, 0) + 4), 44);
	ok_eq(plan_acpi(W(15), 0, &p, &d), 0);

	/* revision 2 with a broken extended checksum or length: the old tag */
	make_rsdp(r, 2, 1);
	ok_eq(plan_acpi(0, 0, 0, &p, &d), 0);
	ok(find_tag(info_of(&p), MB2_TAG_ACPI_OLD, 0));
	ok(!find_tag(info_of(&p), MB2_TAG_ACPI_NEW, 0));
	make_rsdp(r, 2, 0);
	put_le32(r + 20, 9999);
	ok_eq(plan_acpi(0, 0, 0, &p, &d), 0);
	ok_eq(get_le32(find_tag(info_of(&p), MB2_TAG_ACPI_OLD, 0) + 4), 28);

	/* required and not there */
	make_rsdp(r, 0, 0);
	ok_eq(plan_acpi(W(15), 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 15 (ACPI new RSDP) is required, but the RSDP is ACPI "
		      "1.0 (revision 0)");
	ok_eq(plan_acpi(W(15), MB2_HT_OPTIONAL, &p, &d), 0);
	ok_eq(plan_acpi(W(14), 0, &p, &d), 0);
	rsdp_addr = 0;
	ok_eq(plan_acpi(W(14), 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 14 (ACPI old RSDP) is required, but fwboot found no "
		      "ACPI RSDP");
	ok_eq(plan_acpi(W(14, 15), MB2_HT_OPTIONAL, &p, &d), 0);
	ok_eq(count_tags(info_of(&p), MB2_TAG_ACPI_OLD) + count_tags(info_of(&p), MB2_TAG_ACPI_NEW), 0);
	free(r);
}

static void test_console(void)
{
	struct plan p;
	struct diag d;
	size_t len;
	uint8_t *k = std_elf(&len);
	struct hb hb;
	hb_begin(&hb, k, 0x200);
	hb_tag(&hb, MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_REQUIRED | MB2_CONSOLE_EGA_TEXT));
	hb_end(&hb);
	struct file kf = file_of("opt/k", k, len);
	struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	ok_eq(plan(&req, &p, &d), 0);
	const uint8_t *t = find_tag(info_of(&p), MB2_TAG_FRAMEBUFFER, 0);
	ok(t);
	ok_eq(get_le32(t + 4), 32);
	ok_eq(get_le64(t + 8), 0xB8000);
	ok_eq(get_le32(t + 16), 160);
	ok_eq(get_le32(t + 20), 80);
	ok_eq(get_le32(t + 24), 25);
	ok_eq(t[28], 16);
	ok_eq(t[29], MB2_FB_TYPE_EGA_TEXT);
	free(k);
}

/* QEMU's -vga std as video_probe reads it, and a VGA fwboot cannot set modes on. */
static const struct video_caps std_vga = { .kind = VIDEO_BOCHS_PORTS, .name = "Bochs VGA (PCI 00:02.0)",
					   .vga_text = 1, .fb_base = 0xfd000000, .vram = 16 << 20,
					   .max_width = 16000, .max_height = 12000, .depths = 0xf };
static const struct video_caps text_vga = { .kind = VIDEO_NONE, .name = "none", .vga_text = 1 };

static int plan_fb(uint16_t flags, const uint32_t *wh, size_t nwh, const uint32_t *req_types, size_t nreq,
		   const struct video_caps *v, struct plan *p, struct diag *d)
{
	size_t len;
	struct hb hb;
	uint8_t *k = elf_with(&hb, &len);
	if (nwh)
		hb_tag(&hb, MB2_HTAG_FRAMEBUFFER, flags, wh, nwh);
	if (nreq)
		hb_tag(&hb, MB2_HTAG_INFO_REQUEST, 0, req_types, nreq);
	hb_end(&hb);
	static struct file kf;
	kf = file_of("opt/k", k, len);
	struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	video_env = v;
	int r = plan(&req, p, d);
	video_env = 0;
	return r;
}

static void test_framebuffer(void)
{
	struct plan p;
	struct diag d;
	const uint8_t *t;

	/* required, on the standard VGA: an RGB framebuffer tag in GRUB's layout */
	ok_eq(plan_fb(0, W(800, 600, 32), 0, 0, &std_vga, &p, &d), 0);
	ok_eq(p.set_video, 1);
	ok(p.video_caps == &std_vga);
	ok_eq(p.video.width, 800);
	t = find_tag(info_of(&p), MB2_TAG_FRAMEBUFFER, 0);
	ok(t);
	ok_eq(get_le32(t + 4), 38);
	ok_eq(get_le64(t + 8), 0xfd000000);
	ok_eq(get_le32(t + 16), 3200);
	ok_eq(get_le32(t + 20), 800);
	ok_eq(get_le32(t + 24), 600);
	ok_eq(t[28], 32);
	ok_eq(t[29], 1);
	ok_eq(get_le16(t + 30), 0);
	ok_eq(t[32], 16);	/* red position, size */
	ok_eq(t[33], 8);
	ok_eq(t[34], 8);
	ok_eq(t[35], 8);
	ok_eq(t[36], 0);
	ok_eq(t[37], 8);
	ok_str(p.video_note, "multiboot2 header tag 5 (framebuffer) asks for 800x600x32: setting 800x600x32 on "
			     "Bochs VGA (PCI 00:02.0), framebuffer at 0xfd000000, pitch 3200");
	/* no preference: fwboot's default */
	ok_eq(plan_fb(0, W(0, 0, 0), 0, 0, &std_vga, &p, &d), 0);
	ok_eq(p.video.width, 1024);
	ok_eq(p.video.height, 768);
	ok_eq(p.video.bpp, 32);
	/* 16 bits per pixel: 5:6:5 */
	ok_eq(plan_fb(MB2_HT_OPTIONAL, W(640, 480, 16), 0, 0, &std_vga, &p, &d), 0);
	t = find_tag(info_of(&p), MB2_TAG_FRAMEBUFFER, 0);
	ok_eq(get_le32(t + 16), 1280);
	ok_eq(t[32], 11);
	ok_eq(t[35], 6);

	/* required without a display: refused by name, with what there is */
	ok_eq(plan_fb(0, W(800, 600, 32), 0, 0, 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 5 (framebuffer) asks for a 800x600x32 framebuffer (0 = any), but no "
		      "display (no Bochs-compatible VGA on PCI) (available: no display fwboot can drive)");
	ok_eq(plan_fb(0, W(800, 600, 32), 0, 0, &text_vga, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 5 (framebuffer) asks for a 800x600x32 framebuffer (0 = any), but no "
		      "display (no Bochs-compatible VGA on PCI) (available: no display fwboot can drive; VGA text mode only)");
	/* optional: the EGA text screen when there is a VGA, else no tag */
	ok_eq(plan_fb(MB2_HT_OPTIONAL, W(800, 600, 32), 0, 0, &text_vga, &p, &d), 0);
	ok_eq(p.set_video, 0);
	t = find_tag(info_of(&p), MB2_TAG_FRAMEBUFFER, 0);
	ok(t && get_le64(t + 8) == 0xB8000 && t[29] == MB2_FB_TYPE_EGA_TEXT && get_le32(t + 4) == 32);
	ok_str(p.video_note, "multiboot2 header tag 5 (framebuffer) asks for 800x600x32: no display (no "
			     "Bochs-compatible VGA on PCI); staying in VGA text mode");
	ok_eq(plan_fb(MB2_HT_OPTIONAL, W(800, 600, 32), 0, 0, 0, &p, &d), 0);
	ok_eq(p.set_video, 0);
	ok_eq(count_tags(info_of(&p), MB2_TAG_FRAMEBUFFER), 0);
	ok_str(p.video_note, "multiboot2 header tag 5 (framebuffer) asks for 800x600x32: no display (no "
			     "Bochs-compatible VGA on PCI); no framebuffer");

	/* a required request for the framebuffer information: what there is, or a refusal */
	ok_eq(plan_fb(0, 0, 0, W(8), 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 8 (framebuffer information) is required, but there "
		      "is no display (no VGA on PCI)");
	ok_eq(plan_fb(0, 0, 0, W(8), &text_vga, &p, &d), 0);
	ok_eq(count_tags(info_of(&p), MB2_TAG_FRAMEBUFFER), 1);
	ok_eq(plan_fb(0, 0, 0, W(8), &std_vga, &p, &d), 0);	/* no tag 5: no mode set, text reported */
	ok_eq(p.set_video, 0);
	t = find_tag(info_of(&p), MB2_TAG_FRAMEBUFFER, 0);
	ok(t && t[29] == MB2_FB_TYPE_EGA_TEXT);
	/* a required console without EGA text: only a graphics mode will do */
	{
		size_t len;
		struct hb hb;
		uint8_t *k = elf_with(&hb, &len);
		hb_tag(&hb, MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_REQUIRED));
		hb_tag(&hb, MB2_HTAG_FRAMEBUFFER, MB2_HT_OPTIONAL, W(800, 600, 32));
		hb_end(&hb);
		struct file kf = file_of("opt/k", k, len);
		struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
		video_env = &std_vga;
		ok_eq(plan(&req, &p, &d), 0);
		ok_eq(p.set_video, 1);
		video_env = &text_vga;
		ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "multiboot2: header tag 4 (console flags) requires a console, but the image does not support "
			      "EGA text and fwboot set no graphics mode (no display for the framebuffer tag) (console_flags 0x1)");
		video_env = 0;
		free(k);
		k = elf_with(&hb, &len);
		hb_tag(&hb, MB2_HTAG_CONSOLE, 0, W(MB2_CONSOLE_REQUIRED));
		hb_end(&hb);
		kf = file_of("opt/k", k, len);
		ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "multiboot2: header tag 4 (console flags) requires a console, but the image does not support "
			      "EGA text and fwboot set no graphics mode (the image has no framebuffer tag) (console_flags 0x1)");
		free(k);
	}
	/* neither asked: no tag */
	ok_eq(plan_fb(0, 0, 0, 0, 0, &std_vga, &p, &d), 0);
	ok_eq(count_tags(info_of(&p), MB2_TAG_FRAMEBUFFER), 0);
	ok_eq(p.video_note[0], 0);
}

static void test_many_modules(void)
{
	enum { N = 10 };
	struct plan p;
	struct diag d;
	struct hb hb;
	size_t len;
	uint8_t *k = elf_with(&hb, &len);
	hb_end(&hb);
	struct file kf = file_of("opt/k", k, len);
	struct file mf[N];
	struct boot_module mods[N];
	char names[N][32], args[N][32];
	static uint8_t data[N * 3000];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "opt/fwboot/mod%d", i);
		snprintf(args[i], sizeof(args[i]), i % 3 ? "arg=%d" : "", i);
		mf[i] = file_of(names[i], data, 1 + i * 2999);
		mods[i] = (struct boot_module){ &mf[i], args[i] };
	}
	struct boot_request req = { .kernel = &kf, .args = "", .mods = mods, .nmods = N, .loader_name = "fwboot" };
	ok_eq(plan(&req, &p, &d), 0);
	const uint8_t *info = info_of(&p);
	ok_eq(count_tags(info, MB2_TAG_MODULE), N);
	uint32_t prev_end = 0x103000;
	for (int i = 0; i < N; i++) {
		const uint8_t *t = find_tag(info, MB2_TAG_MODULE, i);
		char want[64];
		snprintf(want, sizeof(want), *args[i] ? "%s %s" : "%s", names[i], args[i]);
		ok_str((const char *)t + 16, want);
		ok_eq(get_le32(t + 4), 16 + strlen(want) + 1);
		ok_eq(get_le32(t + 8) % 4096, 0);
		ok(get_le32(t + 8) >= prev_end);
		ok_eq(get_le32(t + 12) - get_le32(t + 8), 1 + i * 2999);
		prev_end = get_le32(t + 12);
	}
	free(k);
}

static void test_probe_order(void)
{
	struct plan p;
	struct diag d;
	struct hb hb;
	size_t len;
	uint8_t *k = elf_with(&hb, &len);
	hb_end(&hb);
	/* a Multiboot 1 header too, further in */
	put_le32(k + 0x400, MB1_HEADER_MAGIC);
	put_le32(k + 0x404, MB1_HF_MEMORY_INFO);
	put_le32(k + 0x408, 0u - MB1_HEADER_MAGIC - MB1_HF_MEMORY_INFO);
	struct file kf = file_of("opt/both", k, len);
	struct boot_request req = { .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = 0, .video = 0, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };

	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "multiboot2");
	ok_eq(p.regs.eax, MB2_BOOTLOADER_MAGIC);
	reset_mem();
	memset(&p, 0, sizeof(p));
	req.format = "multiboot1";
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "multiboot1");
	ok_eq(p.regs.eax, MB1_BOOTLOADER_MAGIC);

	/* a Multiboot 2 header fwboot refuses: the next format takes the file */
	hb_begin(&hb, k, 0x200);
	hb_tag(&hb, MB2_HTAG_EFI_BS, 0, 0, 0);
	hb_end(&hb);
	req.format = 0;
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "multiboot1");
	req.format = "multiboot2";
	reset_mem();
	ok_eq(image_plan(&req, k, len, &env, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 7 (EFI boot services) is required but not supported");
	free(k);
}

/* Under UEFI (fwboot.efi): tag 12 with the system table, tag 17 last with
 * room for the map, filled at ExitBootServices by mb2_efi_mmap_fill. */
/* std_elf with tag 7 (flags7) and, unless entry9 is 0, tag 9, and more tags. */
static int plan_bs(uint16_t flags7, uint32_t entry9, const uint32_t *req_types, size_t n, struct plan *p,
		   struct diag *d)
{
	size_t len;
	uint8_t *k = std_elf(&len);
	struct hb hb;
	hb_begin(&hb, k, 0x200);
	hb_tag(&hb, MB2_HTAG_EFI_BS, flags7, 0, 0);
	if (entry9)
		hb_tag(&hb, MB2_HTAG_ENTRY_EFI64, 0, W(entry9));
	if (n)
		hb_tag(&hb, MB2_HTAG_INFO_REQUEST, 0, req_types, n);
	hb_end(&hb);
	static struct file kf;
	kf = file_of("opt/k", k, len);
	static struct boot_request req;
	req = (struct boot_request){ .kernel = &kf, .args = "", .mods = 0, .nmods = 0, .loader_name = "fwboot" };
	return plan(&req, p, d);
}

/* Boot services kept: tags 7 and 9 under UEFI before ExitBootServices
 * (env->efi_image); tags 18 and 20, no 4 or 17, the EFI amd64 entry. */
static void test_efi_boot_services(void)
{
	struct plan p;
	struct diag d;
	const uint8_t *info, *t;
	rsdp_addr = 0;
	efi_systab_env = 0x7f5ec018;
	efi_cap_env = 1000;
	efi_image_env = 0x7e5d3a18;
	ok_eq(plan_bs(0, 0x100400, W(18, 20), &p, &d), 0);
	ok(p.efi_keep_bs);
	ok_eq(p.entry, 0x100400);
	ok_eq(p.regs.eax, MB2_BOOTLOADER_MAGIC);
	info = info_of(&p);
	ok(find_tag(info, MB2_TAG_EFI_BS, 0) != 0);
	t = find_tag(info, MB2_TAG_EFI64_IH, 0);
	ok(t && get_le32(t + 4) == 16 && get_le64(t + 8) == 0x7e5d3a18);
	ok(find_tag(info, MB2_TAG_EFI64, 0) != 0);
	ok(!find_tag(info, MB2_TAG_EFI_MMAP, 0));
	ok(!find_tag(info, MB2_TAG_BASIC_MEMINFO, 0));
	ok(find_tag(info, MB2_TAG_MMAP, 0) != 0);
	ok(p.efi_mmap_tag == 0);
	/* optional tag 7 with tag 9: kept too, as GRUB keeps them for any tag 7 */
	ok_eq(plan_bs(MB2_HT_OPTIONAL, 0x100400, 0, 0, &p, &d), 0);
	ok(p.efi_keep_bs);
	/* the EFI entry must lie in the loaded bytes (0x100000-0x1007ff) */
	ok_eq(plan_bs(0, 0x100800, 0, 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: EFI amd64 entry 0x100800 (header tag 9) lies outside the loaded bytes");
	/* required tag 7 without tag 9: nowhere to enter with boot services running */
	ok_eq(plan_bs(0, 0, 0, 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 7 (EFI boot services) is required but not supported");
	/* optional tag 7 without tag 9: ignored, boot services are left */
	ok_eq(plan_bs(MB2_HT_OPTIONAL, 0, 0, 0, &p, &d), 0);
	ok(!p.efi_keep_bs);
	ok(p.efi_mmap_tag != 0);
	ok_eq(p.entry, 0x100010);
	/* after ExitBootServices (no image handle): a required tag 7 is refused */
	efi_image_env = 0;
	ok_eq(plan_bs(0, 0x100400, 0, 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: header tag 7 (EFI boot services) is required, but fwboot was not started by "
		      "UEFI firmware (fwboot.efi keeps boot services)");
	ok_eq(plan_bs(MB2_HT_OPTIONAL, 0x100400, W(18), &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 18 (EFI boot services not terminated) is required, "
		      "but fwboot gives it only under UEFI (fwboot.efi), boot services kept (header tags 7 and 9)");
	ok_eq(plan_bs(MB2_HT_OPTIONAL, 0x100400, 0, 0, &p, &d), 0);
	ok(!p.efi_keep_bs);
	ok_eq(p.entry, 0x100010);
	efi_systab_env = 0;
	efi_cap_env = 0;
}

static void test_efi(void)
{
	struct plan p;
	struct diag d;
	const uint8_t *info;
	rsdp_addr = 0;

	/* under a BIOS: neither tag, and a required one is refused by name */
	efi_systab_env = 0;
	efi_cap_env = 0;
	ok_eq(plan_acpi(0, 0, 0, &p, &d), 0);
	ok(!find_tag(info_of(&p), MB2_TAG_EFI64, 0));
	ok(!find_tag(info_of(&p), MB2_TAG_EFI_MMAP, 0));
	ok(p.efi_mmap_tag == 0);
	ok_eq(plan_acpi(W(17), 0, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 17 (EFI memory map) is required, but fwboot gives it "
		      "only under UEFI (fwboot.efi), boot services left");
	ok_eq(plan_acpi(W(12), 0, &p, &d), -ST_BAD_IMAGE);
	ok_eq(plan_acpi(W(12, 17), MB2_HT_OPTIONAL, &p, &d), 0);

	/* under UEFI: both, tag 17 the last before the end tag */
	efi_systab_env = 0x7f5ec018;
	efi_cap_env = 1003;	/* rounded down to whole 8-byte units */
	ok_eq(plan_acpi(W(12, 17), 0, &p, &d), 0);
	info = info_of(&p);
	const uint8_t *t12 = find_tag(info, MB2_TAG_EFI64, 0), *t17 = find_tag(info, MB2_TAG_EFI_MMAP, 0);
	ok(t12 && t17);
	if (!t12 || !t17)
		return;
	ok_eq(get_le32(t12 + 4), 16);
	ok_eq(get_le64(t12 + 8), 0x7f5ec018);
	ok_eq(get_le32(t17 + 4), 16 + 1000);
	ok(p.efi_mmap_tag == t17 && p.efi_mmap_info == info);
	ok_eq(p.efi_mmap_room, 1000);
	ok_eq(get_le32(t17 + 16 + 1000), MB2_TAG_END);
	ok_eq(get_le32(info), (uint32_t)(t17 - info) + 16 + 1000 + 8);

	/* filled: the tag shrinks to three 48-byte descriptors, the end follows */
	uint8_t desc[1200];
	for (size_t i = 0; i < sizeof(desc); i++)
		desc[i] = (uint8_t)(i * 7 + 1);
	uint8_t *w = p.efi_mmap_tag;
	ok_eq(mb2_efi_mmap_fill(p.efi_mmap_info, w, p.efi_mmap_room, desc, 144, 48, 1), 0);
	ok_eq(get_le32(w + 4), 160);
	ok_eq(get_le32(w + 8), 48);
	ok_eq(get_le32(w + 12), 1);
	ok(memcmp(w + 16, desc, 144) == 0);
	ok_eq(get_le32(w + 160), MB2_TAG_END);
	ok_eq(get_le32(w + 164), 8);
	ok_eq(get_le32(info), (uint32_t)(w - info) + 168);
	ok(find_tag(info, MB2_TAG_EFI_MMAP, 0) == w);
	ok(find_tag(info, MB2_TAG_END, 0) == w + 160);
	/* filled again (a stale map key): the whole room, not the last size;
	 * an odd size puts the end tag on the next 8-byte boundary */
	ok_eq(mb2_efi_mmap_fill(p.efi_mmap_info, w, p.efi_mmap_room, desc, 1000, 50, 1), 0);
	ok_eq(get_le32(w + 4), 1016);
	ok_eq(mb2_efi_mmap_fill(p.efi_mmap_info, w, p.efi_mmap_room, desc, 100, 50, 1), 0);
	ok_eq(get_le32(w + 4), 116);
	ok_eq(get_le32(w + 120), MB2_TAG_END);
	ok_eq(get_le32(info), (uint32_t)(w - info) + 128);
	/* more than the room: refused, nothing written */
	ok_eq(get_le32(w + 4), 116);
	ok_eq(mb2_efi_mmap_fill(p.efi_mmap_info, w, p.efi_mmap_room, desc, 1001, 7, 1), -1);
	ok_eq(get_le32(w + 4), 116);
	ok_eq(get_le32(w + 8), 50);
	efi_systab_env = 0;
	efi_cap_env = 0;
}

int main(void)
{
	test_header_search();
	test_tag_walk();
	test_refusals();
	test_elf32();
	test_elf64();
	test_address_tag();
	test_relocatable();
	test_acpi();
	test_console();
	test_framebuffer();
	test_many_modules();
	test_probe_order();
	test_efi();
	test_efi_boot_services();
	return test_done("mb2");
}
