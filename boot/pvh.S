/* SPDX-License-Identifier: BSD-2-Clause */
/* The PVH start: Xen's PHYS32_ENTRY note names pvh_start, where a PVH loader
 * (QEMU's for an ELF without a Multiboot header, qboot on microvm, Xen)
 * enters in 32-bit flat protected mode, paging and interrupts off, EBX =
 * hvm_start_info and no stack. EAX is undefined there, so the stub puts the
 * start info's own magic in it, and _start hands both to C like a
 * Multiboot entry; main.c tells the protocols apart by that value. */
#include "include/hvm_start_info.h"

	.section .note.Xen, "a", @note
	.align 4
	.long 4				/* namesz: "Xen" and its NUL */
	.long 4				/* descsz: a 32-bit entry address */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.section .text.entry, "ax"
	.code32
	.global pvh_start
pvh_start:
	movl $XEN_HVM_START_MAGIC_VALUE, %eax
	jmp _start
	.section .note.GNU-stack,"",@progbits
