/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot on a BIOS machine: the TPM 2.0's FIFO interface (TCG PC
 * Client PTP / TIS: MMIO at 0xFED40000, locality 0) for TPM2_PCR_Extend,
 * and the event log SeaBIOS left in the area ACPI's TPM2 table names
 * (LAML bytes at LASA), appended in place so the OS reads one log. Every
 * wait on the TPM is bounded by the TSC. */
#include <stdint.h>
#include "kernel/acpi.h"
#include "kernel/console.h"
#include "kernel/measure.h"
#include "kernel/platform.h"
#include "include/status.h"
#include "lib/byteorder.h"
#include "lib/memops.h"
#include "platform/bios/acpi.h"
#include "platform/bios/bios.h"
#include "platform/x86/io.h"
#include "platform/x86/tsc.h"

#define TIS_BASE 0xFED40000u
#define TIS_ACCESS 0x00		/* 8 bits */
#define TIS_STS 0x18		/* 32 bits: burstCount in 8-23, family in 26-27 */
#define TIS_FIFO 0x24
#define TIS_DID_VID 0xF00
#define ACCESS_VALID 0x80
#define ACCESS_ACTIVE 0x20
#define ACCESS_REQUEST 0x02
#define STS_VALID 0x80
#define STS_READY 0x40
#define STS_GO 0x20
#define STS_AVAIL 0x10
#define STS_EXPECT 0x08
#define TPM_TIMEOUT_MS 750	/* the PTP's TIMEOUT_A..D */
#define TPM_COMMAND_MS 2000	/* how long an extend may take */
#define TPM_RC_INITIALIZE 0x100	/* not started: no TPM2_Startup yet (qboot) */
/* Failures: TPM_RC_FAILURE 0x101, and 9 (TPM 1.2's TPM_FAIL), which QEMU
 * answers itself when its TPM backend (swtpm) is gone */

static uint8_t *log_area;
static uint32_t log_size, log_end;
static struct tcg_algs banks, log_algs;	/* the TPM's active banks; the log's digests */
static int dead;	/* stopped answering: not asked again */

static volatile uint8_t *tis8(unsigned off)
{
	return (volatile uint8_t *)phys_ptr(TIS_BASE + off);
}

static uint32_t tis_sts(void)
{
	return *(volatile uint32_t *)phys_ptr(TIS_BASE + TIS_STS);
}

/* Until (STS & mask) == mask, for at most ms milliseconds: 0, or -1. */
static int tis_wait(uint32_t mask, unsigned ms)
{
	uint64_t end = tsc_deadline(ms);
	while ((tis_sts() & mask) != mask)
		if (tsc_passed(end))
			return -1;
	return 0;
}

/* Bytes the FIFO takes or gives now, waiting up to the deadline for one. */
static uint32_t tis_burst(uint64_t end)
{
	for (;;) {
		uint32_t b = (tis_sts() >> 8) & 0xffff;
		if (b || tsc_passed(end))
			return b;
	}
}

/* One command: cmd (its size in its header) in, the response in rsp
 * (cap bytes); 0 with the response code checked, or -ST_MEASURE naming
 * the step that failed. */
static int tpm_command(const uint8_t *cmd, uint8_t *rsp, size_t cap, struct diag *d)
{
	uint32_t n = get_be32(cmd + 2);
	*tis8(TIS_STS) = STS_READY;
	if (tis_wait(STS_READY, TPM_TIMEOUT_MS))
		return diag_fail(d, ST_MEASURE, "tpm: not ready for a command within %u ms", TPM_TIMEOUT_MS);
	uint64_t end = tsc_deadline(TPM_COMMAND_MS);
	for (uint32_t i = 0; i < n;) {
		uint32_t b = tis_burst(end);
		if (!b)
			return diag_fail(d, ST_MEASURE, "tpm: took %u of %u command bytes, then no more within %u ms", i, n,
					 TPM_COMMAND_MS);
		for (; b && i < n; b--)
			*tis8(TIS_FIFO) = cmd[i++];
	}
	if (tis_wait(STS_VALID, TPM_TIMEOUT_MS) || (tis_sts() & STS_EXPECT))
		return diag_fail(d, ST_MEASURE, "tpm: the command was not taken whole");
	*tis8(TIS_STS) = STS_GO;
	if (tis_wait(STS_VALID | STS_AVAIL, TPM_COMMAND_MS))
		return diag_fail(d, ST_MEASURE, "tpm: no answer within %u ms", TPM_COMMAND_MS);
	uint32_t want = 10;
	end = tsc_deadline(TPM_COMMAND_MS);
	for (uint32_t i = 0; i < want;) {
		uint32_t b = tis_burst(end);
		if (!b)
			return diag_fail(d, ST_MEASURE, "tpm: the answer stopped after %u bytes", i);
		for (; b && i < want; b--, i++) {
			uint8_t c = *tis8(TIS_FIFO);
			if (i < cap)
				rsp[i] = c;
			if (i == 9)
				want = get_be32(rsp + 2) < cap ? get_be32(rsp + 2) : (uint32_t)cap;
		}
	}
	*tis8(TIS_STS) = STS_READY;
	uint32_t rc = get_be32(rsp + 6);
	if (rc)
		return diag_fail(d, ST_MEASURE, "tpm: command 0x%x answered with response code 0x%x%s", get_be32(cmd + 6),
				 rc, rc == 0x101 || rc == 9 ? " (a failure: the TPM stopped working)" : "");
	return 0;
}

static const uint8_t get_pcrs[22] = { 0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7a, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t startup_clear[12] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0 };

