/* SPDX-License-Identifier: BSD-2-Clause */
/* Find the ACPI RSDP the way a BIOS-era OS does: the first KiB of the EBDA,
 * then the BIOS area 0xE0000-0xFFFFF, on 16-byte boundaries, checksummed. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "platform/bios/acpi.h"

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
		if (rsdp_valid((const uint8_t *)(uintptr_t)a))
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

/* SMBIOS entry points (DSP0134): "_SM3_" (3.x, 64-bit) or "_SM_" with its
 * "_DMI_" part (2.x), on 16-byte boundaries in 0xF0000-0xFFFFF, summing to
 * zero over their own length. */
static int sum_zero(const uint8_t *p, uint32_t n)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += p[i];
	return sum == 0;
}

uint32_t smbios_find_entry(void)
{
	for (uint32_t a = 0xF0000; a + 32 <= 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;
		if (!memcmp(p, "_SM3_", 5) && p[6] >= 24 && a + p[6] <= 0x100000 && sum_zero(p, p[6]))
			return a;
		if (!memcmp(p, "_SM_", 4) && p[5] >= 31 && a + p[5] <= 0x100000 && sum_zero(p, p[5]) &&
		    !memcmp(p + 16, "_DMI_", 5))
			return a;
	}
	return 0;
}
