/* SPDX-License-Identifier: BSD-2-Clause */
/* initrd= for EFI images: Linux's initrd media protocol (platform/efi/initrd.c). */
#ifndef FWBOOT_EFI_INITRD_H
#define FWBOOT_EFI_INITRD_H

#include "lib/diag.h"
#include "kernel/request.h"

/* Serve req's modules, concatenated, to the next image started; req must
 * live until efi_initrd_remove. */
int efi_initrd_install(const struct boot_request *req, struct diag *d);
/* Take the protocol away again (the image returned, or it never started). */
void efi_initrd_remove(void);

#endif
