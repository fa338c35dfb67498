/* Booting a file under UEFI: an EFI image (application, boot loader, Linux
 * with its EFI stub) goes to the firmware's LoadImage from memory, with the
 * payload's arguments as its load options and its initrds through Linux's
 * initrd media protocol (efi/initrd.c), and StartImage. What fwboot.elf
 * boots by its own loaders (Multiboot 1 and 2, Linux without an EFI stub,
 * PVH) goes to the same loaders through efi/native.c; a gzip-compressed
 * kernel is inflated first (efi_gunzip), as fwboot.elf does. */
#include "memfn.h"
#include "alloc.h"
#include "boot.h"
#include "byteorder.h"
#include "console.h"
#include "image.h"
#include "initrd.h"
#include "inflate.h"	/* gzip_is_gzip */
#include "linux.h"
#include "mb1.h"
#include "mb2.h"
#include "native.h"
#include "fmt.h"
#include "pin.h"
#include "platform.h"
#include "pvh.h"
#include "status.h"
#include "steps.h"
#include "str.h"

#define PE_MACHINE_X64 0x8664

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

/* 0 when hdr[0..len) starts an MZ/PE image ("MZ", e_lfanew at 0x3c, "PE\0\0"
 * there); else the reason. *machine gets the COFF machine field. */
int efi_pe_probe(const uint8_t *hdr, size_t len, uint16_t *machine, struct diag *d)
{
	if (len < 0x40 || hdr[0] != 'M' || hdr[1] != 'Z')
		return diag_fail(d, ST_BAD_IMAGE, "efi: no MZ signature");
	uint32_t pe = get_le32(hdr + 0x3c);
	if (pe > len || len - pe < 6)
		return diag_fail(d, ST_BAD_IMAGE, "efi: MZ header's PE offset 0x%x is past the first %zu bytes",
				 pe, len);
	if (memcmp(hdr + pe, "PE\0\0", 4))
		return diag_fail(d, ST_BAD_IMAGE, "efi: an MZ header without a PE signature at 0x%x", pe);
	*machine = get_le16(hdr + pe + 4);
	return 0;
}

/* fwboot.elf's loaders, in its probe order: under UEFI they boot through
 * efi/native.c (boot services exited, long mode left). */
