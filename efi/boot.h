/* fwboot.efi's boot of one request (efi/boot.c). */
#ifndef FWBOOT_EFI_BOOT_H
#define FWBOOT_EFI_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "request.h"

/* Check the pins, inflate a gzip-compressed kernel, probe, and boot an
 * EFI image through LoadImage and StartImage, or fwboot.elf's formats
 * through efi/native.c (no return once boot services are exited). 0 when
 * an EFI image was started and returned; else a negative status and the
 * reason (ST_UEFI_UNSUPPORTED: what cannot work under UEFI, by name). */
int efi_boot(const struct boot_request *req, struct diag *d);

/* 0 when hdr[0..len) starts an MZ/PE image; *machine: its COFF machine. */
int efi_pe_probe(const uint8_t *hdr, size_t len, uint16_t *machine, struct diag *d);

#endif
