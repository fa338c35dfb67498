/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte-order helpers: every multi-byte field of a spec layout is read or
 * written through one of these, so the byte order is visible at the call. */
#ifndef FWBOOT_BYTEORDER_H
#define FWBOOT_BYTEORDER_H

#include <stddef.h>
#include <stdint.h>
#include "lib/memops.h"	/* mem_find32 */

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
	const uint8_t *b = buf;
	if (end < 4 || off > end - 4)
		return end;
	/* candidates: off, off + step, ... up to end - 4 (step: 4 or 8) */
	for (size_t at = off; at <= end - 4;) {
		/* every word from at by mem_find32; for a step of 8 a hit on an
		 * odd word is no candidate, and the search goes on after it */
		const uint8_t *p = mem_find32(b + at, v, (end - 4 - at) / 4 + 1);
		if (!p)
			return end;
		size_t hit = (size_t)(p - b);
		if ((hit - off) % step == 0)
			return hit;
		at = hit + 4;
	}
	return end;
}

/* True when [off, off+n) lies inside a buffer of len bytes, without overflow. */
static inline int in_bounds(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

#endif
