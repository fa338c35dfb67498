/* SPDX-License-Identifier: BSD-2-Clause */
/* The Limine boot protocol (x86-64): see limine.h. The kernel image is
 * built in fwboot's heap (the requests are answered inside it, a PIE is
 * relocated there) and copied to one physically contiguous range; every
 * response lives in one block of bootloader-reclaimable memory. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "include/status.h"
#include "kernel/formats/elf.h"
#include "kernel/handoff.h"	/* the APs' start page */
#include "kernel/heap.h"	/* heap_free_bytes: the image is built there */
#include "kernel/formats/limine.h"
#include "kernel/formats/mb1.h"	/* place_modules, place_info */
#include "kernel/platform.h"	/* platform_cpuid: NX */
#include "kernel/video.h"
#include "lib/fmt.h"
#include "lib/str.h"

#define SUB "limine"
#define NOINLINE __attribute__((noinline))	/* called once: inlined, each costs more on i686 */
#define PAGE 4096ull
#define SCAN_CHUNK 65536
#define MAX_REQUESTS 128
#define REQ_REVISION 32
#define REQ_RESPONSE 40		/* offset of the response pointer in every request */
#define REQ_EXTRA 48		/* the first request-specific field */
#define FILE_SIZE 112		/* struct limine_file */
#define FB_SIZE 80		/* struct limine_framebuffer (response revision 1) */
#define MODE_SIZE 40		/* struct limine_video_mode */
#define PD_SPAN (1ull << 30)	/* what one page directory of 2 MiB pages maps */
#define DIRECT_MAX (512ull << 30)	/* one PDPT's reach: the direct map stops here */
#define CR4_LA57 0x1000
#define IOAPIC_PC 0xfec00000ull	/* where a PC's first IO APIC sits */
#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_WC_2M 0x1008ull	/* PAT (bit 12 in a 2 MiB entry) and PWT: PAT entry 5, WC */
#define PTE_ADDR 0x000ffffffffff000ull
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_RELSZ 18
#define DT_RELRSZ 35
#define DT_RELR 36
#define DT_RELRENT 37
#define R_X86_64_NONE 0
#define R_X86_64_RELATIVE 8

/* The requests fwboot knows, by the last two words of their ID; extra:
 * bytes after the common 48 that fwboot reads. */
enum { R_INFO, R_FWTYPE, R_STACK, R_HHDM, R_FB, R_PAGING, R_SMP, R_MEMMAP, R_ENTRY, R_KFILE, R_MODULE,
       R_RSDP, R_SMBIOS, R_EFI_ST, R_EFI_MMAP, R_TIME, R_KADDR, R_TERMINAL, NKINDS };
static const struct {
	uint64_t id2, id3;
	const char *name;
	uint8_t extra;
} kinds[NKINDS] = {
	{ 0xf55038d8e2a1202full, 0x279426fcf5f59740ull, "bootloader info", 0 },
	{ 0x8c2f75d90bef28a8ull, 0x7045a4688eac00c3ull, "firmware type", 0 },
	{ 0x224ef0460a8e8926ull, 0xe1cb0fc25f46ea3dull, "stack size", 8 },
	{ 0x48dcf1cb8ad2b852ull, 0x63984e959a98244bull, "HHDM", 0 },
	{ 0x9d5827dcd881dd75ull, 0xa3148604f6fab11bull, "framebuffer", 0 },
	{ 0x95c1a0edab0944cbull, 0xa4e5cb3842f7488aull, "paging mode", 8 },
	{ 0x95a67b819a1b857eull, 0xa0b61b723b6a73e0ull, "SMP", 8 },
	{ 0x67cf3d9d378a806full, 0xe304acdfc50c3c62ull, "memory map", 0 },
	{ 0x13d86c035a1cd3e1ull, 0x2b0caa89d8f3026aull, "entry point", 8 },
	{ 0xad97e90e83f1ed67ull, 0x31eb5d1c5ff23b69ull, "executable file", 0 },
	{ 0x3e7e279702be32afull, 0xca1c4f3bd1280ceeull, "module", 0 },
	{ 0xc5e77b6b397e7b43ull, 0x27637845accdcf3cull, "RSDP", 0 },
	{ 0x9e9046f11e095391ull, 0xaa4a520fefbde5eeull, "SMBIOS", 0 },
	{ 0x5ceba5163eaaf6d6ull, 0x0a6981610cf65fccull, "EFI system table", 0 },
	{ 0x7df62a431d6872d5ull, 0xa4fcdfb3e57306c8ull, "EFI memory map", 0 },
	{ 0x502746e184c088aaull, 0xfbc5ec83e6327893ull, "date at boot", 0 },
	{ 0x71ba76863cc55f63ull, 0xb2644a48c516a487ull, "executable address", 0 },
	{ 0x0785a0aea5d0750full, 0x1c1936fee0d6cf6eull, "terminal", 0 },
};
static const uint64_t start_marker[4] = { 0xf6b8f4b39de7d1aeull, 0xfab91a6940fcb9cfull, 0x785c6ed015d3e316ull,
					  0x181e920a7852b9d9ull };
static const uint64_t end_marker[2] = { 0xadc0e0531bb10d03ull, 0x9572709f31764c62ull };

/* One copy of each byte-order access: inlined, they would be most of this file. */
static __attribute__((noinline)) uint64_t r64(const uint8_t *b)
{
	return get_le64(b);
}

static __attribute__((noinline)) void w64(uint8_t *b, uint64_t v)
{
	put_le64(b, v);
}

static int words_at(const uint8_t *b, const uint64_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r64(b + 8 * i) != w[i])
			return 0;
	return 1;
}

static int is_tag(const uint8_t *b)
{
	uint64_t a = r64(b), c = r64(b + 8);
	return (a == LIMINE_MAGIC0 && c == LIMINE_MAGIC1) || (a == LIMINE_BASE_REV0 && c == LIMINE_BASE_REV1);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ELF64 for x86-64: the only kind a Limine kernel is. */
static NOINLINE int parse(const struct file *f, const uint8_t *hdr, size_t len, struct elf_info *e, struct diag *d)
{
	if (!elf_is_elf(hdr, len) || len < EH64_SIZE || hdr[4] != ELFCLASS64)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": not an ELF64 file");
	int r = elf_parse(SUB, f, hdr, len, e, d);
	if (!r && e->machine != EM_X86_64)
		r = diag_fail(d, ST_BAD_IMAGE, SUB ": ELF64 for machine %u, not x86-64", e->machine);
	return r;
}

int limine_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d)
{
	struct elf_info e;
	int r = parse(f, hdr, len, &e, d);
	if (r)
		return r;
	uint8_t *buf = zalloc(SCAN_CHUNK);
	if (!buf)
		return diag_fail(d, ST_NO_MEMORY, SUB ": no memory to scan the image");
	for (size_t i = 0; i < e.nph; i++) {
		const struct elf_phdr *ph = &e.ph[i];
		if (ph->type != PT_LOAD)
			continue;
		/* 8-byte aligned in memory: offsets where vaddr + at is */
		for (uint64_t at = (8 - (ph->vaddr & 7)) & 7; at + 16 <= ph->filesz; at += SCAN_CHUNK - 16) {
			uint64_t n = ph->filesz - at < SCAN_CHUNK ? ph->filesz - at : SCAN_CHUNK;
			if (file_read(f, ph->offset + at, buf, n))
				return diag_fail(d, ST_IO, SUB ": cannot read the image");
			for (uint64_t k = 0; k + 16 <= n; k += 8)
				if (is_tag(buf + k))
					return 0;
		}
	}
	return diag_fail(d, ST_BAD_IMAGE, SUB ": ELF64 without Limine requests or base revision tag");
}

/* Everything one plan decides, in one place. */
struct lim {
	uint8_t *img;		/* the image, vmin..vmax of the link */
	uint64_t vmin, span, slide, kphys;
	uint64_t req[NKINDS];	/* offset + 1 in img of each known request */
	unsigned base_rev;	/* the revision honoured */
	uint8_t *info;		/* the response block */
	uint64_t info_phys, info_len, info_at;
	uint64_t hhdm;
	int la57;		/* 5-level paging */
	uint64_t wc_lo, wc_hi;	/* the framebuffer, mapped write-combining */
	char unanswered[160];
};

static void unanswered(struct lim *L, const char *what)
{
	size_t n = str_len(L->unanswered);
	fmt_snprintf(L->unanswered + n, sizeof(L->unanswered) - n, "%s%s", n ? ", " : "", what);
}

/* Apply a PIE's R_X86_64_RELATIVE relocations in the image. */
/* Add the slide to the word a RELR relocation names at vaddr where. */
static NOINLINE int slide_word(struct lim *L, uint64_t where, struct diag *d)
{
	if (where < L->vmin || !in_bounds(where - L->vmin, 8, L->span))
		return diag_fail(d, ST_BAD_IMAGE, SUB ": a relocation at 0x%llx lies outside the image",
				 (unsigned long long)where);
	w64(L->img + (where - L->vmin), r64(L->img + (where - L->vmin)) + L->slide);
	return 0;
}

/* A table the dynamic section names (vaddr at, n bytes): its offset in the image, or -1. */
static NOINLINE int64_t table_at(const struct lim *L, uint64_t at, uint64_t n)
{
	return at >= L->vmin && in_bounds(at - L->vmin, n, L->span) ? (int64_t)(at - L->vmin) : -1;
}

/* Apply a PIE's relocations in the image: RELA entries of type
 * R_X86_64_RELATIVE (addend + slide) and RELR (packed: the word + slide). */
static NOINLINE int relocate(struct lim *L, const struct elf_info *e, struct diag *d)
{
	uint64_t dyn[DT_RELRENT + 1] = { 0 };
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *ph = &e->ph[i];
		if (ph->type != PT_DYNAMIC)
			continue;
		int64_t o = table_at(L, ph->vaddr, ph->memsz);
		if (o < 0)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": the dynamic segment lies outside the image");
		for (uint64_t k = 0; k + 16 <= ph->memsz; k += 16) {
			uint64_t tag = r64(L->img + o + k);
			if (tag == 0)
				break;
			if (tag <= DT_RELRENT)
				dyn[tag] = r64(L->img + o + k + 8);
		}
	}
	if (dyn[DT_RELSZ])
		return diag_fail(d, ST_BAD_IMAGE, SUB ": the PIE has REL relocations (x86-64 uses RELA)");
	int64_t rela = table_at(L, dyn[DT_RELA], dyn[DT_RELASZ]), relr = table_at(L, dyn[DT_RELR], dyn[DT_RELRSZ]);
	if ((dyn[DT_RELASZ] && (rela < 0 || (dyn[DT_RELAENT] && dyn[DT_RELAENT] != 24))) ||
	    (dyn[DT_RELRSZ] && (relr < 0 || (dyn[DT_RELRENT] && dyn[DT_RELRENT] != 8))))
		return diag_fail(d, ST_BAD_IMAGE, SUB ": the PIE's relocation tables lie outside the image or "
				 "have odd entry sizes");
	for (uint64_t k = 0; k + 24 <= dyn[DT_RELASZ]; k += 24) {
		const uint8_t *r = L->img + rela + k;
		uint64_t where = r64(r), type = r64(r + 8) & 0xffffffffu;
		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": the PIE has a relocation of type %llu (fwboot applies "
					 "only R_X86_64_RELATIVE: link with -static-pie or --no-dynamic-linker)",
					 (unsigned long long)type);
		int rr = slide_word(L, where, d);	/* bounds; then the addend is the value */
		if (rr)
			return rr;
		w64(L->img + (where - L->vmin), r64(r + 16) + L->slide);
	}
	/* RELR: an address (even) relocates its word; a bitmap (odd) the 63 words after */
	uint64_t where = 0;
	for (uint64_t k = 0; k + 8 <= dyn[DT_RELRSZ]; k += 8) {
		uint64_t v = r64(L->img + relr + k);
		int rr = 0;
		if (!(v & 1)) {
			rr = slide_word(L, v, d);
			where = v + 8;
		} else {
			for (unsigned b = 1; b < 64 && !rr; b++, v >>= 1)
				if (v & 2)
					rr = slide_word(L, where + 8 * (b - 1), d);
			where += 63 * 8;
		}
		if (rr)
			return rr;
	}
	return 0;
}

