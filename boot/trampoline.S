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
#define P_LM_CR3 388
#define P_LM_NX 392
#define P_LM_FAR 396
#define P_LM_GDT32 406
#define P_LM_ENTRY 412
#define P_LM_RSP 420
#define P_LM_GDT 434
#define P_LM_CR4 444
#define P_LM_PAT 448
#define P_LM_IOAPIC 452
#define PAT_LOW 0x00070406		/* PAT0-3: WB, WT, UC-, UC */
#define PAT_HIGH 0x00070105		/* PAT4-7: WP, WC, UC-, UC */

/* Long mode on, from 32-bit protected mode with paging off: PAE (and what
 * CR4 word \cr4 adds: LA57), the top table at \cr3, EFER.LME (and NXE when
 * the word at \nx is set), the protocol's PAT when \pat is set, then PG and
 * WP: the CPU is in compatibility mode on the identity map. ESI holds the
 * block the offsets are in. The BSP and every AP go through this. */
	.macro long_mode_on cr4, cr3, nx, pat
	movl %cr4, %eax
	orl $0x20, %eax
	orl \cr4(%esi), %eax
	movl %eax, %cr4
	movl \cr3(%esi), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x100, %eax
	cmpl $0, \nx(%esi)
	je 101f
	orl $0x800, %eax
101:	wrmsr
	cmpl $0, \pat(%esi)
	je 102f
	movl $0x277, %ecx
	movl $PAT_LOW, %eax
	movl $PAT_HIGH, %edx
	wrmsr
102:	movl %cr0, %eax
	orl $0x80010000, %eax
	movl %eax, %cr0
	.endm

/* Every general register 0 but RDI and RSP: the Limine protocol's entry
 * state, for the BSP (which clears RDI too) and every AP (RDI = its smp_info). */
	.macro clear_gprs
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	.endm

/* The 64-bit data segment (0x30 in the protocol's GDT) in every data
 * segment register, as the BSP and every AP reach long mode. */
	.macro long_mode_data
	movl $0x30, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	.endm

#define TRAMP_MODE_REAL16 1
#define TRAMP_MODE_LONG64 2
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
	cmpl $TRAMP_MODE_LONG64, P_MODE(%esi)
	je long64

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

	.code32
long64:
	/* The Limine protocol's entry: legacy PIC and IO APIC interrupts
	 * masked (IO APIC entries of fixed or lowest-priority delivery) */
	movb $0xff, %al
	outb %al, $0x21
	outb %al, $0xa1
	movl P_LM_IOAPIC(%esi), %edi	/* the MADT's first IO APIC; 0: none */
	testl %edi, %edi
	jz 7f
	movl $1, (%edi)
	movl 0x10(%edi), %ecx
	shrl $16, %ecx
	andl $0xff, %ecx		/* the highest redirection entry */
1:	leal 0x10(,%ecx,2), %eax
	movl %eax, (%edi)
	movl 0x10(%edi), %eax
	testl $0x600, %eax
	jnz 2f
	orl $0x10000, %eax
	movl %eax, 0x10(%edi)
2:	decl %ecx
	jns 1b
7:	/* long mode: PAE (and LA57), the plan's top table, EFER.LME (and NXE), PG and WP */
	long_mode_on P_LM_CR4, P_LM_CR3, P_LM_NX, P_LM_PAT
	lgdt P_LM_GDT32(%esi)		/* the kernel's GDT: 0x28 64-bit code, 0x30 data */
	call 4f
4:	popl %eax			/* where this copy of the trampoline runs */
	addl $(lm64 - 4b), %eax
	movl %eax, P_LM_FAR(%esi)
	ljmp *P_LM_FAR(%esi)
	.code64
lm64:
	long_mode_data
	movl %esi, %esi
	lgdt P_LM_GDT(%rsi)		/* the GDT at its direct-map address */
	movq P_LM_RSP(%rsi), %rsp
	pushq $0			/* the invalid return address the protocol asks for */
	pushq P_LM_ENTRY(%rsi)
	xorl %edi, %edi
	clear_gprs
	ret				/* to the entry, every other register 0 */
	.code16

	.align 4
rm_idt:
	.word 0x3ff			/* 256 vectors of 4 bytes */
	.long 0

/* The APs' start code (kernel/handoff.h: TRAMP_AP_SIZE, AP_*): copied to
 * offset 0 of a page below 1 MiB, entered by SIPI in real mode at page:0. */
#define AP_GDT32 0x800
#define AP_FAR32 0x808
#define AP_FAR64 0x810
#define AP_CR3 0x818
#define AP_NX 0x81c
#define AP_GDT64 0x820
#define AP_COUNT 0x82c
#define AP_ALIVE 0x830
#define AP_CR4 0x834
#define AP_PAT 0x838
#define AP_TABLE 0x840
#define TRAMP_AP_SIZE 384
	.balign 16
tramp_ap:
	cli
	cld
	xorl %esi, %esi
	movw %cs, %si
	shll $4, %esi			/* the page's physical address, in every mode */
	movw %cs, %ax
	movw %ax, %ds
	leal (ap32 - tramp_ap)(%esi), %eax
	movl %eax, AP_FAR32
	leal (ap64 - tramp_ap)(%esi), %eax
	movl %eax, AP_FAR64
	lgdtl AP_GDT32
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *AP_FAR32
	.code32
ap32:
	movw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	long_mode_on AP_CR4, AP_CR3, AP_NX, AP_PAT	/* as the BSP entered it */
	ljmp *AP_FAR64(%esi)
	.code64
ap64:
	long_mode_data
	lgdt AP_GDT64(%rsi)
	movl $1, %eax
	cpuid
	shrl $24, %ebx			/* this CPU's local APIC ID */
	leaq AP_TABLE(%rsi), %rdi
	movl AP_COUNT(%rsi), %ecx
2:	testl %ecx, %ecx
	jz 5f				/* not in the table: stays parked for good */
	cmpl %ebx, (%rdi)
	je 3f
	addq $24, %rdi
	decl %ecx
	jmp 2b
3:	movq 16(%rdi), %rsp
	movq 8(%rdi), %rdi		/* its smp_info */
	lock incl AP_ALIVE(%rsi)
4:	pause
	movq 16(%rdi), %rax		/* goto_address */
	testq %rax, %rax
	jz 4b
	pushq $0
	pushq %rax
	clear_gprs			/* RDI stays: the smp_info */
	ret				/* to goto_address, RDI = its smp_info */
5:	hlt
	jmp 5b
	.code32
	.org tramp_ap + TRAMP_AP_SIZE, 0xcc	/* (as fails here if the code outgrew it) */
tramp_end:
	.section .note.GNU-stack,"",@progbits
