/* SPDX-License-Identifier: BSD-2-Clause */
/* The front end: what fwboot does on every platform, top to bottom. */
#include "kernel/frontend.h"
#include "kernel/alloc.h"
#include "kernel/acpi.h"
#include "kernel/console.h"
#include "kernel/files.h"
#include "kernel/formats/gunzip.h"
#include "kernel/formats/image.h"
#include "kernel/fw_cfg.h"
#include "kernel/heap.h"
#include "kernel/load.h"
#include "kernel/keys.h"
#include "kernel/measure.h"
#include "kernel/physmap.h"
#include "kernel/pin.h"
#include "kernel/platform.h"
#include "kernel/script/script.h"
#include "kernel/smbios.h"
#include "kernel/steps.h"
#include "include/status.h"
#include "lib/byteorder.h"
#include "lib/fmt.h"
#include "lib/inflate.h"	/* gzip_is_gzip: the inflate progress line */
#include "lib/memops.h"
#include "lib/str.h"

#define SCRIPT_PROBE 16		/* enough for "#!fwboot" and what follows */

void frontend_console(const char *cmdline)
{
	console_set_level((enum console_level)cmdline_verbosity(cmdline));
	if (console_get_level() > CONSOLE_QUIET)
		console_write("\nfwboot " FWBOOT_VERSION ": boot files from QEMU's fw_cfg\n");
}

