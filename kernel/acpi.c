/* Find the ACPI RSDP the way a BIOS-era OS does: the first KiB of the EBDA,
 * then the BIOS area 0xE0000-0xFFFFF, on 16-byte boundaries, checksummed. */
#include <stdint.h>
#include "memfn.h"	/* memcpy and kin: lib/mem.c, or the host libc */
#include "acpi.h"

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
