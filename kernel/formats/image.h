/* SPDX-License-Identifier: BSD-2-Clause */
/* Image types: a fixed-order table of {name, probe, plan}. A file carrying
 * several formats boots as the first that accepts it. */
#ifndef FWBOOT_IMAGE_H
#define FWBOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/physmap.h"
#include "kernel/plan.h"
#include "kernel/request.h"

#define IMAGE_HEADER_WINDOW 32768	/* Multiboot 2 looks this far; others less */

/* What the machine and the loader that started fwboot offer the payload. */
struct boot_env {
	struct mem_map *mem;
	uint64_t rsdp;		/* ACPI RSDP address, 0 if none found */
	uint64_t smbios;	/* SMBIOS entry point address, 0 if none found */
	int smbios3;		/* it is a 64-bit ("_SM3_") entry point */
	int64_t boot_time;	/* UNIX time at the attempt (the RTC), 0 unknown */
	const uint8_t *madt;	/* a copy of ACPI's MADT ("APIC"), for loaders that start CPUs; NULL none */
	uint32_t madt_len;
	/* What the plan about to be made passes on (want: ENV_* below) is
	 * filled here, on first need: where finding rsdp and smbios costs a
	 * search (a BIOS scans memory for them), and the MADT's copy and the
	 * clock (kernel/frontend.c). NULL: all is filled already. */
	void (*find_tables)(struct boot_env *env, unsigned want);
	const struct video_caps *video;	/* the display; NULL: none */
	/* UEFI (fwboot.efi), after ExitBootServices; 0 under a BIOS */
	uint64_t efi_systab;	/* the EFI system table */
	uint32_t efi_mmap_cap;	/* bytes the EFI memory map may take at ExitBootServices */
	uint64_t efi_image;	/* fwboot.efi's image handle: boot services can be kept (tag 20) */
	/* fwboot.elf: no real-mode BIOS services (the interrupt vectors do
	 * not point into a BIOS ROM, as under microvm's qboot): a Linux setup
	 * code cannot run */
	int no_bios;
/* how a refusal says so */
#define NO_BIOS_SERVICES "this machine has no BIOS services (no interrupt vector points into a BIOS ROM, " \
	"as under microvm's qboot)"
	/* the COFF machine of the EFI images the firmware can start itself
	 * (0x8664 under 64-bit UEFI); 0: no such firmware */
	uint16_t firmware_machine;
	/* where real mode cannot be entered (UEFI: no BIOS under the
	 * firmware), the platform's name for the refusal; NULL elsewhere */
	const char *no_real_mode;
	/* the machine has no platform timer Xen can use (no HPET, no ACPI PM
	 * timer, no PIT gate at port 0x61: microvm), and why; NULL elsewhere */
	const char *no_platform_timer;
};

#define ENV_RSDP 1
#define ENV_SMBIOS 2
#define ENV_MADT 4		/* env->madt, a copy of ACPI's MADT */
#define ENV_TIME 8		/* env->boot_time, the clock at the attempt */

struct image_type {
	const char *name;
	/* 0 when hdr (the file's first bytes) is this format; else the reason. */
	int (*probe)(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
	/* or, for a format whose probe depends on the machine (EFI images): */
	int (*probe_env)(const struct file *f, const uint8_t *hdr, size_t len, const struct boot_env *env,
			 struct diag *d);
	/* Decide every address and build the info blocks; touch nothing. */
	int (*plan)(const struct boot_request *req, const uint8_t *hdr, size_t len,
		    struct boot_env *env, struct plan *p, struct diag *d);
};

/* Probe in the documented order (or the forced req->format) and plan. */
int image_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	       struct boot_env *env, struct plan *p, struct diag *d);

/* Join name and args with a space ("name" alone when args is empty), in zalloc'd memory. */
char *image_join_args(const char *name, const char *args);

#endif
