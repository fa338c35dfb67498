/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 2: check the header tag by tag, place the image (ELF32, ELF64
 * or the address tag's flat layout; at its linked address or, relocatable,
 * where its tag allows), place the modules, build the boot information. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "kernel/formats/elf.h"
#include "include/elf_spec.h"
#include "lib/fmt.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/mb2.h"
#include "kernel/smbios.h"
#include "include/multiboot2.h"
#include "include/status.h"
#include "lib/str.h"
#include "kernel/video.h"

_Static_assert(8 + VIDEO_FB_COLOR == sizeof(struct mb2_tag_framebuffer), "colour info after the common part");

#define RSDP_MAX_LEN 256	/* a revision 2+ length beyond this is not trusted */

static const char *const header_tag_names[] = {
	[MB2_HTAG_END] = "end",
	[MB2_HTAG_INFO_REQUEST] = "information request",
	[MB2_HTAG_ADDRESS] = "address",
	[MB2_HTAG_ENTRY] = "entry address",
	[MB2_HTAG_CONSOLE] = "console flags",
	[MB2_HTAG_FRAMEBUFFER] = "framebuffer",
	[MB2_HTAG_MODULE_ALIGN] = "module alignment",
	[MB2_HTAG_EFI_BS] = "EFI boot services",
	[MB2_HTAG_ENTRY_EFI32] = "EFI i386 entry address",
	[MB2_HTAG_ENTRY_EFI64] = "EFI amd64 entry address",
	[MB2_HTAG_RELOCATABLE] = "relocatable",
};

