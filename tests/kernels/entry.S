/* SPDX-License-Identifier: BSD-2-Clause */
/* mbtest entry: the Multiboot 1 header, then record the machine state the
 * loader handed over before anything can change it, take a stack, call C.
 *
 * Build-time switches (-D):
 *   MBTEST_AOUT         header carries the a.out kludge (flag bit 16)
 *   MBTEST_LOAD_TO_EOF  with MBTEST_AOUT: load_end_addr = 0 (whole file)
 *   MBTEST_LOW          add a segment below 1 MiB (.lowdata + .lowbss)
 *   MBTEST_FAKE_MAGIC   false magics (bad checksums) before the real header,
 *                       as grub.lkrn has one in its code
 *
 * The entry code is position-independent up to the absolute jump into C, so
 * it runs correctly where a loader puts it even when the ELF entry is a
 * virtual address (mbtest-vaddr). All absolute references go to sections
 * whose virtual and physical addresses agree. */

#define MB1_MAGIC		0x1BADB002
#define MB1_PAGE_ALIGN		(1 << 0)
#define MB1_MEMORY_INFO		(1 << 1)
#define MB1_AOUT_KLUDGE		(1 << 16)

#ifdef MBTEST_AOUT
#define MB1_FLAGS (MB1_PAGE_ALIGN | MB1_MEMORY_INFO | MB1_AOUT_KLUDGE)
#else
#define MB1_FLAGS (MB1_PAGE_ALIGN | MB1_MEMORY_INFO)
#endif

#define STACK_SIZE 16384
#define STACK_MARK 0x5ca1ab1e

/* Known bytes before the header: an a.out loader must count load_addr from
 * the file offset of the header minus (header_addr - load_addr). */
	.section .mbtest_pre, "a"
	.global _pre_start, _pre_end
_pre_start:
	.set mbtest_i, 0
	.rept 48
	.byte (0xa0 + mbtest_i) & 0xff
	.set mbtest_i, mbtest_i + 1
	.endr
_pre_end:

	.section .multiboot, "a"
	.align 4
#ifdef MBTEST_FAKE_MAGIC
	.long MB1_MAGIC, 0x00000003, 0	/* magic, flags, a wrong checksum */
	.long MB1_MAGIC			/* a lone magic: its "checksum" is the real magic */
	.word 0				/* a magic off the 4-byte grid: no candidate */
	.long MB1_MAGIC
	.word 0
#endif
	.global mb1_header
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
#ifdef MBTEST_AOUT
	.long mb1_header	/* header_addr */
	.long _load_start	/* load_addr */
#ifdef MBTEST_LOAD_TO_EOF
	.long 0			/* load_end_addr: to the end of the file */
#else
	.long _load_end		/* load_end_addr */
#endif
	.long _bss_end		/* bss_end_addr */
	.long _start		/* entry_addr */
#endif

	.section .mbtest_entry, "ax"
	.code32
	.global _start
_start:
	/* Nothing here may touch EFLAGS.IF, DF or a segment register before
	 * they are recorded. mov does not change flags. */
	movl %eax, boot_eax
	movl %ebx, boot_ebx
	movl %esp, boot_esp
	movl $stack_top, %esp
	pushfl
	popl boot_eflags
	movl %cr0, %eax
	movl %eax, boot_cr0
	movw %cs, boot_cs
	movw %ds, boot_ds
	movw %es, boot_es
	movw %ss, boot_ss
	movw %fs, boot_fs
	movw %gs, boot_gs
	sgdt boot_gdtr

	/* Where are we really running? (the loader may have translated a
	 * virtual entry address) */
	call 1f
1:	popl %eax
	subl $(1b - _start), %eax
	movl %eax, boot_entry

	/* Do SS, DS and ES address the same memory? Push through SS, read
	 * back through DS and ES. */
	pushl $STACK_MARK
	movl %esp, %ecx
	xorl %edx, %edx
	cmpl $STACK_MARK, (%ecx)
	jne 2f
	cmpl $STACK_MARK, %es:(%ecx)
	jne 2f
	incl %edx
2:	movl %edx, boot_stack_same
	popl %eax

	cld
	pushl boot_ebx
	pushl boot_eax
	movl $mbtest_main, %eax	/* absolute: C lives where vaddr == paddr */
	call *%eax
3:	cli
	hlt
	jmp 3b

/* The loader's registers, recorded before the bss check: in .data, with
 * values no loader would hand over, so "never written" is visible. */
	.section .data
	.align 4
	.global boot_eax, boot_ebx, boot_esp, boot_eflags, boot_cr0, boot_entry
	.global boot_cs, boot_ds, boot_es, boot_ss, boot_fs, boot_gs
	.global boot_stack_same, a20_probe, boot_gdtr
boot_eax:	.long 0xdeadbeef
boot_ebx:	.long 0xdeadbeef
boot_esp:	.long 0xdeadbeef
boot_eflags:	.long 0xdeadbeef
boot_cr0:	.long 0xdeadbeef
boot_entry:	.long 0xdeadbeef
boot_stack_same: .long 0xdeadbeef
a20_probe:	.long 0x12345678
boot_cs:	.word 0xdead
boot_ds:	.word 0xdead
boot_es:	.word 0xdead
boot_ss:	.word 0xdead
boot_fs:	.word 0xdead
boot_gs:	.word 0xdead
	.align 4
boot_gdtr:	.word 0		/* limit, then the 32-bit base */
		.long 0

/* Known data at the end of the loaded image (the linker scripts put this
 * section last before the bss): byte i = (i*151 + (i>>8)*17 + 5) & 0xff.
 * tests/boot/harness.py knows the same formula. */
	.section .mbtest_pattern, "a"
	.global _pattern_start
_pattern_start:
	.set mbtest_i, 0
	.rept 4099
	.byte (mbtest_i * 151 + (mbtest_i >> 8) * 17 + 5) & 0xff
	.set mbtest_i, mbtest_i + 1
	.endr

#ifdef MBTEST_LOW
/* The segment below 1 MiB: 6000 bytes of known data (same formula, seed
 * 0x3b), then 2 KiB that the loader must zero. */
	.section .lowdata, "a"
	.global _lowdata_start
_lowdata_start:
	.set mbtest_i, 0
	.rept 6000
	.byte (mbtest_i * 151 + (mbtest_i >> 8) * 17 + 0x3b) & 0xff
	.set mbtest_i, mbtest_i + 1
	.endr

	.section .lowbss, "aw", @nobits
	.global _lowbss_start, _lowbss_end
_lowbss_start:
	.skip 2048
_lowbss_end:
#endif

/* The stack sits at the start of .bss, below the part the C code checks. */
	.section .bss.stack, "aw", @nobits
	.align 16
stack_bottom:
	.skip STACK_SIZE
stack_top:
