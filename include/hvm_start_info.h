/* SPDX-License-Identifier: BSD-2-Clause */
/* PVH direct boot (Xen's x86/HVM start-of-day ABI, as QEMU and qboot use it
 * for ELF kernels): the ELF note that names the 32-bit entry and the
 * structures the kernel receives in EBX. Facts from Xen's public headers
 * (elfnote.h, arch-x86/hvm/start_info.h) and docs/misc/pvh.pandoc.
 * Little-endian; written through byteorder.h at these offsets. */
#ifndef FWBOOT_HVM_START_INFO_H
#define FWBOOT_HVM_START_INFO_H

#ifndef __ASSEMBLER__	/* boot/pvh.S takes the numbers only */
#include <stddef.h>
#include <stdint.h>
#endif

/* ELF note: owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY, value the 32-bit
 * physical entry address (4 bytes, or 8 in some 64-bit images). */
#define PVH_NOTE_OWNER "Xen"
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* ELF note header: namesz, descsz, type; name and desc padded to 4. */
#define ELF_NOTE_HDR 12

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
#define PVH_START_INFO_VERSION 1	/* version 1 adds the memory map */

#ifndef __ASSEMBLER__

/* Start of day structure, version 1. A zero address means "not present". */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;		/* SIF_xxx: none apply outside Xen */
	uint32_t nr_modules;
	uint64_t modlist_paddr;	/* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;	/* NUL-terminated */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;	/* struct hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries;
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "hvm_start_info layout");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "hvm_start_info layout");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "hvm_start_info layout");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "hvm_start_info layout");

#define HSI_MAGIC 0
#define HSI_VERSION 4
#define HSI_FLAGS 8
#define HSI_NR_MODULES 12
#define HSI_MODLIST_PADDR 16
#define HSI_CMDLINE_PADDR 24
#define HSI_RSDP_PADDR 32
#define HSI_MEMMAP_PADDR 40
#define HSI_MEMMAP_ENTRIES 48

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16, "hvm_modlist_entry layout");

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;		/* XEN_HVM_MEMMAP_TYPE_*: the e820 numbers */
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry layout");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "hvm_memmap_table_entry layout");

#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5

#endif /* __ASSEMBLER__ */
#endif
