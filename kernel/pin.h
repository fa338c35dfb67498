/* SPDX-License-Identifier: BSD-2-Clause */
/* Integrity pins: the SHA-256 a file's bytes must have. Pins are kept
 * beside the files (a small table keyed by the struct file), so struct
 * file stays as it is. Pure code. */
#ifndef FWBOOT_PIN_H
#define FWBOOT_PIN_H

#include "lib/diag.h"
#include "kernel/file.h"

#define PIN_CHUNK 65536	/* bytes read and hashed at a time */

#include <stdint.h>
#include "lib/sha1.h"
#include "lib/sha256.h"

/* Pin f to digest (SHA256_SIZE bytes, copied), or unpin it (digest NULL).
 * 0, or -ST_NO_MEMORY. */
int pin_set(const struct file *f, const uint8_t *digest);

/* f's pin, or NULL. */
const uint8_t *pin_of(const struct file *f);

/* Forget every pin (host tests and fuzzing, between inputs). */
void pin_reset(void);

/* The SHA-256 (sha1 0) or SHA-1 (sha1 1: a TPM's SHA-1 bank) of f's bytes
 * as stored, computed once per fw_cfg range and algorithm (pins and
 * measured boot share the SHA-256): 0, or a read or memory failure with
 * the reason in d. */
int file_digest(const struct file *f, int sha1, uint8_t *out, struct diag *d);

static inline int file_sha256(const struct file *f, uint8_t out[SHA256_SIZE], struct diag *d)
{
	return file_digest(f, 0, out, d);
}

/*
 * 0 when f has no pin or its bytes (the whole file, as stored: compressed
 * when it is gzip, the member's bytes for a bundle member) hash to it;
 * -ST_PIN naming the file and both digests when they differ; a read or
 * memory failure as such.
 */
int pin_check(const struct file *f, struct diag *d);

#endif
