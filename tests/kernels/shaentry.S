/* SPDX-License-Identifier: BSD-2-Clause */
/* shatest entry: a stack, then C with the loader's EAX and EBX. */
	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	movl $stack_top, %esp
	cld
	pushl %ebx
	pushl %eax
	call shatest_main
1:	cli
	hlt
	jmp 1b

	.section .bss.stack, "aw", @nobits
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
