/* Multiboot 1 and 2, PVH and Linux's 32-bit entry under UEFI (efi/native.c). */
#ifndef FWBOOT_EFI_NATIVE_H
#define FWBOOT_EFI_NATIVE_H

#include "diag.h"
#include "request.h"

/* Plan req with fwboot's loaders over the EFI memory map, exit boot
 * services and hand off. Returns (with the reason, the firmware still
 * running) only when something failed before ExitBootServices. */
int efi_native_boot(const struct boot_request *req, struct diag *d);

#endif
