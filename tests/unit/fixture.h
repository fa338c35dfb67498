/* SPDX-License-Identifier: BSD-2-Clause */
/* The machine the planners' unit tests plan for: QEMU's memory map for
 * -m 128M, with the BIOS data area and fwboot's own image claimed. One copy
 * per test program (static). */
#ifndef FWBOOT_TEST_FIXTURE_H
#define FWBOOT_TEST_FIXTURE_H

#include "kernel/physmap.h"

static struct mem_region map[16], ram[16];
static struct mem_claim claims[256];
static struct mem_map mm;

static void reset_mem(void)
{
	mem_init(&mm, map, 16, ram, 16, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, 0x9fc00, 0x400, 2);
	mem_add(&mm, 0xf0000, 0x10000, 2);
	mem_add(&mm, 0x100000, 0x7ee0000, 1);
	mem_finish(&mm);
	mem_claim(&mm, 0, 0x500, CLAIM_FIRMWARE, "BIOS", 0);
	mem_claim(&mm, 0x20000, 0x70000, CLAIM_SELF, "fwboot image", 0);
}

#endif
