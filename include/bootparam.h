/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux/x86 boot protocol (Documentation/arch/x86/boot.rst, zero-page.rst):
 * the setup header inside a bzImage and the boot_params page ("zero page")
 * a 32-bit loader builds. Offsets are from the start of the file, which are
 * also the offsets inside boot_params (the header sits at the same place). */
#ifndef FWBOOT_BOOTPARAM_H
#define FWBOOT_BOOTPARAM_H

#define LINUX_SECTOR 512
#define LINUX_DEFAULT_SETUP_SECTS 4	/* setup_sects 0 means 4 */
#define LINUX_HDRS_MAGIC 0x53726448	/* "HdrS" read little-endian */
#define LINUX_BOOT_FLAG 0xAA55
#define LINUX_HIGH_LOAD 0x100000	/* where a bzImage's protected-mode part goes */
#define LINUX_OLD_INITRD_MAX 0x37FFFFFF	/* initrd_addr_max before 2.03 */
#define LINUX_OLD_CMDLINE_MAX 255	/* cmdline_size before 2.06 */
#define LINUX_LOADER_UNDEFINED 0xFF	/* type_of_loader: no assigned id */

/* setup header fields: offset (protocol version that introduced it) */
#define LH_SETUP_SECTS 0x1F1		/* u8, all */
#define LH_SYSSIZE 0x1F4		/* u32, 2.04+ (u16 before) */
#define LH_VID_MODE 0x1FA		/* u16, all */
#define LH_BOOT_FLAG 0x1FE		/* u16, all */
#define LH_JUMP 0x200			/* u16: 0xEB, offset to the header's end from 0x202 */
#define LH_HEADER 0x202			/* u32 "HdrS", 2.00+ */
#define LH_VERSION 0x206		/* u16 */
#define LH_TYPE_OF_LOADER 0x210		/* u8 */
#define LH_LOADFLAGS 0x211		/* u8 */
#define LH_CODE32_START 0x214		/* u32 */
#define LH_RAMDISK_IMAGE 0x218		/* u32 */
#define LH_RAMDISK_SIZE 0x21C		/* u32 */
#define LH_HEAP_END_PTR 0x224		/* u16, 2.01+ */
#define LH_CMD_LINE_PTR 0x228		/* u32, 2.02+ */
#define LH_INITRD_ADDR_MAX 0x22C	/* u32, 2.03+ */
#define LH_KERNEL_ALIGNMENT 0x230	/* u32, 2.05+ */
#define LH_RELOCATABLE 0x234		/* u8, 2.05+ */
#define LH_MIN_ALIGNMENT 0x235		/* u8, 2.10+ (log2) */
#define LH_XLOADFLAGS 0x236		/* u16, 2.12+ */
#define LH_CMDLINE_SIZE 0x238		/* u32, 2.06+ */
#define LH_PREF_ADDRESS 0x258		/* u64, 2.10+ */
#define LH_INIT_SIZE 0x260		/* u32, 2.10+ */

/* loadflags */
#define LF_LOADED_HIGH 0x01
#define LF_CAN_USE_HEAP 0x80

/* vid_mode values the vga= option names */
#define LINUX_VID_NORMAL 0xFFFF
#define LINUX_VID_EXT 0xFFFE
#define LINUX_VID_ASK 0xFFFD

/* screen_info at the start of boot_params (include/uapi/linux/screen_info.h) */
#define SI_ORIG_X 0x00			/* u8: text cursor column */
#define SI_ORIG_Y 0x01			/* u8: text cursor row */
#define SI_ORIG_VIDEO_PAGE 0x04		/* u16 */
#define SI_ORIG_VIDEO_MODE 0x06		/* u8: BIOS mode, 3 = 80x25 colour text */
#define SI_ORIG_VIDEO_COLS 0x07		/* u8 */
#define SI_ORIG_VIDEO_EGA_BX 0x0A	/* u16: int 10h AH=12h BL=10h answer; low byte 0x10 means no EGA */
#define SI_ORIG_VIDEO_LINES 0x0E	/* u8 */
#define SI_ORIG_VIDEO_ISVGA 0x0F	/* u8: 1 = VGA text, VIDEO_TYPE_VLFB = linear framebuffer */
#define SI_ORIG_VIDEO_POINTS 0x10	/* u16: character height */
#define SI_LFB_WIDTH 0x12		/* u16 */
#define SI_LFB_HEIGHT 0x14		/* u16 */
#define SI_LFB_DEPTH 0x16		/* u16: bits per pixel */
#define SI_LFB_BASE 0x18		/* u32 */
#define SI_LFB_SIZE 0x1C		/* u32: in 64 KiB units for VIDEO_TYPE_VLFB */
#define SI_LFB_LINELENGTH 0x24		/* u16: bytes per line */
#define SI_RED_SIZE 0x26		/* then red_pos, green_size, green_pos, blue_size, blue_pos, rsvd_size, rsvd_pos */
#define SI_PAGES 0x32			/* u16 */
#define SI_SIZE 0x40
#define VIDEO_TYPE_VGA_TEXT 1		/* what the setup code stores for a VGA */
#define VIDEO_TYPE_VLFB 0x23		/* VESA VGA in graphic mode */

/* boot_params (the zero page) outside the setup header */
#define BP_SIZE 4096
#define BP_ACPI_RSDP_ADDR 0x070		/* u64 */
#define BP_EFI_INFO 0x1C0		/* struct efi_info: the EFI system table and memory map */
#define BP_EFI_SIGNATURE 0x1C0		/* u32 "EL64": a 64-bit firmware's */
#define BP_EFI_SYSTAB 0x1C4		/* u32, and its high half at 0x1D8 */
#define BP_EFI_MEMDESC_SIZE 0x1C8	/* u32 */
#define BP_EFI_MEMDESC_VERSION 0x1CC	/* u32 */
#define BP_EFI_MEMMAP 0x1D0		/* u32, and its high half at 0x1DC */
#define BP_EFI_MEMMAP_SIZE 0x1D4	/* u32 */
#define BP_EFI_SYSTAB_HI 0x1D8
#define BP_EFI_MEMMAP_HI 0x1DC
#define BP_E820_ENTRIES 0x1E8		/* u8 */
#define BP_HDR_START LH_SETUP_SECTS	/* the setup header is copied from here... */
#define BP_HDR_LIMIT 0x290		/* ...and cannot reach past this (edd_mbr_sig_buffer) */
#define BP_E820_TABLE 0x2D0		/* {u64 addr, u64 size, u32 type}[128] */
#define BP_E820_ENTRY_SIZE 20
#define BP_E820_MAX 128

_Static_assert(BP_E820_TABLE + BP_E820_MAX * BP_E820_ENTRY_SIZE <= BP_SIZE, "e820 table fits the zero page");
_Static_assert(LH_INIT_SIZE + 4 <= BP_HDR_LIMIT, "header fields lie inside the header hole");
_Static_assert(BP_E820_ENTRIES < BP_HDR_START, "e820_entries precedes the setup header");

/* The real-mode (16-bit) entry's segment layout, as boot.rst suggests for
 * protocol 2.02+: setup code, then stack and heap up to LINUX_RM_HEAP_END,
 * then the command line. The entry is (segment + 0x20):0000. */
#define LINUX_RM_SETUP_MAX 0x8000
#define LINUX_RM_HEAP_END 0xE000
#define LINUX_RM_ENTRY_SEG_OFFSET 0x20

#endif
