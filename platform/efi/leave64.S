/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's way into boot/trampoline.S: the trampoline itself (i386
 * code, assembled by the i686 toolchain and embedded here as bytes, see
 * platform/efi/efi.mk) and efi_leave64, the x86-64 code that
 * takes the CPU from the firmware's long mode to the 32-bit protected
 * mode with paging off that the trampoline starts in. */
#include "tramp_syms.h"

	.text
	.global tramp_start, tramp_reload, tramp_code16, tramp_end
	.balign 16
tramp_start:
	.incbin TRAMP_BIN
tramp_end:
	.set tramp_reload, tramp_start + TRAMP_OFF_RELOAD
	.set tramp_code16, tramp_start + TRAMP_OFF_CODE16
	.if tramp_end - tramp_start - TRAMP_OFF_END
	.error "trampoline.bin is not the trampoline's tramp_start..tramp_end"
	.endif

/*
 * efi_leave64(params = RCX, trampoline = RDX), Microsoft x64 convention;
 * never returns. Position-independent: platform/efi/handoff.c copies it to a page
 * below 4 GiB that the firmware maps executable (EfiLoaderCode), since the
 * instructions that turn paging off must run identity-mapped at a 32-bit
 * address. Uses no stack after the GDT is loaded: the trampoline brings
 * its own. The GDT is the one in the params (0x10 code, 0x18 data).
 */
	.global efi_leave64, efi_leave64_end
	.balign 16
efi_leave64:
	cli
	movq %rcx, %rsi			/* the trampoline's params: ESI from here on */
	movq %rdx, %rdi			/* the trampoline */
	movq %cr4, %rax
	btq $17, %rax			/* PCIDE on: CR0.PG cannot be cleared; turn it off */
	jnc 1f
	movq %cr3, %rcx
	andq $~0xfff, %rcx		/* PCID 0 first: clearing PCIDE requires it */
	movq %rcx, %cr3
	btrq $17, %rax
	movq %rax, %cr4
1:	leaq 64(%rsi), %rax		/* tramp_params.gdt */
	subq $16, %rsp
	movw $47, 6(%rsp)		/* limit, then the 64-bit base: a 10-byte pseudo-descriptor */
	movq %rax, 8(%rsp)
	lgdt 6(%rsp)
	leaq 2f(%rip), %rax
	pushq $0x10
	pushq %rax
	lretq				/* to 2f in compatibility mode, CS 0x10 */
	.code32
2:	movw $0x18, %ax		/* flat data: the stack segment first */
	movw %ax, %ss
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movl %cr0, %eax
	andl $0x7ffaffd1, %eax		/* paging off (long mode goes inactive); WP, AM, NE, TS, EM, MP */
	movl %eax, %cr0			/* off too: PE and ET, as a BIOS leaves it (caches stay as set) */
	movl $0xc0000080, %ecx		/* EFER: LME, NXE, SCE off, as after a BIOS */
	xorl %eax, %eax
	xorl %edx, %edx
	wrmsr
	movl %eax, %cr4			/* CR4 0 (PAE, OSFXSR, ...): PVH asks for it, Multiboot for no more */
	jmp *%edi			/* boot/trampoline.S with ESI = params */
	.code64
efi_leave64_end:

