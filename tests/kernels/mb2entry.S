/* SPDX-License-Identifier: BSD-2-Clause */
/* mb2test entry: the Multiboot 2 header (and, for some variants, a
 * Multiboot 1 header), then position-independent code that records the
 * machine state, takes its own stack and calls C. Nothing here depends on
 * where the image runs, so the relocatable variant works wherever the
 * loader put it.
 *
 * Build-time switches (-D):
 *   MB2TEST_AOUT        address and entry address tags (a flat binary)
 *   MB2TEST_RELOC       relocatable tag: RELOC_MIN, RELOC_MAX, RELOC_ALIGN, RELOC_PREF
 *   MB2TEST_MB1         a Multiboot 1 header as well
 *   MB2TEST_FAKE_MAGIC  false magics (bad checksums) before the real header
 */

#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH 0
#define OPTIONAL 1

/* a header tag's first 8 bytes, 8-aligned */
	.macro tag type, flags, size
	.align 8
	.word \type, \flags
	.long \size
	.endm

	.section .mb2header, "a"
	.align 8
#ifdef MB2TEST_FAKE_MAGIC
	.long MB2_MAGIC, MB2_ARCH, 24, 0	/* a wrong checksum */
	.long MB2_MAGIC, 0			/* a lone magic */
	.long 0, MB2_MAGIC			/* a magic off the 8-byte grid: no candidate */
#endif
	.align 8
	.global mb2_header
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))

	/* required: command line, loader name, modules, meminfo, memory map, load base */
	tag 1, 0, 32
	.long 1, 2, 3, 4, 6, 21
	/* optional: the ACPI tags, and a framebuffer fwboot cannot give */
	tag 1, OPTIONAL, 20
	.long 14, 15, 8
	/* modules page-aligned */
	tag 6, 0, 8
	/* EGA text would do, but no console is required */
	tag 4, 0, 12
	.long 2
	/* optional tags fwboot skips: a graphics mode, EFI boot services */
	tag 5, OPTIONAL, 20
	.long 1024, 768, 32
	tag 7, OPTIONAL, 8
#ifdef MB2TEST_AOUT
	tag 2, 0, 24
	.long mb2_header	/* header_addr */
	.long _image_start	/* load_addr */
	.long _load_end		/* load_end_addr */
	.long _image_end	/* bss_end_addr */
	tag 3, 0, 12
	.long _start
#endif
#ifdef MB2TEST_RELOC
	tag 10, 0, 24
	.long RELOC_MIN, RELOC_MAX, RELOC_ALIGN, RELOC_PREF
#endif
	tag 0, 0, 8
mb2_header_end:

#ifdef MB2TEST_MB1
/* Multiboot 1: page-aligned modules, memory info; ELF layout */
	.align 4
	.global mb1_header
mb1_header:
	.long 0x1BADB002
	.long 0x00000003
	.long -(0x1BADB002 + 0x00000003)
#endif

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	/* EAX and EBX first; then our own address by call/pop. The call
	 * needs a stack before we have one: every loader we test with leaves
	 * a usable ESP, though the specification does not promise it. */
	movl %eax, %esi
	movl %ebx, %edi
	call 1f
1:	popl %ebp
	leal stack_top - 1b(%ebp), %esp
	pushfl			/* EFLAGS as the loader left it (lea and pop keep it) */
	popl %ecx
	movl %cr0, %edx
	xorl %eax, %eax
	movw %ss, %ax
	pushl %eax
	movw %ds, %ax
	pushl %eax
	movw %cs, %ax
	pushl %eax
	pushl %edx
	pushl %ecx
	pushl %edi
	pushl %esi
	cld
	call mb2test_main	/* relative: runs anywhere */
2:	cli
	hlt
	jmp 2b

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
