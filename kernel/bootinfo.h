/* What the loader that started fwboot told it: Multiboot 1 from QEMU's
 * -kernel or GRUB's `multiboot`, Multiboot 2 from GRUB's `multiboot2`. */
#ifndef FWBOOT_BOOTINFO_H
#define FWBOOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "mem.h"

#define MB2_BOOTLOADER_MAGIC_IN 0x36D76289

struct loader_info {
	const char *cmdline;	/* "" when none */
	const char *loader_name;	/* NULL when none */
};

/*
 * Read a Multiboot 2 boot information block (buf[0..len), len >= its
 * total_size): command line, loader name, and the memory map (or, without
 * one, the basic memory sizes) into m. Pointers point into buf. Pure.
 */
int mb2_info_read(const uint8_t *buf, size_t len, struct loader_info *li, struct mem_map *m,
		  struct diag *d);

#endif
