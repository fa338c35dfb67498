/* SPDX-License-Identifier: BSD-2-Clause */
/* The BIOS machine as fwboot.elf finds it: the loader's memory map with
 * what fwboot holds claimed, the heap in it, the display, ACPI, SMBIOS and
 * whether BIOS services are there; and this platform's side of the seam
 * (kernel/platform.h) that describes and hands over the machine. */
#include <stdint.h>
#include "kernel/console.h"
#include "lib/noclear.h"
#include "kernel/heap.h"
#include "kernel/load.h"
#include "kernel/platform.h"
#include "include/status.h"
#include "platform/bios/acpi.h"
#include "platform/bios/bios.h"

#define MAP_CAP 256
#define BOOT_CLAIMS 64
#define HEAP_MAX (16u << 20)
#define HEAP_MIN (1u << 20)
#define HEAP_ROOMY (32u << 20)	/* RAM above 1 MiB from which the heap goes high */
#define HEAP_LOW_MAX (256u << 10)	/* conventional memory: what a small boot needs */
#define HEAP_SMALL (64u << 10)	/* the least fwboot starts with */

/* Tables with their own counts (mem_init sets them): boot/entry.S need
 * not clear their 12 KiB (lib/noclear.h). */
static struct mem_region map_store[MAP_CAP] NOCLEAR, ram_store[MAP_CAP] NOCLEAR;
static struct mem_claim boot_claims[BOOT_CLAIMS] NOCLEAR;
struct mem_map bios_mm;
struct video_caps bios_video;
static uint64_t rsdp, smbios;
static int rsdp_known, smbios_known;	/* looked for (or named by the loader) */
static int no_bios;
static const char *no_timer;

void bios_map_init(void)
{
	mem_init(&bios_mm, map_store, MAP_CAP, ram_store, MAP_CAP, boot_claims, BOOT_CLAIMS);
}

/* RAM that can be had in one piece inside [lo, hi): the largest run of a
 * power-of-two size between min and max that mem_alloc finds (probing only). */
static uint32_t heap_probe(uint64_t lo, uint64_t hi, uint32_t max, uint32_t min, uint64_t *at)
{
	for (uint32_t size = max; size >= min; size /= 2) {
		size_t claims = bios_mm.nclaims;
		if (!mem_alloc(&bios_mm, size, 4096, lo, hi, MEM_TOP_DOWN, CLAIM_SELF, "fwboot heap", at, 0))
			return size;
		bios_mm.nclaims = claims;
	}
	return 0;
}

/* Real-mode BIOS services: the interrupt vectors a Linux setup code calls
 * (INT 10h, 15h, 16h at 0x40, 0x54, 0x58) point into the BIOS ROM area
 * (0xC0000-0xFFFFF). qboot (microvm) leaves the table empty, and its PVH
 * start puts the ELF header there. */
static int bios_vectors_set(void)
{
	const volatile uint32_t *ivt;
	__asm__("" : "=r"(ivt) : "0"(0x40));	/* an address the compiler cannot see as out of bounds */
	static const uint8_t at[] = { 0, 5, 6 };
	for (size_t i = 0; i < sizeof(at); i++) {
		uint32_t v = ivt[at[i]], lin = (v >> 16) * 16 + (v & 0xffff);
		if (lin < 0xC0000 || lin >= 0x100000)
			return 0;
	}
	return 1;
}

/*
 * The heap: high memory (top down, up to HEAP_MAX) on a machine with room
 * to spare; on a small one (less than HEAP_ROOMY above 1 MiB) conventional
 * memory first, so what RAM there is above 1 MiB stays for the payload,
 * which is where payloads want to be. Fails, saying how much it needs, only
 * when neither has HEAP_SMALL in one piece.
 */
void bios_heap_setup(void)
{
	uint64_t at = 0, high = mem_avail_at(&bios_mm, MEM_LOW_END);
	uint32_t size = 0;
	if (high >= HEAP_ROOMY)
		size = heap_probe(MEM_LOW_END, MEM_4G, HEAP_MAX, HEAP_MIN, &at);
	if (!size)
		size = heap_probe(0x500, MEM_LOW_END, HEAP_LOW_MAX, HEAP_SMALL, &at);
	if (!size)
		size = heap_probe(MEM_LOW_END, MEM_4G, HEAP_MIN, HEAP_SMALL, &at);
	if (!size)
		panic(ST_NO_MEMORY, "memory: fwboot needs %u KiB of free RAM in one piece for its heap, below 640 KiB "
		      "or above 1 MiB (this machine has %llu KiB from 1 MiB)", HEAP_SMALL / 1024,
		      (unsigned long long)(high / 1024));
	log_info("memory: heap 0x%llx-0x%llx (%u KiB); the firmware's map has %zu ranges", (unsigned long long)at,
		 (unsigned long long)(at + size - 1), size / 1024, bios_mm.nmap);
	heap_init((uintptr_t)at, size);
}

/* The RSDP: named by a PVH loader, else found in the BIOS areas, once and
 * only when something needs it (a scan of 128 KiB is most of what fwboot
 * would otherwise do before a boot). */
uint64_t bios_rsdp(void)
{
	if (!rsdp_known)
		rsdp = acpi_find_rsdp();
	rsdp_known = 1;
	return rsdp;
}

static void bios_find_tables(struct boot_env *env, unsigned want)
{
	if (want & ENV_RSDP)
		env->rsdp = bios_rsdp();
	if ((want & ENV_SMBIOS) && !smbios_known) {
		smbios = smbios_find_entry();
		smbios_known = 1;
	}
	if (smbios_known)
		env->smbios = smbios;
}

void bios_machine_probe(const struct loader_info *li)
{
	if (li->rsdp) {	/* only then: on pc the screen's 25 rows hold fwboot's whole log */
		rsdp = li->rsdp;
		rsdp_known = 1;
		log_info("acpi: RSDP at 0x%llx, named by the loader", (unsigned long long)li->rsdp);
	}
	no_bios = !bios_vectors_set();
	no_timer = acpi_no_platform_timer(bios_rsdp);
}

/* ---- the seam (kernel/platform.h) ---- */

int platform_boot_env(struct boot_env *env, struct diag *d)
{
	(void)d;
	env->mem = &bios_mm;
	env->video = &bios_video;
	env->rsdp = rsdp_known ? rsdp : 0;
	env->smbios = smbios_known ? smbios : 0;
	env->find_tables = bios_find_tables;
	env->no_bios = no_bios;
	env->no_platform_timer = no_timer;
	return 0;
}

/* The machine's own map: gunzip_kernel claims what it uses in it. */
int platform_inflate_room(const struct file *k, struct boot_env *env, struct mem_map **room, struct diag *d)
{
	(void)k;
	(void)d;
	*room = env->mem;
	return 0;
}

void platform_inflate_done(struct boot_env *env, struct mem_map *room)
{
	(void)env;
	(void)room;
}

/* Nothing taken from a firmware: the claims in mm are the front end's to restore. */
uintptr_t platform_mark(void)
{
	return 0;
}

void platform_release(uintptr_t mark)
{
	(void)mark;
}

int platform_handoff(struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	return plan_run(p, sp, d);
}

int platform_run_firmware_image(const struct boot_request *req, struct diag *d)
{
	return diag_fail(d, ST_PLATFORM, "image: %s is an EFI image, which only UEFI firmware can start "
			 "(boot it with fwboot.efi)", req->kernel->name);
}