static const char *const info_tag_names[] = {
	[MB2_TAG_END] = "end",
	[MB2_TAG_CMDLINE] = "command line",
	[MB2_TAG_LOADER_NAME] = "boot loader name",
	[MB2_TAG_MODULE] = "modules",
	[MB2_TAG_BASIC_MEMINFO] = "basic memory information",
	[MB2_TAG_BOOTDEV] = "BIOS boot device",
	[MB2_TAG_MMAP] = "memory map",
	[MB2_TAG_VBE] = "VBE information",
	[MB2_TAG_FRAMEBUFFER] = "framebuffer information",
	[MB2_TAG_ELF_SECTIONS] = "ELF sections",
	[MB2_TAG_APM] = "APM table",
	[MB2_TAG_EFI32] = "EFI 32-bit system table",
	[MB2_TAG_EFI64] = "EFI 64-bit system table",
	[MB2_TAG_SMBIOS] = "SMBIOS tables",
	[MB2_TAG_ACPI_OLD] = "ACPI old RSDP",
	[MB2_TAG_ACPI_NEW] = "ACPI new RSDP",
	[MB2_TAG_NETWORK] = "networking information",
	[MB2_TAG_EFI_MMAP] = "EFI memory map",
	[MB2_TAG_EFI_BS] = "EFI boot services not terminated",
	[MB2_TAG_EFI32_IH] = "EFI 32-bit image handle",
	[MB2_TAG_EFI64_IH] = "EFI 64-bit image handle",
	[MB2_TAG_LOAD_BASE_ADDR] = "image load base address",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *mb2_header_tag_name(uint32_t type)
{
	return type < NELEM(header_tag_names) && header_tag_names[type] ? header_tag_names[type] : "unknown";
}

const char *mb2_info_tag_name(uint32_t type)
{
	return type < NELEM(info_tag_names) && info_tag_names[type] ? info_tag_names[type] : "unknown";
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The information tags fwboot can give (the ACPI ones only when the
 * machine has the RSDP: mb2_plan checks that). */
static int info_supported(uint32_t type)
{
	switch (type) {
	case MB2_TAG_END:
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER_NAME:
	case MB2_TAG_MODULE:
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_MMAP:
	case MB2_TAG_ELF_SECTIONS:
	case MB2_TAG_SMBIOS:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
	case MB2_TAG_LOAD_BASE_ADDR:
	case MB2_TAG_FRAMEBUFFER:	/* mb2_plan checks there is a screen */
	case MB2_TAG_EFI64:		/* and that fwboot runs under UEFI */
	case MB2_TAG_EFI_MMAP:
	case MB2_TAG_EFI_BS:		/* and that boot services are kept */
	case MB2_TAG_EFI64_IH:
		return 1;
	}
	return 0;
}

/* The smallest size each known header tag must have. */
static uint32_t header_tag_min_size(uint32_t type)
{
	switch (type) {
	case MB2_HTAG_ADDRESS:
	case MB2_HTAG_RELOCATABLE:
		return 24;
	case MB2_HTAG_FRAMEBUFFER:
		return 20;
	case MB2_HTAG_ENTRY:
	case MB2_HTAG_CONSOLE:
	case MB2_HTAG_ENTRY_EFI32:
	case MB2_HTAG_ENTRY_EFI64:
		return 12;
	}
	return 8;
}

static int refuse_tag(uint32_t type, struct diag *d)
{
	return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header tag %u (%s) is required but not supported", type,
			 mb2_header_tag_name(type));
}

/* One header tag t[0..size): record it in h, or refuse it. */
static int take_tag(struct mb2_header *h, const uint8_t *t, uint32_t type, int optional, uint32_t size,
		    uint32_t *seen, struct diag *d)
{
	if (size < header_tag_min_size(type))
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header tag %u (%s) has size %u, expected at least %u",
				 type, mb2_header_tag_name(type), size, header_tag_min_size(type));
	if (type < 32) {
		if ((*seen >> type & 1) &&
		    (type == MB2_HTAG_ADDRESS || type == MB2_HTAG_ENTRY || type == MB2_HTAG_RELOCATABLE))
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header tag %u (%s) appears twice", type,
					 mb2_header_tag_name(type));
		*seen |= 1u << type;
	}
	switch (type) {
	case MB2_HTAG_INFO_REQUEST:
		for (uint32_t i = MB2_HT_REQ_TYPES; i + 4 <= size; i += 4) {
			uint32_t want = get_le32(t + i);
			if (want < 32)
				h->requested |= 1u << want;
			if (optional)
				continue;
			if (!info_supported(want))
				return diag_fail(d, ST_BAD_IMAGE,
						 "multiboot2: information request for tag %u (%s) is required but not supported",
						 want, mb2_info_tag_name(want));
			h->required |= 1u << want;
		}
		return 0;
	case MB2_HTAG_ADDRESS:
		h->has_address = 1;
		h->header_addr = get_le32(t + MB2_HT_HEADER_ADDR);
		h->load_addr = get_le32(t + MB2_HT_LOAD_ADDR);
		h->load_end_addr = get_le32(t + MB2_HT_LOAD_END_ADDR);
		h->bss_end_addr = get_le32(t + MB2_HT_BSS_END_ADDR);
		return 0;
	case MB2_HTAG_ENTRY:
		h->has_entry = 1;
		h->entry_addr = get_le32(t + MB2_HT_ENTRY_ADDR);
		return 0;
	case MB2_HTAG_CONSOLE: {
		uint32_t cf = get_le32(t + MB2_HT_CONSOLE_FLAGS);
		if (!(cf & MB2_CONSOLE_REQUIRED))
			return 0;
		if (cf & MB2_CONSOLE_EGA_TEXT) {
			h->ega_console = 1;	/* fwboot leaves the EGA text console as it is */
			return 0;
		}
		if (!optional)
			h->fb_console = cf;	/* a graphics console: mb2_plan checks one is set */
		return 0;
	}
	case MB2_HTAG_FRAMEBUFFER:	/* mb2_plan decides, knowing the display */
		h->fb_tag = 1;
		h->fb_required = !optional;
		h->fb_width = get_le32(t + MB2_HT_FB_WIDTH);
		h->fb_height = get_le32(t + MB2_HT_FB_HEIGHT);
		h->fb_depth = get_le32(t + MB2_HT_FB_DEPTH);
		return 0;
	case MB2_HTAG_MODULE_ALIGN:
		h->module_align = 1;	/* modules are always page-aligned */
		return 0;
	case MB2_HTAG_EFI_BS:	/* mb2_plan decides, knowing the platform */
		h->efi_bs = 1;
		h->efi_bs_required = !optional;
		return 0;
	case MB2_HTAG_ENTRY_EFI64:	/* used only with boot services kept (tag 7, 3.1.7-8) */
		h->has_efi64 = 1;
		h->efi64_entry = get_le32(t + MB2_HT_ENTRY_ADDR);
		return 0;
	case MB2_HTAG_ENTRY_EFI32:
		return 0;	/* a 32-bit firmware's: never fwboot's */
	case MB2_HTAG_RELOCATABLE:
		h->has_reloc = 1;
		h->min_addr = get_le32(t + MB2_HT_MIN_ADDR);
		h->max_addr = get_le32(t + MB2_HT_MAX_ADDR);
		h->align = get_le32(t + MB2_HT_ALIGN);
		h->preference = get_le32(t + MB2_HT_PREFERENCE);
		if (h->align == 0)
			h->align = 1;
		if (h->align & (h->align - 1))
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: relocatable tag alignment 0x%x is not a power of two",
					 h->align);
		if (h->min_addr > h->max_addr)
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: relocatable tag min_addr 0x%x is above max_addr 0x%x",
					 h->min_addr, h->max_addr);
		if (h->preference > MB2_RELOC_PREF_HIGHEST)
			h->preference = MB2_RELOC_PREF_NONE;	/* a hint fwboot does not know */
		return 0;
	}
	/* the EFI tags and unknown types: fwboot boots from a BIOS */
	return optional ? 0 : refuse_tag(type, d);
}

int mb2_parse_header(const uint8_t *hdr, size_t len, struct mb2_header *h, struct diag *d)
{
	size_t limit = len < MB2_SEARCH ? len : MB2_SEARCH;
	size_t off = 0;
	uint32_t skipped = 0, skip_off = 0, skip_sum = 0;
	/* the header is the first 8-aligned magic whose magic, architecture,
	 * header_length and checksum sum to zero; other magics are skipped */
	for (;; off += MB2_HEADER_ALIGN) {
		off = limit < MB2_H_TAGS ? limit :
			find_le32(hdr, off, limit - MB2_H_TAGS + 4, MB2_HEADER_ALIGN, MB2_HEADER_MAGIC);
		if (off + MB2_H_TAGS > limit)
			break;
		uint32_t sum = MB2_HEADER_MAGIC + get_le32(hdr + off + MB2_H_ARCH) +
			       get_le32(hdr + off + MB2_H_LENGTH) + get_le32(hdr + off + MB2_H_CHECKSUM);
		if (sum == 0)
			break;
		if (!skipped++) {
			skip_off = (uint32_t)off;
			skip_sum = sum;
		}
	}
	if (off + MB2_H_TAGS > limit) {
		if (skipped)
			return diag_fail(d, ST_BAD_IMAGE,
					 "multiboot2: no header in the first 32 KiB (%u magic%s with an invalid header "
					 "checksum, the first at offset 0x%x, sum 0x%x)", skipped, skipped == 1 ? "" : "s",
					 skip_off, skip_sum);
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: no header in the first 32 KiB");
	}
	uint32_t arch = get_le32(hdr + off + MB2_H_ARCH);
	uint32_t hlen = get_le32(hdr + off + MB2_H_LENGTH);
	if (arch != MB2_ARCH_I386)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header is for architecture %u%s, not i386 (0)", arch,
				 arch == MB2_ARCH_MIPS32 ? " (32-bit MIPS)" : "");
	if (hlen < MB2_H_TAGS + 8)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header_length %u leaves no room for the end tag", hlen);
	if (hlen > limit - off)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: header at offset 0x%zx with header_length %u does not fit in the first %zu bytes",
				 off, hlen, limit);

	memset(h, 0, sizeof(*h));
	h->offset = (uint32_t)off;
	h->length = hlen;
	h->skipped = skipped;
	h->skip_off = skip_off;
	h->skip_sum = skip_sum;
	uint32_t seen = 0;
	size_t end = off + hlen;
	for (size_t t = off + MB2_H_TAGS;;) {
		if (end - t < 8)
			return diag_fail(d, ST_BAD_IMAGE,
					 "multiboot2: header tags run past header_length (%u) without an end tag", hlen);
		uint16_t type = get_le16(hdr + t + MB2_HT_TYPE);
		uint16_t flags = get_le16(hdr + t + MB2_HT_FLAGS);
		uint32_t size = get_le32(hdr + t + MB2_HT_SIZE);
		if (size < 8 || size > end - t)
			return diag_fail(d, ST_BAD_IMAGE,
					 "multiboot2: header tag %u at offset 0x%zx has size %u (%zu bytes left in the header)",
					 type, t, size, end - t);
		if (type == MB2_HTAG_END)	/* boot services kept only with a way in under them */
			return h->efi_bs_required && !h->has_efi64 ? refuse_tag(MB2_HTAG_EFI_BS, d) : 0;
		int r = take_tag(h, hdr + t, type, flags & MB2_HT_OPTIONAL, size, &seen, d);
		if (r)
			return r;
		uint64_t step = align_up(size, MB2_TAG_ALIGN);
		if (step > end - t)
			return diag_fail(d, ST_BAD_IMAGE,
					 "multiboot2: header tags run past header_length (%u) without an end tag", hlen);
		t += (size_t)step;
	}
}

int mb2_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d)
{
	struct mb2_header h;
	(void)f;
	return mb2_parse_header(hdr, len, &h, d);
}

/* ---- the image: segments at their linked addresses ---- */

struct mb2_seg {
	uint64_t off, dst, filesz, memsz;
};

struct mb2_image {
	struct mb2_seg *seg;
	size_t nseg;
	uint64_t lo, hi;	/* linked span, end exclusive */
	uint64_t entry;
	int is_elf;
	struct elf_info elf;	/* when is_elf: for the section headers */
};

/* The address tag's flat layout: one range of the file, then bss. */
static int layout_address(const struct mb2_header *h, const struct file *f, struct mb2_image *im,
			  struct diag *d)
{
	struct flat_layout fl;
	int r = flat_layout("multiboot2", f, h->offset, h->header_addr, h->load_addr, h->load_end_addr,
			    h->bss_end_addr, 1, &fl, d);
	if (r)
		return r;
	uint64_t load_addr = fl.load_addr, mem_end = fl.mem_end;
	if (mem_end == load_addr)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: the address tag loads nothing");
	if (!h->has_entry)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: the address tag needs an entry address tag");
	r = flat_check_entry("multiboot2", &fl, h->entry_addr, d);
	if (r)
		return r;
	im->seg = zalloc(sizeof(*im->seg));
	if (!im->seg)
		return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory");
	im->seg[0] = (struct mb2_seg){ fl.file_off, load_addr, fl.load_len, mem_end - load_addr };
	im->nseg = 1;
	im->lo = load_addr;
	im->hi = mem_end;
	im->entry = h->entry_addr;
	return 0;
}

