/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's side of the seam for what fwboot's own loaders boot
 * (Multiboot 1 and 2, PVH, Linux through its 32-bit entry), the way GRUB
 * EFI does: the EFI memory map as the planners' map, the RSDP and SMBIOS
 * from the configuration table, GOP's modes as the display; then
 * ExitBootServices, and kernel/load.c's plan_run in long mode (OVMF
 * identity-maps memory; every target lies below 4 GiB) up to
 * handoff_jump, which leaves long mode through efi_leave64
 * (platform/efi/leave64.S) into boot/trampoline.S. Everything that can
 * fail fails before the first ExitBootServices call, with the firmware
 * still there. */
#include "lib/memops.h"
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "lib/inflate.h"	/* gzip_is_gzip */
#include "kernel/console.h"
#include "kernel/formats/gunzip.h"
#include "kernel/handoff.h"
#include "kernel/formats/image.h"
#include "platform/x86/io.h"
#include "kernel/formats/linux.h"
#include "kernel/load.h"
#include "kernel/formats/mb2.h"
#include "platform/efi/memmap.h"
#include "kernel/formats/pe.h"
#include "kernel/platform.h"
#include "platform/efi/gop.h"
#include "platform/efi/firmware.h"
#include "kernel/stage.h"
#include "include/status.h"
#include "kernel/steps.h"
#include "lib/str.h"

#define MAP_CAP 256	/* runs of the EFI map (merged by type) */
#define CLAIM_CAP 64	/* the claim table grows on the heap beyond this */
#define MAP_SLACK (16 * 64)	/* bytes the map may grow between the plan and ExitBootServices */
#define EXIT_TRIES 4
#define BELOW_4G 0xFFFFFFFFull

/* bit sets of EFI memory types (efi_map_covers) */
#define FREE_TYPES (1u << EFI_CONVENTIONAL_MEMORY)
#define SELF_TYPES (1u << EFI_LOADER_CODE | 1u << EFI_LOADER_DATA | 1u << EFI_BOOT_SERVICES_CODE | \
		    1u << EFI_BOOT_SERVICES_DATA)

extern char efi_leave64[], efi_leave64_end[];

static struct mem_region map_store[MAP_CAP], ram_store[MAP_CAP];
static struct mem_claim claim_store[CLAIM_CAP];
static struct mem_map mm;
static uint8_t *map_buf;	/* GetMemoryMap's buffer, map_cap bytes */
static uint64_t map_cap, map_size, map_key, desc_size;
static uint32_t desc_version;
static void *leave_page;	/* efi_leave64's copy: below 4 GiB, executable */

static int guid_eq(const struct efi_guid *a, const struct efi_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The configuration table's entry for guid, or 0. */
static uint64_t config_table(const struct efi_guid *guid)
{
	for (uint64_t i = 0; efi_st->configuration_table && i < efi_st->number_of_table_entries; i++)
		if (guid_eq(&efi_st->configuration_table[i].guid, guid))
			return (uint64_t)(uintptr_t)efi_st->configuration_table[i].table;
	return 0;
}

/* The map buffer (sized once, with room for what the firmware adds while
 * fwboot plans) and efi_leave64's page, both held until the hand-off. */
static int get_buffers(struct diag *d)
{
	char es[48];
	if (!leave_page) {
		uint64_t a = BELOW_4G;
		efi_status s = efi_st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_CODE, 1, &a);
		if (EFI_IS_ERROR(s))
			return diag_fail(d, ST_NO_MEMORY, "efi: no code page below 4 GiB for leaving long mode (%s)",
					 efi_status_str(s, es, sizeof(es)));
		leave_page = (void *)(uintptr_t)a;
		memcpy(leave_page, efi_leave64, (size_t)(efi_leave64_end - efi_leave64));
	}
	if (!map_buf) {
		uint64_t size = 0, key, dsz;
		uint32_t ver;
		efi_status s = efi_st->boot_services->get_memory_map(&size, 0, &key, &dsz, &ver);
		if (s != EFI_BUFFER_TOO_SMALL)
			return diag_fail(d, ST_INTERNAL, "efi: GetMemoryMap does not give its size (%s)",
					 efi_status_str(s, es, sizeof(es)));
		map_cap = size * 2 + MAP_SLACK;	/* the buffer's own pages and a plan's worth of changes */
		map_buf = efi_alloc_low(map_cap);
		if (!map_buf)
			return diag_fail(d, ST_NO_MEMORY, "efi: no %llu bytes for the memory map",
					 (unsigned long long)map_cap);
	}
	return 0;
}

static efi_status read_map(void)
{
	map_size = map_cap;
	return efi_st->boot_services->get_memory_map(&map_size, (struct efi_memory_descriptor *)map_buf, &map_key,
						     &desc_size, &desc_version);
}

/* Every range the hand-off writes, checked against the map of this
 * moment: what is written before the trampoline runs in conventional
 * memory, what the trampoline moves into in RAM. 0, or the reason. */
static int plan_still_fits(const struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	const char *what = "the trampoline";
	uint64_t at = sp->tramp, len = sp->tramp_size;
	int ok = efi_map_covers(map_buf, map_size, desc_size, at, len, FREE_TYPES);
	for (size_t i = 0; ok && i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (!s->len)
			continue;
		what = s->what;
		at = s->dst;
		len = s->len;
		ok = efi_map_covers(map_buf, map_size, desc_size, at, len, s->staged ? FREE_TYPES | SELF_TYPES : FREE_TYPES);
		if (ok && s->staged && s->src != SRC_ZERO) {
			at = sp->at[i];
			ok = efi_map_covers(map_buf, map_size, desc_size, at, len, FREE_TYPES);
		}
	}
	if (ok)
		return 0;
	return diag_fail(d, ST_NO_MEMORY, "efi: %s at 0x%llx-0x%llx is no longer free memory in the firmware's map "
			 "at ExitBootServices (the firmware took it after fwboot planned)", what,
			 (unsigned long long)at, (unsigned long long)(at + len - 1));
}

/* GetMemoryMap, check, fill tag 17, ExitBootServices; again on a stale
 * map key. 0 once boot services are gone. Before the first
 * ExitBootServices a failure returns (the firmware is still there); after
 * it, only GetMemoryMap and ExitBootServices may be called, so a failure
 * ends in panic on COM1. */
static int exit_boot_services(struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	char es[48];
	log_info("efi: leaving boot services; the console is COM1 alone from here");
	efi_console_leave_firmware();
	/* the payload's graphics mode: GOP is a boot service, and the
	 * firmware's console no longer draws on the screen */
	if (p->set_video) {
		int r = efi_gop_set(&p->video, d);
		if (r) {
			efi_console_back_to_firmware();
			return r;
		}
	}
	for (int i = 0; i < EXIT_TRIES; i++) {
		efi_status s = read_map();
		int r = EFI_IS_ERROR(s) ? diag_fail(d, ST_INTERNAL, "efi: GetMemoryMap failed (%s)",
						    efi_status_str(s, es, sizeof(es)))
					: plan_still_fits(p, sp, d);
		if (!r && p->efi_mmap_tag &&
		    (p->efi_mmap_fill ? p->efi_mmap_fill : p->efi_mmap_linux ? linux_efi_mmap_fill : mb2_efi_mmap_fill)(
				p->efi_mmap_info, p->efi_mmap_tag,
				p->efi_mmap_room, map_buf, map_size, (uint32_t)desc_size, desc_version))
			r = diag_fail(d, ST_NO_MEMORY, "efi: the memory map grew to %llu bytes, more than the "
				      "boot information left room for", (unsigned long long)map_size);
		if (r && i == 0) {
			efi_console_back_to_firmware();
			return r;
		}
		if (r)
			panic_diag(r, d);
		s = efi_st->boot_services->exit_boot_services(efi_image, map_key);
		if (s == EFI_SUCCESS) {
			__asm__ volatile("cli");
			log_info("efi: ExitBootServices done (map key 0x%llx, %llu descriptors of %llu bytes%s)",
				 (unsigned long long)map_key, (unsigned long long)(map_size / desc_size),
				 (unsigned long long)desc_size, i ? ", after a stale key" : "");
			return 0;
		}
		if (i == 0 && s != EFI_INVALID_PARAMETER) {
			efi_console_back_to_firmware();
			return diag_fail(d, ST_INTERNAL, "efi: ExitBootServices failed (%s)", efi_status_str(s, es, sizeof(es)));
		}
		if (s != EFI_INVALID_PARAMETER)
			panic(ST_INTERNAL, "efi: ExitBootServices failed (%s) after a stale map key",
			      efi_status_str(s, es, sizeof(es)));
		log_info("efi: ExitBootServices: the map changed (key 0x%llx is stale); reading it again",
			 (unsigned long long)map_key);
	}
	panic(ST_INTERNAL, "efi: ExitBootServices refused %d fresh memory maps", EXIT_TRIES);
}

static void log_map(void)
{
	for (size_t i = 0; i < mm.nmap; i++)
		log_info("memory: 0x%010llx-0x%010llx type %u", (unsigned long long)mm.map[i].start,
			 (unsigned long long)mm.map[i].end - 1, mm.map[i].type);
}

