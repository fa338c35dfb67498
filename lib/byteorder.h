/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte-order helpers: every multi-byte field of a spec layout is read or
 * written through one of these, so the byte order is visible at the call. */
#ifndef FWBOOT_BYTEORDER_H
#define FWBOOT_BYTEORDER_H

#include <stddef.h>
#include <stdint.h>

/* Always inlined: each compiles to a load or a store (GCC merges the
 * bytes), which -Os would otherwise call out of line at every use. */
#define BYTEORDER_FN static inline __attribute__((always_inline))

BYTEORDER_FN uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

BYTEORDER_FN uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

BYTEORDER_FN uint64_t get_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

BYTEORDER_FN uint16_t get_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

BYTEORDER_FN uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

BYTEORDER_FN uint64_t get_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_be32(b) << 32 | get_be32(b + 4);
}

BYTEORDER_FN void put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

BYTEORDER_FN void put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

BYTEORDER_FN void put_le64(void *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

BYTEORDER_FN void put_be16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

BYTEORDER_FN void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

BYTEORDER_FN void put_be64(void *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32((uint8_t *)p + 4, (uint32_t)v);
}

/* The first of off, off + step, ... where the little-endian word v lies
 * wholly before end (a header's magic), or end when there is none.
 * Inlined with a constant step, eight candidates a round cost nineteen
 * instructions: the scans of a 32 KiB header window for the Multiboot
 * magics are most of what probing a kernel costs. */
BYTEORDER_FN size_t find_le32(const void *buf, size_t off, size_t end, size_t step, uint32_t v)
{
	const uint8_t *b = buf, *p = b + off;
	if (end < 4 || off > end - 4)
		return end;
	size_t n = (end - 4 - off) / step + 1;	/* candidates */
#define FIND_LE32_AT(k) \
	if (get_le32(p + (k) * step) == v) \
		return (size_t)(p + (k) * step - b)
	for (; n >= 8; n -= 8, p += 8 * step) {
		FIND_LE32_AT(0);
		FIND_LE32_AT(1);
		FIND_LE32_AT(2);
		FIND_LE32_AT(3);
		FIND_LE32_AT(4);
		FIND_LE32_AT(5);
		FIND_LE32_AT(6);
		FIND_LE32_AT(7);
	}
#undef FIND_LE32_AT
	for (; n; n--, p += step)
		if (get_le32(p) == v)
			return (size_t)(p - b);
	return end;
}

/* True when [off, off+n) lies inside a buffer of len bytes, without overflow. */
static inline int in_bounds(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

#endif
