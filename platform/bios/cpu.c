/* SPDX-License-Identifier: BSD-2-Clause */
/* An IDT whose every exception ends in a report, never a triple fault and
 * a reboot loop. Only while fwboot runs: the payload brings its own. */
#include <stdint.h>
#include "kernel/console.h"
#include "kernel/handoff.h"
#include "include/status.h"

#define NEXC 20
#define EXC_STUB_SIZE 8		/* .align 8 in boot/entry.S */

extern char exc_stubs[];

static uint64_t idt[NEXC];

void idt_install(void)
{
	static struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr;

	for (int i = 0; i < NEXC; i++) {
		uint32_t h = (uint32_t)(uintptr_t)exc_stubs + (uint32_t)i * EXC_STUB_SIZE;
		/* 32-bit interrupt gate, present, DPL 0, selector 0x10 */
		idt[i] = (uint64_t)(h & 0xffff) | (uint64_t)0x10 << 16 | (uint64_t)0x8e00 << 32 |
			 (uint64_t)(h >> 16) << 48;
	}
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void exception_report(uint32_t vector, uint32_t error, uint32_t eip)
{
	panic(ST_INTERNAL, "cpu: exception %u at eip 0x%x (error code 0x%x)", vector, eip, error);
}

/* fwboot.elf already runs as the trampoline wants: 32-bit, flat, paging off. */
void handoff_jump(uint64_t tramp, struct tramp_params *pa)
{
	__asm__ volatile("jmp *%0" : : "r"((uint32_t)tramp), "S"(pa) : "memory");
	__builtin_unreachable();
}
