/* SPDX-License-Identifier: BSD-2-Clause */
/* What the loader that started fwboot told it: Multiboot 1 from QEMU's
 * -kernel or GRUB's `multiboot`, Multiboot 2 from GRUB's `multiboot2`, an
 * hvm_start_info from a PVH loader (QEMU and qboot for fwboot-pvh.elf). */
#ifndef FWBOOT_BOOTINFO_H
#define FWBOOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/cmdline.h"
#include "lib/diag.h"
#include "kernel/physmap.h"

#define MB2_BOOTLOADER_MAGIC_IN 0x36D76289

/* The start protocols are kernel/cmdline.h's START_*, as cmdline_path_rule takes them. */

struct loader_info {
	const char *cmdline;	/* "" when none */
	const char *loader_name;	/* NULL when none */
	int protocol;		/* START_* */
	uint64_t rsdp;		/* the ACPI RSDP the loader named; 0: search for it */
	uint32_t nr_modules;	/* modules the loader passed (fwboot's come from fw_cfg) */
	uint32_t version;	/* PVH: the start info's version */
};

/*
 * Read a Multiboot 2 boot information block (buf[0..len), len >= its
 * total_size): command line, loader name, and the memory map (or, without
 * one, the basic memory sizes) into m. Pointers point into buf. Pure.
 */
int mb2_info_read(const uint8_t *buf, size_t len, struct loader_info *li, struct mem_map *m,
		  struct diag *d);

/*
 * The bytes [addr, addr + len) of guest-physical memory, or NULL when out
 * of reach (the target: above 4 GiB; the host tests: outside their buffer).
 */
typedef const uint8_t *(*phys_window_fn)(void *ctx, uint64_t addr, uint64_t len);

#define PVH_CMDLINE_MAX (1u << 20)	/* a command line without a NUL this far is refused */

/*
 * Read a PVH hvm_start_info at si_addr (version 1 or later: version 0 has
 * no memory map, which fwboot needs): the command line (pointer into guest
 * memory), the memory map into m (empty entries skipped, as qboot's table
 * ends with one), the RSDP address and the module count into li. Every
 * address goes through at(); a missing piece is named. Pure.
 */
int pvh_info_read(phys_window_fn at, void *ctx, uint64_t si_addr, struct loader_info *li,
		  struct mem_map *m, struct diag *d);

#endif
