/* SPDX-License-Identifier: BSD-2-Clause */
/* The Multiboot 1 and 2 headers: QEMU's -kernel and GRUB's `multiboot`
 * and `multiboot2` find them and enter at the ELF entry, _start (entry.S).
 * Left out of fwboot-pvh.elf, so that QEMU starts that one through PVH. */

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000002	/* bit 1: memory information, please */

	.section .multiboot, "a"
	.align 4
	.global mb1_header
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

/* Multiboot 2, for GRUB's `multiboot2`: the same ELF entry point; fwboot
 * asks for the command line and the memory map. */
#define MB2_MAGIC 0xE85250D6
	.align 8
	.global mb2_header
mb2_header:
	.long MB2_MAGIC
	.long 0				/* i386 */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	.align 8
	.short 1, 0			/* information request, required */
	.long 16
	.long 1, 6			/* command line, memory map */
	.align 8
	.short 0, 0			/* end */
	.long 8
mb2_header_end:
	.section .note.GNU-stack,"",@progbits
