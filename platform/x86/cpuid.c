/* SPDX-License-Identifier: BSD-2-Clause */
/* CPUID, for the script command cpuid: the same instruction on both x86 platforms. */
#include "kernel/platform.h"

void platform_cpuid(uint32_t leaf, uint32_t regs[4])
{
	__asm__ volatile("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3]) : "a"(leaf), "c"(0));
}