/* Find the base revision tag and every request between the delimiters. */
static NOINLINE int scan(struct lim *L, struct diag *d)
{
	uint64_t lo = 0, hi = L->span, found[MAX_REQUESTS];
	size_t n = 0;
	for (uint64_t o = 0; o + 32 <= L->span; o += 8)
		if (words_at(L->img + o, start_marker, 4))
			lo = o + 32;
	for (uint64_t o = lo; o + 16 <= L->span; o += 8)
		if (words_at(L->img + o, end_marker, 2)) {
			hi = o;
			break;
		}
	uint64_t rev = 0;
	for (uint64_t o = lo; o + 16 <= hi; o += 8) {
		uint8_t *b = L->img + o;
		if (r64(b) == LIMINE_BASE_REV0 && r64(b + 8) == LIMINE_BASE_REV1 && o + 24 <= hi) {
			rev = r64(b + 16);
			if (rev <= LIMINE_BASE_REVISION_MAX)
				w64(b + 16, 0);	/* honoured: the kernel sees 0 */
			continue;
		}
		if (r64(b) != LIMINE_MAGIC0 || r64(b + 8) != LIMINE_MAGIC1)
			continue;
		if (o + REQ_EXTRA > hi)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": a request at offset 0x%llx runs past the end of the %s",
					 (unsigned long long)o, hi < L->span ? "requests (the end marker)" : "image");
		for (size_t i = 0; i < n; i++)
			if (r64(L->img + found[i] + 16) == r64(b + 16) &&
			    r64(L->img + found[i] + 24) == r64(b + 24))
				return diag_fail(d, ST_BAD_IMAGE, SUB ": request ID ...%016llx %016llx appears twice "
						 "(offsets 0x%llx and 0x%llx)", (unsigned long long)r64(b + 16),
						 (unsigned long long)r64(b + 24), (unsigned long long)found[i],
						 (unsigned long long)o);
		if (n == MAX_REQUESTS)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": more than %u requests", MAX_REQUESTS);
		found[n++] = o;
		for (int k = 0; k < NKINDS; k++)
			if (r64(b + 16) == kinds[k].id2 && r64(b + 24) == kinds[k].id3) {
				if (o + REQ_EXTRA + kinds[k].extra > hi)
					return diag_fail(d, ST_BAD_IMAGE, SUB ": the %s request at offset 0x%llx runs past "
							 "the end of the image", kinds[k].name, (unsigned long long)o);
				L->req[k] = o + 1;
			}
		o += REQ_EXTRA - 8;
	}
	L->base_rev = rev <= LIMINE_BASE_REVISION_MAX ? (unsigned)rev : LIMINE_BASE_REVISION_MAX;
	return 0;
}

/* A request's field (after the common part), and its revision. */
static uint64_t req_field(const struct lim *L, int k, unsigned off)
{
	return r64(L->img + L->req[k] - 1 + off);
}

/* Room in the response block: 8-aligned, zeroed. */
static uint64_t take(struct lim *L, uint64_t n)
{
	uint64_t at = align_up(L->info_at, 8);
	L->info_at = at + n;
	return at;
}

static uint64_t vptr(const struct lim *L, uint64_t off)
{
	return L->hhdm + L->info_phys + off;
}

static uint64_t put_str(struct lim *L, const char *s)
{
	uint64_t n = str_len(s) + 1, at = take(L, n);
	memcpy(L->info + at, s, n);
	return vptr(L, at);
}

/* A response of n bytes (revision rev) for request k: its offset. */
static uint64_t respond(struct lim *L, int k, uint64_t n, uint64_t rev)
{
	uint64_t at = take(L, n);
	w64(L->info + at, rev);
	w64(L->img + L->req[k] - 1 + REQ_RESPONSE, vptr(L, at));
	return at;
}

/* A response whose one field (after its revision) is value; 0: left
 * unanswered, and why is named. */
static void respond_one(struct lim *L, int k, uint64_t value, const char *why)
{
	if (value)
		w64(L->info + respond(L, k, 16, 0) + 8, value);
	else
		unanswered(L, why);
}

/* A struct limine_file for a file at addr, named "/<name>". */
static uint64_t put_file(struct lim *L, uint64_t addr, uint64_t size, const char *name, const char *cmdline)
{
	uint64_t at = take(L, FILE_SIZE);
	uint8_t *fb = L->info + at;
	char path[1 + 255 + 1];	/* a bundle member's name may be long */
	fmt_snprintf(path, sizeof(path), "/%s", name);
	w64(fb + 8, L->hhdm + addr);
	w64(fb + 16, size);
	w64(fb + 24, put_str(L, path));
	w64(fb + 32, put_str(L, cmdline));
	return vptr(L, at);
}

/* ---- page tables: a pool of zeroed pages, the first the PML4 ---- */
struct pt {
	uint8_t *buf;
	uint64_t phys;
	size_t used, cap;
	int levels;		/* 4, or 5 with LA57 */
};

static uint8_t *pt_next(struct pt *t, uint8_t *tab, unsigned idx)
{
	uint64_t e = r64(tab + 8 * idx);
	if (e & PTE_P)
		return t->buf + ((e & PTE_ADDR) - t->phys);
	if (t->used == t->cap)
		return 0;
	uint8_t *c = t->buf + t->used++ * PAGE;
	w64(tab + 8 * idx, (t->phys + (uint64_t)(c - t->buf)) | PTE_P | PTE_W);
	return c;
}

/* Map va to pa: a 4 KiB page (level 1) or a 2 MiB one (level 2). */
static int pt_map(struct pt *t, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	uint8_t *tab = t->buf;
	for (int l = t->levels; l > level && tab; l--)
		tab = pt_next(t, tab, (unsigned)(va >> (12 + 9 * (l - 1))) & 511);
	if (!tab)
		return -1;
	w64(tab + 8 * ((va >> (12 + 9 * (level - 1))) & 511), pa | flags | (level == 2 ? PTE_PS : 0));
	return 0;
}

static uint32_t to_limine_type(uint32_t t)
{
	return t == 3 ? LIMINE_MEM_ACPI_RECLAIM : t == 4 ? LIMINE_MEM_ACPI_NVS : t == 5 ? LIMINE_MEM_BAD
	       : LIMINE_MEM_RESERVED;
}

struct range {
	uint64_t start, len, type;
};

/* The enabled processors of a MADT copy (local APIC entries, type 0):
 * their ACPI UIDs and APIC IDs, at most cap; *lapic the local APIC's
 * registers, *ioapic the first IO APIC's (0: none listed). */
static NOINLINE size_t madt_cpus(const uint8_t *m, uint32_t len, uint32_t *uid, uint32_t *apic, size_t cap,
				 uint64_t *lapic, uint64_t *ioapic)
{
	size_t n = 0;
	if (!m || len < 44)
		return 0;
	*lapic = get_le32(m + 36);
	*ioapic = 0;
	for (uint32_t at = 44; at + 2 <= len && m[at + 1] >= 2 && m[at + 1] <= len - at; at += m[at + 1]) {
		if (m[at] == 0 && m[at + 1] >= 8 && (get_le32(m + at + 4) & 1) && n < cap) {
			uid[n] = m[at + 2];
			apic[n++] = m[at + 3];
		} else if (m[at] == 1 && m[at + 1] >= 12 && !*ioapic) {
			*ioapic = get_le32(m + at + 4);
		} else if (m[at] == 5 && m[at + 1] >= 12) {
			*lapic = r64(m + at + 4);
		}
	}
	return n;
}

static void add_range(struct range *r, size_t *n, uint64_t start, uint64_t len, uint64_t type)
{
	if (!len)
		return;
	size_t k = (*n)++;
	for (; k && r[k - 1].start > start; k--)	/* sorted by base */
		r[k] = r[k - 1];
	r[k] = (struct range){ start, len, type };
}

/* The kernel's memory map: RAM usable (page-aligned, not the first page)
 * except what fwboot placed (ov, sorted), the firmware's other entries as
 * their types, the framebuffer. */
static NOINLINE size_t build_memmap(const struct mem_map *m, const struct range *ov, size_t nov, const struct video_mode *fb,
			   struct range *out)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nmap; i++)
		if (m->map[i].type != MEM_AVAILABLE)
			add_range(out, &n, m->map[i].start, m->map[i].end - m->map[i].start,
				  to_limine_type(m->map[i].type));
	for (size_t i = 0; i < nov; i++)
		add_range(out, &n, ov[i].start, ov[i].len, ov[i].type);
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t s = align_up(m->ram[i].start, PAGE), e = m->ram[i].end & ~(PAGE - 1);
		if (s < PAGE)
			s = PAGE;
		for (size_t k = 0; k <= nov && s < e; k++) {
			uint64_t cut = k < nov ? ov[k].start : e;
			if (cut > e)
				cut = e;
			if (cut > s)
				add_range(out, &n, s, cut - s, LIMINE_MEM_USABLE);
			if (k < nov && ov[k].start + ov[k].len > s)
				s = ov[k].start + ov[k].len;
		}
	}
	if (fb)
		add_range(out, &n, fb->addr, fb->size, LIMINE_MEM_FRAMEBUFFER);
	return n;
}

/* Claim len bytes of RAM below 4 GiB for what, and add the plan segment. */
static int place(struct plan *p, struct mem_map *m, uint64_t len, uint64_t align, enum seg_src src,
		 const char *what, uint64_t *at, struct diag *d)
{
	int r = mem_alloc(m, len, align, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, what, at, 0);
	if (r && align > PAGE)
		r = mem_alloc(m, len, PAGE, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, what, at, 0);
	if (r)
		return diag_fail(d, ST_NO_MEMORY, SUB ": no room below 4 GiB for %s (%llu KiB)", what,
				 (unsigned long long)(len >> 10));
	return plan_add(p, *at, len, src, what) ? 0 : diag_fail(d, ST_NO_MEMORY, SUB ": no memory");
}

