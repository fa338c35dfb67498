/* SPDX-License-Identifier: BSD-2-Clause */
/* platform/efi/memmap.c (fwboot.efi's platform layer, pure): EFI descriptors into
 * the planners' map, with boot services and loader memory claimed as
 * fwboot's, and the coverage check ExitBootServices' last map must pass. */
#include <stdio.h>
#include "../../platform/efi/memmap.c"
#include "test.h"

#define DSIZE 48	/* OVMF's descriptor size: larger than the struct */

static uint8_t buf[64 * DSIZE];
static size_t nd;
static struct mem_region map[32], ram[32];
static struct mem_claim claims[8];
static struct mem_map mm;

static void desc(uint32_t type, uint64_t start, uint64_t pages)
{
	uint8_t *e = buf + nd++ * DSIZE;
	memset(e, 0xee, DSIZE);	/* padding and the virtual address: ignored */
	put_le32(e, type);
	put_le64(e + 8, start);
	put_le64(e + 24, pages);
}

/* A map shaped like OVMF's: low conventional memory, loader and boot
 * services memory amid conventional memory, ACPI, NVS, runtime, MMIO. */
static void ovmf_like(void)
{
	nd = 0;
	desc(EFI_CONVENTIONAL_MEMORY, 0, 0xa0);
	desc(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700);
	desc(EFI_ACPI_MEMORY_NVS, 0x800000, 0x8);
	desc(EFI_BOOT_SERVICES_DATA, 0x900000, 0xc00);
	desc(EFI_CONVENTIONAL_MEMORY, 0x1500000, 0x100);
	desc(EFI_LOADER_CODE, 0x1600000, 0x10);
	desc(EFI_LOADER_DATA, 0x1610000, 0x10);
	desc(EFI_CONVENTIONAL_MEMORY, 0x1620000, 0x10);
	desc(EFI_RUNTIME_SERVICES_DATA, 0x1630000, 0x10);
	desc(EFI_ACPI_RECLAIM_MEMORY, 0x1640000, 0x2);
	desc(EFI_UNUSABLE_MEMORY, 0x1642000, 0x1);
	desc(EFI_MEMORY_MAPPED_IO, 0xffc00000, 0x400);
}

