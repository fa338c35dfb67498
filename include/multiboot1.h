/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 1 (GNU Multiboot specification 0.6.96): the facts fwboot uses. */
#ifndef FWBOOT_MULTIBOOT1_H
#define FWBOOT_MULTIBOOT1_H

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define MB1_SEARCH 8192		/* header within the first 8 KiB, 4-aligned */

/* header flags */
#define MB1_HF_PAGE_ALIGN 0x00000001
#define MB1_HF_MEMORY_INFO 0x00000002
#define MB1_HF_VIDEO_MODE 0x00000004
#define MB1_HF_AOUT_KLUDGE 0x00010000
#define MB1_HF_MANDATORY_MASK 0x0000ffff

/* header field offsets */
#define MB1_H_FLAGS 4
#define MB1_H_CHECKSUM 8
#define MB1_H_HEADER_ADDR 12
#define MB1_H_LOAD_ADDR 16
#define MB1_H_LOAD_END_ADDR 20
#define MB1_H_BSS_END_ADDR 24
#define MB1_H_ENTRY_ADDR 28
#define MB1_H_MODE_TYPE 32
#define MB1_H_WIDTH 36
#define MB1_H_HEIGHT 40
#define MB1_H_DEPTH 44
#define MB1_MODE_LINEAR 0	/* mode_type: linear graphics; 1 is EGA text */
#define MB1_H_SIZE_AOUT 32
#define MB1_H_SIZE_VIDEO 48

/* info flags */
#define MB1_IF_MEMORY (1u << 0)
#define MB1_IF_BOOTDEV (1u << 1)
#define MB1_IF_CMDLINE (1u << 2)
#define MB1_IF_MODS (1u << 3)
#define MB1_IF_ELF_SHDR (1u << 5)	/* syms: the ELF section header table */
#define MB1_IF_MMAP (1u << 6)
#define MB1_IF_LOADER_NAME (1u << 9)
#define MB1_IF_FRAMEBUFFER (1u << 12)

/* info block offsets */
#define MB1_I_FLAGS 0
#define MB1_I_MEM_LOWER 4
#define MB1_I_MEM_UPPER 8
#define MB1_I_CMDLINE 16
#define MB1_I_MODS_COUNT 20
#define MB1_I_MODS_ADDR 24
#define MB1_I_SHDR_NUM 28
#define MB1_I_SHDR_SIZE 32
#define MB1_I_SHDR_ADDR 36
#define MB1_I_SHDR_SHNDX 40
#define MB1_I_MMAP_LENGTH 44
#define MB1_I_MMAP_ADDR 48
#define MB1_I_LOADER_NAME 64
#define MB1_I_FB_ADDR 88
#define MB1_I_FB_PITCH 96
#define MB1_I_FB_WIDTH 100
#define MB1_I_FB_HEIGHT 104
#define MB1_I_FB_BPP 108
#define MB1_I_FB_TYPE 109
#define MB1_INFO_SIZE 120	/* through the framebuffer fields (116), padded */

#define MB1_MOD_SIZE 16		/* start, end, string, reserved */
#define MB1_MMAP_ENTRY_SIZE 24	/* u32 size (= 20), u64 addr, u64 len, u32 type */

#define MB1_FB_TYPE_EGA_TEXT 2

#endif
