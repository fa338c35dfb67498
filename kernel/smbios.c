/* SPDX-License-Identifier: BSD-2-Clause */
/* SMBIOS entry point and structure table, for boot-script settings. */
#include "kernel/smbios.h"
#include "lib/byteorder.h"
#include "lib/fmt.h"
#include "lib/memops.h"	/* memcmp: platform/x86/memops.c, or the host libc */
#include "lib/str.h"

static int smbios_sum_ok(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum == 0;
}

int smbios_entry_parse(const uint8_t *ep, uint64_t *table, uint32_t *len, uint16_t *version)
{
	int v3 = ep && memcmp(ep, "_SM3_", 5) == 0;
	if (!ep || (!v3 && memcmp(ep, "_SM_", 4)))
		return -1;
	uint8_t n = ep[v3 ? 6 : 5];
	if (n < (v3 ? 24 : 31) || !smbios_sum_ok(ep, n) || (!v3 && memcmp(ep + 16, "_DMI_", 5)))
		return -1;
	*version = (uint16_t)(ep[6 + v3] << 8 | ep[7 + v3]);
	*len = v3 ? get_le32(ep + 12) : get_le16(ep + 22);
	*table = v3 ? get_le64(ep + 16) : get_le32(ep + 24);
	return *len && *len <= SMBIOS_TABLE_LIMIT && *table && *table < SMBIOS_BELOW && *len <= SMBIOS_BELOW - *table ?
		       0 : -1;
}

/* Where a setting lives: structure type, offset in the formatted area,
 * and whether the byte there numbers a string (else a 16-byte UUID). */
static const struct {
	const char *name;
	uint8_t type, off, is_string;
} smbios_fields[] = {
	{ "uuid", 1, 8, 0 },
	{ "manufacturer", 1, 4, 1 },
	{ "product", 1, 5, 1 },
	{ "serial", 1, 7, 1 },
	{ "asset", 3, 8, 1 },
	{ "board-serial", 2, 7, 1 },
};

/* String number n (1-based) of the structure whose strings start at s,
 * ending before end: its length, or -1. */
static long smbios_string(const uint8_t *s, const uint8_t *end, unsigned n, const uint8_t **out)
{
	for (unsigned k = 1; s < end && *s; k++) {
		const uint8_t *e = s;
		while (e < end && *e)
			e++;
		if (e == end)
			return -1;
		if (k == n) {
			*out = s;
			return e - s;
		}
		s = e + 1;
	}
	return -1;
}

static void smbios_uuid(const uint8_t *u, uint16_t version, char *out, size_t cap)
{
	static const uint8_t be[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t le[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	const uint8_t *order = version >= 0x0206 ? le : be;
	char buf[40];
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[n++] = '-';
		n += (size_t)fmt_snprintf(buf + n, sizeof(buf) - n, "%02x", u[order[i]]);
	}
	fmt_snprintf(out, cap, "%s", buf);
}

int smbios_setting(const uint8_t *tab, size_t len, uint16_t version, const char *name, char *out, size_t cap)
{
	size_t f;
	if (cap)
		out[0] = '\0';
	for (f = 0; f < sizeof(smbios_fields) / sizeof(smbios_fields[0]); f++)
		if (str_eq(smbios_fields[f].name, name))
			break;
	if (f == sizeof(smbios_fields) / sizeof(smbios_fields[0]) || !tab || !cap)
		return -1;
	size_t pos = 0;
	while (len - pos >= 4) {
		const uint8_t *h = tab + pos;
		uint8_t type = h[0], flen = h[1];
		if (flen < 4 || flen > len - pos)
			return -1;
		/* the strings end at the first double NUL after the formatted area */
		size_t end = pos + flen;
		while (end + 1 < len && !(tab[end] == 0 && tab[end + 1] == 0))
			end++;
		if (end + 1 >= len)
			return -1;
		if (type == 127)
			return -1;
		uint8_t off = smbios_fields[f].off;
		if (type == smbios_fields[f].type) {
			if (!smbios_fields[f].is_string) {
				if (flen < off + 16)
					return -1;
				smbios_uuid(h + off, version, out, cap);
				return 0;
			}
			const uint8_t *s;
			long n = off < flen && h[off] ?
				 smbios_string(tab + pos + flen, tab + end + 1, h[off], &s) : -1;
			if (n < 0)
				return -1;
			fmt_snprintf(out, cap, "%.*s", (int)n, (const char *)s);
			return 0;
		}
		pos = end + 2;
	}
	return -1;
}
