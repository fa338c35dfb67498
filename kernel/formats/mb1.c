/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 1: find the header, plan the kernel's segments (ELF or the
 * a.out kludge), place the modules, build the info block. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "lib/fmt.h"
#include "kernel/formats/mb1.h"
#include "include/multiboot1.h"
#include "include/multiboot2.h"
#include "include/status.h"
#include "lib/str.h"
#include "kernel/video.h"

#define PAGE 4096ULL

_Static_assert(MB1_I_FB_ADDR + VIDEO_FB_COLOR == 112, "colour info where GRUB writes it");
_Static_assert(MB1_I_FB_ADDR + VIDEO_FB_RGB_LEN <= MB1_INFO_SIZE, "framebuffer fields fit the info block");

int mb1_find_header(const uint8_t *hdr, size_t len, struct mb1_header *h, struct diag *d)
{
	size_t limit = len < MB1_SEARCH ? len : MB1_SEARCH;
	memset(h, 0, sizeof(*h));
	/* the header is the first aligned place where magic, flags and
	 * checksum all hold (GRUB's rule): a lone magic is data or code */
	for (size_t off = 0;; off += 4) {
		off = limit < 12 ? limit : find_le32(hdr, off, limit - 8, 4, MB1_HEADER_MAGIC);
		if (off + 12 > limit)
			break;
		uint32_t flags = get_le32(hdr + off + MB1_H_FLAGS);
		uint32_t sum = MB1_HEADER_MAGIC + flags + get_le32(hdr + off + MB1_H_CHECKSUM);
		if (sum != 0) {
			if (!h->skipped++) {
				h->skip_off = (uint32_t)off;
				h->skip_sum = sum;
			}
			continue;
		}
		h->offset = (uint32_t)off;
		h->flags = flags;
		if (flags & MB1_HF_AOUT_KLUDGE) {
			if (!in_bounds(off, MB1_H_SIZE_AOUT, len))
				return diag_fail(d, ST_BAD_IMAGE, "multiboot1: header with address fields truncated");
			h->header_addr = get_le32(hdr + off + MB1_H_HEADER_ADDR);
			h->load_addr = get_le32(hdr + off + MB1_H_LOAD_ADDR);
			h->load_end_addr = get_le32(hdr + off + MB1_H_LOAD_END_ADDR);
			h->bss_end_addr = get_le32(hdr + off + MB1_H_BSS_END_ADDR);
			h->entry_addr = get_le32(hdr + off + MB1_H_ENTRY_ADDR);
		}
		if (flags & MB1_HF_VIDEO_MODE) {
			if (!in_bounds(off, MB1_H_SIZE_VIDEO, len))
				return diag_fail(d, ST_BAD_IMAGE, "multiboot1: header with video mode fields truncated");
			h->mode_type = get_le32(hdr + off + MB1_H_MODE_TYPE);
			h->width = get_le32(hdr + off + MB1_H_WIDTH);
			h->height = get_le32(hdr + off + MB1_H_HEIGHT);
			h->depth = get_le32(hdr + off + MB1_H_DEPTH);
		}
		return 0;
	}
	if (h->skipped)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot1: no header in the first 8 KiB (%u magic%s with an invalid header checksum, "
				 "the first at offset 0x%x, sum 0x%x)", h->skipped, h->skipped == 1 ? "" : "s",
				 h->skip_off, h->skip_sum);
	return diag_fail(d, ST_BAD_IMAGE, "multiboot1: no header in the first 8 KiB");
}

int mb1_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d)
{
	struct mb1_header h;
	(void)f;
	return mb1_find_header(hdr, len, &h, d);
}

