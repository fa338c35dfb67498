/* fwboot.efi's boot of one request (efi/boot.c). */
#ifndef FWBOOT_EFI_BOOT_H
#define FWBOOT_EFI_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "request.h"

/* Check the pins, probe, and boot an EFI image through LoadImage and
 * StartImage; refuse fwboot.elf's other formats by name
 * (ST_UEFI_UNSUPPORTED). 0 when the image was started and returned; else
 * a negative status and the reason. */
int efi_boot(const struct boot_request *req, struct diag *d);

/* 0 when hdr[0..len) starts an MZ/PE image; *machine: its COFF machine. */
int efi_pe_probe(const uint8_t *hdr, size_t len, uint16_t *machine, struct diag *d);

#endif