static struct file *open_or_panic(const char *name)
{
	struct diag d;
	struct file *f = 0;
	int r = files_open(name, &f, &d);
	if (r == -ST_NOT_FOUND) {
		const char *what = files_list_instead(name);
		panic(r, "open: %s (see the %s above)", d.msg, what);
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

/* Measured boot: the files as stored (PCR 9), then the command lines
 * handed over (PCR 8), before anything is planned from them. */
static int measure_request(const struct boot_request *req, struct diag *d)
{
	int r = measure_file(req->kernel, d);
	for (size_t i = 0; !r && i < req->nmods; i++)
		r = measure_file(req->mods[i].file, d);
	if (!r)
		r = measure_string("kernel_cmdline: ", req->args ? req->args : "", d);
	for (size_t i = 0; !r && i < req->nmods; i++)
		if (req->mods[i].args && *req->mods[i].args)
			r = measure_string("module_cmdline: ", req->mods[i].args, d);
	return r;
}

/* A gzip-compressed kernel inflated where the platform has room. */
static int inflate_kernel(const struct boot_request *req, struct boot_env *env, struct boot_request *plain,
			  struct diag *d)
{
	uint8_t magic[3];
	*plain = *req;
	if (req->kernel->size < sizeof(magic) || file_read(req->kernel, 0, magic, sizeof(magic)) ||
	    !gzip_is_gzip(magic, sizeof(magic)))
		return 0;
	/* inflating is slow under TCG (tens of MiB/s): say so before it starts */
	log_info("gzip: inflating %s (%llu bytes)", req->kernel->name, (unsigned long long)req->kernel->size);
	struct mem_map *room;
	int r = platform_inflate_room(req->kernel, env, &room, d);
	if (r)
		return r;
	r = gunzip_kernel(req, room, plain, d);
	platform_inflate_done(env, room);
	if (r)
		return r;
	if (d->msg[0])
		log_info("%s", d->msg);
	log_info("gzip: %s inflated to %llu bytes", plain->kernel->name, (unsigned long long)plain->kernel->size);
	return 0;
}

/* Add to a "does not fit" reason what RAM there is and what fwboot holds. */
static void explain_memory(const struct mem_map *mm, struct diag *d)
{
	uint64_t ram = mem_ram_bytes(mm), self = 0;
	for (size_t i = 0; i < mm->nclaims; i++)
		if (mm->claims[i].kind == CLAIM_SELF)
			self += mm->claims[i].end - mm->claims[i].start;
	size_t n = str_len(d->msg);
	fmt_snprintf(d->msg + n, sizeof(d->msg) - n,
		     "; the memory map offers %llu KiB of RAM, fwboot holds %llu KiB of it (its image, heap "
		     "and working copies)", (unsigned long long)(ram / 1024), (unsigned long long)(self / 1024));
}

static int attempt(const struct boot_request *req, struct boot_env *env, struct diag *d)
{
	struct boot_request plain;
	d->msg[0] = 0;
	int r = check_pins(req, d);
	steps_mark(STEP_PINS);
	if (!r)
		r = measure_request(req, d);
	if (r)
		return r;
	r = inflate_kernel(req, env, &plain, d);
	steps_mark(STEP_INFLATE);
	if (r)
		return r;
	d->msg[0] = 0;
	const struct file *k = plain.kernel;
	size_t n = k->size < IMAGE_HEADER_WINDOW ? (size_t)k->size : IMAGE_HEADER_WINDOW;
	uint8_t *hdr = alloc_filled(n ? n : 1);
	if (!hdr)
		return diag_fail(d, ST_NO_MEMORY, "image: fwboot's own heap is full (%zu of %zu bytes free), "
				 "no room for a %zu-byte header window", heap_free_bytes(), heap_size(), n);
	r = file_read(k, 0, hdr, n);
	if (r)
		return diag_fail(d, -r, "image: cannot read the start of %s", k->name);
	struct plan p;
	memset(&p, 0, sizeof(p));
	r = image_plan(&plain, hdr, n, env, &p, d);
	if (r)
		return r;
	if (p.firmware_image)
		return platform_run_firmware_image(&plain, d);
	if (p.note[0])
		log_info("%s", p.note);
	log_info("image: %s is %s, %zu segments, entry 0x%llx", k->name, p.format, p.nsegs,
		 (unsigned long long)(p.mode == ENTRY_LONG64 ? p.lm_entry : p.entry));
	if (p.mode == ENTRY_REAL16 && env->no_real_mode)
		return diag_fail(d, ST_PLATFORM, "image: %s: %s runs real-mode setup code, which needs a BIOS: not "
				 "possible under %s (use entry=32)", k->name, p.format, env->no_real_mode);
	steps_mark(STEP_PLAN);
	struct stage_plan sp;
	r = plan_prepare(&p, env->mem, &sp, d);
	return r ? r : platform_handoff(&p, &sp, d);
}

/* ACPI's MADT ("APIC"), copied to the heap so planners read a buffer,
 * not memory. */
#define MADT_MAX 65536

static void copy_madt(struct boot_env *env)
{
	const uint8_t *rsdp = (const uint8_t *)(uintptr_t)env->rsdp;
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8))
		return;
	const uint8_t *m = acpi_find_table(env->rsdp, "APIC");
	uint32_t len = m ? get_le32(m + 4) : 0;
	uint8_t *copy = len && len <= MADT_MAX ? zalloc(len) : 0;
	if (copy) {
		memcpy(copy, m, len);
		env->madt = copy;
		env->madt_len = len;
	}
}

/* What the format about to be planned passes on (kernel/formats/image.c
 * asks, want = ENV_*): the platform's tables, found on first need, and for
 * the loaders that start CPUs and date the boot (Limine) the MADT's copy,
 * which SMBIOS entry point it is, and the clock. A boot that needs none of
 * them (Linux, Multiboot 1) reads none of them. */
static void (*platform_find_tables)(struct boot_env *env, unsigned want);

static void find_tables(struct boot_env *env, unsigned want)
{
	if (platform_find_tables)
		platform_find_tables(env, want);
	if (want & ENV_SMBIOS)
		env->smbios3 = env->smbios && !memcmp((const void *)(uintptr_t)env->smbios, "_SM3_", 5);
	if ((want & ENV_MADT) && !env->madt)
		copy_madt(env);
	if ((want & ENV_TIME) && !env->boot_time)
		env->boot_time = platform_unix_time();
}

int frontend_boot(const struct boot_request *req, struct diag *d)
{
	uintptr_t heap = heap_mark(), pages = platform_mark();
	struct boot_env env;
	memset(&env, 0, sizeof(env));
	int r = platform_boot_env(&env, d);
	if (r) {
		heap_release(heap);
		return r;
	}
	platform_find_tables = env.find_tables;
	env.find_tables = find_tables;
	struct mem_map *mm = env.mem;
	size_t claims = mm->nclaims, claimcap = mm->claimcap;
	struct mem_claim *table = mm->claims;
	r = attempt(req, &env, d);
	if (r == -ST_NO_MEMORY)
		explain_memory(mm, d);
	if (mm->claims != table)	/* the table grew into the heap given back below */
		memcpy(table, mm->claims, claims * sizeof(*table));
	mm->claims = table;
	mm->claimcap = claimcap;
	mm->nclaims = claims;
	platform_release(pages);
	heap_release(heap);
	return r;
}

/* ---- the script environment ---- */

static int script_open(void *ctx, const char *name, struct file **out, struct diag *d)
{
	(void)ctx;
	int r = files_open(name, out, d);
	if (!r)
		log_info("open: %s (%llu bytes)", name, (unsigned long long)(*out)->size);
	return r;
}

static int script_boot(void *ctx, const struct boot_request *req, struct diag *d)
{
	const struct boot_request *outer = ctx;
	steps_mark(STEP_SCRIPT);
	struct boot_request r = *req;
	r.loader_name = outer->loader_name;
	r.format = outer->format;
	r.entry = outer->entry;
	return frontend_boot(&r, d);
}

/* A script's output. Its "fwboot: <reason>" lines for failures it handles
 * (`boot || goto retry`) come in pieces; each is put together and counted
 * once it repeats (console_line). */
static char script_line[640];
static size_t script_line_len;
static int script_in_line;

static void script_print(void *ctx, const char *s)
{
	(void)ctx;
	if (!script_in_line && !script_line_len && str_eq(s, "fwboot: "))
		script_in_line = 1;
	if (!script_in_line) {
		console_write(s);
		return;
	}
	size_t len = str_len(s), n = len;
	if (n > sizeof(script_line) - 2 - script_line_len)
		n = sizeof(script_line) - 2 - script_line_len;
	memcpy(script_line + script_line_len, s, n);
	script_line_len += n;
	script_line[script_line_len] = 0;
	if (len && s[len - 1] == '\n') {
		if (script_line[script_line_len - 1] != '\n') {	/* cut short: keep the line a line */
			script_line[script_line_len++] = '\n';
			script_line[script_line_len] = 0;
		}
		console_line(script_line);
		script_line_len = 0;
		script_in_line = 0;
	}
}

static void script_sleep(void *ctx, unsigned seconds)
{
	(void)ctx;
	platform_sleep(seconds);
}

static int script_read_key(void *ctx, unsigned ms)
{
	(void)ctx;
	if (ms)
		return platform_read_key(ms);
	for (;;) {	/* as long as it takes: a person at the console */
		int k = platform_read_key(1000);
		if (k != KEY_NONE)
			return k;
	}
}

/* What the machine is, for the settings: looked up once, on first use,
 * as a boot attempt would (everything taken given back). */
static struct {
	int known;
	unsigned memsize;	/* MiB of RAM in the memory map, rounded up */
	uint64_t smbios;	/* the structure table, */
	uint32_t smbios_len;
	uint16_t smbios_version;
} machine;

static void machine_learn(void)
{
	struct diag d;
	struct boot_env env;
	uintptr_t heap = heap_mark(), pages = platform_mark();
	machine.known = 1;
	memset(&env, 0, sizeof(env));
	if (platform_boot_env(&env, &d) == 0) {
		if (env.find_tables)
			env.find_tables(&env, ENV_SMBIOS);
		machine.memsize = (unsigned)((mem_ram_bytes(env.mem) + (1u << 20) - 1) >> 20);
		if (env.smbios && smbios_entry_parse((const uint8_t *)(uintptr_t)env.smbios, &machine.smbios,
						     &machine.smbios_len, &machine.smbios_version))
			machine.smbios = 0;
	}
	platform_release(pages);
	heap_release(heap);
}

