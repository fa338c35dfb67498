/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot entry, whichever start protocol reached it (the Multiboot headers
 * are in multiboot.S, the PVH note and stub in pvh.S): a known GDT, a stack,
 * a cleared bss, an IDT that reports CPU exceptions, then C with the
 * loader's EAX (which protocol) and EBX (its information). */

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	/* the loader's registers live in .data: bss is about to be cleared */
	movl %eax, boot_magic
	movl %ebx, boot_info

	lgdt gdt_desc
	ljmp $0x10, $1f
1:	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $stack_top, %esp

	/* by dwords (the linker script aligns both ends to 4): a quarter of
	 * the iterations; the stack is not in bss and is not cleared */
	movl $_bss_start, %edi
	movl $_bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	call idt_install
	pushl boot_info
	pushl boot_magic
	call fwboot_main
2:	cli
	hlt
	jmp 2b

/* Exception stubs: push a zero where the CPU pushes no error code, then the
 * vector, so the C handler sees one frame layout. */
	.macro exc_noerr n
	.align 8
	pushl $0
	pushl $\n
	jmp exc_common
	.endm
	.macro exc_err n
	.align 8
	pushl $\n
	jmp exc_common
	.endm

	.align 8
	.global exc_stubs
exc_stubs:
	exc_noerr 0
	exc_noerr 1
	exc_noerr 2
	exc_noerr 3
	exc_noerr 4
	exc_noerr 5
	exc_noerr 6
	exc_noerr 7
	exc_err 8
	exc_noerr 9
	exc_err 10
	exc_err 11
	exc_err 12
	exc_err 13
	exc_err 14
	exc_noerr 15
	exc_noerr 16
	exc_err 17
	exc_noerr 18
	exc_noerr 19

exc_common:
	/* stack: vector, error, eip, cs, eflags */
	movl $stack_top, %eax
	movl (%esp), %ecx
	movl 4(%esp), %edx
	movl 8(%esp), %ebx
	movl %eax, %esp
	pushl %ebx
	pushl %edx
	pushl %ecx
	call exception_report
3:	cli
	hlt
	jmp 3b

	.section .data
	.align 4
	.global boot_magic, boot_info
boot_magic:	.long 0
boot_info:	.long 0

/* fwboot runs on the hand-off GDT (kernel/load.c's handoff_gdt): 0x10/0x18
 * flat 32-bit code and data. */
	.align 4
	.global gdt_desc
gdt_desc:
	.word 47
	.long handoff_gdt

	.section .stack, "aw", @nobits
	.align 16
stack_bottom:
	.skip 32768
	.global stack_top
stack_top:
	.section .note.GNU-stack,"",@progbits