/* Multiboot 2 with boot services kept (header tags 7 and 9): no staging,
 * every target page taken from the firmware (AllocatePages at its address,
 * so nothing else gets it while the firmware runs), the loads, then the
 * EFI amd64 entry in long mode with EAX the magic and RBX the information
 * block. Fails cleanly, with what it took given back, until the jump. */
static uint64_t *run_start, *run_pages;	/* the page runs taken, for giving them back */
static size_t nruns;

static void keep_bs_release(void)
{
	while (nruns) {
		nruns--;
		efi_st->boot_services->free_pages(run_start[nruns], run_pages[nruns]);
	}
}

/* Every target of p, page-rounded, sorted and merged, taken from the firmware. */
static int keep_bs_take(const struct plan *p, struct diag *d)
{
	char es[48];
	nruns = 0;
	uint64_t *start = zalloc((p->nsegs + 1) * sizeof(*start)), *end = zalloc((p->nsegs + 1) * sizeof(*end));
	run_start = zalloc((p->nsegs + 1) * sizeof(*run_start));
	run_pages = zalloc((p->nsegs + 1) * sizeof(*run_pages));
	if (!start || !end || !run_start || !run_pages)
		return diag_fail(d, ST_NO_MEMORY, "efi: no memory for %zu page runs", p->nsegs);
	size_t n = 0;
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (!s->len)
			continue;
		uint64_t a = s->dst & ~0xfffULL, e = (s->dst + s->len + 0xfff) & ~0xfffULL;
		size_t k = n++;
		for (; k && start[k - 1] > a; k--) {	/* insertion sort by start */
			start[k] = start[k - 1];
			end[k] = end[k - 1];
		}
		start[k] = a;
		end[k] = e;
	}
	size_t m = 0;	/* merge overlapping and touching runs */
	for (size_t i = 0; i < n; i++) {
		if (m && start[i] <= end[m - 1]) {
			if (end[i] > end[m - 1])
				end[m - 1] = end[i];
			continue;
		}
		start[m] = start[i];
		end[m++] = end[i];
	}
	for (size_t i = 0; i < m; i++) {
		uint64_t at = start[i], pages = (end[i] - start[i]) / 4096;
		efi_status st = efi_st->boot_services->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA, pages, &at);
		if (EFI_IS_ERROR(st)) {
			keep_bs_release();
			return diag_fail(d, ST_NO_MEMORY, "efi: the firmware will not give 0x%llx-0x%llx (%s): with boot "
					 "services kept it still uses that memory", (unsigned long long)start[i],
					 (unsigned long long)end[i] - 1, efi_status_str(st, es, sizeof(es)));
		}
		run_start[nruns] = start[i];
		run_pages[nruns++] = pages;
	}
	return 0;
}

static int keep_bs_boot(struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	if (sp->nmoves)
		return diag_fail(d, ST_NO_MEMORY, "%s: with boot services kept every byte must go straight to free "
				 "memory, but %zu move%s would have to wait for the firmware to be gone (the kernel "
				 "overlaps memory the firmware or fwboot.efi use)", p->format, sp->nmoves,
				 sp->nmoves == 1 ? "" : "s");
	int r = keep_bs_take(p, d);
	if (!r && p->set_video)
		r = efi_gop_set(&p->video, d);
	if (!r)
		r = plan_load(p, sp, d);
	if (r) {
		keep_bs_release();
		return r;
	}
	log_notice("boot: %s EFI amd64 entry 0x%x in long mode, boot services kept (eax 0x%x rbx 0x%x)", p->format,
		   p->entry, p->regs.eax, p->regs.ebx);
	steps_report();
	__asm__ volatile("jmp *%2" : : "a"(p->regs.eax), "b"((uint64_t)p->regs.ebx), "c"((uint64_t)p->entry)
			 : "memory");
	__builtin_unreachable();
}

static struct video_caps display;

/* The map and tables the planners work from, for the log. */
static void log_env(const struct boot_env *env)
{
	char vs[160];
	log_info("efi: memory map: %llu descriptors, %zu runs by type (boot services and loader memory count "
		 "as fwboot's until the hand-off)", (unsigned long long)(map_size / desc_size), mm.nmap);
	log_map();
	log_info("video: %s", video_caps_str(env->video, vs, sizeof(vs)));
	log_info("acpi: RSDP at 0x%llx, SMBIOS at 0x%llx (the EFI configuration table)",
		 (unsigned long long)env->rsdp, (unsigned long long)env->smbios);
}