static const struct {
	const char *name;
	int (*probe)(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
} native[] = {
	{ "multiboot2", mb2_probe },
	{ "multiboot1", mb1_probe },
	{ "linux", linux_probe },
	{ "pvh", pvh_probe },
};
#define NNATIVE (sizeof(native) / sizeof(native[0]))

/* ASCII to a pool-allocated UCS-2 string, NUL included; *bytes its size. */
static efi_char16 *to_ucs2(const char *s, uint32_t *bytes)
{
	size_t n = str_len(s) + 1;
	void *p = 0;
	if (efi_st->boot_services->allocate_pool(EFI_LOADER_DATA, n * 2, &p))
		return 0;
	efi_char16 *w = p;
	for (size_t i = 0; i < n; i++)
		w[i] = (uint8_t)s[i];
	*bytes = (uint32_t)(n * 2);
	return w;
}

/* Load the whole image into pages below 4 GiB, hand it to LoadImage,
 * give the pages back (LoadImage keeps its own copy), set the load
 * options, start it. Returns when the image returns (0) or on failure. */
static int boot_efi_image(const struct boot_request *req, uint16_t machine, struct diag *d)
{
	const struct file *k = req->kernel;
	char es[48];
	if (machine != PE_MACHINE_X64)
		log_notice("efi: %s is a PE image for machine 0x%04x, not x86-64 (0x8664); the firmware decides",
			   k->name, machine);
	uint8_t *buf = efi_alloc_low(k->size ? k->size : 1);
	if (!buf)
		return diag_fail(d, ST_NO_MEMORY, "efi: no %llu bytes below 4 GiB for %s",
				 (unsigned long long)k->size, k->name);
	int r = file_read(k, 0, buf, k->size);
	if (r) {
		efi_free_low(buf);
		return diag_fail(d, -r, "efi: cannot read %s", k->name);
	}
	log_info("efi: loading %s (%llu bytes) with the firmware's LoadImage", k->name,
		 (unsigned long long)k->size);
	efi_handle child = 0;
	efi_status s = efi_st->boot_services->load_image(0, efi_image, 0, buf, k->size, &child);
	efi_free_low(buf);
	if (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED)	/* Secure Boot: unsigned, or not trusted */
		return diag_fail(d, ST_PIN, "image: %s: the firmware's Secure Boot refused it (LoadImage: %s); "
				 "sign it with a key the firmware trusts", k->name, efi_status_str(s, es, sizeof(es)));
	if (EFI_IS_ERROR(s))
		return diag_fail(d, ST_BAD_IMAGE,
				 "image: %s is not a bootable image (the firmware's LoadImage refused it: %s)",
				 k->name, efi_status_str(s, es, sizeof(es)));
	struct efi_loaded_image *li = 0;
	s = efi_st->boot_services->open_protocol(child, &loaded_image_guid, (void **)&li, efi_image, 0,
						 EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (EFI_IS_ERROR(s) || !li) {
		efi_st->boot_services->unload_image(child);
		return diag_fail(d, ST_INTERNAL, "efi: the loaded %s has no Loaded Image protocol (%s)", k->name,
				 efi_status_str(s, es, sizeof(es)));
	}
	uint32_t bytes = 0;
	efi_char16 *opts = to_ucs2(req->args, &bytes);
	if (!opts) {
		efi_st->boot_services->unload_image(child);
		return diag_fail(d, ST_NO_MEMORY, "efi: no pool memory for %s's load options", k->name);
	}
	li->load_options = opts;
	li->load_options_size = bytes;
	if (req->nmods && (r = efi_initrd_install(req, d)) != 0) {
		efi_st->boot_services->free_pool(opts);
		efi_st->boot_services->unload_image(child);
		return r;
	}
	log_notice("efi: starting %s at 0x%llx (%llu bytes) with load options \"%s\"", k->name,
		   (unsigned long long)(uintptr_t)li->image_base, (unsigned long long)li->image_size, req->args);
	s = efi_st->boot_services->start_image(child, 0, 0);
	efi_initrd_remove();
	efi_st->boot_services->free_pool(opts);
	log_notice("efi: %s returned (EFI status %s)", k->name, efi_status_str(s, es, sizeof(es)));
	return 0;
}

/* Every pinned file of the request, hashed before anything is loaded. */
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

static int boot_plain(const struct boot_request *req, struct diag *d);

int efi_boot(const struct boot_request *req, struct diag *d)
{
	struct boot_request plain;
	void *pages = 0;
	d->msg[0] = 0;
	int r = check_pins(req, d);
	steps_mark(STEP_PINS);
	if (r)
		return r;
	uint8_t magic[3];
	/* inflating is slow under TCG (tens of MiB/s): say so before it starts */
	if (req->kernel->size >= sizeof(magic) && !file_read(req->kernel, 0, magic, sizeof(magic)) &&
	    gzip_is_gzip(magic, sizeof(magic)))
		log_info("gzip: inflating %s (%llu bytes)", req->kernel->name, (unsigned long long)req->kernel->size);
	r = efi_gunzip(req, &plain, &pages, d);
	steps_mark(STEP_INFLATE);
	if (r)
		return r;
	if (d->msg[0])
		log_info("%s", d->msg);
	if (plain.kernel != req->kernel)
		log_info("gzip: %s inflated to %llu bytes", plain.kernel->name, (unsigned long long)plain.kernel->size);
	d->msg[0] = 0;
	r = boot_plain(&plain, d);
	if (pages)
		efi_free_low(pages);	/* failed, or an EFI image came back */
	return r;
}

static int boot_plain(const struct boot_request *req, struct diag *d)
{
	const struct file *k = req->kernel;
	size_t n = k->size < IMAGE_HEADER_WINDOW ? (size_t)k->size : IMAGE_HEADER_WINDOW;
	int r;
	uint8_t *hdr = zalloc(n ? n : 1);
	if (!hdr)
		return diag_fail(d, ST_NO_MEMORY, "image: no memory for a %zu-byte header window", n);
	r = file_read(k, 0, hdr, n);
	if (r)
		return diag_fail(d, -r, "image: cannot read the start of %s", k->name);
	if (req->format && !str_eq(req->format, "efi")) {
		for (size_t i = 0; i < NNATIVE; i++)
			if (str_eq(req->format, native[i].name))
				return efi_native_boot(req, d);
		return diag_fail(d, ST_CMDLINE, "image: unknown format \"%s\" (known under UEFI: efi multiboot2 "
				 "multiboot1 linux pvh)", req->format);
	}
	uint16_t machine = 0;
	struct diag why = { "" };
	if (!efi_pe_probe(hdr, n, &machine, &why)) {
		if (req->entry)
			return diag_fail(d, ST_CMDLINE, "image: entry=%s is a Linux option; %s boots as an EFI image, "
					 "which has one entry (drop entry=)", req->entry, k->name);
		return boot_efi_image(req, machine, d);
	}
	if (req->format)
		return diag_fail(d, ST_BAD_IMAGE, "image: %s is not an EFI image (%s)", k->name, why.msg);
	char all[sizeof(d->msg)];
	size_t at = (size_t)fmt_snprintf(all, sizeof(all), "%s", why.msg);
	for (size_t i = 0; i < NNATIVE; i++) {
		struct diag reason = { "" };
		if (native[i].probe(k, hdr, n, &reason) == 0)
			return efi_native_boot(req, d);
		if (at < sizeof(all))
			at += (size_t)fmt_snprintf(all + at, sizeof(all) - at, "; %s", reason.msg);
	}
	return diag_fail(d, ST_BAD_IMAGE, "image: %s is not a bootable image (%s)", k->name, all);
}
