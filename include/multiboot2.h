/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 2 (GNU Multiboot2 specification 2.0): the facts fwboot uses.
 * Every structure is little-endian and read or written through the
 * byteorder.h helpers at these offsets; the structs exist for the
 * _Static_asserts that tie the offsets to the layout. */
#ifndef FWBOOT_MULTIBOOT2_H
#define FWBOOT_MULTIBOOT2_H

#include <stddef.h>
#include <stdint.h>

#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB2_SEARCH 32768	/* header wholly within the first 32 KiB */
#define MB2_HEADER_ALIGN 8
#define MB2_TAG_ALIGN 8		/* header tags and info tags alike */
#define MB2_INFO_ALIGN 8

#define MB2_ARCH_I386 0
#define MB2_ARCH_MIPS32 4

/* ---- the header ---- */

struct mb2_header_fixed {
	uint32_t magic, architecture, header_length, checksum;
};
_Static_assert(sizeof(struct mb2_header_fixed) == 16, "multiboot2 header layout");

#define MB2_H_ARCH 4
#define MB2_H_LENGTH 8
#define MB2_H_CHECKSUM 12
#define MB2_H_TAGS 16

/* header tag: u16 type, u16 flags, u32 size (padding to 8 not counted) */
struct mb2_header_tag {
	uint16_t type, flags;
	uint32_t size;
};
_Static_assert(sizeof(struct mb2_header_tag) == 8, "multiboot2 header tag layout");

#define MB2_HT_TYPE 0
#define MB2_HT_FLAGS 2
#define MB2_HT_SIZE 4
#define MB2_HT_OPTIONAL 0x0001	/* flags bit 0: the loader may ignore the tag */

#define MB2_HTAG_END 0
#define MB2_HTAG_INFO_REQUEST 1
#define MB2_HTAG_ADDRESS 2
#define MB2_HTAG_ENTRY 3
#define MB2_HTAG_CONSOLE 4
#define MB2_HTAG_FRAMEBUFFER 5
#define MB2_HTAG_MODULE_ALIGN 6
#define MB2_HTAG_EFI_BS 7
#define MB2_HTAG_ENTRY_EFI32 8
#define MB2_HTAG_ENTRY_EFI64 9
#define MB2_HTAG_RELOCATABLE 10

/* information request: u32 requested info tag types follow the 8 bytes */
#define MB2_HT_REQ_TYPES 8

struct mb2_header_address {
	struct mb2_header_tag tag;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
};
_Static_assert(sizeof(struct mb2_header_address) == 24, "multiboot2 address tag layout");
_Static_assert(offsetof(struct mb2_header_address, bss_end_addr) == 20, "multiboot2 address tag layout");

#define MB2_HT_HEADER_ADDR 8
#define MB2_HT_LOAD_ADDR 12
#define MB2_HT_LOAD_END_ADDR 16
#define MB2_HT_BSS_END_ADDR 20
#define MB2_LOAD_FROM_START 0xFFFFFFFFu	/* load_addr -1: load the file from its first byte */

struct mb2_header_entry {
	struct mb2_header_tag tag;
	uint32_t entry_addr;
};
_Static_assert(sizeof(struct mb2_header_entry) == 12, "multiboot2 entry tag layout");

#define MB2_HT_ENTRY_ADDR 8

struct mb2_header_console {
	struct mb2_header_tag tag;
	uint32_t console_flags;
};
_Static_assert(sizeof(struct mb2_header_console) == 12, "multiboot2 console tag layout");

#define MB2_HT_CONSOLE_FLAGS 8
#define MB2_CONSOLE_REQUIRED 0x1
#define MB2_CONSOLE_EGA_TEXT 0x2

struct mb2_header_framebuffer {
	struct mb2_header_tag tag;
	uint32_t width, height, depth;
};
_Static_assert(sizeof(struct mb2_header_framebuffer) == 20, "multiboot2 framebuffer tag layout");

#define MB2_HT_FB_WIDTH 8
#define MB2_HT_FB_HEIGHT 12
#define MB2_HT_FB_DEPTH 16

struct mb2_header_relocatable {
	struct mb2_header_tag tag;
	uint32_t min_addr, max_addr, align, preference;
};
_Static_assert(sizeof(struct mb2_header_relocatable) == 24, "multiboot2 relocatable tag layout");
_Static_assert(offsetof(struct mb2_header_relocatable, preference) == 20, "multiboot2 relocatable tag layout");

#define MB2_HT_MIN_ADDR 8
#define MB2_HT_MAX_ADDR 12
#define MB2_HT_ALIGN 16
#define MB2_HT_PREFERENCE 20
#define MB2_RELOC_PREF_NONE 0
#define MB2_RELOC_PREF_LOWEST 1
#define MB2_RELOC_PREF_HIGHEST 2

/* ---- the boot information ---- */

/* fixed part: u32 total_size, u32 reserved; then tags {u32 type, u32 size} */
struct mb2_info_fixed {
	uint32_t total_size, reserved;
};
_Static_assert(sizeof(struct mb2_info_fixed) == 8, "multiboot2 info layout");

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE_ADDR 21

struct mb2_tag {
	uint32_t type, size;
};
_Static_assert(sizeof(struct mb2_tag) == 8, "multiboot2 info tag layout");

/* module: start, end (exclusive), then the NUL-terminated string */
struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start, mod_end;
};
_Static_assert(sizeof(struct mb2_tag_module) == 16, "multiboot2 module tag layout");

struct mb2_tag_basic_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower, mem_upper;	/* KiB */
};
_Static_assert(sizeof(struct mb2_tag_basic_meminfo) == 16, "multiboot2 meminfo tag layout");

/* memory map: entry_size, entry_version, then entries */
struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
};
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "multiboot2 mmap tag layout");

struct mb2_mmap_entry {
	uint64_t base_addr, length;
	uint32_t type, reserved;
};
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry layout");

#define MB2_MMAP_ENTRY_VERSION 0

/* framebuffer: the common part; type 2 (EGA text) has no colour info.
 * The specification's table shows one reserved byte, GRUB and the
 * example header two: fwboot writes the 32-byte form. */
struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp, framebuffer_type;
	uint16_t reserved;
};
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "multiboot2 framebuffer tag layout");
_Static_assert(offsetof(struct mb2_tag_framebuffer, framebuffer_bpp) == 28, "multiboot2 framebuffer tag layout");

#define MB2_FB_TYPE_EGA_TEXT 2

/* ELF sections (type 9) as GRUB 2 writes it: num, entsize and shndx as
 * u32 (the specification's text shows u16 fields and a reserved u16; kernels
 * and tboot read GRUB's layout), then num section headers. */
struct mb2_tag_elf_sections {
	struct mb2_tag tag;
	uint32_t num, entsize, shndx;
};
_Static_assert(sizeof(struct mb2_tag_elf_sections) == 20, "multiboot2 ELF sections tag layout");

struct mb2_tag_load_base {
	struct mb2_tag tag;
	uint32_t load_base_addr;
};
_Static_assert(sizeof(struct mb2_tag_load_base) == 12, "multiboot2 load base tag layout");

/* ACPI RSDP (ACPI 6.x 5.2.5.3): 20 bytes in revision 0, `length` bytes
 * (36 today) from revision 2 on, with an extended checksum over all. */
#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDP_REVISION 15
#define ACPI_RSDP_LENGTH 20
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_MIN_LEN 36

#endif
