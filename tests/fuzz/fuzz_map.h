/* SPDX-License-Identifier: BSD-2-Clause */
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

/* Bytes the planners never read (modules: only placed), somewhere that is
 * not guest memory, so plan_stage sees no in-memory source for them. */
static const uint8_t fuzz_elsewhere[1];

/*
 * The kernel's bytes as kernel/formats/gunzip.c leaves an inflated kernel: in
 * guest memory, at the top of the largest free range above 1 MiB, claimed
 * as fwboot's (SELF) until the hand-off. Every target over them is staged
 * (plan_stage), and stage_check follows the moves with fuzz_phys. Chosen
 * by one bit of the input's size, so seeds keep their meaning.
 */
static const uint8_t *fuzz_kmem;
static uint64_t fuzz_klen, fuzz_kat;

static void fuzz_inflated(const uint8_t *kmem, uint64_t klen, int on)
{
	uint64_t at, len;
	fuzz_kmem = 0;
	if (!on || !klen || mem_largest_free(&mm, MEM_LOW_END, MEM_4G, 4096, &at, &len) || len < klen)
		return;
	at = (at + len - klen) & ~(uint64_t)4095;
	if (mem_claim(&mm, at, klen, CLAIM_SELF, "inflated kernel", 0) < 0)
		return;
	fuzz_kmem = kmem;
	fuzz_klen = klen;
	fuzz_kat = at;
}

static uint64_t fuzz_phys(const void *ptr)
{
	const uint8_t *b = ptr;
	if (fuzz_kmem && b >= fuzz_kmem && b < fuzz_kmem + fuzz_klen)
		return fuzz_kat + (uint64_t)(b - fuzz_kmem);
	return STAGE_NOWHERE;
}

/*
 * What a planner harness boots: the map from the input's first bytes, the
 * rest as the kernel "opt/k" (inflated or not, by the size's bit 2), two
 * modules (one with arguments), the command line "args".
 */
struct fuzz_boot {
	struct file k, mod;
	struct boot_module mods[2];
	struct boot_request req;
};

static void fuzz_boot_of(struct fuzz_boot *b, const uint8_t **data, size_t *size)
{
	size_t used = fuzz_map(*data, *size);
	*data += used;
	*size -= used;
	b->k = (struct file){ "opt/k", 0, 0, *size, *data };
	fuzz_inflated(*data, *size, (*size >> 2) & 1);
	b->mod = (struct file){ "opt/m", 0, 0, 777, fuzz_elsewhere };
	b->mods[0] = (struct boot_module){ &b->mod, "" };
	b->mods[1] = (struct boot_module){ &b->mod, "x y" };
	b->req = (struct boot_request){ .kernel = &b->k, .args = "args", .mods = b->mods, .nmods = 2,
					.loader_name = "fwboot fuzz" };
}

/* about boot/trampoline.S's size: the trampoline's room is what matters */
#define FUZZ_TRAMP_CODE 880

#endif
