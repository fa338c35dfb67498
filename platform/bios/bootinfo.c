/* SPDX-License-Identifier: BSD-2-Clause */
/* mb2_info_read: walk the tags of the Multiboot 2 information fwboot was
 * given, each bounds-checked against the block's total size; pvh_info_read:
 * the same for a PVH hvm_start_info and the tables it points at. */
#include "platform/bios/bootinfo.h"
#include "lib/byteorder.h"
#include "include/hvm_start_info.h"
#include "include/status.h"

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER_NAME 2
#define TAG_BASIC_MEMINFO 4
#define TAG_MMAP 6

/* A string tag's text, if it is NUL-terminated inside the tag. */
static const char *tag_string(const uint8_t *t, uint32_t size)
{
	for (uint32_t i = 8; i < size; i++)
		if (t[i] == 0)
			return (const char *)t + 8;
	return 0;
}

int mb2_info_read(const uint8_t *buf, size_t len, struct loader_info *li, struct mem_map *m,
		  struct diag *d)
{
	li->cmdline = "";
	li->loader_name = 0;
	li->protocol = START_MULTIBOOT2;
	li->rsdp = 0;
	li->nr_modules = 0;
	li->version = 0;
	if (len < 16)
		return diag_fail(d, ST_INTERNAL, "multiboot2: boot information too short (%zu bytes)", len);
	uint32_t total = get_le32(buf);
	if (total < 16 || total > len)
		return diag_fail(d, ST_INTERNAL, "multiboot2: boot information total_size %u is out of range", total);
	uint32_t mem_lower = 0, mem_upper = 0;
	int have_meminfo = 0, end = 0;
	for (uint32_t off = 8; off + 8 <= total; off = (off + get_le32(buf + off + 4) + 7) & ~7u) {
		const uint8_t *t = buf + off;
		uint32_t type = get_le32(t), size = get_le32(t + 4);
		if (size < 8 || size > total - off)
			return diag_fail(d, ST_INTERNAL, "multiboot2: tag %u at offset %u has size %u", type, off, size);
		if (type == TAG_END) {
			end = 1;
			break;
		}
		if (type == TAG_CMDLINE && tag_string(t, size)) {
			li->cmdline = tag_string(t, size);
		} else if (type == TAG_LOADER_NAME) {
			li->loader_name = tag_string(t, size);
		} else if (type == TAG_BASIC_MEMINFO && size >= 16) {
			mem_lower = get_le32(t + 8);
			mem_upper = get_le32(t + 12);
			have_meminfo = 1;
		} else if (type == TAG_MMAP && size >= 16) {
			uint32_t esize = get_le32(t + 8);
			if (esize < 24)
				return diag_fail(d, ST_INTERNAL, "multiboot2: memory map entry size %u", esize);
			for (uint32_t e = 16; e + esize <= size; e += esize)
				if (mem_add(m, get_le64(t + e), get_le64(t + e + 8), get_le32(t + e + 16)))
					return diag_fail(d, ST_NO_MEMORY, "multiboot2: memory map has too many entries");
		}
	}
	if (!end)
		return diag_fail(d, ST_INTERNAL, "multiboot2: boot information has no end tag");
	if (m->nmap == 0 && have_meminfo) {
		mem_add(m, 0, (uint64_t)mem_lower * 1024, MEM_AVAILABLE);
		mem_add(m, MEM_LOW_END, (uint64_t)mem_upper * 1024, MEM_AVAILABLE);
	}
	if (m->nmap == 0)
		return diag_fail(d, ST_NO_MEMORY, "multiboot2: no memory map and no memory sizes");
	mem_finish(m);
	return 0;
}

int pvh_info_read(phys_window_fn at, void *ctx, uint64_t si_addr, struct loader_info *li,
		  struct mem_map *m, struct diag *d)
{
	li->cmdline = "";
	li->loader_name = 0;
	li->protocol = START_PVH;
	li->rsdp = 0;
	li->nr_modules = 0;
	li->version = 0;
	const uint8_t *si = at(ctx, si_addr, HSI_MEMMAP_PADDR);
	if (!si)
		return diag_fail(d, ST_INTERNAL, "pvh: start info at 0x%llx is out of reach",
				 (unsigned long long)si_addr);
	uint32_t magic = get_le32(si + HSI_MAGIC);
	if (magic != XEN_HVM_START_MAGIC_VALUE)
		return diag_fail(d, ST_INTERNAL, "pvh: start info at 0x%llx has magic 0x%x (want 0x%x)",
				 (unsigned long long)si_addr, magic, XEN_HVM_START_MAGIC_VALUE);
	li->version = get_le32(si + HSI_VERSION);
	li->nr_modules = get_le32(si + HSI_NR_MODULES);
	li->rsdp = get_le64(si + HSI_RSDP_PADDR);
	if (li->version < 1)
		return diag_fail(d, ST_NO_MEMORY, "pvh: start info version %u has no memory map (fwboot needs version 1)",
				 li->version);
	si = at(ctx, si_addr, sizeof(struct hvm_start_info));
	if (!si)
		return diag_fail(d, ST_INTERNAL, "pvh: start info at 0x%llx is out of reach",
				 (unsigned long long)si_addr);

	uint64_t cl = get_le64(si + HSI_CMDLINE_PADDR);
	if (cl) {
		uint32_t n = 0;
		const uint8_t *c;
		while ((c = at(ctx, cl + n, 1)) && *c)
			if (++n == PVH_CMDLINE_MAX)
				return diag_fail(d, ST_CMDLINE, "pvh: command line at 0x%llx has no end in %u bytes",
						 (unsigned long long)cl, PVH_CMDLINE_MAX);
		if (!c)
			return diag_fail(d, ST_CMDLINE, "pvh: command line at 0x%llx runs out of reach after %u bytes",
					 (unsigned long long)cl, n);
		li->cmdline = (const char *)at(ctx, cl, 1);
	}

	uint64_t mp = get_le64(si + HSI_MEMMAP_PADDR);
	uint32_t count = get_le32(si + HSI_MEMMAP_ENTRIES);
	if (!mp || !count)
		return diag_fail(d, ST_NO_MEMORY, "pvh: start info has no memory map (%u entries at 0x%llx)", count,
				 (unsigned long long)mp);
	const uint8_t *e = at(ctx, mp, (uint64_t)count * sizeof(struct hvm_memmap_table_entry));
	if (!e)
		return diag_fail(d, ST_NO_MEMORY, "pvh: memory map (%u entries at 0x%llx) is out of reach", count,
				 (unsigned long long)mp);
	for (uint32_t i = 0; i < count; i++, e += sizeof(struct hvm_memmap_table_entry))
		if (mem_add(m, get_le64(e), get_le64(e + 8), get_le32(e + 16)))
			return diag_fail(d, ST_NO_MEMORY, "pvh: memory map has more than %zu entries", m->mapcap);
	if (m->nmap == 0)
		return diag_fail(d, ST_NO_MEMORY, "pvh: memory map has only empty entries (%u)", count);
	mem_finish(m);
	return 0;
}
