/* mem.c: the available-RAM computation, claims and their conflicts, and
 * allocation bottom-up and top-down. */
#include "mem.h"
#include "status.h"
#include "test.h"

static struct mem_region map[32], ram[32];
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
	return test_done("mem");
}