/* Which banks have PCRs allocated, into banks: SHA-1 and SHA-256 may be,
 * no other (fwboot cannot hash it, and a bank left unextended could not be
 * replayed). */
static int check_banks(struct diag *d)
{
	uint8_t r[64];
	int e = tpm_command(get_pcrs, r, sizeof(r), d);
	if (e && get_be32(r + 6) == TPM_RC_INITIALIZE) {	/* nobody started it: qboot */
		e = tpm_command(startup_clear, r, sizeof(r), d);
		if (!e)
			e = tpm_command(get_pcrs, r, sizeof(r), d);
	}
	if (e)
		return e;
	size_t at = 19, len = get_be32(r + 2) < sizeof(r) ? get_be32(r + 2) : sizeof(r);
	for (uint32_t i = 0, n = get_be32(r + 15); i < n && at + 3 <= len; i++) {
		uint16_t alg = get_be16(r + at);
		uint8_t sel = r[at + 2], any = 0;
		for (uint8_t k = 0; k < sel && at + 3 + k < len; k++)
			any |= r[at + 3 + k];
		const char *name = tcg_alg_name(alg);
		if (any && tcg_algs_add(&banks, alg))
			return diag_fail(d, ST_MEASURE, "tpm: its %s bank (algorithm 0x%04x) is active, and fwboot hashes only "
					 "SHA-1 and SHA-256 (allocate those alone: swtpm_setup --pcr-banks sha256)",
					 name ? name : "unknown", alg);
		at += 3 + sel;
	}
	return banks.n ? 0 : diag_fail(d, ST_MEASURE, "tpm: no active PCR bank");
}

int platform_tpm_probe(struct diag *d)
{
	uint32_t id = *(volatile uint32_t *)phys_ptr(TIS_BASE + TIS_DID_VID);
	if (id == 0 || id == 0xffffffffu || !(*tis8(TIS_ACCESS) & ACCESS_VALID)) {
		diag_fail(d, 0, "no TPM interface at 0x%x", TIS_BASE);
		return 0;
	}
	if (!(*tis8(TIS_ACCESS) & ACCESS_ACTIVE)) {
		*tis8(TIS_ACCESS) = ACCESS_REQUEST;
		uint64_t end = tsc_deadline(TPM_TIMEOUT_MS);
		while (!(*tis8(TIS_ACCESS) & ACCESS_ACTIVE))
			if (tsc_passed(end))
				return diag_fail(d, ST_MEASURE, "tpm: locality 0 refused (not granted within %u ms)",
						 TPM_TIMEOUT_MS);
	}
	if (((tis_sts() >> 26) & 3) != 1)
		return diag_fail(d, ST_MEASURE, "tpm: a TPM 1.2 (fwboot measures into TPM 2.0 only)");
	int r = check_banks(d);
	if (r)
		return r;
	/* the log: ACPI's TPM2 table, LAML at 64 and LASA at 68 */
	uint64_t rsdp = bios_rsdp();
	const uint8_t *t = rsdp ? acpi_find_table(rsdp, "TPM2") : 0;
	if (!t || get_le32(t + 4) < 76 || !get_le32(t + 64) || get_le64(t + 68) >= 0x100000000ull)
		return diag_fail(d, ST_MEASURE, "tpm: ACPI has no TPM2 table with a log area below 4 GiB (no log to "
				 "append to)");
	log_area = (uint8_t *)phys_ptr((uintptr_t)get_le64(t + 68));
	log_size = get_le32(t + 64);
	size_t end;
	r = tcg_log_end(log_area, log_size, &end, &log_algs, d);
	if (r)
		return r;
	log_end = (uint32_t)end;
	log_verbose("tpm: TPM 2.0 0x%08x, banks %s%s%s, log 0x%x (%u of %u bytes used)", id, tcg_alg_name(banks.alg[0]),
		    banks.n > 1 ? " and " : "", banks.n > 1 ? tcg_alg_name(banks.alg[1]) : "",
		    (unsigned)(uintptr_t)log_area, log_end, log_size);
	return 1;
}

/* TPM2_PCR_Extend(pcr, every active bank's digest), the event in the log's
 * algorithms after it. */
int platform_tpm_measure(const struct measure *m, struct diag *d)
{
	uint8_t cmd[27 + TCG_DIGESTS_MAX] = { 0x80, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x82 }, rsp[32];
	uint8_t ev[12 + TCG_DIGESTS_MAX + MEASURE_DESC_MAX + 1];
	struct tcg_digests dg;
	if (dead)
		return diag_fail(d, ST_MEASURE, "the TPM stopped answering earlier");
	dg.have = 0;
	int r = measure_digests(m, &banks, &dg, d);
	if (!r)
		r = measure_digests(m, &log_algs, &dg, d);
	if (r)
		return r;
	size_t n = tcg_event2_encode(ev, sizeof(ev), m->pcr, TCG_EV_IPL, &log_algs, &dg, m->desc);
	put_be32(cmd + 10, m->pcr);
	put_be32(cmd + 14, 9);			/* the authorization area: */
	put_be32(cmd + 18, 0x40000009);		/* TPM_RS_PW, no nonce, no attributes, empty password */
	put_be32(cmd + 2, (uint32_t)(27 + tcg_digests_put(cmd + 27, &banks, &dg, 1)));
	r = tpm_command(cmd, rsp, sizeof(rsp), d);
	if (r) {
		dead = 1;
		return r;
	}
	if (!n || n > log_size - log_end)
		return diag_fail(d, ST_MEASURE, "the event log is full (%u of %u bytes used): extended, but not logged",
				 log_end, log_size);
	memcpy(log_area + log_end, ev, n);
	log_end += (uint32_t)n;
	return 0;
}