int load_elf_segments(const char *sub, const struct file *f, const struct elf_info *e,
		      struct mem_map *m, struct plan *p, struct diag *d)
{
	int loaded = 0;
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *ph = &e->ph[i];
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (ph->paddr >= MEM_4G || ph->memsz > MEM_4G - ph->paddr)
			return diag_fail(d, ST_BAD_IMAGE, "%s: ELF segment %zu at 0x%llx-0x%llx %s", sub, i,
					 (unsigned long long)ph->paddr, (unsigned long long)(ph->paddr + ph->memsz - 1),
					 elf_4g_words(ph->paddr));
		int r = mem_claim(m, ph->paddr, ph->memsz, CLAIM_TARGET, f->name, d);
		if (r < 0)
			return r;
		struct plan_seg *s = plan_add(p, ph->paddr, ph->filesz, SRC_FILE, f->name);
		struct plan_seg *z = plan_add(p, ph->paddr + ph->filesz, ph->memsz - ph->filesz, SRC_ZERO, "bss");
		if (!s || !z)
			return diag_fail(d, ST_NO_MEMORY, "%s: no memory for the plan", sub);
		s->file = f;
		s->off = ph->offset;
		loaded++;
	}
	if (!loaded)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF has no loadable segment", sub);
	return 0;
}

int elf_place_sections(const char *sub, const struct file *f, const uint8_t *hdr, size_t hdr_len,
		       const struct elf_info *e, struct mem_map *m, struct plan *p,
		       struct elf_sections *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	if (!e->shnum)
		return 0;	/* extended numbering (e_shnum 0, count in section 0) is not read */
	int is64 = e->class == ELFCLASS64;
	uint32_t want = is64 ? SH64_SIZE : SH32_SIZE;
	if (e->shentsize < want)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF section header size %u, expected at least %u", sub,
				 e->shentsize, want);
	uint64_t tlen = (uint64_t)e->shnum * e->shentsize;
	if (!in_bounds(e->shoff, tlen, f->size))
		return diag_fail(d, ST_BAD_IMAGE,
				 "%s: ELF section headers at 0x%llx (%u of %u bytes) run past the file end (%llu bytes)",
				 sub, (unsigned long long)e->shoff, e->shnum, e->shentsize, (unsigned long long)f->size);
	if (e->shstrndx >= e->shnum)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF section name table index %u, but there are %u sections",
				 sub, e->shstrndx, e->shnum);
	uint8_t *tab = zalloc((size_t)tlen);
	if (!tab)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory for %u ELF section headers", sub, e->shnum);
	if (in_bounds(e->shoff, tlen, hdr_len)) {
		memcpy(tab, hdr + e->shoff, (size_t)tlen);
	} else {
		int r = file_read(f, e->shoff, tab, tlen);
		if (r)
			return diag_fail(d, -r, "%s: cannot read the ELF section headers", sub);
	}
	/* above the image's whole span first: kernels take [start, end) as theirs, gaps included */
	uint64_t above = MEM_LOW_END;
	for (size_t i = 0; i < e->nph; i++)
		if (e->ph[i].type == PT_LOAD && e->ph[i].memsz && e->ph[i].paddr + e->ph[i].memsz > above)
			above = e->ph[i].paddr + e->ph[i].memsz;
	for (uint32_t i = 0; i < e->shnum; i++) {
		uint8_t *sh = tab + (size_t)i * e->shentsize;
		uint32_t type = get_le32(sh + (is64 ? SH64_TYPE : SH32_TYPE));
		uint64_t addr = is64 ? get_le64(sh + SH64_ADDR) : get_le32(sh + SH32_ADDR);
		uint64_t off = is64 ? get_le64(sh + SH64_OFFSET) : get_le32(sh + SH32_OFFSET);
		uint64_t size = is64 ? get_le64(sh + SH64_SIZE_F) : get_le32(sh + SH32_SIZE_F);
		uint64_t align = is64 ? get_le64(sh + SH64_ADDRALIGN) : get_le32(sh + SH32_ADDRALIGN);
		if (addr || !size)
			continue;	/* loaded with a segment, or empty */
		if (type != SHT_NOBITS && !in_bounds(off, size, f->size))
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: ELF section %u (offset 0x%llx, %llu bytes) runs past the file end (%llu bytes)",
					 sub, i, (unsigned long long)off, (unsigned long long)size,
					 (unsigned long long)f->size);
		if (!align || (align & (align - 1)) || align > 0x100000)
			align = 1;	/* not a usable alignment: none */
		char *name = zalloc(32);
		if (!name)
			return diag_fail(d, ST_NO_MEMORY, "%s: no memory", sub);
		fmt_snprintf(name, 32, "ELF section %u", i);
		uint64_t at;
		int r = -ST_NO_MEMORY;
		if (size < MEM_4G && above < MEM_4G)
			r = mem_alloc(m, size, align, above, MEM_4G, 0, CLAIM_PLACED, name, &at, 0);
		if (r && size < MEM_4G)
			r = mem_alloc(m, size, align, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, name, &at, 0);
		if (r && size < MEM_LOW_END)	/* a small machine: conventional memory, as GRUB may */
			r = mem_alloc(m, size, align, 0x1000, 0xA0000, MEM_TOP_DOWN, CLAIM_PLACED, name, &at, 0);
		if (r)
			return diag_fail(d, -r, "%s: ELF section %u (%llu bytes) does not fit in free memory below 4 GiB",
					 sub, i, (unsigned long long)size);
		struct plan_seg *s = plan_add(p, at, size, type == SHT_NOBITS ? SRC_ZERO : SRC_FILE, name);
		if (!s)
			return diag_fail(d, ST_NO_MEMORY, "%s: no memory for the plan", sub);
		s->file = f;
		s->off = off;
		if (is64)
			put_le64(sh + SH64_ADDR, at);
		else
			put_le32(sh + SH32_ADDR, (uint32_t)at);
		out->placed++;
	}
	out->num = e->shnum;
	out->entsize = e->shentsize;
	out->shndx = e->shstrndx;
	out->table = tab;
	return 0;
}

