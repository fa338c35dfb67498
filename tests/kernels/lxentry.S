/* SPDX-License-Identifier: BSD-2-Clause */
/* lxtest's 32-bit entry (code32_start): ESI = boot_params, flat segments,
 * no stack of the loader's to trust. The bss is the kernel's to clear (a
 * Linux loader loads the file part only; init_size is room, not zeros). */
	.section .text.entry, "ax"
	.code32
	.global lx_start32
lx_start32:
	movl %eax, %ebx
	cld
	movl $_load_end, %edi
	movl $_image_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp
	pushl %ebx		/* EAX (LX16_MAGIC from the setup code) survives in EBX */
	pushl %esi
	cld
	call lxtest_main
1:	cli
	hlt
	jmp 1b

	.section .bss.stack, "aw", @nobits
	.align 16
	.skip 16384
stack_top:
