/* SPDX-License-Identifier: BSD-2-Clause */
/* fbtest entry: a Multiboot 1 header (FBTEST_MB1: flag 2, linear graphics
 * mode FB_W x FB_H x FB_D) or a Multiboot 2 header (a framebuffer tag
 * asking FB_W x FB_H x FB_D, optional when FBTEST_FB_OPTIONAL), then a
 * stack and C. Linked at KTEST_BASE by mb2test.ld. */

	.section .mb2header, "a"
#ifdef FBTEST_MB1
#define MB1_FLAGS 0x00000006	/* memory info, video mode */
	.align 4
mb1_header:
	.long 0x1BADB002
	.long MB1_FLAGS
	.long -(0x1BADB002 + MB1_FLAGS)
	.long 0, 0, 0, 0, 0	/* a.out fields: unused without flag 16 */
	.long 0			/* mode_type 0: linear graphics */
	.long FB_W, FB_H, FB_D
#else
#ifdef FBTEST_FB_OPTIONAL
#define FB_FLAGS 1
#else
#define FB_FLAGS 0
#endif
	.align 8
mb2_header:
	.long 0xE85250D6
	.long 0
	.long mb2_header_end - mb2_header
	.long -(0xE85250D6 + (mb2_header_end - mb2_header))
	.align 8
	.word 5, FB_FLAGS	/* framebuffer */
	.long 20
	.long FB_W, FB_H, FB_D
	.align 8
	.word 0, 0
	.long 8
mb2_header_end:
#endif

	.section .text.entry, "ax"
	.code32
	.global _start
_start:
	movl $stack_top, %esp
	cld
	pushl %ebx
	pushl %eax
	call fbtest_main
1:	cli
	hlt
	jmp 1b

	.section .bss.stack, "aw", @nobits
	.align 16
	.skip 16384
stack_top:
