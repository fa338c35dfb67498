/* SPDX-License-Identifier: BSD-2-Clause */
/* The hand-off trampoline. Position-independent: C copies it to a free
 * spot, so nothing here may refer to its own link address. Entered with
 * ESI = &struct tramp_params (kernel/handoff.h), interrupts off. From here
 * on fwboot's own memory may be overwritten: the trampoline uses only its
 * params block (GDT, stack, op list). Two ways out: 32-bit flat (registers
 * from the params, jump) or real mode (TRAMP_MODE_REAL16: far jump to
 * rm_cs:rm_ip with the BIOS's interrupt table; the trampoline must then lie
 * below 1 MiB, 16-aligned). */

#define P_NOPS 0
#define P_OPS 4
#define P_ENTRY 8
#define P_MODE 12
#define P_EAX 16
#define P_EBX 20
#define P_ECX 24
#define P_EDX 28
#define P_ESI 32
#define P_EDI 36
#define P_EBP 40
#define P_ESP 44
#define P_GDTR 50
#define P_FAR 56
#define P_STACK_TOP 112
#define P_RM_CS 116
#define P_RM_IP 118
#define P_RM_SS 120
#define P_RM_SP 122
#define P_RM_DS 124
#define P_RM_CODE16 128

#define TRAMP_MODE_REAL16 1
#define SEL_CODE16 0x20		/* 16-bit code, base = the trampoline (load.c sets it) */
#define SEL_DATA16 0x28		/* 16-bit data, base 0, 64 KiB: real-mode limits */

	.text
	.code32
	.global tramp_start, tramp_reload, tramp_code16, tramp_end
tramp_start:
	cli
	cld
	lgdt P_GDTR(%esi)
	ljmp *P_FAR(%esi)
tramp_reload:
	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl P_STACK_TOP(%esi), %esp

	/* the staged copies and zero fills, in order */
	movl P_OPS(%esi), %ebx
	movl P_NOPS(%esi), %edx
1:	testl %edx, %edx
	jz 5f
	movl 8(%ebx), %edi		/* dst */
	movl 12(%ebx), %ecx		/* len */
	cmpl $1, (%ebx)
	je 3f
	pushl %esi
	movl 4(%ebx), %esi		/* src */
	cmpl %edi, %esi
	jae 2f
	/* src below dst: copy backwards so an overlap cannot eat the source */
	leal -1(%esi,%ecx), %esi
	leal -1(%edi,%ecx), %edi
	std
	rep movsb
	cld
	popl %esi
	jmp 4f
2:	movl %ecx, %eax			/* forward: four bytes a time, then the rest */
	shrl $2, %ecx
	rep movsl
	movl %eax, %ecx
	andl $3, %ecx
	rep movsb
	popl %esi
	jmp 4f
3:	pushl %ecx			/* zero fill, four bytes a time, then the rest */
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	popl %ecx
	andl $3, %ecx
	rep stosb
4:	addl $16, %ebx
	decl %edx
	jmp 1b

5:	cmpl $TRAMP_MODE_REAL16, P_MODE(%esi)
	je real16

	/* the payload's registers; ESI last, it holds the params */
	pushl P_ENTRY(%esi)
	popl %eax			/* keep entry in EAX while ESP moves */
	movl P_ESP(%esi), %ecx
	testl %ecx, %ecx
	jz 6f
	movl %ecx, %esp
6:	pushl %eax			/* return address = entry */
	movl P_EBX(%esi), %ebx
	movl P_ECX(%esi), %ecx
	movl P_EDX(%esi), %edx
	movl P_EDI(%esi), %edi
	movl P_EBP(%esi), %ebp
	movl P_EAX(%esi), %eax
	movl P_ESI(%esi), %esi
	ret

real16:
	/* Back to real mode for code that calls the BIOS (Linux's setup code).
	 * The real-mode values go in registers now, zero-extended: in real
	 * mode the params may lie beyond a 64 KiB offset. */
	movzwl P_RM_DS(%esi), %ebx
	movzwl P_RM_SS(%esi), %ecx
	movzwl P_RM_SP(%esi), %edx
	movzwl P_RM_CS(%esi), %edi
	movzwl P_RM_IP(%esi), %ebp
	pushl $SEL_CODE16
	pushl P_RM_CODE16(%esi)
	lret				/* to tramp_code16 in 16-bit protected mode */

	.code16
tramp_code16:
	/* 64 KiB limits in every data segment cache before leaving protected
	 * mode; no stack use until SS is a real-mode segment */
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl %cr0, %eax
	andl $0xfffffffe, %eax		/* PE off: real mode; CS keeps its cached base */
	movl %eax, %cr0
	lidtl %cs:(rm_idt - tramp_start)	/* the BIOS's interrupt table at 0 */
	movw %bx, %ds
	movw %bx, %es
	movw %bx, %fs
	movw %bx, %gs
	movw %cx, %ss
	movl %edx, %esp
	pushw %di			/* far return to rm_cs:rm_ip loads a real-mode CS */
	pushw %bp
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	lretw				/* interrupts stay off: the payload enables them */

	.align 4
rm_idt:
	.word 0x3ff			/* 256 vectors of 4 bytes */
	.long 0
	.code32
tramp_end:
	.section .note.GNU-stack,"",@progbits
