/* SPDX-License-Identifier: BSD-2-Clause */
/* mem.c: the available-RAM computation, claims and their conflicts, and
 * allocation bottom-up and top-down. */
#include <stdio.h>
#include "kernel/physmap.h"
#include "include/status.h"
#include "test.h"

static struct mem_region map[32], ram[32];
static struct mem_claim many[3000];
static struct mem_claim claims[64];

/* QEMU's map for -m 128M: low RAM, EBDA, BIOS, high RAM, and the empty
 * entry QEMU appends. */
static void qemu_map(struct mem_map *m)
{
	mem_init(m, map, 32, ram, 32, claims, 64);
	mem_add(m, 0, 0x9fc00, 1);
	mem_add(m, 0x9fc00, 0x400, 2);
	mem_add(m, 0xf0000, 0x10000, 2);
	mem_add(m, 0x100000, 0x7ee0000, 1);
	mem_add(m, 0x7fe0000, 0x20000, 2);
	mem_add(m, 0xfffc0000, 0x40000, 2);
	mem_add(m, 0, 0, 2);
	mem_finish(m);
}

/* The oracle for mem_alloc: every candidate edge checked against every
 * claim, the lowest free one (or the highest, top down). */
static int ref_free(const struct mem_map *m, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < m->nclaims; i++)
		if (s < m->claims[i].end && m->claims[i].start < e)
			return 0;
	return 1;
}

static int ref_alloc(const struct mem_map *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi, int top,
		     uint64_t *out)
{
	int found = 0;
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t rs = m->ram[i].start > lo ? m->ram[i].start : lo;
		uint64_t re = m->ram[i].end < hi ? m->ram[i].end : hi;
		if (rs >= re || re - rs < len)
			continue;
		for (size_t j = 0; j <= m->nclaims; j++) {
			uint64_t edge = j == m->nclaims ? (top ? re : rs) : (top ? m->claims[j].start : m->claims[j].end);
			uint64_t c;
			if (top) {
				if (edge > re || edge < rs + len)
					continue;
				c = (edge - len) & ~(align - 1);
				if (c < rs)
					continue;
			} else {
				if (edge < rs || edge > re)
					continue;
				c = (edge + align - 1) & ~(align - 1);
				if (c < edge || c > re || re - c < len)
					continue;
			}
			if (ref_free(m, c, c + len) && (!found || (top ? c > *out : c < *out)))
				*out = c, found = 1;
		}
	}
	return found;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Random maps, claims and requests: mem_alloc (a sorted sweep) gives the
 * scan's answer every time, also with claims overlapping, empty, outside
 * RAM, and more claims than the sweep sorts (the scan then). */
static void differential(void)
{
	struct mem_map m;
	struct diag d;
	int same = 1, allocs = 0;
	for (int round = 0; round < 400 && same; round++) {
		mem_init(&m, map, 32, ram, 32, many, round % 50 == 49 ? 3000 : 300);
		int nr = 1 + (int)(rnd() % 4);
		uint64_t at = 0;
		for (int i = 0; i < nr; i++) {
			at += (rnd() % 16) * 0x1000;
			uint64_t len = (1 + rnd() % 64) * 0x1000;
			mem_add(&m, at, len, rnd() % 5 ? 1 : 2);
			at += len;
		}
		mem_finish(&m);
		int nc = round % 50 == 49 ? 2100 : (int)(rnd() % 40);
		for (int i = 0; i < nc; i++) {
			uint64_t s = (rnd() % (at / 16 + 1)) * 16, l = rnd() % 3 ? (rnd() % 0x3000) : 0;
			mem_claim(&m, s, l, CLAIM_PLACED, "c", &d);
		}
		for (int k = 0; k < 20; k++) {
			uint64_t len = 1 + rnd() % 0x8000, align = 1ull << (rnd() % 13);
			uint64_t lo = rnd() % 2 ? 0 : (rnd() % (at + 1)), hi = rnd() % 2 ? MEM_4G : lo + rnd() % (at + 1);
			int top = rnd() % 2;
			uint64_t want = 0, got = 0;
			int ok_ref = ref_alloc(&m, len, align, lo, hi, top, &want);
			int r = mem_alloc(&m, len, align, lo, hi, top ? MEM_TOP_DOWN : 0, CLAIM_PLACED, "x", &got, &d);
			if ((r == 0) != ok_ref || (ok_ref && got != want)) {
				same = 0;
				printf("differ: round %d len 0x%llx align 0x%llx lo 0x%llx hi 0x%llx top %d: "
				       "scan %d 0x%llx, mem_alloc %d 0x%llx\n", round, (unsigned long long)len,
				       (unsigned long long)align, (unsigned long long)lo, (unsigned long long)hi, top,
				       ok_ref, (unsigned long long)want, r, (unsigned long long)got);
			}
			allocs += ok_ref;
		}
	}
	ok(same);
	ok(allocs > 1000);	/* most requests fit somewhere: the comparison is not vacuous */
}

int main(void)
{
	struct mem_map m;
	struct diag d;
	uint64_t a;

	qemu_map(&m);
	ok_eq(m.nmap, 6);	/* the empty entry is dropped */
	ok_eq(m.nram, 2);
	ok_eq(m.ram[0].start, 0);
	ok_eq(m.ram[0].end, 0x9fc00);
	ok_eq(m.ram[1].start, 0x100000);
	ok_eq(m.ram[1].end, 0x7fe0000);
	ok_eq(mem_avail_at(&m, 0x100000), 0x7ee0000);
	ok_eq(mem_avail_at(&m, 0x9fc00), 0);

	/* overlapping and unsorted entries: available minus reserved */
	mem_init(&m, map, 32, ram, 32, claims, 64);
	mem_add(&m, 0x200000, 0x100000, 1);
	mem_add(&m, 0x100000, 0x180000, 1);
	mem_add(&m, 0x180000, 0x10000, 2);
	mem_finish(&m);
	ok_eq(m.nram, 2);
	ok_eq(m.ram[0].start, 0x100000);
	ok_eq(m.ram[0].end, 0x180000);
	ok_eq(m.ram[1].start, 0x190000);
	ok_eq(m.ram[1].end, 0x300000);

	/* claims */
	qemu_map(&m);
	ok_eq(mem_claim(&m, 0, 0x500, CLAIM_FIRMWARE, "BIOS", &d), 0);
	ok_eq(mem_claim(&m, 0x20000, 0x20000, CLAIM_SELF, "fwboot image", &d), 0);
	ok_eq(mem_claim(&m, 0x100000, 0x10000, CLAIM_TARGET, "kernel", &d), 0);
	ok_eq(mem_claim(&m, 0x30000, 0x1000, CLAIM_TARGET, "low kernel", &d), 1);	/* staged */
	ok_eq(mem_claim(&m, 0x10f000, 0x2000, CLAIM_TARGET, "k2", &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: k2 at 0x10f000-0x110fff overlaps payload kernel at 0x100000-0x10ffff");
	ok_eq(mem_claim(&m, 0x400, 0x200, CLAIM_TARGET, "k3", &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: k3 at 0x400-0x5ff overlaps firmware area BIOS at 0x0-0x4ff");
	ok_eq(mem_claim(&m, 0x9f000, 0x1000, CLAIM_TARGET, "k4", &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: k4 at 0x9f000-0x9ffff is not in available RAM");
	ok_eq(mem_claim(&m, 0xfffffffffffff000ULL, 0x2000, CLAIM_TARGET, "k5", &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: k5 at 0xfffffffffffff000 wraps around (8192 bytes)");
	ok_eq(mem_claim(&m, 0x100000, 0, CLAIM_TARGET, "empty", &d), 0);	/* nothing to claim */
	ok(mem_overlaps(&m, 0x2ffff, 2, CLAIM_SELF));
	ok(!mem_overlaps(&m, 0x40000, 2, CLAIM_SELF));

	/* allocation: lowest first, aligned, around claims */
	ok_eq(mem_alloc(&m, 0x1000, 0x1000, 0x100000, MEM_4G, 0, CLAIM_PLACED, "mod", &a, &d), 0);
	ok_eq(a, 0x110000);
	ok_eq(mem_alloc(&m, 10, 0x1000, 0x100000, MEM_4G, 0, CLAIM_PLACED, "mod2", &a, &d), 0);
	ok_eq(a, 0x111000);
	ok_eq(mem_alloc(&m, 10, 16, 0x100000, MEM_4G, 0, CLAIM_PLACED, "mod3", &a, &d), 0);
	ok_eq(a, 0x111010);
	/* top-down: the highest aligned spot */
	ok_eq(mem_alloc(&m, 0x1000, 0x1000, 0x100000, MEM_4G, MEM_TOP_DOWN, CLAIM_PLACED, "top", &a, &d), 0);
	ok_eq(a, 0x7fdf000);
	ok_eq(mem_alloc(&m, 0x800, 0x1000, 0x100000, MEM_4G, MEM_TOP_DOWN, CLAIM_PLACED, "top2", &a, &d), 0);
	ok_eq(a, 0x7fde000);
	/* low memory, below fwboot: 0x500 up to 0x20000 is free */
	ok_eq(mem_alloc(&m, 0x1000, 0x1000, 0, 0xA0000, 0, CLAIM_PLACED, "low", &a, &d), 0);
	ok_eq(a, 0x1000);
	ok_eq(mem_alloc(&m, 0x100, 16, 0, 0xA0000, MEM_TOP_DOWN, CLAIM_PLACED, "lowtop", &a, &d), 0);
	ok_eq(a, 0x9fb00);
	/* too big */
	ok_eq(mem_alloc(&m, 0x8000000, 0x1000, 0x100000, MEM_4G, 0, CLAIM_PLACED, "huge", &a, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: no room for huge (134217728 bytes, aligned to 0x1000, within 0x100000-0xffffffff)");

	/* keep-out windows: targets may sit in them, placed data may not */
	qemu_map(&m);
	ok_eq(mem_claim(&m, 0x1000000, 0x2000000, CLAIM_KEEPOUT, "decompression", &d), 0);
	ok_eq(mem_claim(&m, 0x1000000, 0x100000, CLAIM_TARGET, "kernel", &d), 0);
	ok_eq(mem_claim(&m, 0x1800000, 0x1000, CLAIM_PLACED, "initrd", &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: initrd at 0x1800000-0x1800fff overlaps reserved window decompression at 0x1000000-0x2ffffff");
	ok_eq(mem_alloc(&m, 0x1000000, 0x1000, 0x100000, MEM_4G, 0, CLAIM_PLACED, "big", &a, &d), 0);
	ok_eq(a, 0x3000000);	/* 15 MiB below the window is too small */
	ok_eq(mem_alloc(&m, 0x100000, 0x1000, 0x100000, MEM_4G, 0, CLAIM_PLACED, "small", &a, &d), 0);
	ok_eq(a, 0x100000);

	/* a full claim table grows, keeping what it held */
	qemu_map(&m);
	m.claimcap = 1;
	ok_eq(mem_claim(&m, 0x100000, 1, CLAIM_TARGET, "a", &d), 0);
	for (int i = 1; i < 100; i++)
		ok_eq(mem_claim(&m, 0x100000 + 0x1000 * (uint64_t)i, 1, CLAIM_TARGET, "b", &d), 0);
	ok_eq(m.nclaims, 100);
	ok(m.claimcap >= 100);
	ok(m.claims != claims);
	ok_str(m.claims[0].what, "a");
	ok_eq(m.claims[99].start, 0x100000 + 0x1000 * 99);
	ok_eq(mem_claim(&m, 0x100000, 1, CLAIM_TARGET, "c", &d), -ST_NO_MEMORY);
	differential();
	return test_done("mem");
}
