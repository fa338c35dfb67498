/* SPDX-License-Identifier: BSD-2-Clause */
/* The EFI memory map into fwboot's struct mem_map, and the checks
 * ExitBootServices' last map must pass. Pure. */
#include "platform/efi/memmap.h"
#include "lib/byteorder.h"
#include "platform/efi/efi.h"
#include "include/status.h"

#define EFI_D_TYPE 0
#define EFI_D_START 8
#define EFI_D_PAGES 24
#define EFI_D_MIN 40

uint32_t efi_mem_payload_type(uint32_t t)
{
	switch (t) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MEM_AVAILABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return 3;
	case EFI_ACPI_MEMORY_NVS:
		return 4;
	case EFI_UNUSABLE_MEMORY:
		return 5;
	}
	return MEM_RESERVED;
}

int efi_mem_is_self(uint32_t t)
{
	return t == EFI_LOADER_CODE || t == EFI_LOADER_DATA || t == EFI_BOOT_SERVICES_CODE ||
	       t == EFI_BOOT_SERVICES_DATA;
}

static int descriptor(const uint8_t *e, uint32_t *type, uint64_t *start, uint64_t *len)
{
	uint64_t pages = get_le64(e + EFI_D_PAGES);
	*type = get_le32(e + EFI_D_TYPE);
	*start = get_le64(e + EFI_D_START);
	if (pages > (~0ULL - *start) / EFI_PAGE_SIZE)
		return -1;	/* wraps around */
	*len = pages * EFI_PAGE_SIZE;
	return 0;
}

int efi_map_read(const uint8_t *buf, uint64_t size, uint64_t desc_size, struct mem_map *m, struct diag *d)
{
	if (desc_size < EFI_D_MIN)
		return diag_fail(d, ST_INTERNAL, "efi: memory map descriptors of %llu bytes (at least %u expected)",
				 (unsigned long long)desc_size, EFI_D_MIN);
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		uint32_t type;
		uint64_t start, len;
		if (descriptor(buf + off, &type, &start, &len))
			return diag_fail(d, ST_INTERNAL, "efi: memory map entry at 0x%llx wraps around",
					 (unsigned long long)get_le64(buf + off + EFI_D_START));
		uint32_t pt = efi_mem_payload_type(type);
		struct mem_region *last = m->nmap ? &m->map[m->nmap - 1] : 0;
		if (last && last->end == start && last->type == pt && len) {
			last->end = start + len;
			continue;
		}
		if (mem_add(m, start, len, pt))
			return diag_fail(d, ST_NO_MEMORY, "efi: the memory map has more than %zu runs", m->mapcap);
	}
	mem_finish(m);
	uint64_t run = 0, run_end = 0;
	for (uint64_t off = 0; off + desc_size <= size + desc_size; off += desc_size) {
		uint32_t type = 0;
		uint64_t start = 0, len = 0;
		int self = off + desc_size <= size && !descriptor(buf + off, &type, &start, &len) &&
			   efi_mem_is_self(type) && len;
		if (self && run_end == start && run_end) {
			run_end = start + len;
			continue;
		}
		if (run_end > run) {
			int r = mem_claim(m, run, run_end - run, CLAIM_SELF,
					  "firmware boot services and loader memory", d);
			if (r < 0)
				return r;
		}
		run = self ? start : 0;
		run_end = self ? start + len : 0;
	}
	return 0;
}

int efi_map_covers(const uint8_t *buf, uint64_t size, uint64_t desc_size, uint64_t start, uint64_t len,
		   uint32_t types)
{
	uint64_t pos = start, end = start + len;
	if (desc_size < EFI_D_MIN || end < start)
		return 0;
	while (pos < end) {
		int moved = 0;
		for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
			uint32_t type;
			uint64_t s, n;
			if (descriptor(buf + off, &type, &s, &n) || type >= 32 || !(types >> type & 1))
				continue;
			if (s <= pos && pos < s + n) {
				pos = s + n;
				moved = 1;
			}
		}
		if (!moved)
			return 0;
	}
	return 1;
}
