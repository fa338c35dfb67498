/* SPDX-License-Identifier: BSD-2-Clause */
/* pvhtest entry: the Xen PHYS32_ENTRY note naming pvh_start, and an ELF
 * entry (_start) that a PVH loader must not use: it reports the mistake.
 *
 * Build-time switch (-D):
 *   PVHTEST_MB1   a Multiboot 1 header too (ELF layout): a loader that
 *                 prefers Multiboot 1 enters at _start and the test sees it
 */

#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a", @note
	.align 4
	.long 4			/* namesz: "Xen" and its NUL */
	.long 4			/* descsz: a 32-bit address */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

#ifdef PVHTEST_MB1
	.section .mb2header, "a"
	.align 4
	.long 0x1BADB002
	.long 0x00000002	/* memory information */
	.long -(0x1BADB002 + 0x00000002)
#endif

	.section .text.entry, "ax"
	.code32
	.global _start, pvh_start

/* ELF e_entry: not the PVH entry */
_start:
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	cld
	call pvhtest_wrong_entry
1:	cli
	hlt
	jmp 1b

/* PVH: EBX = hvm_start_info, 32-bit flat protected mode, no stack */
pvh_start:
	movl $stack_top, %esp
	pushfl			/* mov keeps EFLAGS as the loader left it */
	popl %ecx
	call 2f			/* where are we really running? */
2:	popl %edx
	subl $(2b - pvh_start), %edx
	pushl %edx
	xorl %eax, %eax
	movw %ss, %ax
	pushl %eax
	movw %ds, %ax
	pushl %eax
	movw %cs, %ax
	pushl %eax
	movl %cr4, %eax
	pushl %eax
	movl %cr0, %eax
	pushl %eax
	pushl %ecx
	pushl %ebx
	cld
	call pvhtest_main
3:	cli
	hlt
	jmp 3b

/* Known bytes at the end of the loaded image (byte i = (i*13 + 7) ^ (i >> 8)). */
	.section .mb2test_pattern, "a"
	.global _pattern_start
_pattern_start:
	.set i, 0
	.rept 3001
	.byte ((i * 13 + 7) ^ (i >> 8)) & 0xff
	.set i, i + 1
	.endr

	.section .bss.stack, "aw", @nobits
	.align 16
	.skip 16384
stack_top:
