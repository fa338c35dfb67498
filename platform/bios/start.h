/* SPDX-License-Identifier: BSD-2-Clause */
/* The start protocols' readers, one file each: what the loader handed
 * over (command line, memory map, RSDP) into the map and loader_info that
 * main.c works from. Each panics with the reason when the hand-over is
 * unusable, and claims in m whatever of it must survive until copied. */
#ifndef FWBOOT_START_H
#define FWBOOT_START_H

#include <stdint.h>
#include "platform/bios/bootinfo.h"
#include "kernel/physmap.h"

/* start_mb.c: Multiboot 1 (QEMU's -kernel on pc and microvm, GRUB's
 * `multiboot`) or 2 (GRUB's `multiboot2`), told apart by magic. */
void start_read_multiboot(uint32_t magic, uint32_t info_addr, struct mem_map *m, struct loader_info *li);

/* start_pvh.c: a PVH loader's hvm_start_info (boot/pvh.S's entry). */
void start_read_pvh(uint32_t info_addr, struct mem_map *m, struct loader_info *li);

#endif
