/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RAM pattern check every test kernel shares (mbtest through its own
 * output, the others through kout.h): tests/boot/test_ramcheck.py has
 * QEMU's -device loader fill [KRAM_LO, KRAM_HI) before the machine starts,
 * each 32-bit word holding its own address; every word outside the ranges
 * a kernel was given must still hold it. No output here: the caller
 * prints "ramcheck lo= hi= checked=WORDS differ=WORDS first=ADDR".
 */
#ifndef KRAMCHECK_H
#define KRAMCHECK_H

#include <stdint.h>

#define KRAM_LO 0x100000u
#define KRAM_HI 0x4000000u

struct kram_result {
	uint32_t checked, differ, first;
};

/* n [start, end) ranges to skip, in any order, overlapping or not: range
 * i's start is the uint64_t at first + i * stride bytes, its end the one
 * after it (so a caller's own table of records serves, with no copy: the
 * test kernels must fit in 104 KiB above 1 MiB at -m 1.1M). */
static __attribute__((unused)) struct kram_result kram_check_table(const uint64_t *first, uint32_t n,
								 uint32_t stride)
{
	struct kram_result r = { 0, 0, 0 };
	uint64_t a = KRAM_LO;
	while (a < KRAM_HI) {
		uint64_t next = KRAM_HI;
		int inside = 0;
		for (uint32_t i = 0; i < n; i++) {
			const uint64_t *r = (const uint64_t *)((const uint8_t *)first + i * stride);
			uint64_t s = r[0] & ~3ull, e = (r[1] + 3) & ~3ull;
			if (s <= a && a < e) {
				inside = 1;
				next = e;
				break;
			}
			if (s > a && s < next)
				next = s;
		}
		if (inside) {
			a = next;
			continue;
		}
		for (; a < next; a += 4) {
			uint32_t v = *(volatile const uint32_t *)(uintptr_t)a;
			r.checked++;
			if (v != (uint32_t)a && r.differ++ == 0)
				r.first = (uint32_t)a;
		}
	}
	return r;
}

/* ex: n [start, end) pairs. */
static __attribute__((unused)) struct kram_result kram_check(const uint64_t (*ex)[2], uint32_t n)
{
	return kram_check_table(&ex[0][0], n, sizeof(ex[0]));
}

#endif
