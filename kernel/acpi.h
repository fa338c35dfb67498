/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef FWBOOT_KERNEL_ACPI_H
#define FWBOOT_KERNEL_ACPI_H

#include <stdint.h>

/* The table with signature sig among the entries of the RSDT or XSDT of
 * the RSDP at rsdp (both below 4 GiB), or NULL. */
const uint8_t *acpi_find_table(uint64_t rsdp, const char *sig);

#endif
