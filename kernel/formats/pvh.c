/* SPDX-License-Identifier: BSD-2-Clause */
/* PVH: an ELF kernel whose Xen PHYS32_ENTRY note names a 32-bit entry,
 * loaded at its physical addresses and started with EBX pointing at an
 * hvm_start_info (command line, modules, memory map, RSDP). */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "include/hvm_start_info.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/pvh.h"
#include "include/status.h"
#include "lib/str.h"

#define PVH_NOTES_MAX (1u << 20)	/* a PT_NOTE segment larger than this is not read */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Walk the notes in n[0..len) (name and value padded to align). 1 when the
 * PHYS32 entry note is found (*entry set), 0 when not, 2 when a note runs
 * past the segment (the walk stops there), or a refusal for a bad value.
 */
static int scan_notes(const uint8_t *n, uint64_t len, uint64_t align, uint32_t *entry, struct diag *d)
{
	uint64_t off = 0;
	while (len - off >= ELF_NOTE_HDR) {
		uint32_t namesz = get_le32(n + off), descsz = get_le32(n + off + 4), type = get_le32(n + off + 8);
		uint64_t name_at = off + ELF_NOTE_HDR;
		uint64_t desc_at = name_at + align_up(namesz, align);
		if (desc_at > len || descsz > len - desc_at)
			return 2;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == sizeof(PVH_NOTE_OWNER) &&
		    memcmp(n + name_at, PVH_NOTE_OWNER, sizeof(PVH_NOTE_OWNER)) == 0) {
			uint64_t v;
			if (descsz == 4)
				v = get_le32(n + desc_at);
			else if (descsz == 8)
				v = get_le64(n + desc_at);
			else
				return diag_fail(d, ST_BAD_IMAGE,
						 "pvh: XEN_ELFNOTE_PHYS32_ENTRY note has a %u-byte value (4 or 8 expected)",
						 descsz);
			if (v >= MEM_4G)
				return diag_fail(d, ST_BAD_IMAGE, "pvh: PHYS32 entry 0x%llx lies above 4 GiB",
						 (unsigned long long)v);
			*entry = (uint32_t)v;
			return 1;
		}
		uint64_t next = desc_at + align_up(descsz, align);
		if (next >= len)
			break;
		off = next;
	}
	return 0;
}

/* A note segment worth reading: big enough for a note, bounded, inside the file. */
static int note_segment(const struct file *f, const struct elf_phdr *ph)
{
	return ph->type == PT_NOTE && ph->filesz >= ELF_NOTE_HDR && ph->filesz <= PVH_NOTES_MAX &&
	       in_bounds(ph->offset, ph->filesz, f->size);
}

int pvh_find_entry(const struct file *f, const struct elf_info *e, uint32_t *entry, struct diag *d)
{
	int malformed = 0;
	uint64_t most = 0;
	for (size_t i = 0; i < e->nph; i++)
		if (note_segment(f, &e->ph[i]) && e->ph[i].filesz > most)
			most = e->ph[i].filesz;
	uint8_t *buf = most ? zalloc((size_t)most) : 0;	/* one buffer for every segment */
	if (most && !buf)
		return diag_fail(d, ST_NO_MEMORY, "pvh: no memory for ELF notes");
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *ph = &e->ph[i];
		if (!note_segment(f, ph))
			continue;
		int r = file_read(f, ph->offset, buf, ph->filesz);
		if (r)
			return diag_fail(d, -r, "pvh: cannot read ELF notes");
		/* 8-byte padding only where the segment says so (some 64-bit images) */
		r = scan_notes(buf, ph->filesz, ph->align == 8 ? 8 : 4, entry, d);
		if (r < 0 || r == 1)
			return r < 0 ? r : 0;
		malformed |= r == 2;
	}
	return diag_fail(d, ST_BAD_IMAGE, "pvh: ELF has no XEN_ELFNOTE_PHYS32_ENTRY note%s",
			 malformed ? " (a PT_NOTE segment is malformed)" : "");
}

int pvh_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d)
{
	struct elf_info e;
	uint32_t entry;
	if (!elf_is_elf(hdr, len))
		return diag_fail(d, ST_BAD_IMAGE, "pvh: not an ELF file");
	int r = elf_parse("pvh", f, hdr, len, &e, d);
	if (r)
		return r;
	return pvh_find_entry(f, &e, &entry, d);
}

/* Copy s (NUL included) into the block at *pos; its physical address. */
static uint64_t put_string(uint8_t *b, uint64_t base, uint64_t *pos, const char *s)
{
	size_t n = str_len(s) + 1;
	uint64_t at = *pos;
	memcpy(b + at, s, n);
	*pos += n;
	return base + at;
}

int pvh_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d)
{
	const struct file *f = req->kernel;
	struct mem_map *m = env->mem;
	struct elf_info e;
	uint32_t entry;
	int r = elf_parse("pvh", f, hdr, len, &e, d);
	if (r)
		return r;
	r = pvh_find_entry(f, &e, &entry, d);
	if (r)
		return r;
	r = elf_check_entry("pvh", &e, entry, "PHYS32 entry", d);
	if (r)
		return r;
	r = load_elf_segments("pvh", f, &e, m, p, d);
	if (r)
		return r;
	uint64_t *mod_addr;
	r = place_modules("pvh", req, m, p, &mod_addr, d);
	if (r)
		return r;

	/* One block: start info, module list, memory map, then the strings.
	 * PVH kernels take the command line as given: no image name first. */
	uint64_t mods_off = sizeof(struct hvm_start_info);
	uint64_t mmap_off = mods_off + req->nmods * sizeof(struct hvm_modlist_entry);
	uint64_t str_off = mmap_off + m->nmap * sizeof(struct hvm_memmap_table_entry);
	uint64_t total = str_off + str_len(req->args) + 1;
	for (size_t i = 0; i < req->nmods; i++)
		if (*req->mods[i].args)
			total += str_len(req->mods[i].args) + 1;
	uint8_t *b;
	uint64_t base;
	r = place_info("pvh", "start info", total, 8, m, p, &b, &base, d);
	if (r)
		return r;

	uint64_t pos = str_off;
	put_le32(b + HSI_MAGIC, XEN_HVM_START_MAGIC_VALUE);
	put_le32(b + HSI_VERSION, PVH_START_INFO_VERSION);
	put_le32(b + HSI_FLAGS, 0);
	put_le32(b + HSI_NR_MODULES, (uint32_t)req->nmods);
	put_le64(b + HSI_MODLIST_PADDR, req->nmods ? base + mods_off : 0);
	put_le64(b + HSI_CMDLINE_PADDR, put_string(b, base, &pos, req->args));
	put_le64(b + HSI_RSDP_PADDR, env->rsdp);
	put_le64(b + HSI_MEMMAP_PADDR, m->nmap ? base + mmap_off : 0);
	put_le32(b + HSI_MEMMAP_ENTRIES, (uint32_t)m->nmap);
	for (size_t i = 0; i < req->nmods; i++) {
		uint8_t *me = b + mods_off + i * sizeof(struct hvm_modlist_entry);
		const char *args = req->mods[i].args;
		put_le64(me, mod_addr[i]);
		put_le64(me + 8, req->mods[i].file->size);
		/* 0 is "not present": a module without arguments has no string */
		put_le64(me + 16, *args ? put_string(b, base, &pos, args) : 0);
	}
	for (size_t i = 0; i < m->nmap; i++) {
		uint8_t *me = b + mmap_off + i * sizeof(struct hvm_memmap_table_entry);
		put_le64(me, m->map[i].start);
		put_le64(me + 8, m->map[i].end - m->map[i].start);
		put_le32(me + 16, m->map[i].type);
	}

	p->mode = ENTRY_FLAT32;
	p->entry = entry;
	p->regs.ebx = (uint32_t)base;
	p->format = "pvh";
	return 0;
}