static void test_read(void)
{
	struct diag d;
	ovmf_like();
	mem_init(&mm, map, 32, ram, 32, claims, 8);
	ok_eq(efi_map_read(buf, nd * DSIZE, DSIZE, &mm, &d), 0);
	/* payload types, touching runs of one type merged */
	static const struct { uint64_t s, e; uint32_t t; } want[] = {
		{ 0, 0xa0000, 1 },		{ 0x100000, 0x800000, 1 }, { 0x800000, 0x808000, 4 },
		{ 0x900000, 0x1630000, 1 },	{ 0x1630000, 0x1640000, 2 }, { 0x1640000, 0x1642000, 3 },
		{ 0x1642000, 0x1643000, 5 },	{ 0xffc00000, 0x100000000ull, 2 },
	};
	ok_eq(mm.nmap, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < mm.nmap && i < sizeof(want) / sizeof(want[0]); i++) {
		ok_eq(mm.map[i].start, want[i].s);
		ok_eq(mm.map[i].end, want[i].e);
		ok_eq(mm.map[i].type, want[i].t);
	}
	/* fwboot's own: boot services data, then loader code + data (touching) */
	ok_eq(mm.nclaims, 2);
	ok_eq(mm.claims[0].start, 0x900000);
	ok_eq(mm.claims[0].end, 0x1500000);
	ok_eq(mm.claims[1].start, 0x1600000);
	ok_eq(mm.claims[1].end, 0x1620000);
	ok(mm.claims[0].kind == CLAIM_SELF && mm.claims[1].kind == CLAIM_SELF);
	/* a payload over boot services memory is staged; placement avoids it */
	ok_eq(mem_claim(&mm, 0x1000000, 0x1000, CLAIM_TARGET, "k", &d), 1);
	uint64_t at;
	ok_eq(mem_alloc(&mm, 0x200000, 4096, MEM_LOW_END, MEM_4G, MEM_TOP_DOWN, CLAIM_PLACED, "x", &at, &d), 0);
	ok_eq(at, 0x600000);	/* the top of 1-8 MiB: 0x1500000-0x1600000 is only 1 MiB */
	/* runtime memory is not RAM for the planners */
	ok(mem_claim(&mm, 0x1630000, 0x1000, CLAIM_TARGET, "rt", &d) < 0);

	/* a descriptor size too small, a map longer than the store, wrapping */
	mem_init(&mm, map, 32, ram, 32, claims, 8);
	ok_eq(efi_map_read(buf, nd * DSIZE, 24, &mm, &d), -ST_INTERNAL);
	ok_str(d.msg, "efi: memory map descriptors of 24 bytes (at least 40 expected)");
	mem_init(&mm, map, 3, ram, 32, claims, 8);
	ok_eq(efi_map_read(buf, nd * DSIZE, DSIZE, &mm, &d), -ST_NO_MEMORY);
	nd = 0;
	desc(EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000ull, 2);
	mem_init(&mm, map, 32, ram, 32, claims, 8);
	ok_eq(efi_map_read(buf, nd * DSIZE, DSIZE, &mm, &d), -ST_INTERNAL);
	/* an empty map: nothing, no claims */
	mem_init(&mm, map, 32, ram, 32, claims, 8);
	ok_eq(efi_map_read(buf, 0, DSIZE, &mm, &d), 0);
	ok_eq(mm.nmap, 0);
	ok_eq(mm.nclaims, 0);
}

static void test_covers(void)
{
	const uint32_t conv = 1u << EFI_CONVENTIONAL_MEMORY;
	const uint32_t ram_types = conv | 1u << EFI_LOADER_CODE | 1u << EFI_LOADER_DATA |
				   1u << EFI_BOOT_SERVICES_CODE | 1u << EFI_BOOT_SERVICES_DATA;
	ovmf_like();
	size_t size = nd * DSIZE;
	ok(efi_map_covers(buf, size, DSIZE, 0x100000, 0x700000, conv));
	ok(efi_map_covers(buf, size, DSIZE, 0x7ff000, 0x1000, conv));
	ok(!efi_map_covers(buf, size, DSIZE, 0x7ff000, 0x1001, conv));	/* one byte into NVS */
	ok(!efi_map_covers(buf, size, DSIZE, 0x9ffff, 2, conv));		/* past 640 KiB: a hole */
	ok(!efi_map_covers(buf, size, DSIZE, 0x1000000, 0x1000, conv));	/* boot services data */
	ok(efi_map_covers(buf, size, DSIZE, 0x1000000, 0x1000, ram_types));
	/* across touching descriptors of different allowed types, in any order */
	ok(efi_map_covers(buf, size, DSIZE, 0x14ff000, 0x130000, ram_types));
	ok(!efi_map_covers(buf, size, DSIZE, 0x14ff000, 0x131000 + 0x10000, ram_types));	/* runtime */
	desc(EFI_CONVENTIONAL_MEMORY, 0x808000, 0x10);	/* out of order, after the rest */
	ok(efi_map_covers(buf, nd * DSIZE, DSIZE, 0x7ff000, 0x9000 + 0x10000 - 0x8000, conv | 1u << EFI_ACPI_MEMORY_NVS));
	ok(efi_map_covers(buf, nd * DSIZE, DSIZE, 0, 0x1000, conv));
	ok(!efi_map_covers(buf, size, DSIZE, 0xfffffffffffff000ull, 0x2000, conv));	/* wraps */
	ok(!efi_map_covers(buf, size, 24, 0, 0x1000, conv));
}

int main(void)
{
	test_read();
	test_covers();
	return test_done("efi_memmap");
}