static int script_setting(void *ctx, const char *name, char *buf, size_t cap)
{
	(void)ctx;
	if (str_eq(name, "platform") || str_eq(name, "buildarch")) {
		fmt_snprintf(buf, cap, "%s", name[0] == 'p' ? platform_name() : platform_buildarch());
		return 0;
	}
	if (!machine.known)
		machine_learn();
	if (str_eq(name, "memsize")) {
		fmt_snprintf(buf, cap, "%u", machine.memsize);
		return 0;
	}
	if (!machine.smbios)
		return -1;
	return smbios_setting((const uint8_t *)(uintptr_t)machine.smbios, machine.smbios_len,
			      machine.smbios_version, name, buf, cap);
}

static void script_cpuid(void *ctx, uint32_t leaf, uint32_t regs[4])
{
	(void)ctx;
	platform_cpuid(leaf, regs);
}

int frontend_boot_named(const struct boot_request *req, struct diag *d)
{
	const struct file *k = req->kernel;
	uint8_t head[SCRIPT_PROBE];
	size_t n = k->size < sizeof(head) ? (size_t)k->size : sizeof(head);
	int r = file_read(k, 0, head, n);
	if (r)
		return diag_fail(d, -r, "image: cannot read the start of %s", k->name);
	if (!script_detect(head, n))
		return frontend_boot(req, d);

	if (req->nmods || *req->args)
		log_notice("script: %s takes no initrd= or arguments; ignoring them", k->name);
	char *text = zalloc((size_t)k->size + 1);
	if (!text)
		return diag_fail(d, ST_NO_MEMORY, "script %s: no memory for %llu bytes", k->name,
				 (unsigned long long)k->size);
	r = file_read(k, 0, text, k->size);
	if (r)
		return diag_fail(d, -r, "script %s: cannot read it", k->name);
	r = measure_data(k->name, text, (size_t)k->size, d);
	if (r)
		return r;
	log_info("script: running %s", k->name);
	struct script_env env = { (void *)req, script_open, script_boot, script_print, script_sleep,
				  FWBOOT_VERSION, script_read_key, script_setting, script_cpuid };
	r = script_run(&env, k->name, text, (size_t)k->size, d);
	if (r == 0)
		return diag_fail(d, ST_SCRIPT, "script %s: ended without booting anything", k->name);
	return r;
}

int frontend_run(const struct frontend_start *st)
{
	struct diag d;
	size_t len = str_len(st->cmdline);
	char *cl = zalloc(len + 1);
	if (!cl)
		panic(ST_NO_MEMORY, "cmdline: no memory for %zu bytes", len);
	memcpy(cl, st->cmdline, len);
	log_info("cmdline: \"%s\"", cl);
	struct cmdline c;
	int r = cmdline_parse_from(cl, st->path_rule, &c, &d);
	if (r)
		panic_diag(r, &d);
	measure_set_required(c.measure_required);
	r = measure_string("fwboot_cmdline: ", st->cmdline, &d);
	if (r)
		panic_diag(r, &d);
	steps_mark(STEP_SETUP);

	struct fw_cfg_entry *dir;
	size_t ndir;
	r = fw_cfg_init(c.fw_cfg_mode, &d);
	if (r)
		panic_diag(r, &d);
	r = fw_cfg_read_dir(&dir, &ndir, &d);
	if (r)
		panic_diag(r, &d);
	files_set_directory(dir, ndir);
	log_info("fw_cfg: %s, %zu files", fw_cfg_method(), ndir);
	steps_mark(STEP_FW_CFG);
	if (c.list) {
		files_list_directory();
		fwboot_exit(ST_LIST);
	}
	if (console_get_level() == CONSOLE_VERBOSE)
		files_list_directory();

	struct boot_request req;
	memset(&req, 0, sizeof(req));
	struct file *kf = open_or_panic(c.name);
	if (c.sha256 && pin_set(kf, c.sha256))
		panic(ST_NO_MEMORY, "pin: no memory");
	req.kernel = kf;
	req.args = c.args;
	req.format = c.format;
	req.entry = c.entry;
	req.loader_name = st->loader_name;
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

	r = frontend_boot_named(&req, &d);
	if (r)
		panic_diag(r, &d);
	return 0;	/* the payload came back */
}
