/* fwboot_main: read what the loader gave, find the file in fw_cfg, plan,
 * load, hand off. Every failure ends in panic() with its reason. */
#include <stdint.h>
#include "memfn.h"	/* memcpy and kin: lib/mem.c, or the host libc */
#include "acpi.h"
#include "alloc.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "cpio.h"
#include "fmt.h"
#include "fw_cfg.h"
#include "gunzip.h"
#include "heap.h"
#include "hvm_start_info.h"	/* XEN_HVM_START_MAGIC_VALUE: boot/pvh.S's EAX */
#include "image.h"
#include "inflate.h"	/* gzip_is_gzip: the inflate progress line */
#include "load.h"
#include "mem.h"
#include "pin.h"
#include "script.h"
#include "start.h"
#include "steps.h"
#include "status.h"
#include "str.h"
#include "timer.h"
#include "video.h"

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
static struct boot_env env = { .mem = &mm, .video = &video };
static struct fw_cfg_entry *dir;
static size_t ndir;

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

static void list_directory(void)
{
	console_printf("fwboot: fw_cfg directory (%zu files):\n", ndir);
	for (size_t i = 0; i < ndir; i++)
		console_printf("  %-55s %10u bytes  key 0x%04x\n", dir[i].name, dir[i].size, dir[i].key);
}

/* Open a fw_cfg file by name, or a member of a cpio bundle in one
 * ("archive#member"); the reason names what is missing. */
/* Member indexes of the bundles opened so far, so that a thousand
 * "archive#member" opens read each header once. Opens happen outside boot
 * attempts (the command line, a script's commands), so the heap they take
 * is never given back under them. */
#define BUNDLE_INDEXES 8
static struct cpio_index bundle_indexes[BUNDLE_INDEXES];
static unsigned bundle_next;

static struct cpio_index *bundle_index(const struct file *archive)
{
	for (int i = 0; i < BUNDLE_INDEXES; i++)
		if (cpio_index_holds(&bundle_indexes[i], archive))
			return &bundle_indexes[i];
	return &bundle_indexes[bundle_next++ % BUNDLE_INDEXES];	/* unused first, then the oldest */
}

static int open_file(const char *name, struct file **out, struct diag *d)
{
	const char *hash = str_chr(name, '#');
	size_t n = hash ? (size_t)(hash - name) : str_len(name);
	char item[FW_CFG_MAX_NAME + 1];
	if (n > FW_CFG_MAX_NAME)
		return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%.*s\" (names have at most %d characters)",
				 (int)n, name, FW_CFG_MAX_NAME);
	memcpy(item, name, n);
	item[n] = 0;
	int i = fw_cfg_dir_lookup(dir, ndir, item);
	if (i < 0)
		return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%s\"", item);
	struct file *f = zalloc(sizeof(*f));
	if (!f)
		return diag_fail(d, ST_NO_MEMORY, "no memory");
	f->name = name;
	f->key = dir[i].key;
	f->size = dir[i].size;
	if (hash) {
		f->name = dir[i].name;	/* cpio_find names the member "archive#member" */
		struct file *m = zalloc(sizeof(*m));
		if (!m)
			return diag_fail(d, ST_NO_MEMORY, "no memory");
		int r = cpio_find_indexed(bundle_index(f), f, hash + 1, m, d);
		if (r)
			return r;
		f = m;
	}
	*out = f;
	return 0;
}

static void print_member(void *ctx, const struct cpio_entry *e)
{
	(void)ctx;
	console_printf("  %-55s %10llu bytes\n", e->name, (unsigned long long)e->size);
}

/* For "archive#member" whose archive exists: list its members, 1. */
static int list_bundle(const char *name)
{
	const char *hash = str_chr(name, '#');
	char item[FW_CFG_MAX_NAME + 1];
	size_t n = hash ? (size_t)(hash - name) : 0;
	if (!hash || n > FW_CFG_MAX_NAME)
		return 0;
	memcpy(item, name, n);
	item[n] = 0;
	int i = fw_cfg_dir_lookup(dir, ndir, item);
	if (i < 0)
		return 0;
	struct file a = { dir[i].name, dir[i].key, 0, dir[i].size, 0 };
	struct diag d;
	console_printf("fwboot: members of the bundle %s:\n", item);
	if (cpio_list(&a, print_member, 0, &d))
		console_printf("  (%s)\n", d.msg);
	return 1;
}

static struct file *open_or_panic(const char *name)
{
	struct diag d;
	struct file *f = 0;
	int r = open_file(name, &f, &d);
	if (r == -ST_NOT_FOUND && list_bundle(name))
		panic(r, "open: %s (see the bundle's members above)", d.msg);
	if (r == -ST_NOT_FOUND) {
		list_directory();
		panic(r, "open: %s (see the directory above)", d.msg);
	}
	if (r)
		panic(r, "open: %s", d.msg);
	log_info("open: %s (key 0x%04x, %llu bytes)", name, f->key, (unsigned long long)f->size);
	return f;
}

/* Every pinned file of the request, hashed before anything is planned. */
static int check_pins(const struct boot_request *req, struct diag *d)
{
	int r = pin_check(req->kernel, d);
	for (size_t i = 0; !r && i < req->nmods; i++)
		r = pin_check(req->mods[i].file, d);
	if (r)
		return r;
	if (pin_of(req->kernel))
		log_info("pin: %s matches its sha256 pin", req->kernel->name);
	for (size_t i = 0; i < req->nmods; i++)
		if (pin_of(req->mods[i].file))
			log_info("pin: %s matches its sha256 pin", req->mods[i].file->name);
	return 0;
}

/* Plan and carry out one boot; returns only on failure. */
static int boot_attempt(const struct boot_request *req, struct diag *d)
{
	struct boot_request plain;
	d->msg[0] = 0;
	int r = check_pins(req, d);
	steps_mark(STEP_PINS);
	if (r)
		return r;
	uint8_t magic[3];
	/* inflating is slow under TCG (tens of MiB/s): say so before it starts */
	if (req->kernel->size >= sizeof(magic) && !file_read(req->kernel, 0, magic, sizeof(magic)) &&
	    gzip_is_gzip(magic, sizeof(magic)))
		log_info("gzip: inflating %s (%llu bytes)", req->kernel->name,
			 (unsigned long long)req->kernel->size);
	r = gunzip_kernel(req, &mm, &plain, d);
	steps_mark(STEP_INFLATE);
	if (r)
		return r;
	if (d->msg[0])
		log_info("%s", d->msg);
	if (plain.kernel != req->kernel)
		log_info("gzip: %s inflated to %llu bytes", plain.kernel->name, (unsigned long long)plain.kernel->size);
	req = &plain;
	const struct file *k = req->kernel;
	size_t n = k->size < IMAGE_HEADER_WINDOW ? (size_t)k->size : IMAGE_HEADER_WINDOW;
	uint8_t *hdr = zalloc(n ? n : 1);
	if (!hdr)
		return diag_fail(d, ST_NO_MEMORY, "image: fwboot's own heap is full (%zu of %zu bytes free), "
				 "no room for a %zu-byte header window", heap_free_bytes(), heap_size(), n);
	r = file_read(k, 0, hdr, n);
	if (r)
		return diag_fail(d, -r, "image: cannot read the start of %s", k->name);
	struct plan p;
	memset(&p, 0, sizeof(p));
	r = image_plan(req, hdr, n, &env, &p, d);
	if (!r) {
		if (p.note[0])
			log_info("%s", p.note);
		log_info("image: %s is %s, %zu segments, entry 0x%x", k->name, p.format, p.nsegs, p.entry);
		steps_mark(STEP_PLAN);
		r = plan_execute(&p, &mm, d);
	}
	return r;
}

/* Add to a "does not fit" reason what RAM there is and what fwboot holds. */
static void explain_memory(struct diag *d)
{
	uint64_t ram = 0;
	for (size_t i = 0; i < mm.nram; i++)
		ram += mm.ram[i].end - mm.ram[i].start;
	size_t n = str_len(d->msg);
	fmt_snprintf(d->msg + n, sizeof(d->msg) - n,
		     "; the memory map offers %llu KiB of RAM, fwboot holds %u KiB of it (its image) and a "
		     "%zu KiB heap", (unsigned long long)(ram / 1024),
		     (unsigned)((uintptr_t)(_image_end - _image_start) / 1024), heap_size() / 1024);
}

/* One boot attempt that gives back everything it took when it fails (its
 * heap and its memory claims), so a script may retry forever. */
static int boot_request(const struct boot_request *req, struct diag *d)
{
	size_t claims = mm.nclaims, claimcap = mm.claimcap;
	struct mem_claim *table = mm.claims;
	uintptr_t mark = heap_mark();
	int r = boot_attempt(req, d);
	if (r == -ST_NO_MEMORY)
		explain_memory(d);
	if (mm.claims != table)	/* the table grew into the heap given back below */
		memcpy(table, mm.claims, claims * sizeof(*table));
	mm.claims = table;
	mm.claimcap = claimcap;
	mm.nclaims = claims;
	heap_release(mark);
	return r;
}

/* Read what the loader gave fwboot into mm and li, through the reader of
 * the protocol that started it (boot/pvh.S puts the PVH magic in EAX). */
