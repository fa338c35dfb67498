/* SPDX-License-Identifier: BSD-2-Clause */
/* What the files of platform/bios share among themselves (not the seam:
 * that is kernel/platform.h). */
#ifndef FWBOOT_BIOS_H
#define FWBOOT_BIOS_H

#include "kernel/physmap.h"
#include "kernel/video.h"
#include "platform/bios/bootinfo.h"

/* The machine (machine.c): the loader's memory map, the display. */
extern struct mem_map bios_mm;
extern struct video_caps bios_video;
void bios_map_init(void);
/* The heap, in the map: high memory on a roomy machine, else low; panics
 * when there is none. */
void bios_heap_setup(void);
/* ACPI, SMBIOS and BIOS services, for every boot attempt. */
void bios_machine_probe(const struct loader_info *li);
/* ACPI's RSDP: named by a PVH loader, else found in the BIOS areas on
 * first need (machine.c); 0: none. */
uint64_t bios_rsdp(void);

/* Also write to the VGA text screen (on: a VGA is there) or stop (off). */
void vga_text_enable(int on);

#endif