/* An ELF's PT_LOAD segments at their physical addresses. */
static int layout_elf(const struct mb2_header *h, const struct file *f, const uint8_t *hdr, size_t len,
		      struct mb2_image *im, struct diag *d)
{
	struct elf_info e;
	if (!elf_is_elf(hdr, len))
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: the image is not ELF and its header has no address tag");
	int r = elf_parse("multiboot2", f, hdr, len, &e, d);
	if (r)
		return r;
	im->seg = zalloc(e.nph * sizeof(*im->seg));
	if (!im->seg)
		return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory");
	for (size_t i = 0; i < e.nph; i++) {
		const struct elf_phdr *ph = &e.ph[i];
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (ph->paddr >= MEM_4G || ph->memsz > MEM_4G - ph->paddr)
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: ELF segment %zu at 0x%llx-0x%llx %s", i,
					 (unsigned long long)ph->paddr, (unsigned long long)(ph->paddr + ph->memsz - 1),
					 elf_4g_words(ph->paddr));
		im->seg[im->nseg++] = (struct mb2_seg){ ph->offset, ph->paddr, ph->filesz, ph->memsz };
		if (im->nseg == 1 || ph->paddr < im->lo)
			im->lo = ph->paddr;
		if (ph->paddr + ph->memsz > im->hi)
			im->hi = ph->paddr + ph->memsz;
	}
	if (!im->nseg)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: ELF has no loadable segment");
	im->entry = h->has_entry ? h->entry_addr : elf_phys_entry(&e);
	r = elf_check_entry("multiboot2", &e, im->entry, h->has_entry ? "entry tag address" : "ELF entry", d);
	if (r)
		return r;
	im->is_elf = 1;
	im->elf = e;
	return 0;
}

/*
 * Choose a relocatable image's base inside [min_addr, max_addr] (the image
 * ends at or below max_addr), aligned, as the preference asks; with no
 * preference the linked address when it is free, else the lowest. Claims
 * the whole span.
 */
static int place_relocatable(const struct mb2_header *h, const struct file *f, const struct mb2_image *im,
			     struct mem_map *m, uint64_t *base, struct diag *d)
{
	uint64_t span = im->hi - im->lo;
	if (span > (uint64_t)h->max_addr - h->min_addr)
		return diag_fail(d, ST_NO_MEMORY,
				 "multiboot2: the relocatable image (%llu bytes) does not fit between min_addr 0x%x and max_addr 0x%x",
				 (unsigned long long)span, h->min_addr, h->max_addr);
	if (h->preference == MB2_RELOC_PREF_NONE && im->lo >= h->min_addr && im->hi <= h->max_addr &&
	    (im->lo & (h->align - 1)) == 0 && !mem_overlaps(m, im->lo, span, CLAIM_SELF) &&
	    mem_claim(m, im->lo, span, CLAIM_TARGET, f->name, 0) == 0) {
		*base = im->lo;
		return 0;
	}
	int flags = h->preference == MB2_RELOC_PREF_HIGHEST ? MEM_TOP_DOWN : 0;
	int r = mem_alloc(m, span, h->align, h->min_addr, h->max_addr, flags, CLAIM_TARGET, f->name, base, d);
	if (r)
		return diag_fail(d, -r,
				 "multiboot2: no free memory for the relocatable image (%llu bytes, aligned to 0x%x) between 0x%x and 0x%x",
				 (unsigned long long)span, h->align, h->min_addr, h->max_addr);
	return 0;
}

/* Claim (unless relocated: already claimed) and plan every segment, moved by shift. */
static int plan_image(const struct file *f, const struct mb2_image *im, uint64_t shift, int claim,
		      struct mem_map *m, struct plan *p, struct diag *d)
{
	for (size_t i = 0; i < im->nseg; i++) {
		const struct mb2_seg *s = &im->seg[i];
		uint64_t dst = s->dst + shift;
		for (size_t j = 0; j < i && !claim; j++) {	/* claimed segments are checked by mem_claim */
			const struct mb2_seg *o = &im->seg[j];
			if (s->dst < o->dst + o->memsz && o->dst < s->dst + s->memsz)
				return diag_fail(d, ST_BAD_IMAGE,
						 "multiboot2: loadable segments %zu and %zu overlap (0x%llx-0x%llx and 0x%llx-0x%llx)",
						 j, i, (unsigned long long)o->dst, (unsigned long long)(o->dst + o->memsz - 1),
						 (unsigned long long)s->dst, (unsigned long long)(s->dst + s->memsz - 1));
		}
		if (claim) {
			int r = mem_claim(m, dst, s->memsz, CLAIM_TARGET, f->name, d);
			if (r < 0)
				return r;
		}
		struct plan_seg *fs = plan_add(p, dst, s->filesz, SRC_FILE, f->name);
		struct plan_seg *z = plan_add(p, dst + s->filesz, s->memsz - s->filesz, SRC_ZERO, "bss");
		if (!fs || !z)
			return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory for the plan");
		fs->file = f;
		fs->off = s->off;
	}
	return 0;
}

