/* SPDX-License-Identifier: BSD-2-Clause */
/* What the files of platform/efi share among themselves (the seam itself
 * is kernel/platform.h): the firmware's tables, page allocations that go
 * back after a failed attempt and on exit, statuses, the console's modes. */
#ifndef FWBOOT_EFI_FIRMWARE_H
#define FWBOOT_EFI_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "platform/efi/efi.h"

extern efi_handle efi_image;
extern struct efi_system_table *efi_st;

/* Pages below 4 GiB (fw_cfg DMA targets, the heap), not cleared (zalloc
 * clears what it hands out; an image buffer is overwritten whole); NULL when
 * the firmware has none. Recorded, so efi_free_all gives them back. */
void *efi_alloc_low(uint64_t bytes);
void efi_free_low(void *p);
/* Record pages taken otherwise (AllocatePages at an address) as if
 * efi_alloc_low had: given back with the rest. 0, or -1 when full. */
int efi_pages_adopt(uint64_t addr, uint64_t pages);
void efi_free_all(void);
/* fwboot's heap (kernel/heap.c) in such pages: the largest power of two
 * up to 16 MiB the firmware gives; panics below 64 KiB. */
void efi_heap_setup(void);

/* The EFI status fwboot.efi returns for one of its own (README's table). */
efi_status efi_status_of(int fwboot_status);
/* "Not Found" and kin for a status, or "0x...": for messages. */
const char *efi_status_str(efi_status s, char *buf, size_t cap);


/* Console: decide where lines go (COM1, ConOut, or ConOut alone when it
 * already reaches the serial port), once the system table is known. */
void efi_console_init(void);
/* Whether fwboot reads and writes COM1 itself (not through ConOut/ConIn). */
int efi_console_serial_direct(void);
/* Around ExitBootServices: COM1 alone (no ConOut, and fwboot_exit halts
 * instead of calling Exit); back to the firmware's console when
 * ExitBootServices was not called after all. */
void efi_console_leave_firmware(void);
void efi_console_back_to_firmware(void);
/* Whether boot services are still there (ExitBootServices not called). */
int efi_boot_services_up(void);
/* Where the console goes, for the log. */
const char *efi_console_sinks(void);

#endif
