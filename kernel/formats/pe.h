/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI images (PE32+): applications, boot loaders, Linux with its EFI
 * stub. The firmware loads and starts them (LoadImage, StartImage); the
 * planner only decides whether this firmware can. */
#ifndef FWBOOT_PE_H
#define FWBOOT_PE_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/formats/image.h"

#define PE_MACHINE_I386 0x014c
#define PE_MACHINE_X64 0x8664

/* 0 when hdr[0..len) starts an MZ/PE image ("MZ", e_lfanew at 0x3c,
 * "PE\0\0" there); *machine gets the COFF machine field. Else the reason. Pure. */
int pe_parse(const uint8_t *hdr, size_t len, uint16_t *machine, struct diag *d);

/* The image table's probe: an EFI image for the machine the firmware runs
 * (env->firmware_machine; any machine without such firmware, so that the
 * plan can refuse it by name). */
int pe_probe(const struct file *f, const uint8_t *hdr, size_t len, const struct boot_env *env,
	     struct diag *d);
/* A plan with firmware_image set, or ST_PLATFORM without EFI firmware. */
int pe_plan(const struct boot_request *req, const uint8_t *hdr, size_t len, struct boot_env *env,
	    struct plan *p, struct diag *d);

#endif
