/* fwboot_main: fwboot.elf and fwboot-pvh.elf on a BIOS machine (SeaBIOS,
 * qboot, GRUB, a PVH loader). Set up the platform (console, what the loader
 * handed over, memory, heap, display, firmware tables), then run the one
 * front end (kernel/frontend.c). Also this platform's side of the seam
 * (kernel/platform.h): the boot environment, the hand-off. */
#include <stdint.h>
#include "kernel/alloc.h"
#include "kernel/console.h"
#include "kernel/frontend.h"
#include "kernel/heap.h"
#include "kernel/load.h"
#include "kernel/physmap.h"
#include "kernel/platform.h"
#include "kernel/steps.h"
#include "kernel/video.h"
#include "include/hvm_start_info.h"	/* XEN_HVM_START_MAGIC_VALUE: boot/pvh.S's EAX */
#include "include/status.h"
#include "lib/str.h"
#include "platform/bios/acpi.h"
#include "platform/bios/bios.h"
#include "platform/bios/start.h"
#include "platform/x86/uart.h"

#define LOADER_NAME "fwboot " FWBOOT_VERSION
#define MAP_CAP 256
#define BOOT_CLAIMS 64
#define HEAP_MAX (16u << 20)
#define HEAP_MIN (1u << 20)
#define HEAP_ROOMY (32u << 20)	/* RAM above 1 MiB from which the heap goes high */
#define HEAP_LOW_MAX (256u << 10)	/* conventional memory: what a small boot needs */
#define HEAP_SMALL (64u << 10)	/* the least fwboot starts with */

extern char _image_start[], _image_end[];

static struct mem_region map_store[MAP_CAP], ram_store[MAP_CAP];
static struct mem_claim boot_claims[BOOT_CLAIMS];
static struct mem_map mm;
static struct video_caps video;
static uint64_t rsdp, smbios;
static int no_bios;

/* RAM that can be had in one piece inside [lo, hi): the largest run of a
 * power-of-two size between min and max that mem_alloc finds (probing only). */
static uint32_t heap_probe(uint64_t lo, uint64_t hi, uint32_t max, uint32_t min, uint64_t *at)
{
	for (uint32_t size = max; size >= min; size /= 2) {
		size_t claims = mm.nclaims;
		if (!mem_alloc(&mm, size, 4096, lo, hi, MEM_TOP_DOWN, CLAIM_SELF, "fwboot heap", at, 0))
			return size;
		mm.nclaims = claims;
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
static void setup_heap(void)
{
	uint64_t at = 0, high = mem_avail_at(&mm, MEM_LOW_END);
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
	log_info("memory: heap 0x%llx-0x%llx (%u KiB)", (unsigned long long)at,
		 (unsigned long long)(at + size - 1), size / 1024);
	heap_init((uintptr_t)at, size);
}

/* "Multiboot 1", "PVH (start info version 1 at 0x...)" for the log. */
static void log_start(const struct loader_info *li, uint32_t info_addr)
{
	const char *by = li->loader_name ? li->loader_name : "an unnamed loader";
	if (li->protocol == START_PVH)
		log_info("boot: started by %s through PVH (start info version %u at 0x%x)", by, li->version,
			 info_addr);
	else
		log_info("boot: started by %s through Multiboot %d", by, li->protocol);
	if (li->nr_modules)
		log_notice("boot: ignoring the %u modules the loader passed (fwboot's files come from fw_cfg)",
			   li->nr_modules);
}

void fwboot_main(uint32_t magic, uint32_t info_addr)
{
	struct loader_info li;
	steps_start();
	uart_init();
	video_probe(&video);
	vga_text_enable(video.vga_text);
	/* what the loader handed over, through the reader of the protocol that
	 * started fwboot (boot/pvh.S puts the PVH magic in EAX) */
	mem_init(&mm, map_store, MAP_CAP, ram_store, MAP_CAP, boot_claims, BOOT_CLAIMS);
	if (magic == XEN_HVM_START_MAGIC_VALUE)
		start_read_pvh(info_addr, &mm, &li);
	else
		start_read_multiboot(magic, info_addr, &mm, &li);
	frontend_console(li.cmdline);
	log_start(&li, info_addr);
	mem_claim(&mm, 0, 0x500, CLAIM_FIRMWARE, "BIOS interrupt table and data area", 0);
	mem_claim(&mm, (uintptr_t)_image_start, (uintptr_t)(_image_end - _image_start), CLAIM_SELF,
		  "fwboot image", 0);
	for (size_t i = 0; i < mm.nmap; i++)
		log_info("memory: 0x%010llx-0x%010llx type %u", (unsigned long long)mm.map[i].start,
			 (unsigned long long)mm.map[i].end - 1, mm.map[i].type);
	setup_heap();
	{
		char vs[160];
		log_info("video: %s", video_caps_str(&video, vs, sizeof(vs)));
	}
	rsdp = li.rsdp ? li.rsdp : acpi_find_rsdp();	/* PVH names it; else the BIOS areas */
	if (li.rsdp)	/* only then: on pc the screen's 25 rows hold fwboot's whole log */
		log_info("acpi: RSDP at 0x%llx, named by the loader", (unsigned long long)li.rsdp);
	smbios = smbios_find_entry();
	no_bios = !bios_vectors_set();

	struct frontend_start st = { li.cmdline, cmdline_path_rule(li.loader_name, li.protocol), LOADER_NAME };
	frontend_run(&st);
	panic(ST_INTERNAL, "boot: the payload came back, and a BIOS boot has nowhere to return to");
}

/* ---- the seam (kernel/platform.h) ---- */

int platform_boot_env(struct boot_env *env, struct diag *d)
{
	(void)d;
	env->mem = &mm;
	env->video = &video;
	env->rsdp = rsdp;
	env->smbios = smbios;
	env->no_bios = no_bios;
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
