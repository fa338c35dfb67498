/* SPDX-License-Identifier: BSD-2-Clause */
/* The cycle counter for the verbose time line: the TSC, on both x86
 * platforms (each times it against its own clock). */
#include "kernel/platform.h"

uint64_t platform_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