static void read_loader_info(uint32_t magic, uint32_t info_addr, struct loader_info *li)
{
	mem_init(&mm, map_store, MAP_CAP, ram_store, MAP_CAP, boot_claims, BOOT_CLAIMS);
	if (magic == XEN_HVM_START_MAGIC_VALUE)
		start_read_pvh(info_addr, &mm, li);
	else
		start_read_multiboot(magic, info_addr, &mm, li);
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

static int script_open(void *ctx, const char *name, struct file **out, struct diag *d)
{
	(void)ctx;
	int r = open_file(name, out, d);
	if (!r)
		log_info("open: %s (%llu bytes)", name, (unsigned long long)(*out)->size);
	return r;
}

static int script_boot(void *ctx, const struct boot_request *req, struct diag *d)
{
	steps_mark(STEP_SCRIPT);
	struct boot_request r = *req;
	r.loader_name = LOADER_NAME;
	r.format = ((const struct boot_request *)ctx)->format;
	r.entry = ((const struct boot_request *)ctx)->entry;
	return boot_request(&r, d);
}

static void script_print(void *ctx, const char *s)
{
	(void)ctx;
	console_write(s);
}

static void script_sleep(void *ctx, unsigned seconds)
{
	(void)ctx;
	sleep_seconds(seconds);
}

#define SCRIPT_PROBE 16		/* enough for "#!fwboot" and what follows */

/* Boot the file the command line named: a script runs (its `boot` comes
 * back through boot_request), anything else is probed and booted. */
static int boot_named(const struct boot_request *req, struct diag *d)
{
	const struct file *k = req->kernel;
	uint8_t head[SCRIPT_PROBE];
	size_t n = k->size < sizeof(head) ? (size_t)k->size : sizeof(head);
	int r = file_read(k, 0, head, n);
	if (r)
		return diag_fail(d, -r, "image: cannot read the start of %s", k->name);
	if (!script_detect(head, n))
		return boot_request(req, d);

	if (req->nmods || *req->args)
		log_notice("script: %s takes no initrd= or arguments; ignoring them", k->name);
	char *text = zalloc((size_t)k->size + 1);
	if (!text)
		return diag_fail(d, ST_NO_MEMORY, "script %s: no memory for %llu bytes", k->name,
				 (unsigned long long)k->size);
	r = file_read(k, 0, text, k->size);
	if (r)
		return diag_fail(d, -r, "script %s: cannot read it", k->name);
	log_info("script: running %s", k->name);
	struct script_env env = { (void *)req, script_open, script_boot, script_print, script_sleep,
				  FWBOOT_VERSION };
	r = script_run(&env, k->name, text, (size_t)k->size, d);
	if (r == 0)
		return diag_fail(d, ST_SCRIPT, "script %s: ended without booting anything", k->name);
	return r;
}

void fwboot_main(uint32_t magic, uint32_t info_addr)
{
	struct diag d;
	struct loader_info li;
	steps_start();
	serial_init();
	video_probe(&video);
	console_vga_enable(video.vga_text);
	read_loader_info(magic, info_addr, &li);
	console_set_level((enum console_level)cmdline_verbosity(li.cmdline));
	if (console_get_level() > CONSOLE_QUIET)
		console_write("\nfwboot " FWBOOT_VERSION ": boot files from QEMU's fw_cfg\n");
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
	env.rsdp = li.rsdp ? li.rsdp : acpi_find_rsdp();	/* PVH names it; else the BIOS areas */
	if (li.rsdp)	/* only then: on pc the screen's 25 rows hold fwboot's whole log */
		log_info("acpi: RSDP at 0x%llx, named by the loader", (unsigned long long)li.rsdp);
	env.smbios = smbios_find_entry();
	env.no_bios = !bios_vectors_set();

	size_t len = str_len(li.cmdline);
	char *cl = zalloc(len + 1);
	if (!cl)
		panic(ST_NO_MEMORY, "cmdline: no memory for %zu bytes", len);
	memcpy(cl, li.cmdline, len);
	log_info("cmdline: \"%s\"", cl);
	struct cmdline c;
	int r = cmdline_parse_from(cl, cmdline_path_rule(li.loader_name, li.protocol),
				   &c, &d);
	if (r)
		panic_diag(r, &d);
	steps_mark(STEP_SETUP);

	r = fw_cfg_init(c.fw_cfg_mode, &d);
	if (r)
		panic_diag(r, &d);
	r = fw_cfg_read_dir(&dir, &ndir, &d);
	if (r)
		panic_diag(r, &d);
	log_info("fw_cfg: %s, %zu files", fw_cfg_method(), ndir);
	steps_mark(STEP_FW_CFG);
	if (c.list) {
		list_directory();
		fwboot_exit(ST_LIST);
	}
	if (console_get_level() == CONSOLE_VERBOSE)
		list_directory();

	struct boot_request req;
	memset(&req, 0, sizeof(req));
	struct file *kf = open_or_panic(c.name);
	if (c.sha256 && pin_set(kf, c.sha256))
		panic(ST_NO_MEMORY, "pin: no memory");
	req.kernel = kf;
	req.args = c.args;
	req.format = c.format;
	req.entry = c.entry;
	req.loader_name = LOADER_NAME;
	req.mods = zalloc((c.ninitrds + 1) * sizeof(*req.mods));
	if (!req.mods)
		panic(ST_NO_MEMORY, "cmdline: no memory");
	for (size_t i = 0; i < c.ninitrds; i++) {
		struct file *mf = open_or_panic(c.initrds[i]);
		if (c.initrd_sha256[i] && pin_set(mf, c.initrd_sha256[i]))
			panic(ST_NO_MEMORY, "pin: no memory");
		req.mods[i].file = mf;
		req.mods[i].args = "";
	}
	req.nmods = c.ninitrds;
	steps_mark(STEP_OPEN);

	r = boot_named(&req, &d);
	panic_diag(r, &d);
}
