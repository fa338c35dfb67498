/* lxtest's real-mode part: the boot sector's setup header fields and the
 * header proper (Linux boot protocol 2.12, Documentation/arch/x86/boot.rst),
 * one setup sector. Its code is not run: lxtest is entered at code32_start
 * (entry=32); a loader that runs the setup code finds a halt loop.
 * Assembled into .setup, linked at 0 (tests/kernels/lxtest.ld), which
 * also computes syssize and init_size. */

	.section .setup, "ax"
	.code16
	.global _setup_start
_setup_start:
	cli
1:	hlt
	jmp 1b

	.org 0x1f1
	.byte 1			/* setup_sects: the sector after the boot sector */
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

	.org 0x400		/* two sectors in all */