int flat_check_entry(const char *sub, const struct flat_layout *fl, uint32_t entry, struct diag *d)
{
	if (entry < fl->load_addr || entry >= fl->mem_end)
		return diag_fail(d, ST_BAD_IMAGE, "%s: entry_addr 0x%x lies outside the image (0x%llx-0x%llx)", sub, entry,
				 (unsigned long long)fl->load_addr, (unsigned long long)fl->mem_end - 1);
	if (entry - fl->load_addr >= fl->load_len)
		return diag_fail(d, ST_BAD_IMAGE,
				 "%s: entry_addr 0x%x lies in the zero-filled bss (0x%llx-0x%llx), not in the loaded bytes "
				 "(0x%llx-0x%llx)", sub, entry, (unsigned long long)(fl->load_addr + fl->load_len),
				 (unsigned long long)fl->mem_end - 1, (unsigned long long)fl->load_addr,
				 (unsigned long long)(fl->load_addr + fl->load_len) - 1);
	return 0;
}

int flat_layout(const char *sub, const struct file *f, uint32_t offset, uint32_t header_addr,
		uint32_t load_addr, uint32_t load_end_addr, uint32_t bss_end_addr, int from_start_ok,
		struct flat_layout *out, struct diag *d)
{
	uint64_t file_off;
	if (from_start_ok && load_addr == MB2_LOAD_FROM_START) {
		if (header_addr < offset)
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: header_addr 0x%x is below the header's file offset 0x%x "
					 "(load_addr -1 loads the file from its first byte)", sub, header_addr, offset);
		file_off = 0;
		load_addr = header_addr - offset;
	} else {
		if (load_addr > header_addr)
			return diag_fail(d, ST_BAD_IMAGE, "%s: load_addr 0x%x is above header_addr 0x%x", sub,
					 load_addr, header_addr);
		uint32_t before = header_addr - load_addr;
		if (before > offset)
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: header_addr - load_addr (0x%x) exceeds the header's file offset (0x%x)",
					 sub, before, offset);
		file_off = offset - before;
	}
	uint64_t load_len;
	if (load_end_addr == 0) {
		load_len = f->size - file_off;
	} else {
		if (load_end_addr < load_addr)
			return diag_fail(d, ST_BAD_IMAGE, "%s: load_end_addr 0x%x is below load_addr 0x%x", sub,
					 load_end_addr, load_addr);
		load_len = load_end_addr - load_addr;
		if (!in_bounds(file_off, load_len, f->size))
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: load_end_addr 0x%x needs %llu bytes, the file has %llu after offset 0x%llx",
					 sub, load_end_addr, (unsigned long long)load_len,
					 (unsigned long long)(f->size - file_off), (unsigned long long)file_off);
	}
	uint64_t end = (uint64_t)load_addr + load_len, mem_end = end;
	if (bss_end_addr) {
		if (bss_end_addr < end)
			return diag_fail(d, ST_BAD_IMAGE, "%s: bss_end_addr 0x%x is below the load end 0x%llx", sub,
					 bss_end_addr, (unsigned long long)end);
		mem_end = bss_end_addr;
	}
	if (mem_end > MEM_4G)
		return diag_fail(d, ST_BAD_IMAGE, "%s: image at 0x%x-0x%llx crosses 4 GiB", sub, load_addr,
				 (unsigned long long)mem_end - 1);
	out->file_off = file_off;
	out->load_addr = load_addr;
	out->load_len = load_len;
	out->mem_end = mem_end;
	return 0;
}

