/* SPDX-License-Identifier: BSD-2-Clause */
/* demo kernel entry: the Multiboot 1 header, a stack, then C with the
 * loader's EAX (magic) and EBX (information block). */

#define MB1_MAGIC	0x1BADB002
#define MB1_FLAGS	0x00000003	/* bit 0: page-align modules, bit 1: memory info */

	.section .multiboot, "a"
	.align 4
	.global mb1_header
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	call demo_main
1:	hlt
	jmp 1b

	.section .bss.stack, "aw", @nobits
	.align 16
	.skip 16384
stack_top:
