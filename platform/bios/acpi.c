/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware tables of a BIOS machine: the ACPI RSDP found the way a
 * BIOS-era OS finds it (the first KiB of the EBDA, then the BIOS area
 * 0xE0000-0xFFFFF, on 16-byte boundaries, checksummed), the SMBIOS entry
 * point, and whether there is a platform timer Xen can use. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "platform/bios/acpi.h"
#include "kernel/acpi.h"
#include "kernel/smbios.h"
#include "lib/byteorder.h"
#include "platform/x86/io.h"

/* four characters as the little-endian word they read as */
#define ANCHOR(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

static const uint8_t *phys(uint64_t a)
{
	const uint8_t *p;
	__asm__("" : "=r"(p) : "0"((uintptr_t)a));
	return p;
}

/* The aligned word at a; the first test of every candidate, one load. */
static uint32_t word_at(uint32_t a)
{
	const uint32_t *w;
	__asm__("" : "=r"(w) : "0"((uintptr_t)a));
	return *w;
}

static int rsdp_valid(const uint8_t *p)
{
	if (memcmp(p, "RSD PTR ", 8))
		return 0;
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum += p[i];
	return sum == 0;
}

static uint32_t scan(uint32_t start, uint32_t end)
{
	for (uint32_t a = start; a + 20 <= end; a += 16)
		if (word_at(a) == ANCHOR('R', 'S', 'D', ' ') && rsdp_valid(phys(a)))
			return a;
	return 0;
}

uint32_t acpi_find_rsdp(void)
{
	/* the BDA's EBDA segment word; the asm hides the low address from GCC's
	 * null-pointer arithmetic checks */
	const volatile uint16_t *bda_ebda;
	__asm__("" : "=r"(bda_ebda) : "0"(0x40E));
	uint32_t ebda = (uint32_t)*bda_ebda << 4;
	uint32_t r = 0;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		r = scan(ebda, ebda + 1024);
	return r ? r : scan(0xE0000, 0x100000);
}

/* The SMBIOS entry point on a 16-byte boundary in 0xF0000-0xFFFFF that
 * kernel/smbios.c accepts (what every user of it checks again). */
uint32_t smbios_find_entry(void)
{
	uint64_t table;
	uint32_t len;
	uint16_t version;
	for (uint32_t a = 0xF0000; a + 32 <= 0x100000; a += 16) {
		uint32_t w = word_at(a);
		if ((w == ANCHOR('_', 'S', 'M', '_') || w == ANCHOR('_', 'S', 'M', '3')) &&
		    !smbios_entry_parse(phys(a), &table, &len, &version))
			return a;
	}
	return 0;
}

/* ---- a platform timer for Xen: HPET, the ACPI PM timer, or the PIT gate ---- */


const char *acpi_no_platform_timer(uint64_t (*find_rsdp)(void))
{
	if (inb(0x61) != 0xff)
		return 0;	/* the PIT's gate and output (the PC speaker port) answer */
	uint64_t rsdp = find_rsdp();
	if (!rsdp)
		return "no port 0x61 and no ACPI";
	if (acpi_find_table(rsdp, "HPET"))
		return 0;
	const uint8_t *f = acpi_find_table(rsdp, "FACP");
	uint32_t flen = f ? get_le32(f + 4) : 0;
	if (f && flen >= 116 && !(get_le32(f + 112) & (1u << 20)) &&
	    (get_le32(f + 76) || (flen >= 220 && get_le64(f + 212))))
		return 0;	/* a PM timer block, and not hardware-reduced ACPI */
	return "no HPET, no ACPI PM timer, no port 0x61: as QEMU's microvm";
}
