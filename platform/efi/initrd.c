/* SPDX-License-Identifier: BSD-2-Clause */
/* initrd= for EFI images: the initrd media protocol Linux's EFI stub reads
 * (a Load File 2 protocol on a handle whose device path is Linux's initrd
 * vendor media node). Several initrds are served as one concatenation,
 * each starting 4-aligned, as fwboot.elf places them for Linux. The bytes
 * go by fw_cfg DMA straight into the buffer the payload gives LoadFile:
 * nothing is staged. */
#include "lib/memops.h"
#include "kernel/console.h"
#include "kernel/file.h"
#include "platform/efi/initrd.h"
#include "platform/efi/firmware.h"
#include "include/status.h"

#define ALIGN 4

static const struct efi_guid dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
static const struct efi_guid lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;

/* VenMedia(LINUX_EFI_INITRD_MEDIA_GUID) then the end node, in the
 * specification's byte layout (GUID fields little-endian). */
static uint8_t media_path[20 + 4];

static const struct boot_request *served;	/* the request whose modules are the initrd */
static efi_handle handle;

static uint64_t total_size(const struct boot_request *req)
{
	uint64_t n = 0;
	for (size_t i = 0; i < req->nmods; i++)
		n = ((n + ALIGN - 1) & ~(uint64_t)(ALIGN - 1)) + req->mods[i].file->size;
	return n;
}

static efi_status EFIAPI load_file(struct efi_load_file2 *self, void *file_path, uint8_t boot_policy,
				   uint64_t *size, void *buf)
{
	(void)self;
	if (!file_path || !size)
		return EFI_INVALID_PARAMETER;
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!served)
		return EFI_NOT_FOUND;
	uint64_t need = total_size(served);
	if (!buf || *size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	uint8_t *p = buf;
	uint64_t at = 0;
	for (size_t i = 0; i < served->nmods; i++) {
		const struct file *f = served->mods[i].file;
		uint64_t start = (at + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
		memset(p + at, 0, (size_t)(start - at));
		if (file_read(f, 0, p + start, f->size)) {
			log_notice("efi: initrd: cannot read %s for the payload", f->name);
			return EFI_DEVICE_ERROR;
		}
		at = start + f->size;
	}
	*size = need;
	log_verbose("efi: initrd: %zu file(s), %llu bytes handed to the payload at 0x%llx", served->nmods,
		    (unsigned long long)need, (unsigned long long)(uintptr_t)buf);
	return EFI_SUCCESS;
}

static struct efi_load_file2 lf2 = { load_file };

int efi_initrd_install(const struct boot_request *req, struct diag *d)
{
	static const struct efi_guid media = LINUX_EFI_INITRD_MEDIA_GUID;
	struct efi_boot_services *bs = efi_st->boot_services;
	uint8_t *n = media_path;
	n[0] = EFI_DP_MEDIA;
	n[1] = EFI_DP_MEDIA_VENDOR;
	n[2] = 20;
	n[3] = 0;
	n[4] = (uint8_t)media.data1;
	n[5] = (uint8_t)(media.data1 >> 8);
	n[6] = (uint8_t)(media.data1 >> 16);
	n[7] = (uint8_t)(media.data1 >> 24);
	n[8] = (uint8_t)media.data2;
	n[9] = (uint8_t)(media.data2 >> 8);
	n[10] = (uint8_t)media.data3;
	n[11] = (uint8_t)(media.data3 >> 8);
	memcpy(n + 12, media.data4, 8);
	n[20] = EFI_DP_END;
	n[21] = EFI_DP_END_ENTIRE;
	n[22] = 4;
	n[23] = 0;

	char es[48];
	handle = 0;
	efi_status s = bs->install_protocol_interface(&handle, &dp_guid, EFI_NATIVE_INTERFACE, media_path);
	if (EFI_IS_ERROR(s))
		return diag_fail(d, ST_INTERNAL, "efi: initrd: cannot install the initrd media device path (%s)",
				 efi_status_str(s, es, sizeof(es)));
	s = bs->install_protocol_interface(&handle, &lf2_guid, EFI_NATIVE_INTERFACE, &lf2);
	if (EFI_IS_ERROR(s)) {
		bs->uninstall_protocol_interface(handle, &dp_guid, media_path);
		handle = 0;
		return diag_fail(d, ST_INTERNAL, "efi: initrd: cannot install Load File 2 (%s)",
				 efi_status_str(s, es, sizeof(es)));
	}
	served = req;
	log_info("efi: initrd: %zu file(s), %llu bytes, served through Linux's initrd media protocol", req->nmods,
		 (unsigned long long)total_size(req));
	return 0;
}

void efi_initrd_remove(void)
{
	if (!handle)
		return;
	efi_st->boot_services->uninstall_protocol_interface(handle, &lf2_guid, &lf2);
	efi_st->boot_services->uninstall_protocol_interface(handle, &dp_guid, media_path);
	handle = 0;
	served = 0;
}