static int plan_aout(const struct mb1_header *h, const struct file *f, struct mem_map *m,
		     struct plan *p, uint32_t *entry, struct diag *d)
{
	struct flat_layout fl;
	int r = flat_layout("multiboot1", f, h->offset, h->header_addr, h->load_addr, h->load_end_addr,
			    h->bss_end_addr, 0, &fl, d);
	if (r)
		return r;
	uint64_t end = fl.load_addr + fl.load_len;
	r = flat_check_entry("multiboot1", &fl, h->entry_addr, d);
	if (r)
		return r;
	r = mem_claim(m, fl.load_addr, fl.mem_end - fl.load_addr, CLAIM_TARGET, f->name, d);
	if (r < 0)
		return r;
	struct plan_seg *s = plan_add(p, fl.load_addr, fl.load_len, SRC_FILE, f->name);
	struct plan_seg *z = plan_add(p, end, fl.mem_end - end, SRC_ZERO, "bss");
	if (!s || !z)
		return diag_fail(d, ST_NO_MEMORY, "multiboot1: no memory for the plan");
	s->file = f;
	s->off = fl.file_off;
	*entry = h->entry_addr;
	return 0;
}

int place_modules(const char *sub, const struct boot_request *req, struct mem_map *m,
		  struct plan *p, uint64_t **addrs_out, struct diag *d)
{
	uint64_t *addrs = zalloc((req->nmods + 1) * sizeof(*addrs));
	if (!addrs)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory for %zu modules", sub, req->nmods);
	*addrs_out = addrs;
	for (size_t i = 0; i < req->nmods; i++) {
		const struct file *mf = req->mods[i].file;
		uint64_t a;
		int r = mem_alloc(m, mf->size, PAGE, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, mf->name, &a, d);
		if (r < 0)
			return diag_fail(d, -r, "%s: module %s (%llu bytes) does not fit in memory", sub,
					 mf->name, (unsigned long long)mf->size);
		struct plan_seg *s = plan_add(p, a, mf->size, SRC_FILE, mf->name);
		if (!s)
			return diag_fail(d, ST_NO_MEMORY, "%s: no memory for the plan", sub);
		s->file = mf;
		addrs[i] = a;
	}
	return 0;
}

int place_info(const char *sub, const char *what, uint64_t len, uint64_t align, struct mem_map *m,
	       struct plan *p, uint8_t **buf, uint64_t *addr, struct diag *d)
{
	if (len > 0x40000000)
		return diag_fail(d, ST_NO_MEMORY, "%s: %s too large (%llu bytes)", sub, what,
				 (unsigned long long)len);
	uint8_t *b = zalloc((size_t)len);
	if (!b)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory for %llu bytes of %s", sub,
				 (unsigned long long)len, what);
	char *name = image_join_args(sub, what);
	if (!name)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory", sub);
	int r = mem_alloc(m, len, align, 0x1000, 0xA0000, MEM_TOP_DOWN, CLAIM_PLACED, name, addr, 0);
	if (r)
		r = mem_alloc(m, len, align, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, name, addr, d);
	if (r)
		return r;
	struct plan_seg *s = plan_add(p, *addr, len, SRC_MEM, name);
	if (!s)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory for the plan", sub);
	s->mem = b;
	*buf = b;
	return 0;
}

