/* SPDX-License-Identifier: BSD-2-Clause */
/* The cycle counter for the verbose time line: the TSC, on both x86
 * platforms (each times it against its own clock). */
#include "kernel/platform.h"
#include "platform/x86/tsc.h"

uint64_t platform_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* An unknown rate counts as 1 GHz: a wait then ends early or late, never never. */
uint64_t tsc_deadline(unsigned ms)
{
	const char *clock;
	uint64_t hz = platform_cycles_hz(&clock);
	return platform_cycles() + (hz ? hz : 1000000000u) / 1000 * ms;
}

int tsc_passed(uint64_t deadline)
{
	return platform_cycles() >= deadline;
}