/* ---- the boot information ---- */

/* Bytes that sum to zero (ACPI and SMBIOS checksums). */
static int rsdp_sum_ok(const uint8_t *r, uint32_t n)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += r[i];
	return sum == 0;
}

/* Which ACPI tag the machine's RSDP makes (0: none) and how many bytes:
 * the new tag for a revision 2+ RSDP whose length and extended checksum
 * hold, the old tag otherwise. */
static uint32_t rsdp_tag(const struct boot_env *env, const uint8_t **src, uint32_t *n)
{
	if (!env->rsdp)
		return 0;
	const uint8_t *r = (const uint8_t *)(uintptr_t)env->rsdp;
	*src = r;
	if (r[ACPI_RSDP_REVISION] >= 2) {
		uint32_t len = get_le32(r + ACPI_RSDP_LENGTH);
		if (len >= ACPI_RSDP_V2_MIN_LEN && len <= RSDP_MAX_LEN && rsdp_sum_ok(r, len)) {
			*n = len;
			return MB2_TAG_ACPI_NEW;
		}
	}
	*n = ACPI_RSDP_V1_LEN;
	return MB2_TAG_ACPI_OLD;
}

/* The SMBIOS entry point at ep (kernel/smbios.c): version and structure table. 0 when there is none. */
static int smbios_entry(const uint8_t *ep, uint8_t *major, uint8_t *minor, uint64_t *table, uint32_t *len)
{
	uint16_t v;
	if (smbios_entry_parse(ep, table, len, &v))
		return 0;
	*major = (uint8_t)(v >> 8);
	*minor = (uint8_t)v;
	return 1;
}

/* What goes into the information block, decided before it is written. */
struct mb2_info_parts {
	const char *cmdline, *loader;
	const char **mod_str;
	const uint64_t *mod_addr;
	uint32_t mem_lower, mem_upper;	/* KiB */
	uint32_t load_base;
	uint32_t acpi_tag, acpi_len, acpi_old_too;
	const uint8_t *acpi;
	int ega;
	const struct elf_sections *secs;	/* num 0: no ELF-symbols tag */
	uint8_t smbios_major, smbios_minor;	/* the SMBIOS tag, when smbios_len */
	uint32_t smbios_len;
	const uint8_t *smbios_table;
	const struct video_mode *fb;	/* the graphics mode set, or NULL */
	int fb_text;			/* no graphics: report the EGA text screen */
	uint64_t efi_systab;		/* tag 12 when nonzero */
	uint32_t efi_mmap_cap;		/* tag 17 with room for this many bytes when nonzero */
	uint64_t efi_image;		/* boot services kept: tags 18 and 20 (no 4, no 17) */
};

/* Start a tag at *pos (b NULL: only count); returns where it starts. */
static uint64_t tag_at(uint8_t *b, uint64_t *pos, uint32_t type, uint64_t size)
{
	uint64_t at = *pos;
	if (b) {
		put_le32(b + at, type);
		put_le32(b + at + 4, (uint32_t)size);
	}
	*pos = align_up(at + size, MB2_TAG_ALIGN);
	return at;
}

static void tag_string(uint8_t *b, uint64_t *pos, uint32_t type, const char *s)
{
	size_t n = str_len(s) + 1;
	uint64_t at = tag_at(b, pos, type, 8 + n);
	if (b)
		memcpy(b + at + 8, s, n);
}

