/* SPDX-License-Identifier: BSD-2-Clause */
/* elf_parse: header and program headers, every field bounds-checked. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "kernel/formats/elf.h"
#include "include/status.h"
#include "include/elf_spec.h"
#include "lib/fmt.h"
#include "kernel/physmap.h"

#define ELF_MAX_PHNUM 4096

int elf_is_elf(const uint8_t *hdr, size_t len)
{
	return len >= 4 && memcmp(hdr, ELF_MAGIC, 4) == 0;
}

int elf_parse(const char *sub, const struct file *f, const uint8_t *hdr, size_t hdr_len,
	      struct elf_info *out, struct diag *d)
{
	if (!elf_is_elf(hdr, hdr_len))
		return diag_fail(d, ST_BAD_IMAGE, "%s: not an ELF file", sub);
	if (hdr_len < EH64_SIZE && !(hdr_len >= EH32_SIZE && hdr[4] == ELFCLASS32))
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF header truncated (%zu bytes)", sub, hdr_len);
	if (hdr[5] != ELFDATA2LSB)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF is not little-endian (EI_DATA %u)", sub, hdr[5]);
	memset(out, 0, sizeof(*out));
	out->class = hdr[4];
	out->machine = get_le16(hdr + EH_MACHINE);

	uint64_t phoff;
	uint16_t phentsize, phnum, want;
	if (out->class == ELFCLASS32) {
		if (out->machine != EM_386)
			return diag_fail(d, ST_BAD_IMAGE, "%s: ELF32 for machine %u, not i386", sub, out->machine);
		out->entry = get_le32(hdr + EH32_ENTRY);
		phoff = get_le32(hdr + EH32_PHOFF);
		phentsize = get_le16(hdr + EH32_PHENTSIZE);
		phnum = get_le16(hdr + EH32_PHNUM);
		want = PH32_SIZE;
		out->shoff = get_le32(hdr + EH32_SHOFF);
		out->shentsize = get_le16(hdr + EH32_SHENTSIZE);
		out->shnum = get_le16(hdr + EH32_SHNUM);
		out->shstrndx = get_le16(hdr + EH32_SHSTRNDX);
	} else if (out->class == ELFCLASS64) {
		if (out->machine != EM_X86_64 && out->machine != EM_386)
			return diag_fail(d, ST_BAD_IMAGE, "%s: ELF64 for machine %u, not x86-64", sub, out->machine);
		out->entry = get_le64(hdr + EH64_ENTRY);
		phoff = get_le64(hdr + EH64_PHOFF);
		phentsize = get_le16(hdr + EH64_PHENTSIZE);
		phnum = get_le16(hdr + EH64_PHNUM);
		want = PH64_SIZE;
		out->shoff = get_le64(hdr + EH64_SHOFF);
		out->shentsize = get_le16(hdr + EH64_SHENTSIZE);
		out->shnum = get_le16(hdr + EH64_SHNUM);
		out->shstrndx = get_le16(hdr + EH64_SHSTRNDX);
	} else {
		return diag_fail(d, ST_BAD_IMAGE, "%s: unknown ELF class %u", sub, out->class);
	}
	if (phnum == 0)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF has no program headers", sub);
	if (phentsize != want)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF program header size %u, expected %u", sub, phentsize, want);
	if (phnum > ELF_MAX_PHNUM)
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF has %u program headers (limit %u)", sub, phnum,
				 ELF_MAX_PHNUM);
	uint64_t tlen = (uint64_t)phnum * phentsize;
	if (!in_bounds(phoff, tlen, f->size))
		return diag_fail(d, ST_BAD_IMAGE, "%s: ELF program headers at 0x%llx run past the file end (%llu bytes)",
				 sub, (unsigned long long)phoff, (unsigned long long)f->size);

	uint8_t *tab = zalloc((size_t)tlen);
	out->ph = zalloc(phnum * sizeof(*out->ph));
	if (!tab || !out->ph)
		return diag_fail(d, ST_NO_MEMORY, "%s: no memory for ELF program headers", sub);
	if (in_bounds(phoff, tlen, hdr_len)) {
		memcpy(tab, hdr + phoff, (size_t)tlen);
	} else {
		int r = file_read(f, phoff, tab, tlen);
		if (r)
			return diag_fail(d, -r, "%s: cannot read ELF program headers", sub);
	}
	for (uint16_t i = 0; i < phnum; i++) {
		const uint8_t *p = tab + (size_t)i * phentsize;
		struct elf_phdr *ph = &out->ph[i];
		ph->type = get_le32(p);
		if (out->class == ELFCLASS32) {
			ph->offset = get_le32(p + 4);
			ph->vaddr = get_le32(p + 8);
			ph->paddr = get_le32(p + 12);
			ph->filesz = get_le32(p + 16);
			ph->memsz = get_le32(p + 20);
			ph->flags = get_le32(p + 24);
			ph->align = get_le32(p + 28);
		} else {
			ph->flags = get_le32(p + 4);
			ph->offset = get_le64(p + 8);
			ph->vaddr = get_le64(p + 16);
			ph->paddr = get_le64(p + 24);
			ph->filesz = get_le64(p + 32);
			ph->memsz = get_le64(p + 40);
			ph->align = get_le64(p + 48);
		}
		if (ph->type != PT_LOAD)
			continue;
		if (ph->filesz > ph->memsz)
			return diag_fail(d, ST_BAD_IMAGE, "%s: ELF segment %u has filesz 0x%llx > memsz 0x%llx", sub,
					 i, (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
		if (!in_bounds(ph->offset, ph->filesz, f->size))
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: ELF segment %u (offset 0x%llx, 0x%llx bytes) runs past the file end (%llu bytes)",
					 sub, i, (unsigned long long)ph->offset, (unsigned long long)ph->filesz,
					 (unsigned long long)f->size);
	}
	out->nph = phnum;
	return 0;
}

uint64_t elf_phys_entry(const struct elf_info *e)
{
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *ph = &e->ph[i];
		if (ph->type == PT_LOAD && ph->vaddr <= e->entry && e->entry - ph->vaddr < ph->memsz)
			return e->entry - ph->vaddr + ph->paddr;
	}
	return e->entry;
}

int elf_check_entry(const char *sub, const struct elf_info *e, uint64_t entry, const char *what,
		    struct diag *d)
{
	char segs[320];
	size_t n = 0;
	segs[0] = 0;
	for (size_t i = 0; i < e->nph; i++) {
		const struct elf_phdr *ph = &e->ph[i];
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (entry >= ph->paddr && entry - ph->paddr < ph->filesz)
			return 0;
		if (entry >= ph->paddr && entry - ph->paddr < ph->memsz)
			return diag_fail(d, ST_BAD_IMAGE,
					 "%s: %s 0x%llx lies in the zero-filled part of ELF segment %zu "
					 "(file bytes 0x%llx-0x%llx, zero-fill to 0x%llx): no code is loaded there",
					 sub, what, (unsigned long long)entry, i, (unsigned long long)ph->paddr,
					 (unsigned long long)(ph->paddr + ph->filesz) - 1,
					 (unsigned long long)(ph->paddr + ph->memsz) - 1);
		if (n < sizeof(segs) - 1) {
			int w = fmt_snprintf(segs + n, sizeof(segs) - n, "%s%zu at 0x%llx-0x%llx", n ? ", " : "", i,
					     (unsigned long long)ph->paddr,
					     (unsigned long long)(ph->paddr + (ph->filesz ? ph->filesz : 1)) - 1);
			n += w > 0 ? (size_t)w : 0;
			if (n >= sizeof(segs))
				n = sizeof(segs) - 1;
		}
	}
	return diag_fail(d, ST_BAD_IMAGE,
			 "%s: %s 0x%llx lies outside every loaded segment (one of these would have to hold it: %s)",
			 sub, what, (unsigned long long)entry, n ? segs : "none");
}

const char *elf_4g_words(uint64_t start)
{
	return start < MEM_4G ? "crosses 4 GiB" : "lies above 4 GiB";
}
