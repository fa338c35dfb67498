/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-1 (FIPS 180-4), for a TPM's SHA-1 PCR bank only (measured boot
 * extends every active bank): never for integrity. Pure code, no allocation. */
#ifndef FWBOOT_SHA1_H
#define FWBOOT_SHA1_H

#include <stddef.h>
#include <stdint.h>
#include "lib/md64.h"

#define SHA1_SIZE 20

struct sha1 {
	struct md64 md;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *data, size_t len);
void sha1_final(struct sha1 *s, uint8_t out[SHA1_SIZE]);

#endif
