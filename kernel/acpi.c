/* SPDX-License-Identifier: BSD-2-Clause */
/* ACPI's tables, read where the firmware left them (physical memory,
 * identity-mapped on every platform fwboot runs on). */
#include <stdint.h>
#include "kernel/acpi.h"
#include "lib/byteorder.h"
#include "lib/memops.h"

/* An address as a pointer the compiler cannot reason about (0 included). */
static const uint8_t *phys(uint64_t a)
{
	const uint8_t *p;
	__asm__("" : "=r"(p) : "0"((uintptr_t)a));
	return p;
}

const uint8_t *acpi_find_table(uint64_t rsdp, const char *sig)
{
	const uint8_t *r = phys(rsdp);
	uint64_t root = r[15] >= 2 ? get_le64(r + 24) : 0;
	unsigned width = root ? 8 : 4;
	if (!root)
		root = get_le32(r + 16);
	if (!root || root >= 0x100000000ull)
		return 0;
	const uint8_t *t = phys(root);
	uint32_t len = get_le32(t + 4);
	for (uint32_t at = 36; len < 0x10000 && at + width <= len; at += width) {
		uint64_t e = width == 8 ? get_le64(t + at) : get_le32(t + at);
		if (e && e < 0x100000000ull && !memcmp(phys(e), sig, 4))
			return phys(e);
	}
	return 0;
}
