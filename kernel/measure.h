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
#include "lib/sha1.h"
#include "lib/sha256.h"

#define MEASURE_PCR_FILES 9	/* kernels, modules, initrds, bundle members, scripts */
#define MEASURE_PCR_STRINGS 8	/* command lines */
#define TCG_EV_NO_ACTION 0x03
#define TCG_EV_IPL 0x0d
#define TPM_ALG_SHA1 0x0004	/* TPM 2.0 Part 2, TPM_ALG_ID: the two fwboot hashes */
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

/* Hash algorithms in order (a TPM's active banks, a log's digests): only
 * SHA-1 and SHA-256, each at most once. */
struct tcg_algs {
	uint32_t n;
	uint16_t alg[2];
};

/* What m hashes to, per algorithm; have: which are computed (bit 0 SHA-1,
 * bit 1 SHA-256). */
struct tcg_digests {
	unsigned have;
	uint8_t sha1[SHA1_SIZE];
	uint8_t sha256[SHA256_SIZE];
};

/* The name of a TPM_ALG_ID of a hash ("sha384"), or NULL. */
const char *tcg_alg_name(uint16_t alg);

/* Add alg to a (once): 0, or -1 when fwboot cannot hash it. */
int tcg_algs_add(struct tcg_algs *a, uint16_t alg);

/* Compute m's digests in the algorithms of a that dg does not have yet: a
 * file is hashed once per algorithm (kernel/pin.c's file_digest). For the
 * platforms that extend digests. 0, or a read failure named in d. */
int measure_digests(const struct measure *m, const struct tcg_algs *a, struct tcg_digests *dg, struct diag *d);

/* ---- wire formats (pure) ---- */

#define TCG_DIGESTS_MAX (4 + 2 + SHA1_SIZE + 2 + SHA256_SIZE)

/* A count, then {algorithm, digest} for each of a, from dg: little-endian
 * as in TCG_PCR_EVENT2 (be 0), or big-endian as TPM2_PCR_Extend's
 * TPML_DIGEST_VALUES (be 1). Its length, at most TCG_DIGESTS_MAX. */
size_t tcg_digests_put(uint8_t *out, const struct tcg_algs *a, const struct tcg_digests *dg, int be);

/* TCG_PCR_EVENT2: {pcr, type, the digests of a in its order, event size,
 * desc with its NUL} at out; its length, or 0 when it does not fit in cap
 * (nothing written past cap). */
size_t tcg_event2_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type, const struct tcg_algs *a,
			 const struct tcg_digests *dg, const char *desc);

/* EFI_TCG2_EVENT {u32 Size; header {u32 HeaderSize 14, u16 version 1,
 * u32 pcr, u32 type}; desc with its NUL}: its length, or 0 when over cap. */
size_t tcg2_efi_event_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type, const char *desc);

/* Walk a crypto-agile log (a TCG_PCR_EVENT holding the Spec ID Event,
 * then TCG_PCR_EVENT2s) in the first len bytes of log: *algs = the digest
 * algorithms the Spec ID Event declares, in its order (each event holds
 * those); *end = where the next event goes (the first zero digest count:
 * the area's unused, zeroed rest). 0; -ST_MEASURE when the log is
 * malformed or declares an algorithm fwboot cannot hash (named), with the
 * reason in d. */
int tcg_log_end(const uint8_t *log, size_t len, size_t *end, struct tcg_algs *algs, struct diag *d);

#endif
