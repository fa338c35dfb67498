/* Multiboot 1 and 2, PVH and Linux's 32-bit entry under UEFI (efi/native.c). */
#ifndef FWBOOT_EFI_NATIVE_H
#define FWBOOT_EFI_NATIVE_H

#include "diag.h"
#include "request.h"

/* Plan req with fwboot's loaders over the EFI memory map, exit boot
 * services and hand off. Returns (with the reason, the firmware still
 * running) only when something failed before ExitBootServices. */
int efi_native_boot(const struct boot_request *req, struct diag *d);

/* A gzip-compressed kernel inflated (kernel/gunzip.c) inside pages the
 * firmware allocated for it (below 4 GiB, LoaderData: fwboot's own until
 * the hand-off), into out; *pages gets them (NULL when not gzip), for
 * efi_free_low once the attempt is over. Else *out = *req. */
int efi_gunzip(const struct boot_request *req, struct boot_request *out, void **pages, struct diag *d);

#endif
