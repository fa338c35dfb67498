/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 (FIPS 180-4), for integrity pins. Pure code, no allocation. */
#ifndef FWBOOT_SHA256_H
#define FWBOOT_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "lib/md64.h"

#define SHA256_SIZE 32
#define SHA256_HEX 64

struct sha256 {
	struct md64 md;
};

/* The compression function: nblocks whole 64-byte blocks at p (any
 * alignment) into the state h. sha256_k: the 64 round constants. */
void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks);
extern const uint32_t sha256_k[64];

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_SIZE]);

/* Parse exactly 64 hex digits (either case): 0, or -1 for anything else. */
int sha256_from_hex(const char *hex, size_t len, uint8_t out[SHA256_SIZE]);

/* Lower-case hex with its NUL: 65 bytes. */
void sha256_to_hex(const uint8_t d[SHA256_SIZE], char out[SHA256_HEX + 1]);

#endif
