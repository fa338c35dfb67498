/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI images under UEFI (the plan says firmware_image: kernel/formats/pe.c):
 * the firmware's LoadImage from memory, the payload's arguments as its
 * load options, its initrds through Linux's initrd media protocol
 * (platform/efi/initrd.c), StartImage. */
#include "lib/memops.h"
#include "kernel/alloc.h"
#include "kernel/console.h"
#include "kernel/formats/pe.h"
#include "kernel/platform.h"
#include "platform/efi/initrd.h"
#include "platform/efi/firmware.h"
#include "include/status.h"
#include "lib/str.h"

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

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
int platform_run_firmware_image(const struct boot_request *req, struct diag *d)
{
	const struct file *k = req->kernel;
	char es[48];
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