int platform_boot_env(struct boot_env *env, struct diag *d)
{
	static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_10_TABLE_GUID,
				     smbios3 = EFI_SMBIOS3_TABLE_GUID, smbios2 = EFI_SMBIOS_TABLE_GUID;
	char es[48];
	int r = get_buffers(d);
	if (r)
		return r;
	efi_status s = read_map();
	if (EFI_IS_ERROR(s))
		return diag_fail(d, ST_INTERNAL, "efi: GetMemoryMap failed (%s)", efi_status_str(s, es, sizeof(es)));
	mem_init(&mm, map_store, MAP_CAP, ram_store, MAP_CAP, claim_store, CLAIM_CAP);
	r = efi_map_read(map_buf, map_size, desc_size, &mm, d);
	if (r)
		return r;
	env->mem = &mm;
	env->rsdp = config_table(&acpi20);
	if (!env->rsdp)
		env->rsdp = config_table(&acpi10);
	env->smbios = config_table(&smbios3);
	if (!env->smbios)
		env->smbios = config_table(&smbios2);
	efi_gop_probe(&display);
	env->video = &display;
	env->efi_systab = (uint64_t)(uintptr_t)efi_st;
	env->efi_image = (uint64_t)(uintptr_t)efi_image;
	env->efi_mmap_cap = (uint32_t)map_cap;
	env->firmware_machine = PE_MACHINE_X64;
	env->no_real_mode = "UEFI";
	static int logged;
	if (!logged++)	/* once: a script's retries would repeat it */
		log_env(env);
	return 0;
}

int platform_handoff(struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	steps_calibrate();
	if (p->efi_keep_bs)
		return keep_bs_boot(p, sp, d);
	int r = exit_boot_services(p, sp, d);
	if (r)
		return r;
	steps_mark(STEP_HANDOFF);	/* ExitBootServices */
	r = plan_run(p, sp, d);
	panic_diag(r, d);	/* boot services are gone: nowhere to return to */
}

/* Pages taken for inflating a kernel: the largest free run of the map
 * below 4 GiB (above 1 MiB), as fwboot.elf inflates into its largest free
 * range, so what fits there fits here; the unused part goes back after. */
static struct mem_region room_map[1], room_ram[1];
static struct mem_claim room_claims[4];
static struct mem_map room;
static uint64_t room_at, room_pages;

int platform_inflate_room(const struct file *k, struct boot_env *env, struct mem_map **out, struct diag *d)
{
	char es[48];
	uint64_t at, len;
	room_pages = 0;
	if (mem_largest_free(env->mem, MEM_LOW_END, MEM_4G, 4096, &at, &len))
		return diag_fail(d, ST_NO_MEMORY, "gzip: no free memory below 4 GiB to inflate %s in", k->name);
	uint64_t pages = len / 4096;
	efi_status s = efi_st->boot_services->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA, pages, &at);
	if (EFI_IS_ERROR(s))
		return diag_fail(d, ST_NO_MEMORY, "gzip: the firmware will not give its free memory 0x%llx-0x%llx "
				 "to inflate %s in (%s)", (unsigned long long)at, (unsigned long long)(at + len - 1),
				 k->name, efi_status_str(s, es, sizeof(es)));
	room_at = at;
	room_pages = pages;
	mem_init(&room, room_map, 1, room_ram, 1, room_claims, 4);
	mem_add(&room, at, pages * 4096, MEM_AVAILABLE);
	mem_finish(&room);
	*out = &room;
	return 0;
}

/* Keep the pages the inflated kernel fills (claimed in the attempt's map,
 * as fwboot's own), give back the rest of the run. */
void platform_inflate_done(struct boot_env *env, struct mem_map *r)
{
	uint64_t keep_lo = 0, keep_hi = 0;
	for (size_t i = 0; i < r->nclaims; i++)
		if (r->claims[i].end > r->claims[i].start) {
			keep_lo = r->claims[i].start & ~0xfffull;
			keep_hi = (r->claims[i].end + 0xfff) & ~0xfffull;
		}
	if (!room_pages)
		return;
	if (keep_hi > keep_lo) {
		mem_claim(env->mem, keep_lo, keep_hi - keep_lo, CLAIM_SELF, "inflated kernel", 0);
		if (keep_lo > room_at)
			efi_st->boot_services->free_pages(room_at, (keep_lo - room_at) / 4096);
		if (room_at + room_pages * 4096 > keep_hi)
			efi_st->boot_services->free_pages(keep_hi, (room_at + room_pages * 4096 - keep_hi) / 4096);
		efi_pages_adopt(keep_lo, (keep_hi - keep_lo) / 4096);
	} else {
		efi_st->boot_services->free_pages(room_at, room_pages);
	}
	room_pages = 0;
}

/* Long mode off, paging off, into the trampoline: efi_leave64's copy. */
void handoff_jump(uint64_t tramp, struct tramp_params *pa)
{
	void (EFIAPI *leave)(struct tramp_params *, uint64_t) = (void (EFIAPI *)(struct tramp_params *, uint64_t))leave_page;
	leave(pa, tramp);
	cpu_halt_forever();
}
