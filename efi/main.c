/* efi_main: fwboot.efi's way through the same steps as fwboot.elf: the
 * load options as the command line, fw_cfg's directory, the named file (a
 * script runs, a bundle member opens), the boot. Every failure ends in
 * panic() with fwboot.elf's message and status. */
#include <stdint.h>
#include "memfn.h"
#include "alloc.h"
#include "boot.h"
#include "cmdline.h"
#include "console.h"
#include "devpath.h"
#include "cpio.h"
#include "fmt.h"
#include "fw_cfg.h"
#include "heap.h"
#include "pin.h"
#include "platform.h"
#include "script.h"
#include "status.h"
#include "steps.h"
#include "str.h"

#define HEAP_MAX (16u << 20)
#define HEAP_SMALL (64u << 10)
#define CMDLINE_MAX 4096	/* characters of load options taken */

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static struct fw_cfg_entry *dir;
static size_t ndir;

/* The heap (kernel/heap.c) in pages below 4 GiB: the largest power of two
 * up to HEAP_MAX the firmware gives. */
static void setup_heap(void)
{
	for (uint32_t size = HEAP_MAX; size >= HEAP_SMALL; size /= 2) {
		void *p = efi_alloc_low(size);
		if (p) {
			heap_init((uintptr_t)p, size);
			log_info("memory: heap 0x%llx-0x%llx (%u KiB, AllocatePages below 4 GiB)",
				 (unsigned long long)(uintptr_t)p, (unsigned long long)(uintptr_t)p + size - 1,
				 size / 1024);
			return;
		}
	}
	panic(ST_NO_MEMORY, "memory: the firmware has no %u KiB below 4 GiB for fwboot's heap", HEAP_SMALL / 1024);
}

static void list_directory(void)
{
	console_printf("fwboot: fw_cfg directory (%zu files):\n", ndir);
	for (size_t i = 0; i < ndir; i++)
		console_printf("  %-55s %10u bytes  key 0x%04x\n", dir[i].name, dir[i].size, dir[i].key);
}

/* A fw_cfg file by name, or a member of a cpio bundle ("archive#member"),
 * as fwboot.elf opens them (kernel/main.c). */
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
		f->name = dir[i].name;
		struct file *m = zalloc(sizeof(*m));
		if (!m)
			return diag_fail(d, ST_NO_MEMORY, "no memory");
		int r = cpio_find(f, hash + 1, m, d);
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

/* One attempt that gives back its heap when it fails or returns. */
static int boot_request(const struct boot_request *req, struct diag *d)
{
	uintptr_t mark = heap_mark();
	int r = efi_boot(req, d);
	heap_release(mark);
	return r;
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
	r.loader_name = ((const struct boot_request *)ctx)->loader_name;
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
	efi_st->boot_services->stall((uint64_t)seconds * 1000000u);
}

#define SCRIPT_PROBE 16

/* A script runs (its boot comes back through boot_request); anything else boots. */
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

/* The load options as fwboot's command line (ASCII, in a static buffer:
 * read before the heap, so the first line already knows quiet/verbose). */
static char image_file[256];	/* "" when fwboot.efi came from no file */

static char *read_load_options(void)
{
	static char cl[CMDLINE_MAX + 1];
	struct efi_loaded_image *li = 0;
	struct diag d;
	efi_status s = efi_st->boot_services->handle_protocol(efi_image, &loaded_image_guid, (void **)&li);
	if (EFI_IS_ERROR(s) || !li)
		panic(ST_INTERNAL, "boot: fwboot.efi has no Loaded Image protocol (EFI status 0x%llx)",
		      (unsigned long long)s);
	int r = efi_options_to_ascii(li->load_options, li->load_options_size, cl, CMDLINE_MAX + 1, &d);
	if (r)
		panic_diag(r, &d);
	log_verbose("efi: fwboot.efi at 0x%llx (%llu bytes), %u bytes of load options",
		    (unsigned long long)(uintptr_t)li->image_base, (unsigned long long)li->image_size,
		    li->load_options_size);
	/* the file fwboot.efi was loaded from: the shell puts its path first */
	if (efi_devpath_file(li->file_path, 4096, image_file, sizeof(image_file)))
		log_verbose("efi: loaded from the file %s", image_file);
	else
		image_file[0] = 0;
	return cl;
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
	struct diag d;
	efi_image = image;
	efi_st = st;
	steps_start();
	serial_init();
	efi_console_init();
	char *cl = read_load_options();
	console_set_level((enum console_level)cmdline_verbosity(cl));
	if (console_get_level() > CONSOLE_QUIET)
		console_write("\nfwboot " FWBOOT_VERSION ": boot files from QEMU's fw_cfg\n");
	{
		char vendor[64];
		size_t i = 0;
		for (; st->firmware_vendor && st->firmware_vendor[i] && i + 1 < sizeof(vendor); i++)
			vendor[i] = st->firmware_vendor[i] < 0x80 ? (char)st->firmware_vendor[i] : '?';
		vendor[i] = 0;
		log_info("boot: started by UEFI firmware (%s, revision 0x%x, UEFI %u.%u)", vendor,
			 st->firmware_revision, st->hdr.revision >> 16, (st->hdr.revision & 0xffff) / 10);
	}
	log_verbose("console: %s", efi_console_sinks());
	setup_heap();
	log_info("cmdline: \"%s\"", cl);
	struct cmdline c;
	/* The EFI shell puts the image's path first; GRUB's chainloader, OVMF's
	 * -kernel and boot entries pass the options alone. So the first word is
	 * a path only when it names the file fwboot.efi was loaded from:
	 * "chainloader /boot/fwboot.efi foo" is an unknown option, not a path. */
	int r = cmdline_parse_from(cl, efi_names_image(cl, image_file[0] ? image_file : 0) ? CMDLINE_PATH_FIRST
			: CMDLINE_PATH_NONE, &c, &d);
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
	req.loader_name = "fwboot.efi " FWBOOT_VERSION;
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
	if (r)
		panic_diag(r, &d);
	/* the payload came back: hand its end to whoever started fwboot.efi */
	efi_free_all();
	return EFI_SUCCESS;
}