/* Lay out (b NULL) or write the whole block; returns its size. */
static uint64_t build_info(uint8_t *b, const struct boot_request *req, const struct mem_map *m,
			   const struct mb2_info_parts *ip)
{
	uint64_t pos = sizeof(struct mb2_info_fixed), at;
	tag_string(b, &pos, MB2_TAG_CMDLINE, ip->cmdline);
	tag_string(b, &pos, MB2_TAG_LOADER_NAME, ip->loader);
	for (size_t i = 0; i < req->nmods; i++) {
		size_t n = str_len(ip->mod_str[i]) + 1;
		at = tag_at(b, &pos, MB2_TAG_MODULE, sizeof(struct mb2_tag_module) + n);
		if (b) {
			put_le32(b + at + 8, (uint32_t)ip->mod_addr[i]);
			put_le32(b + at + 12, (uint32_t)(ip->mod_addr[i] + req->mods[i].file->size));
			memcpy(b + at + 16, ip->mod_str[i], n);
		}
	}
	{
		/* GRUB's layout: num, entsize, shndx as u32, then the table; like
		 * GRUB, an empty tag (num 0) for an image without section headers */
		uint64_t n = (uint64_t)ip->secs->num * ip->secs->entsize;
		at = tag_at(b, &pos, MB2_TAG_ELF_SECTIONS, sizeof(struct mb2_tag_elf_sections) + n);
		if (b) {
			put_le32(b + at + 8, ip->secs->num);
			put_le32(b + at + 12, ip->secs->entsize);
			put_le32(b + at + 16, ip->secs->shndx);
			if (n)
				memcpy(b + at + sizeof(struct mb2_tag_elf_sections), ip->secs->table, (size_t)n);
		}
	}
	if (!ip->efi_image) {	/* with boot services kept memory is the firmware's to report */
		at = tag_at(b, &pos, MB2_TAG_BASIC_MEMINFO, sizeof(struct mb2_tag_basic_meminfo));
		if (b) {
			put_le32(b + at + 8, ip->mem_lower);
			put_le32(b + at + 12, ip->mem_upper);
		}
	}
	at = tag_at(b, &pos, MB2_TAG_MMAP,
		    sizeof(struct mb2_tag_mmap) + (uint64_t)m->nmap * sizeof(struct mb2_mmap_entry));
	if (b) {
		put_le32(b + at + 8, sizeof(struct mb2_mmap_entry));
		put_le32(b + at + 12, MB2_MMAP_ENTRY_VERSION);
		for (size_t i = 0; i < m->nmap; i++) {
			uint8_t *e = b + at + sizeof(struct mb2_tag_mmap) + i * sizeof(struct mb2_mmap_entry);
			put_le64(e, m->map[i].start);
			put_le64(e + 8, m->map[i].end - m->map[i].start);
			put_le32(e + 16, m->map[i].type);
			put_le32(e + 20, 0);
		}
	}
	at = tag_at(b, &pos, MB2_TAG_LOAD_BASE_ADDR, sizeof(struct mb2_tag_load_base));
	if (b)
		put_le32(b + at + 8, ip->load_base);
	if (ip->acpi_old_too) {
		at = tag_at(b, &pos, MB2_TAG_ACPI_OLD, 8 + ACPI_RSDP_V1_LEN);
		if (b)
			memcpy(b + at + 8, ip->acpi, ACPI_RSDP_V1_LEN);
	}
	if (ip->acpi_tag) {
		at = tag_at(b, &pos, ip->acpi_tag, 8 + (uint64_t)ip->acpi_len);
		if (b)
			memcpy(b + at + 8, ip->acpi, ip->acpi_len);
	}
	if (ip->smbios_len) {
		/* version, six reserved bytes, then a copy of the structure table */
		at = tag_at(b, &pos, MB2_TAG_SMBIOS, 16 + (uint64_t)ip->smbios_len);
		if (b) {
			b[at + 8] = ip->smbios_major;
			b[at + 9] = ip->smbios_minor;
			memcpy(b + at + 16, ip->smbios_table, ip->smbios_len);
		}
	}
	if (ip->fb || ip->fb_text || ip->ega) {
		/* the mode set for the kernel, else the EGA text console the BIOS left */
		at = tag_at(b, &pos, MB2_TAG_FRAMEBUFFER,
			    ip->fb ? 8 + VIDEO_FB_RGB_LEN : sizeof(struct mb2_tag_framebuffer));
		if (b)
			video_put_fb(b + at + 8, ip->fb);
	}
	if (ip->efi_systab) {
		at = tag_at(b, &pos, MB2_TAG_EFI64, 16);
		if (b)
			put_le64(b + at + 8, ip->efi_systab);
	}
	if (ip->efi_image) {
		tag_at(b, &pos, MB2_TAG_EFI_BS, sizeof(struct mb2_tag));
		at = tag_at(b, &pos, MB2_TAG_EFI64_IH, 16);
		if (b)
			put_le64(b + at + 8, ip->efi_image);
	}
	/* last: filled at ExitBootServices (mb2_efi_mmap_fill), which
	 * shrinks it to the map and moves the end tag after it */
	if (ip->efi_mmap_cap) {
		at = tag_at(b, &pos, MB2_TAG_EFI_MMAP, 16 + (uint64_t)ip->efi_mmap_cap);
		if (b)
			memset(b + at + 8, 0, 8 + (size_t)ip->efi_mmap_cap);
	}
	tag_at(b, &pos, MB2_TAG_END, sizeof(struct mb2_tag));
	if (b) {
		put_le32(b, (uint32_t)pos);
		put_le32(b + 4, 0);
	}
	return pos;
}

/* mem_lower / mem_upper as Multiboot defines them, in KiB. */
static void basic_meminfo(const struct mem_map *m, uint32_t *lower, uint32_t *upper)
{
	uint64_t low = 0;
	for (size_t i = 0; i < m->nmap; i++)
		if (m->map[i].type == MEM_AVAILABLE && m->map[i].start == 0)
			low = m->map[i].end;
	if (low > 0xA0000)
		low = 0xA0000;
	uint64_t up = mem_avail_at(m, MEM_LOW_END);
	if (up > MEM_4G)
		up = MEM_4G;
	*lower = (uint32_t)(low / 1024);
	*upper = (uint32_t)(up / 1024);
}

/* Refuse a required ACPI request the machine cannot meet. */
static int check_acpi(const struct mb2_header *h, struct mb2_info_parts *ip, struct diag *d)
{
	uint32_t want_old = h->required >> MB2_TAG_ACPI_OLD & 1, want_new = h->required >> MB2_TAG_ACPI_NEW & 1;
	if ((want_old || want_new) && !ip->acpi_tag)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: information request for tag %u (%s) is required, but fwboot found no ACPI RSDP",
				 want_new ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD,
				 mb2_info_tag_name(want_new ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD));
	if (want_new && ip->acpi_tag != MB2_TAG_ACPI_NEW)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: information request for tag 15 (ACPI new RSDP) is required, but the RSDP is "
				 "ACPI 1.0 (revision %u)", ip->acpi[ACPI_RSDP_REVISION]);
	/* a revision 2 RSDP's first 20 bytes are the 1.0 structure: give
	 * that too when the image asks for the old tag */
	if (ip->acpi_tag == MB2_TAG_ACPI_NEW && (h->requested >> MB2_TAG_ACPI_OLD & 1))
		ip->acpi_old_too = 1;
	return 0;
}

/* The framebuffer tag and a request for the framebuffer information:
 * a graphics mode when one can be set, else the EGA text screen when
 * there is a VGA; a required tag or request that gets neither is refused. */
static int plan_framebuffer(const struct mb2_header *h, const struct boot_env *env, struct plan *p,
			    struct mb2_info_parts *ip, struct diag *d)
{
	int text = env->video && env->video->vga_text;
	if (h->fb_tag) {
		struct video_request vr = { h->fb_width, h->fb_height, h->fb_depth };
		int r = video_for_payload("multiboot2", "header tag 5 (framebuffer)", env, &vr, h->fb_required, p, d);
		if (r < 0)
			return r;
		if (r == 1)
			ip->fb = &p->video;
	}
	if (!ip->fb && (h->fb_tag || h->requested >> MB2_TAG_FRAMEBUFFER & 1))
		ip->fb_text = text;
	if (h->fb_console && !ip->fb)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: header tag 4 (console flags) requires a console, but the image does not "
				 "support EGA text and fwboot set no graphics mode (%s) (console_flags 0x%x)",
				 h->fb_tag ? "no display for the framebuffer tag" : "the image has no framebuffer tag",
				 h->fb_console);
	if ((h->required >> MB2_TAG_FRAMEBUFFER & 1) && !ip->fb && !ip->fb_text && !ip->ega)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: information request for tag 8 (framebuffer information) is required, "
				 "but there is no display (no VGA on PCI)");
	return 0;
}