/* The image: every PT_LOAD at its link address less vmin, PIE relocated. */
static NOINLINE int build_image(struct lim *L, const struct file *f, const uint8_t *hdr, const struct elf_info *e,
		       struct diag *d)
{
	uint64_t vmin = ~0ull, vmax = 0;
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *a = &e->ph[i];
		if (a->type != PT_LOAD || !a->memsz)
			continue;
		if (a->vaddr + a->memsz < a->vaddr)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": segment %zu wraps around the address space", i);
		for (size_t k = 0; k < i; k++) {
			const struct elf_phdr *b = &e->ph[k];
			if (b->type == PT_LOAD && b->memsz && a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
				return diag_fail(d, ST_BAD_IMAGE, SUB ": segments %zu and %zu overlap (0x%llx and 0x%llx)",
						 k, i, (unsigned long long)b->vaddr, (unsigned long long)a->vaddr);
		}
		if (a->vaddr < vmin)
			vmin = a->vaddr;
		if (a->vaddr + a->memsz > vmax)
			vmax = a->vaddr + a->memsz;
	}
	if (!vmax)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": ELF has no loadable segment");
	L->vmin = vmin & ~(PAGE - 1);
	if (vmax - L->vmin > LIMINE_SPAN_MAX)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": the image spans %llu MiB of addresses (at most %llu)",
				 (unsigned long long)((vmax - L->vmin) >> 20), (unsigned long long)(LIMINE_SPAN_MAX >> 20));
	L->span = align_up(vmax - L->vmin, PAGE);
	uint16_t type = get_le16(hdr + EH_TYPE);
	if (type != ET_EXEC && type != ET_DYN)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": ELF type %u is not an executable", type);
	if (L->vmin < LIMINE_KERNEL_MIN) {
		if (type != ET_DYN)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": a lower-half kernel (linked at 0x%llx): the protocol "
					 "loads kernels at or above 0x%llx", (unsigned long long)vmin,
					 (unsigned long long)LIMINE_KERNEL_MIN);
		L->slide = LIMINE_KERNEL_MIN - L->vmin;
	}
	if (L->vmin + L->slide + L->span - 1 < L->vmin + L->slide)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": the image runs past the top of the address space");
	L->img = L->span < heap_free_bytes() ? zalloc((size_t)L->span) : 0;
	if (!L->img)
		return diag_fail(d, ST_NO_MEMORY, SUB ": the image (%llu KiB) is built in fwboot's heap, which has %llu KiB "
				 "free", (unsigned long long)(L->span >> 10), (unsigned long long)(heap_free_bytes() >> 10));
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *a = &e->ph[i];
		if (a->type == PT_LOAD && a->filesz && file_read(f, a->offset, L->img + (a->vaddr - L->vmin), a->filesz))
			return diag_fail(d, ST_IO, SUB ": cannot read segment %zu", i);
	}
	return type == ET_DYN ? relocate(L, e, d) : 0;
}

/* Page tables (4 or 5 levels): identity and direct map of [0, top) in
 * 2 MiB pages (one PDPT, shared), the kernel in 4 KiB pages with its
 * segments' rights. */
static NOINLINE int build_tables(struct lim *L, const struct elf_info *e, struct plan *p, struct mem_map *m, uint64_t top,
			int nx, uint64_t *cr3, struct diag *d)
{
	struct pt t = { 0 };
	t.levels = L->la57 ? 5 : 4;
	t.cap = 2 + top / PD_SPAN + 3 + L->span / (2 << 20) + 2 + 2 * L->la57;
	int r = place_info(SUB, "page tables", t.cap * PAGE, PAGE, m, p, &t.buf, &t.phys, d);
	if (r)
		return r;
	t.used = 1;
	for (uint64_t a = 0; a < top && !r; a += 2 << 20)	/* the framebuffer's whole 2 MiB pages: WC (PAT 5) */
		r = pt_map(&t, a, a, 2, PTE_P | PTE_W | (a >= L->wc_lo && a + (2 << 20) <= L->wc_hi ? PTE_WC_2M : 0));
	if (!r) {	/* the direct map: the identity map's top-level entry again */
		w64(t.buf + 8 * ((L->hhdm >> (12 + 9 * (t.levels - 1))) & 511), r64(t.buf));
		for (uint64_t v = L->vmin; v < L->vmin + L->span && !r; v += PAGE) {
			uint64_t fl = 0;
			int x = 0;
			for (size_t i = 0; i < e->nph; i++) {
				const struct elf_phdr *a = &e->ph[i];
				if (a->type == PT_LOAD && a->memsz && v < a->vaddr + a->memsz && a->vaddr < v + PAGE) {
					fl |= PTE_P | (a->flags & PF_W ? PTE_W : 0);
					x |= a->flags & PF_X;
				}
			}
			/* NX only where no segment on the page executes, and where the CPU has it */
			if (fl)
				r = pt_map(&t, v + L->slide, L->kphys + (v - L->vmin), 1, fl | (x || !nx ? 0 : PTE_NX));
		}
	}
	if (r)
		return diag_fail(d, ST_INTERNAL, SUB ": page table pool of %zu pages too small", t.cap);
	*cr3 = t.phys;
	return 0;
}

int limine_efi_mmap_fill(uint8_t *resp, uint8_t *buf, uint32_t room, const void *desc, uint64_t size,
			 uint32_t desc_size, uint32_t desc_version)
{
	if (size > room)
		return -1;
	memcpy(buf, desc, (size_t)size);
	w64(resp + 16, size);
	w64(resp + 24, desc_size);
	w64(resp + 32, desc_version);
	return 0;
}

int limine_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
		struct boot_env *env, struct plan *p, struct diag *d)
{
	const struct file *f = req->kernel;
	struct mem_map *m = env->mem;
	struct lim L;
	struct elf_info e;
	memset(&L, 0, sizeof(L));
	L.hhdm = LIMINE_HHDM;
	int r = parse(f, hdr, len, &e, d);
	if (!r)
		r = build_image(&L, f, hdr, &e, d);
	if (!r)
		r = scan(&L, d);
	if (r)
		return r;