char *image_join_args(const char *name, const char *args)
{
	size_t n = str_len(name) + 1 + str_len(args) + 1;
	char *s = zalloc(n);
	if (s)
		fmt_snprintf(s, n, *args ? "%s %s" : "%s", name, args);
	return s;
}

/* Lay out strings one after another in a buffer; returns the offset. */
static uint32_t put_string(uint8_t *buf, uint32_t *pos, const char *s)
{
	uint32_t at = *pos;
	size_t n = str_len(s) + 1;
	memcpy(buf + at, s, n);
	*pos += (uint32_t)n;
	return at;
}

int mb1_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d)
{
	struct mb1_header h;
	const struct file *f = req->kernel;
	struct mem_map *m = env->mem;
	int r = mb1_find_header(hdr, len, &h, d);
	if (r)
		return r;
	uint32_t unsupported = h.flags & MB1_HF_MANDATORY_MASK &
			       ~(MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO | MB1_HF_VIDEO_MODE);
	if (unsupported)
		return diag_fail(d, ST_BAD_IMAGE,
				 "multiboot1: header requires flag bit %d, which fwboot does not support (flags 0x%x)",
				 __builtin_ctz(unsupported), h.flags);

	uint32_t entry = 0;
	struct elf_sections secs;
	memset(&secs, 0, sizeof(secs));
	if (h.flags & MB1_HF_AOUT_KLUDGE) {
		r = plan_aout(&h, f, m, p, &entry, d);
		if (r)
			return r;
	} else {
		struct elf_info e;
		r = elf_parse("multiboot1", f, hdr, len, &e, d);
		if (r)
			return r;
		r = load_elf_segments("multiboot1", f, &e, m, p, d);
		if (r)
			return r;
		r = elf_place_sections("multiboot1", f, hdr, len, &e, m, p, &secs, d);
		if (r)
			return r;
		uint64_t ent = elf_phys_entry(&e);
		if (ent >= MEM_4G)
			return diag_fail(d, ST_BAD_IMAGE, "multiboot1: ELF entry 0x%llx lies above 4 GiB",
					 (unsigned long long)ent);
		r = elf_check_entry("multiboot1", &e, ent, "ELF entry", d);
		if (r)
			return r;
		entry = (uint32_t)ent;
	}

	uint64_t *mod_addr;
	r = place_modules("multiboot1", req, m, p, &mod_addr, d);
	if (r)
		return r;

	/* One block: info, module list, memory map, then the strings. */
	char *cmdline = image_join_args(f->name, req->args);
	char **mod_str = zalloc((req->nmods + 1) * sizeof(*mod_str));
	if (!cmdline || !mod_str)
		return diag_fail(d, ST_NO_MEMORY, "multiboot1: no memory");
	size_t strings = str_len(cmdline) + 1 + str_len(req->loader_name) + 1;
	for (size_t i = 0; i < req->nmods; i++) {
		mod_str[i] = image_join_args(req->mods[i].file->name, req->mods[i].args);
		if (!mod_str[i])
			return diag_fail(d, ST_NO_MEMORY, "multiboot1: no memory");
		strings += str_len(mod_str[i]) + 1;
	}
	uint32_t mods_off = MB1_INFO_SIZE;
	uint32_t mmap_off = mods_off + (uint32_t)req->nmods * MB1_MOD_SIZE;
	uint32_t shdr_off = mmap_off + (uint32_t)m->nmap * MB1_MMAP_ENTRY_SIZE;
	uint32_t str_off = shdr_off + ((secs.num * secs.entsize + 3) & ~3u);
	uint64_t total = str_off + strings;
	uint8_t *info;
	uint64_t base;
	r = place_info("multiboot1", "boot information", total, 16, m, p, &info, &base, d);
	if (r)
		return r;
	uint32_t b = (uint32_t)base;

	uint32_t flags = MB1_IF_MEMORY | MB1_IF_CMDLINE | MB1_IF_MODS | MB1_IF_MMAP | MB1_IF_LOADER_NAME;
	uint64_t low = 0;
	for (size_t i = 0; i < m->nmap; i++)
		if (m->map[i].type == MEM_AVAILABLE && m->map[i].start == 0)
			low = m->map[i].end;
	if (low > 0xA0000)
		low = 0xA0000;
	uint64_t upper = mem_avail_at(m, MEM_LOW_END);
	if (upper > MEM_4G)
		upper = MEM_4G;
	put_le32(info + MB1_I_MEM_LOWER, (uint32_t)(low / 1024));
	put_le32(info + MB1_I_MEM_UPPER, (uint32_t)(upper / 1024));

	uint32_t pos = str_off;
	put_le32(info + MB1_I_CMDLINE, b + put_string(info, &pos, cmdline));
	put_le32(info + MB1_I_LOADER_NAME, b + put_string(info, &pos, req->loader_name));
	put_le32(info + MB1_I_MODS_COUNT, (uint32_t)req->nmods);
	put_le32(info + MB1_I_MODS_ADDR, b + mods_off);
	for (size_t i = 0; i < req->nmods; i++) {
		uint8_t *e = info + mods_off + i * MB1_MOD_SIZE;
		put_le32(e, (uint32_t)mod_addr[i]);
		put_le32(e + 4, (uint32_t)(mod_addr[i] + req->mods[i].file->size));
		put_le32(e + 8, b + put_string(info, &pos, mod_str[i]));
	}
	for (size_t i = 0; i < m->nmap; i++) {
		uint8_t *e = info + mmap_off + i * MB1_MMAP_ENTRY_SIZE;
		put_le32(e, MB1_MMAP_ENTRY_SIZE - 4);
		put_le64(e + 4, m->map[i].start);
		put_le64(e + 12, m->map[i].end - m->map[i].start);
		put_le32(e + 20, m->map[i].type);
	}
	put_le32(info + MB1_I_MMAP_LENGTH, (uint32_t)m->nmap * MB1_MMAP_ENTRY_SIZE);
	put_le32(info + MB1_I_MMAP_ADDR, b + mmap_off);
	if (secs.num) {
		/* the section headers GRUB passes: symbols and stack traces for the kernel */
		flags |= MB1_IF_ELF_SHDR;
		memcpy(info + shdr_off, secs.table, (size_t)secs.num * secs.entsize);
		put_le32(info + MB1_I_SHDR_NUM, secs.num);
		put_le32(info + MB1_I_SHDR_SIZE, secs.entsize);
		put_le32(info + MB1_I_SHDR_ADDR, b + shdr_off);
		put_le32(info + MB1_I_SHDR_SHNDX, secs.shndx);
	}
	if (h.flags & MB1_HF_VIDEO_MODE) {
		/* a preference, never a refusal: without graphics the VGA text
		 * mode in use, which the specification allows */
		struct video_request vr = { h.width, h.height, h.depth };
		int gfx = h.mode_type == MB1_MODE_LINEAR &&
			  video_for_payload("multiboot1", "header flag 2 (video mode)", env, &vr, 0, p, d) == 1;
		flags |= MB1_IF_FRAMEBUFFER;
		video_put_fb(info + MB1_I_FB_ADDR, gfx ? &p->video : 0);
	}
	put_le32(info + MB1_I_FLAGS, flags);

	p->mode = ENTRY_FLAT32;
	p->entry = entry;
	p->regs.eax = MB1_BOOTLOADER_MAGIC;
	p->regs.ebx = b;
	p->format = "multiboot1";
	if (h.skipped)
		fmt_snprintf(p->note, sizeof(p->note),
			     "multiboot1: header at offset 0x%x; skipped %u magic%s with an invalid checksum before it "
			     "(the first at 0x%x, sum 0x%x)", h.offset, h.skipped, h.skipped == 1 ? "" : "s",
			     h.skip_off, h.skip_sum);
	return 0;
}