int mb2_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d)
{
	struct mb2_header h;
	const struct file *f = req->kernel;
	struct mem_map *m = env->mem;
	int r = mb2_parse_header(hdr, len, &h, d);
	if (r)
		return r;
	struct mb2_info_parts ip;
	memset(&ip, 0, sizeof(ip));
	ip.acpi_tag = rsdp_tag(env, &ip.acpi, &ip.acpi_len);
	r = check_acpi(&h, &ip, d);
	if (r)
		return r;
	uint64_t smbios_table = 0;
	if (smbios_entry(env->smbios ? (const uint8_t *)(uintptr_t)env->smbios : 0, &ip.smbios_major,
			 &ip.smbios_minor, &smbios_table, &ip.smbios_len))
		ip.smbios_table = (const uint8_t *)(uintptr_t)smbios_table;
	else
		ip.smbios_len = 0;
	/* tags 7 and 9 under UEFI: boot services stay, as under GRUB (which
	 * keeps them for tag 7 alone, and then enters 32-bit code in long mode) */
	int keep_bs = h.efi_bs && h.has_efi64 && env->efi_image;
	if (h.efi_bs_required && !keep_bs)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: header tag 7 (EFI boot services) is required, but fwboot "
				 "was not started by UEFI firmware (fwboot.efi keeps boot services)");
	ip.efi_systab = env->efi_systab;
	ip.efi_mmap_cap = env->efi_systab && !keep_bs ? env->efi_mmap_cap & ~7u : 0;
	ip.efi_image = keep_bs ? env->efi_image : 0;
	static const uint8_t efi_tags[] = { MB2_TAG_EFI64, MB2_TAG_EFI_MMAP, MB2_TAG_EFI_BS, MB2_TAG_EFI64_IH };
	for (size_t i = 0; i < sizeof(efi_tags); i++) {
		uint32_t t = efi_tags[i];
		if ((h.required >> t & 1) && !(t == MB2_TAG_EFI64 ? ip.efi_systab : t == MB2_TAG_EFI_MMAP ? ip.efi_mmap_cap
									 : ip.efi_image))
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: information request for tag %u (%s) is required, "
					 "but fwboot gives it only under UEFI (fwboot.efi)%s", t, mb2_info_tag_name(t),
					 t == MB2_TAG_EFI64 ? "" : t == MB2_TAG_EFI_MMAP ? ", boot services left"
					 : ", boot services kept (header tags 7 and 9)");
	}
	if ((h.required >> MB2_TAG_SMBIOS & 1) && !ip.smbios_len)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot2: information request for tag 13 (SMBIOS tables) is required, but fwboot found no SMBIOS entry point");

	struct mb2_image im;
	memset(&im, 0, sizeof(im));
	r = h.has_address ? layout_address(&h, f, &im, d) : layout_elf(&h, f, hdr, len, &im, d);
	if (r)
		return r;
	uint64_t base = im.lo;
	if (h.has_reloc) {
		r = place_relocatable(&h, f, &im, m, &base, d);
		if (r)
			return r;
	}
	uint64_t shift = base - im.lo;	/* modulo 2^64: may move down */
	r = plan_image(f, &im, shift, !h.has_reloc, m, p, d);
	if (r)
		return r;
	uint64_t entry = im.entry + shift;
	if (keep_bs) {	/* the EFI amd64 entry, which moves with the image */
		entry = h.efi64_entry + shift;
		int in = 0;
		for (size_t i = 0; i < im.nseg; i++)
			in |= h.efi64_entry >= im.seg[i].dst && h.efi64_entry - im.seg[i].dst < im.seg[i].filesz;
		if (!in)
			return diag_fail(d, ST_BAD_IMAGE, "multiboot2: EFI amd64 entry 0x%x (header tag 9) lies outside "
					 "the loaded bytes", h.efi64_entry);
	}
	if (entry >= MEM_4G)
		return diag_fail(d, ST_BAD_IMAGE, "multiboot2: entry 0x%llx lies above 4 GiB", (unsigned long long)entry);

	struct elf_sections secs;
	memset(&secs, 0, sizeof(secs));
	if (im.is_elf) {
		r = elf_place_sections("multiboot2", f, hdr, len, &im.elf, m, p, &secs, d);
		if (r)
			return r;
	}
	ip.secs = &secs;

	uint64_t *mod_addr;
	const char **mod_str = zalloc((req->nmods + 1) * sizeof(*mod_str));
	if (!mod_str)
		return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory");
	r = place_modules("multiboot2", req, m, p, &mod_addr, d);
	if (r)
		return r;
	for (size_t i = 0; i < req->nmods; i++) {
		mod_str[i] = image_join_args(req->mods[i].file->name, req->mods[i].args);
		if (!mod_str[i])
			return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory");
	}
	ip.cmdline = image_join_args(f->name, req->args);
	if (!ip.cmdline)
		return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory");
	ip.loader = req->loader_name;
	ip.mod_str = mod_str;
	ip.mod_addr = mod_addr;
	basic_meminfo(m, &ip.mem_lower, &ip.mem_upper);
	ip.load_base = (uint32_t)base;
	ip.ega = h.ega_console;
	r = plan_framebuffer(&h, env, p, &ip, d);
	if (r)
		return r;

	uint64_t total = build_info(0, req, m, &ip);
	uint8_t *info;
	uint64_t at;
	r = place_info("multiboot2", "boot information", total, MB2_INFO_ALIGN, m, p, &info, &at, d);
	if (r)
		return r;
	build_info(info, req, m, &ip);
	if (ip.efi_mmap_cap) {
		p->efi_mmap_info = info;
		p->efi_mmap_room = ip.efi_mmap_cap;
		p->efi_mmap_tag = info + total - sizeof(struct mb2_tag) - 16 - ip.efi_mmap_cap;
	}
	p->mode = ENTRY_FLAT32;
	p->entry = (uint32_t)entry;
	p->efi_keep_bs = keep_bs;
	p->regs.eax = MB2_BOOTLOADER_MAGIC;
	p->regs.ebx = (uint32_t)at;
	p->format = "multiboot2";
	if (h.skipped)
		fmt_snprintf(p->note, sizeof(p->note),
			     "multiboot2: header at offset 0x%x; skipped %u magic%s with an invalid checksum before it "
			     "(the first at 0x%x, sum 0x%x)", h.offset, h.skipped, h.skipped == 1 ? "" : "s",
			     h.skip_off, h.skip_sum);
	return 0;
}

int mb2_efi_mmap_fill(uint8_t *info, uint8_t *tag, uint32_t room, const void *desc, uint64_t size,
		      uint32_t desc_size, uint32_t desc_version)
{
	if (get_le32(tag) != MB2_TAG_EFI_MMAP || size > room)
		return -1;
	put_le32(tag + 4, 16 + (uint32_t)size);
	put_le32(tag + 8, desc_size);
	put_le32(tag + 12, desc_version);
	memcpy(tag + 16, desc, (size_t)size);
	uint8_t *end = tag + align_up(16 + size, MB2_TAG_ALIGN);
	put_le32(end, MB2_TAG_END);
	put_le32(end + 4, sizeof(struct mb2_tag));
	put_le32(info, (uint32_t)(end + sizeof(struct mb2_tag) - info));
	return 0;
}
