/* SPDX-License-Identifier: BSD-2-Clause */
/* lxtest's real-mode part: the boot sector's setup header fields, the
 * header proper (Linux boot protocol 2.12, Documentation/arch/x86/boot.rst)
 * and two setup sectors. A loader that runs the setup code (fwboot's
 * entry=16) enters at the jump at 0x200 with CS = the setup's segment +
 * 0x20 and DS = ES = SS = that segment. The code asks the BIOS for the
 * memory map (int 15h, e820) into the zero page's e820 table, with the
 * setup header the loader filled in makes the setup's own first 4 KiB the
 * boot_params, switches to 32-bit protected mode on its own GDT and jumps
 * to code32_start with ESI = boot_params and EAX = LX16_MAGIC (so lxtest
 * can tell the two ways in apart). Assembled into .setup, linked at 0
 * (tests/kernels/lxtest.ld, which also computes syssize and init_size):
 * a label's value is its offset in the setup, so DS-relative addresses
 * are labels and CS-relative ones are labels - 0x200. */

#define LX16_MAGIC 0x4c583136	/* "LX16" */
#define E820_TABLE 0x2d0	/* boot_params.e820_table, 20 bytes each */
#define E820_ENTRIES 0x1e8	/* boot_params.e820_entries */
#define E820_MAX 16		/* up to 0x410: the code starts after */
#define SMAP 0x534d4150

	.section .setup, "ax"
	.code16
	.global _setup_start
_setup_start:
	cli
1:	hlt
	jmp 1b

	.org 0x1f1
	.byte 2			/* setup_sects: two sectors after the boot sector */
	.word 0			/* root_flags */
	.long _lx_syssize	/* syssize: the protected-mode part, 16-byte units */
	.word 0			/* ram_size */
	.word 0xffff		/* vid_mode: normal */
	.word 0			/* root_dev */
	.word 0xAA55		/* boot_flag */

	.org 0x200
	.byte 0xeb, hdr_end - 0x202	/* jump: where the header ends */
	.ascii "HdrS"
	.word 0x020c		/* version 2.12 */
	.long 0			/* realmode_swtch */
	.word 0x1000		/* start_sys_seg */
	.word 0			/* kernel_version: none */
	.byte 0			/* type_of_loader */
	.byte 0x01		/* loadflags: LOADED_HIGH */
	.word 0x8000		/* setup_move_size */
	.long 0x100000		/* code32_start */
	.long 0			/* ramdisk_image */
	.long 0			/* ramdisk_size */
	.long 0			/* bootsect_kludge */
	.word 0			/* heap_end_ptr */
	.byte 0			/* ext_loader_ver */
	.byte 0			/* ext_loader_type */
	.long 0			/* cmd_line_ptr */
	.long 0x37ffffff	/* initrd_addr_max */
	.long 0x100000		/* kernel_alignment */
	.byte 0			/* relocatable_kernel: no, it runs where it is linked */
	.byte 0			/* min_alignment */
	.word 0			/* xloadflags */
	.long 2047		/* cmdline_size */
	.long 0			/* hardware_subarch */
	.quad 0			/* hardware_subarch_data */
	.long 0			/* payload_offset */
	.long 0			/* payload_length */
	.quad 0			/* setup_data */
	.quad 0x100000		/* pref_address */
	.long _lx_init_size	/* init_size: the image and its bss */
	.long 0			/* handover_offset */
hdr_end:
	jmp rm_start

	.org 0x420
rm_start:
	cli
	cld
	movw %cs, %ax
	subw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movzwl %ax, %esi
	shll $4, %esi		/* the setup's linear address: boot_params */

	/* the memory map, bounded by the table's room */
	xorl %ebx, %ebx
	movw $E820_TABLE, %di
	xorw %bp, %bp
1:	movl $0xe820, %eax
	movl $20, %ecx
	movl $SMAP, %edx
	int $0x15
	jc 2f
	cmpl $SMAP, %eax
	jne 2f
	incw %bp
	addw $20, %di
	testl %ebx, %ebx
	jz 2f
	cmpw $E820_MAX, %bp
	jb 1b
2:	movw %bp, %ax
	movb %al, E820_ENTRIES

	/* protected mode on this GDT, then code32_start */
	leal gdt(%esi), %eax
	movl %eax, gdtr + 2
	leal pm32(%esi), %eax
	movl %eax, farptr
	lgdtl gdtr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *farptr

	.code32
pm32:
	movw $0x18, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $LX16_MAGIC, %eax
	jmp *0x214(%esi)	/* code32_start */

	.align 8
gdt:
	.quad 0
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x10: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x18: flat data */
gdt_end:
gdtr:
	.word gdt_end - gdt - 1
	.long 0			/* base: set at run time */
farptr:
	.long 0			/* pm32's linear address: set at run time */
	.word 0x10

	.org 0x600		/* three sectors in all */
