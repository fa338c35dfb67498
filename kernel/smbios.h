/* SPDX-License-Identifier: BSD-2-Clause */
/* SMBIOS (DMTF DSP0134): the entry point and the few structures whose
 * fields boot scripts read as iPXE's settings ${uuid}, ${serial}, ...
 * Pure: the caller passes the bytes. */
#ifndef FWBOOT_SMBIOS_H
#define FWBOOT_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#define SMBIOS_TABLE_LIMIT 0x100000	/* a structure table beyond this is not trusted */
#define SMBIOS_BELOW 0x100000000ull	/* nor one not wholly below 4 GiB */

/* The entry point ep ("_SM_" 2.x, 31 bytes, or "_SM3_" 3.x, 24 bytes, as
 * the platform's finder checked it; NULL: none): 0 and the structure
 * table's address, maximum length and version (major << 8 | minor) when
 * it is well formed (anchors, lengths, checksums), -1 otherwise. */
int smbios_entry_parse(const uint8_t *ep, uint64_t *table, uint32_t *len, uint16_t *version);

/* The setting name (uuid, manufacturer, product, serial, asset,
 * board-serial) of the structure table tab[0..len) written to out as a
 * string (cut to cap - 1 bytes): 0, or -1 when the table has no such
 * value (out is then ""). A UUID prints as iPXE prints it: lower-case
 * 8-4-4-4-12, the first three fields little-endian from version 2.6 on. */
int smbios_setting(const uint8_t *tab, size_t len, uint16_t version, const char *name, char *out,
		   size_t cap);

#endif
