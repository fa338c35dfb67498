/* SPDX-License-Identifier: BSD-2-Clause */
/* The EFI memory map as fwboot's planners see it (platform/efi/memmap.c, pure:
 * host-tested by tests/unit/test_efi_memmap.c). */
#ifndef FWBOOT_EFI_MEMMAP_H
#define FWBOOT_EFI_MEMMAP_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/physmap.h"

/* The type a payload sees for an EFI memory type once boot services are
 * gone: conventional, boot services and loader memory are RAM (1), ACPI
 * reclaimable 3, ACPI NVS 4, unusable 5, everything else reserved (2). */
uint32_t efi_mem_payload_type(uint32_t efi_type);

/* True for the memory that is alive until the hand-off (boot services
 * and loader code and data: the firmware's stack and page tables,
 * fwboot.efi, its heap and buffers). */
int efi_mem_is_self(uint32_t efi_type);

/*
 * The descriptors buf[0..size) (desc_size bytes each, >= 40) into m (after
 * mem_init): one region per run of touching descriptors of the same payload
 * type, then mem_finish, then a CLAIM_SELF for each run of boot services
 * and loader memory, so that only conventional memory is written before the
 * hand-off (payload ranges over the rest are staged). 0, or ST_NO_MEMORY /
 * ST_INTERNAL with the reason.
 */
int efi_map_read(const uint8_t *buf, uint64_t size, uint64_t desc_size, struct mem_map *m, struct diag *d);

/* True when every byte of [start, start+len) lies in descriptors of buf
 * whose type is in the bit set types (1 << EFI type). */
int efi_map_covers(const uint8_t *buf, uint64_t size, uint64_t desc_size, uint64_t start, uint64_t len,
		   uint32_t types);

#endif
