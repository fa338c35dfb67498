/* SPDX-License-Identifier: BSD-2-Clause */
/* What SHA-1 and SHA-256 share (FIPS 180-4, 5.1.1 and 6.x): 64-byte blocks
 * of big-endian words, the message's bit length at the end of the padding.
 * The chaining state (5 or 8 words) and the buffered tail are kept here; the
 * compression function is the caller's. Pure code, no allocation. */
#ifndef FWBOOT_MD64_H
#define FWBOOT_MD64_H

#include <stddef.h>
#include <stdint.h>

struct md64 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	size_t n;		/* bytes waiting in buf */
};

/* Start from iv (words of it, at most 8). */
void md64_init(struct md64 *s, const uint32_t *iv, size_t words);

/* Hash len more bytes: whole blocks go straight from data to blocks(). */
void md64_update(struct md64 *s, const void *data, size_t len,
		 void (*blocks)(uint32_t *h, const uint8_t *p, size_t nblocks));

/* Pad, and write the first words of the state big-endian to out. */
void md64_final(struct md64 *s, uint8_t *out, size_t words,
		void (*blocks)(uint32_t *h, const uint8_t *p, size_t nblocks));

#endif
