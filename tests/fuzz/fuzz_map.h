/* The machine a planner fuzz input plans for: the input's first bytes
 * choose the memory map, so the harnesses fuzz the map too (random maps,
 * tiny RAM, holes, many entries), not one fixed fixture. Byte 0 even: the
 * fixture (QEMU's -m 128M). Odd: 1 + (byte0 >> 1) % 40 entries of 7 bytes
 * each (start page: 3 bytes, length in pages: 3 bytes, type: 1 byte), so
 * anything from a few KiB to 64 GiB, in any order, overlapping or not. The
 * BIOS data area and fwboot's image are claimed as on the machine. */
#ifndef FWBOOT_FUZZ_MAP_H
#define FWBOOT_FUZZ_MAP_H

#include <stdint.h>
#include "fixture.h"
#include "plan_check.h"

#define FUZZ_MAP_MAX 40

static struct mem_region fuzz_map_store[FUZZ_MAP_MAX], fuzz_ram_store[FUZZ_MAP_MAX];

/* Set up mm from the input; returns how many bytes it used. */
static size_t fuzz_map(const uint8_t *data, size_t size)
{
	if (size < 1 || !(data[0] & 1)) {
		reset_mem();
		return size ? 1 : 0;
	}
	size_t k = 1 + (size_t)(data[0] >> 1) % FUZZ_MAP_MAX;
	if (size < 1 + 7 * k) {
		reset_mem();
		return 1;
	}
	mem_init(&mm, fuzz_map_store, FUZZ_MAP_MAX, fuzz_ram_store, FUZZ_MAP_MAX, claims, 256);
	for (size_t i = 0; i < k; i++) {
		const uint8_t *e = data + 1 + 7 * i;
		uint64_t start = ((uint64_t)e[0] | (uint64_t)e[1] << 8 | (uint64_t)e[2] << 16) << 12;
		uint64_t len = ((uint64_t)e[3] | (uint64_t)e[4] << 8 | (uint64_t)e[5] << 16) << 12;
		mem_add(&mm, start, len, e[6] & 0x80 ? (uint32_t)(e[6] & 7) : MEM_AVAILABLE);
	}
	mem_finish(&mm);
	mem_claim(&mm, 0, 0x500, CLAIM_FIRMWARE, "BIOS", 0);
	mem_claim(&mm, 0x20000, 0x70000, CLAIM_SELF, "fwboot image", 0);
	return 1 + 7 * k;
}

#endif
