/* SPDX-License-Identifier: BSD-2-Clause */
/* mb2efi64 entry: a Multiboot 2 header asking to keep EFI boot services
 * (tag 7, required) with an EFI amd64 entry (tag 9), relocatable (tag 10),
 * and 64-bit position-independent code there that calls C. The ELF entry
 * is 32-bit and must not be used: it reports the mistake and stops. */

#define MB2_MAGIC 0xE85250D6
#define OPTIONAL 1

	.macro tag type, flags, size
	.align 8
	.word \type, \flags
	.long \size
	.endm

	.section .mb2header, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC, 0
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* required: command line, loader name, modules, memory map, the EFI
	 * system table, "boot services not terminated", the image handle */
	tag 1, 0, 36
	.long 1, 2, 3, 6, 12, 18, 20
	tag 7, 0, 8			/* keep boot services */
	tag 9, 0, 12			/* the EFI amd64 entry */
	.long efi64_start
	tag 10, 0, 24			/* anywhere from 16 MiB to 1 GiB, 2 MiB aligned */
	.long 0x1000000, 0x40000000, 0x200000, 0
	tag 0, 0, 8
mb2_header_end:

	.section .text.entry, "ax"
	.code32
	.global _start
_start:				/* the ELF entry: a loader that took it ignored tag 9 */
	movb $0x41, %al
	outb %al, $0xf4
1:	hlt
	jmp 1b

	.code64
	.global efi64_start
efi64_start:			/* long mode, boot services running; EAX magic, RBX info */
	movl %eax, %edi
	movq %rbx, %rsi
	andq $-16, %rsp		/* the firmware's stack, aligned for C */
	call mb2efi64_main
2:	hlt
	jmp 2b

	.section .note.GNU-stack, "", @progbits
