/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef FWBOOT_ACPI_H
#define FWBOOT_ACPI_H

#include <stdint.h>

#define ACPI_RSDP_V1_SIZE 20

/* Physical address of the ACPI RSDP, or 0. */
uint32_t acpi_find_rsdp(void);

/* Physical address of the BIOS's SMBIOS entry point (2.x or 3.x), or 0. */
uint32_t smbios_find_entry(void);

/* NULL when the machine has a platform timer Xen can use (the PIT's gate at
 * port 0x61, an HPET table, or an ACPI PM timer without hardware-reduced
 * ACPI); else why not, for boot_env.no_platform_timer. find_rsdp is called
 * only when port 0x61 does not answer (microvm). */
const char *acpi_no_platform_timer(uint64_t (*find_rsdp)(void));

#endif
