/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot: what fwboot extends into the TPM and logs, in which PCR,
 * with which description (GRUB's split: files and scripts into PCR 9,
 * command lines into PCR 8, event type EV_IPL), and the TCG wire formats
 * the platforms write (TCG PC Client Platform Firmware Profile: the
 * crypto-agile TCG_PCR_EVENT2; the EFI TCG2 protocol's EFI_TCG2_EVENT).
 * The encoders and the log parser are pure; the platform extends and logs
 * through platform_tpm_probe and platform_tpm_measure (kernel/platform.h). */
#ifndef FWBOOT_MEASURE_H
#define FWBOOT_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/file.h"
#include "lib/diag.h"
#include "lib/sha256.h"

#define MEASURE_PCR_FILES 9	/* kernels, modules, initrds, bundle members, scripts */
#define MEASURE_PCR_STRINGS 8	/* command lines */
#define TCG_EV_NO_ACTION 0x03
#define TCG_EV_IPL 0x0d
#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000b
#define MEASURE_DESC_MAX 600	/* an event's text is cut here (the digest is not) */

/* One thing to measure: bytes in memory (data, len), or a file (f). */
struct measure {
	uint32_t pcr;
	const char *desc;	/* the event's data: this text with its NUL, at most MEASURE_DESC_MAX */
	const void *data;
	size_t len;
	const struct file *f;
};

/* Forget the TPM probe and the policy (host tests, between cases). */
void measure_reset(void);

/* Policy: what a failure to measure does. */
void measure_set_required(int required);
int measure_required(void);

/* Measure a file (its bytes as stored in fw_cfg: the compressed image, the
 * bundle member's bytes) into PCR 9, described by its name; a script's
 * text as fetched; a command line into PCR 8 as "<prefix><text>" with the
 * digest of text alone. 0 when measured, or when not and the boot may go
 * on (the reason logged); -ST_MEASURE under measure=required. */
int measure_file(const struct file *f, struct diag *d);
int measure_data(const char *name, const void *data, size_t len, struct diag *d);
int measure_string(const char *prefix, const char *text, struct diag *d);

/* SHA-256 of what m names: the file's digest is computed once per file
 * (kernel/pin.c's file_sha256). For the platforms that extend digests. */
int measure_sha256(const struct measure *m, uint8_t out[SHA256_SIZE], struct diag *d);

/* ---- wire formats (pure) ---- */

/* TCG_PCR_EVENT2 with one SHA-256 digest: {pcr, type, count 1, alg,
 * digest, event size, desc with its NUL} at out; its length, or 0 when it
 * does not fit in cap (nothing written past cap). */
size_t tcg_event2_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type,
			 const uint8_t digest[SHA256_SIZE], const char *desc);

/* EFI_TCG2_EVENT {u32 Size; header {u32 HeaderSize 14, u16 version 1,
 * u32 pcr, u32 type}; desc with its NUL}: its length, or 0 when over cap. */
size_t tcg2_efi_event_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type, const char *desc);

/* Walk a crypto-agile log (a TCG_PCR_EVENT holding the Spec ID Event,
 * then TCG_PCR_EVENT2s) in the first len bytes of log: *end = where the
 * next event goes (the first zero digest count: the area's unused, zeroed
 * rest). 0; -ST_MEASURE when the log is malformed or lists a digest other
 * than SHA-256 (fwboot cannot hash it), with the reason in d. */
int tcg_log_end(const uint8_t *log, size_t len, size_t *end, struct diag *d);

#endif