	/* the entry: the ELF's, or the entry point request's (relocated with the image) */
	uint64_t vbase = L.vmin + L.slide, entry = e.entry + L.slide;
	if (L.req[R_ENTRY] && req_field(&L, R_ENTRY, REQ_EXTRA))
		entry = req_field(&L, R_ENTRY, REQ_EXTRA);
	int in_x = 0;
	for (size_t i = 0; i < e.nph; i++)
		in_x |= e.ph[i].type == PT_LOAD && (e.ph[i].flags & PF_X) && entry - L.slide >= e.ph[i].vaddr &&
			entry - L.slide - e.ph[i].vaddr < e.ph[i].memsz;
	if (!in_x)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": entry 0x%llx is not in an executable segment",
				 (unsigned long long)entry);
	/* 5-level paging where the kernel prefers it (mode 1, max_mode 1 from
	 * request revision 1) and the CPU has LA57; refused where it needs it
	 * (min_mode 1) and the CPU has not */
	uint32_t cr[4] = { 0 };
	platform_cpuid(0, cr);
	int has_la57 = 0;
	if (cr[0] >= 7) {
		platform_cpuid(7, cr);
		has_la57 = (cr[2] >> 16) & 1;
	}
	if (L.req[R_PAGING]) {
		int rev1 = req_field(&L, R_PAGING, REQ_REVISION) >= 1;
		uint64_t mode = req_field(&L, R_PAGING, REQ_EXTRA);
		uint64_t max = rev1 ? req_field(&L, R_PAGING, REQ_EXTRA + 8) : mode;
		uint64_t min = rev1 ? req_field(&L, R_PAGING, REQ_EXTRA + 16) : 0;
		if (min > 0 && !has_la57)
			return diag_fail(d, ST_BAD_IMAGE, SUB ": the kernel needs 5-level paging (paging mode request, "
					 "min_mode %llu), which this CPU does not have (no LA57)", (unsigned long long)min);
		L.la57 = has_la57 && max >= 1 && (mode >= 1 || min >= 1);
		if (mode >= 1 && !L.la57)
			unanswered(&L, "5-level paging (no LA57: 4-level given)");
	}
	if (L.la57)
		L.hhdm = LIMINE_HHDM_5LVL;
	uint64_t stack = L.req[R_STACK] ? req_field(&L, R_STACK, REQ_EXTRA) : 0;
	if (stack > LIMINE_STACK_MAX)
		return diag_fail(d, ST_BAD_IMAGE, SUB ": stack size request of %llu bytes (fwboot gives at most %u)",
				 (unsigned long long)stack, LIMINE_STACK_MAX);
	stack = stack > LIMINE_STACK_DEFAULT ? align_up(stack, PAGE) : LIMINE_STACK_DEFAULT;

	/* where everything goes */
	struct range ov[8 + 1];
	size_t nov = 0;
	uint64_t kfile = 0, stack_at = 0, cr3 = 0, *mod_addr = 0;
	r = place(p, m, L.span, 2 << 20, SRC_MEM, "kernel image", &L.kphys, d);
	if (r)
		return r;
	p->segs[p->nsegs - 1].mem = L.img;
	if (L.req[R_KFILE]) {
		r = place(p, m, align_up(f->size, PAGE), PAGE, SRC_FILE, "executable file", &kfile, d);
		if (r)
			return r;
		p->segs[p->nsegs - 1].file = f;
		p->segs[p->nsegs - 1].len = f->size;
	}
	if (L.req[R_MODULE] && (r = place_modules(SUB, req, m, p, &mod_addr, d)))
		return r;
	if (!L.req[R_MODULE] && req->nmods)
		unanswered(&L, "modules (no module request: not loaded)");
	r = place(p, m, stack, PAGE, SRC_ZERO, "stack", &stack_at, d);
	if (r)
		return r;
	/* SMP: the CPUs of the MADT, a start page below 1 MiB, a stack each */
	uint32_t uid[AP_MAX], apic[AP_MAX], bsp = 0;
	size_t ncpu = 0, bsp_at = AP_MAX;
	uint64_t lapic = 0, ap_page = 0, ap_stacks = 0, ioapic = IOAPIC_PC;	/* without a MADT: the PC's */
	uint8_t *apb = 0;
	size_t nmadt = madt_cpus(env->madt, env->madt_len, uid, apic, AP_MAX, &lapic, &ioapic);
	if (L.req[R_SMP]) {
		uint32_t cr[4] = { 0 };
		platform_cpuid(1, cr);
		bsp = cr[1] >> 24;
		ncpu = nmadt;
		for (size_t i = 0; i < ncpu; i++)
			if (apic[i] == bsp)
				bsp_at = i;
		if (bsp_at == AP_MAX || !lapic || lapic >= MEM_4G) {
			unanswered(&L, "SMP (no MADT naming this CPU)");
			ncpu = 0;
		} else if (ncpu > 1) {
			apb = zalloc(PAGE);
			if (!apb || mem_alloc(m, PAGE, PAGE, PAGE, 0xA0000, MEM_TOP_DOWN, CLAIM_PLACED, "AP start page", &ap_page, 0)) {
				unanswered(&L, "SMP (no free page below 640 KiB to start the other CPUs in)");
				ncpu = 0;
				apb = 0;
			} else if (!plan_add(p, ap_page, PAGE, SRC_MEM, "AP start page")) {
				return diag_fail(d, ST_NO_MEMORY, SUB ": no memory");
			} else {
				p->segs[p->nsegs - 1].mem = apb;
				r = place(p, m, stack * (ncpu - 1), PAGE, SRC_ZERO, "AP stacks", &ap_stacks, d);
				if (r)
					return r;
			}
		}
	}
	const struct video_mode *fb = 0;
	if (L.req[R_FB]) {
		struct video_request vr = { 0, 0, 32 };
		r = video_for_payload(SUB, "framebuffer request", env, &vr, 0, p, d);
		if (r < 0)
			return r;
		fb = r ? &p->video : 0;
	}
	uint64_t top = MEM_4G;
	for (size_t i = 0; i < m->nmap; i++)
		if ((L.base_rev == 0 || m->map[i].type != MEM_RESERVED) && m->map[i].end > top)
			top = m->map[i].end;
	if (fb && fb->addr + fb->size > top)
		top = fb->addr + fb->size;
	top = align_up(top, PD_SPAN);
	if (top > DIRECT_MAX)
		top = DIRECT_MAX;
	uint32_t regs[4] = { 0 };
	platform_cpuid(1, regs);
	int pat = (regs[3] >> 16) & 1;	/* the protocol's PAT layout, and the framebuffer WC */
	if (pat && fb) {
		L.wc_lo = fb->addr;
		L.wc_hi = fb->addr + fb->size;
	}
	platform_cpuid(0x80000000u, regs);
	int nx = 0;
	if (regs[0] >= 0x80000001u) {
		platform_cpuid(0x80000001u, regs);
		nx = (regs[3] >> 20) & 1;
	}
	r = build_tables(&L, &e, p, m, top, nx, &cr3, d);
	if (r)
		return r;

	/* the response block: GDT, responses, strings, memory map */
	size_t nmods = L.req[R_MODULE] ? req->nmods : 0, nmap_max = 2 * (m->nmap + m->nram + 8 + nmods) + 2;
	uint64_t total = 56 + 2048 + (FILE_SIZE + 128 + str_len(req->args)) * (nmods + 1) + 32 * nmap_max +
			 FB_SIZE + MODE_SIZE + 16 + 48 * ncpu +
			 (L.req[R_EFI_MMAP] && env->efi_systab ? 48 + (env->efi_mmap_cap & ~7u) : 0);
	for (size_t i = 0; i < nmods; i++)
		total += str_len(req->mods[i].args) + str_len(req->mods[i].file->name);
	total += str_len(f->name);
	total = align_up(total, PAGE);
	r = place_info(SUB, "responses", total, PAGE, m, p, &L.info, &L.info_phys, d);
	if (r)
		return r;
	static const uint64_t gdt[7] = { 0, 0x00009a000000ffffull, 0x000092000000ffffull, 0x00cf9a000000ffffull,
					 0x00cf92000000ffffull, 0x00af9a000000ffffull, 0x00af92000000ffffull };
	for (int i = 0; i < 7; i++)
		w64(L.info + 8 * i, gdt[i]);
	L.info_at = sizeof(gdt);

	ov[nov++] = (struct range){ L.kphys, L.span, LIMINE_MEM_KERNEL };
	if (kfile)
		ov[nov++] = (struct range){ kfile, align_up(f->size, PAGE), LIMINE_MEM_KERNEL };
	ov[nov++] = (struct range){ stack_at, stack, LIMINE_MEM_RECLAIMABLE };
	size_t pt_at = nov;
	ov[nov++] = (struct range){ cr3, 0, LIMINE_MEM_RECLAIMABLE };
	ov[nov++] = (struct range){ L.info_phys, total, LIMINE_MEM_RECLAIMABLE };
	if (ap_page) {
		ov[nov++] = (struct range){ ap_page, PAGE, LIMINE_MEM_RECLAIMABLE };
		ov[nov++] = (struct range){ ap_stacks, stack * (ncpu - 1), LIMINE_MEM_RECLAIMABLE };
	}
	for (size_t i = 0; i < p->nsegs; i++)	/* the page tables' length, as placed */
		if (p->segs[i].dst == cr3)
			ov[pt_at].len = p->segs[i].len;
	struct range *all = zalloc((nov + nmods) * sizeof(*all)), *mm = zalloc(nmap_max * sizeof(*mm));
	if (!all || !mm)
		return diag_fail(d, ST_NO_MEMORY, SUB ": no memory");
	size_t nall = 0;
	for (size_t i = 0; i < nov; i++)
		add_range(all, &nall, ov[i].start, ov[i].len, ov[i].type);
	for (size_t i = 0; i < nmods; i++)
		add_range(all, &nall, mod_addr[i], align_up(req->mods[i].file->size, PAGE), LIMINE_MEM_KERNEL);

	for (int k = 0; k < NKINDS; k++) {
		if (!L.req[k])
			continue;
		uint64_t at;
		switch (k) {
		case R_INFO: {
			at = respond(&L, k, 24, 0);
			const char *v = str_chr(req->loader_name, ' ');
			w64(L.info + at + 8, put_str(&L, "fwboot"));
			w64(L.info + at + 16, put_str(&L, v ? v + 1 : ""));
			break;
		}
		case R_FWTYPE:
			at = respond(&L, k, 16, 0);
			w64(L.info + at + 8, env->firmware_machine ? LIMINE_FW_UEFI64 : LIMINE_FW_BIOS);
			break;
		case R_STACK:
		case R_ENTRY:
			respond(&L, k, 8, 0);
			break;
		case R_HHDM:
			at = respond(&L, k, 16, 0);
			w64(L.info + at + 8, L.hhdm);
			break;
		case R_PAGING:
			at = respond(&L, k, 16, 0);
			w64(L.info + at + 8, (uint64_t)L.la57);	/* 0: 4-level, 1: 5-level */
			break;
		case R_FB: {
			if (!fb) {
				unanswered(&L, "framebuffer (no display)");
				break;
			}
			at = respond(&L, k, 24, 1);
			uint64_t list = take(&L, 8), one = take(&L, FB_SIZE), mlist = take(&L, 8), mode = take(&L, MODE_SIZE);
			uint8_t *b = L.info + one, *mb = L.info + mode;
			w64(L.info + at + 8, 1);
			w64(L.info + at + 16, vptr(&L, list));
			w64(L.info + list, vptr(&L, one));
			w64(b, L.hhdm + fb->addr);
			w64(b + 8, fb->width);
			w64(b + 16, fb->height);
			w64(b + 24, fb->pitch);
			put_le16(b + 32, (uint16_t)fb->bpp);
			b[34] = 1;	/* RGB */
			const uint8_t colour[6] = { fb->red_size, fb->red_pos, fb->green_size, fb->green_pos,
						    fb->blue_size, fb->blue_pos };
			memcpy(b + 35, colour, 6);
			w64(b + 64, 1);
			w64(b + 72, vptr(&L, mlist));
			w64(L.info + mlist, vptr(&L, mode));
			w64(mb, fb->pitch);
			w64(mb + 8, fb->width);
			w64(mb + 16, fb->height);
			put_le16(mb + 24, (uint16_t)fb->bpp);
			mb[26] = 1;
			memcpy(mb + 27, colour, 6);
			break;
		}
		case R_KFILE:
			at = respond(&L, k, 16, 0);
			w64(L.info + at + 8, put_file(&L, kfile, f->size, f->name, req->args));
			break;
		case R_MODULE: {	/* revision 0: the kernel's internal modules are not loaded */
			if (req_field(&L, k, REQ_REVISION) >= 1 && req_field(&L, k, REQ_EXTRA))
				unanswered(&L, "internal modules");
			at = respond(&L, k, 24, 0);
			uint64_t list = take(&L, 8 * nmods);
			w64(L.info + at + 8, nmods);
			w64(L.info + at + 16, vptr(&L, list));
			for (size_t i = 0; i < nmods; i++)
				w64(L.info + list + 8 * i, put_file(&L, mod_addr[i], req->mods[i].file->size,
									req->mods[i].file->name, req->mods[i].args));
			break;
		}
		case R_RSDP:
			respond_one(&L, k, env->rsdp ? L.hhdm + env->rsdp : 0, "RSDP (none found)");
			break;
		case R_SMBIOS:
			if (!env->smbios) {
				unanswered(&L, "SMBIOS (none found)");
				break;
			}
			at = respond(&L, k, 24, 0);
			w64(L.info + at + (env->smbios3 ? 16 : 8), L.hhdm + env->smbios);
			break;
		case R_EFI_ST:
			respond_one(&L, k, env->efi_systab ? L.hhdm + env->efi_systab : 0, "EFI system table (not UEFI)");
			break;
		case R_TIME:
			respond_one(&L, k, (uint64_t)env->boot_time, "date at boot (no clock)");
			break;
		case R_EFI_MMAP: {
			uint32_t room = env->efi_mmap_cap & ~7u;
			if (!env->efi_systab || !room) {
				unanswered(&L, "EFI memory map (not UEFI)");
				break;
			}
			at = respond(&L, k, 40, 0);
			uint64_t buf = take(&L, room);
			w64(L.info + at + 8, vptr(&L, buf));
			p->efi_mmap_fill = limine_efi_mmap_fill;
			p->efi_mmap_info = L.info + at;
			p->efi_mmap_tag = L.info + buf;
			p->efi_mmap_room = room;
			break;
		}
		case R_KADDR:
			at = respond(&L, k, 24, 0);
			w64(L.info + at + 8, L.kphys);
			w64(L.info + at + 16, vbase);
			break;
		case R_SMP: {
			if (!ncpu)
				break;
			at = respond(&L, k, 32, 0);
			uint64_t list = take(&L, 8 * ncpu), info = take(&L, 32 * ncpu);
			put_le32(L.info + at + 12, bsp);	/* flags 0: xAPIC */
			w64(L.info + at + 16, ncpu);
			w64(L.info + at + 24, vptr(&L, list));
			for (size_t i = 0, ap = 0; i < ncpu; i++) {
				uint8_t *ci = L.info + info + 32 * i;
				w64(L.info + list + 8 * i, vptr(&L, info + 32 * i));
				put_le32(ci, uid[i]);
				put_le32(ci + 4, apic[i]);
				if (i == bsp_at)
					continue;
				uint8_t *e = apb + AP_TABLE + AP_ENTRY * ap++;
				put_le32(e, apic[i]);
				w64(e + 8, vptr(&L, info + 32 * i));
				w64(e + 16, L.hhdm + ap_stacks + stack * ap);
			}
			break;
		}
		case R_MEMMAP:
			break;	/* last: the block's own size is known */
		default:
			unanswered(&L, kinds[k].name);
		}
	}
	if (L.req[R_MEMMAP]) {
		size_t n = build_memmap(m, all, nall, fb, mm);
		uint64_t at = respond(&L, R_MEMMAP, 24, 0), ptrs = take(&L, 8 * n), ents = take(&L, 24 * n);
		w64(L.info + at + 8, n);
		w64(L.info + at + 16, vptr(&L, ptrs));
		for (size_t i = 0; i < n; i++) {
			w64(L.info + ptrs + 8 * i, vptr(&L, ents + 24 * i));
			w64(L.info + ents + 24 * i, mm[i].start);
			w64(L.info + ents + 24 * i + 8, mm[i].len);
			w64(L.info + ents + 24 * i + 16, mm[i].type);
		}
	}
	if (L.info_at > total)
		return diag_fail(d, ST_INTERNAL, SUB ": responses need %llu bytes, %llu planned",
				 (unsigned long long)L.info_at, (unsigned long long)total);

	if (apb) {	/* the APs' way to long mode: as the BSP's */
		put_le16(apb + AP_GDT32, 55);
		put_le32(apb + AP_GDT32 + 2, (uint32_t)L.info_phys);
		put_le16(apb + AP_FAR32 + 4, 0x18);
		put_le16(apb + AP_FAR64 + 4, 0x28);
		put_le32(apb + AP_CR3, (uint32_t)cr3);
		put_le32(apb + AP_NX, (uint32_t)nx);
		put_le32(apb + AP_CR4, L.la57 ? CR4_LA57 : 0);
		put_le32(apb + AP_PAT, (uint32_t)pat);
		put_le16(apb + AP_GDT64, 55);
		w64(apb + AP_GDT64 + 2, L.hhdm + L.info_phys);
		put_le32(apb + AP_COUNT, (uint32_t)(ncpu - 1));
		p->smp_page = ap_page;
		p->smp_lapic = lapic;
		p->smp_aps = (uint32_t)(ncpu - 1);
	}
	p->mode = ENTRY_LONG64;
	p->lm_cr3 = cr3;
	p->lm_entry = entry;
	p->lm_rsp = L.hhdm + stack_at + stack;
	p->lm_gdt = L.info_phys;
	p->lm_gdt_virt = L.hhdm + L.info_phys;
	p->lm_nx = nx;
	p->lm_cr4 = L.la57 ? CR4_LA57 : 0;
	p->lm_pat = pat;
	p->lm_ioapic = ioapic < MEM_4G ? ioapic : 0;
	p->format = "limine";
	fmt_snprintf(p->note, sizeof(p->note), SUB ": base revision %u%s, kernel 0x%llx at 0x%llx%s%s", L.base_rev,
		     L.slide ? " (PIE, slid)" : "", (unsigned long long)vbase, (unsigned long long)L.kphys,
		     L.unanswered[0] ? "; unanswered: " : "", L.unanswered);
	return 0;
}
