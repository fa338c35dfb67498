/* The hand-off trampoline. Position-independent: C copies it to a free
 * spot, so nothing here may refer to its own link address. Entered with
 * ESI = &struct tramp_params (kernel/handoff.h), interrupts off. From here
 * on fwboot's own memory may be overwritten: the trampoline uses only its
 * params block (GDT, stack, op list). */

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

	.text
	.code32
	.global tramp_start, tramp_reload, tramp_end
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
2:	rep movsb
	popl %esi
	jmp 4f
3:	xorl %eax, %eax
	rep stosb
4:	addl $16, %ebx
	decl %edx
	jmp 1b

5:	/* the payload's registers; ESI last, it holds the params */
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
tramp_end:
	.section .note.GNU-stack,"",@progbits
