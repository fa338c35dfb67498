/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot's shared half: what is measured where, the failure policy
 * (named on the console; the boot goes on unless measure=required), and
 * the TCG encodings the platforms write. */
#include "kernel/measure.h"
#include "kernel/console.h"
#include "kernel/pin.h"
#include "kernel/platform.h"
#include "include/status.h"
#include "lib/byteorder.h"
#include "lib/memops.h"
#include "lib/str.h"

static int required;
static int state;	/* 0 not probed yet, 1 a TPM, 2 none, 3 unusable */

void measure_reset(void)
{
	required = 0;
	state = 0;
}

void measure_set_required(int r)
{
	required = r;
}

int measure_required(void)
{
	return required;
}

const char *tcg_alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1: return "sha1";
	case TPM_ALG_SHA256: return "sha256";
	case 0x000c: return "sha384";
	case 0x000d: return "sha512";
	case 0x0012: return "sm3_256";
	}
	return 0;
}

/* A digest's size for the two algorithms fwboot hashes (tcg_algs_add
 * admits no other). */
static size_t alg_size(uint16_t alg)
{
	return alg == TPM_ALG_SHA1 ? SHA1_SIZE : SHA256_SIZE;
}

int tcg_algs_add(struct tcg_algs *a, uint16_t alg)
{
	if (alg != TPM_ALG_SHA1 && alg != TPM_ALG_SHA256)
		return -1;
	for (uint32_t i = 0; i < a->n; i++)
		if (a->alg[i] == alg)
			return 0;
	a->alg[a->n++] = alg;
	return 0;
}

int measure_digests(const struct measure *m, const struct tcg_algs *a, struct tcg_digests *dg, struct diag *d)
{
	struct file data = { m->desc, 0, 0, m->len, m->data };	/* bytes in memory, hashed as a file */
	for (uint32_t i = 0; i < a->n; i++) {
		int sha1 = a->alg[i] == TPM_ALG_SHA1;
		if (dg->have & (sha1 ? 1 : 2))
			continue;
		int r = file_digest(m->f ? m->f : &data, sha1, sha1 ? dg->sha1 : dg->sha256, d);
		if (r)
			return r;
		dg->have |= sha1 ? 1 : 2;
	}
	return 0;
}

/* A failure: named on the console; refuses the boot only when required. */
static int not_measured(const struct measure *m, const char *why, struct diag *d)
{
	if (required)
		return diag_fail(d, ST_MEASURE, "measure: %s not measured into PCR %u: %s (measure=required)",
				 m->desc, m->pcr, why);
	log_notice("measure: %s not measured into PCR %u: %s", m->desc, m->pcr, why);
	return 0;
}

static int measure(const struct measure *m, struct diag *d)
{
	struct diag why;
	if (!state) {
		why.msg[0] = 0;
		int r = platform_tpm_probe(&why);
		state = r > 0 ? 1 : r == 0 ? 2 : 3;
		if (state == 2)
			log_info("measure: no TPM (%s): nothing is measured", why.msg);
		else if (state == 3)
			log_notice("measure: the TPM cannot be used: %s", why.msg);
	}
	if (state == 2)
		return required ? diag_fail(d, ST_MEASURE, "measure: measure=required, and there is no TPM") : 0;
	if (state == 3)
		return not_measured(m, "the TPM cannot be used", d);
	why.msg[0] = 0;
	int r = platform_tpm_measure(m, &why);
	if (r)
		return not_measured(m, why.msg, d);
	log_info("measure: %s into PCR %u", m->desc, m->pcr);
	return 0;
}

/* The event's text is prefix and text, cut to MEASURE_DESC_MAX (a long
 * bundle member name, a long command line): the digest covers all of it. */
static int measure_named(uint32_t pcr, const char *prefix, const char *text, const void *data, size_t len,
			 const struct file *f, struct diag *d)
{
	if (state == 2 && !required)	/* no TPM, said once: nothing to build */
		return 0;
	size_t p = str_len(prefix), t = str_len(text);
	char desc[MEASURE_DESC_MAX + 1];
	if (p + t > MEASURE_DESC_MAX)
		t = MEASURE_DESC_MAX - p;
	memcpy(desc, prefix, p);
	memcpy(desc + p, text, t);
	desc[p + t] = 0;
	struct measure m = { pcr, desc, data, len, f };
	return measure(&m, d);
}

int measure_file(const struct file *f, struct diag *d)
{
	return measure_named(MEASURE_PCR_FILES, "", f->name, 0, 0, f, d);
}

int measure_data(const char *name, const void *data, size_t len, struct diag *d)
{
	return measure_named(MEASURE_PCR_FILES, "", name, data, len, 0, d);
}

int measure_string(const char *prefix, const char *text, struct diag *d)
{
	if (state == 2 && !required)
		return 0;
	return measure_named(MEASURE_PCR_STRINGS, prefix, text, text, str_len(text), 0, d);
}

/* ---- wire formats ---- */

size_t tcg_digests_put(uint8_t *out, const struct tcg_algs *a, const struct tcg_digests *dg, int be)
{
	size_t at = 4;
	be ? put_be32(out, a->n) : put_le32(out, a->n);
	for (uint32_t i = 0; i < a->n; i++) {
		be ? put_be16(out + at, a->alg[i]) : put_le16(out + at, a->alg[i]);
		memcpy(out + at + 2, a->alg[i] == TPM_ALG_SHA1 ? dg->sha1 : dg->sha256, alg_size(a->alg[i]));
		at += 2 + alg_size(a->alg[i]);
	}
	return at;
}

size_t tcg_event2_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type, const struct tcg_algs *a,
			 const struct tcg_digests *dg, const char *desc)
{
	uint8_t digests[TCG_DIGESTS_MAX];
	size_t dn = tcg_digests_put(digests, a, dg, 0), dl = str_len(desc) + 1, n = 8 + dn + 4 + dl;
	if (n > cap)
		return 0;
	put_le32(out, pcr);
	put_le32(out + 4, type);
	memcpy(out + 8, digests, dn);
	put_le32(out + 8 + dn, (uint32_t)dl);
	memcpy(out + 12 + dn, desc, dl);
	return n;
}

size_t tcg2_efi_event_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type, const char *desc)
{
	size_t dl = str_len(desc) + 1, n = 4 + 14 + dl;
	if (n > cap)
		return 0;
	put_le32(out, (uint32_t)n);
	put_le32(out + 4, 14);
	put_le16(out + 8, 1);
	put_le32(out + 10, pcr);
	put_le32(out + 14, type);
	memcpy(out + 18, desc, dl);
	return n;
}

int tcg_log_end(const uint8_t *log, size_t len, size_t *end, struct tcg_algs *algs, struct diag *d)
{
	/* TCG_PCR_EVENT: pcr, type, SHA-1 digest (20), size, the Spec ID Event */
	if (len < 32 || get_le32(log + 4) != TCG_EV_NO_ACTION)
		return diag_fail(d, ST_MEASURE, "log: no Spec ID Event at its start");
	uint32_t sz = get_le32(log + 28);
	const uint8_t *spec = log + 32;
	if (sz > len - 32 || sz < 28 || memcmp(spec, "Spec ID Event03", 16))
		return diag_fail(d, ST_MEASURE, "log: its first event is not a crypto-agile Spec ID Event");
	uint32_t nalg = get_le32(spec + 24);
	if (!nalg || nalg > 8 || 28 + 4 * (size_t)nalg > sz)
		return diag_fail(d, ST_MEASURE, "log: the Spec ID Event lists %u algorithms", nalg);
	algs->n = 0;
	for (uint32_t i = 0; i < nalg; i++) {
		uint16_t alg = get_le16(spec + 28 + 4 * i), size = get_le16(spec + 30 + 4 * i);
		const char *name = tcg_alg_name(alg);
		if (tcg_algs_add(algs, alg))
			return diag_fail(d, ST_MEASURE, "log: it holds %s digests (algorithm 0x%04x), which fwboot cannot "
					 "compute (fwboot hashes SHA-1 and SHA-256)", name ? name : "unknown", alg);
		if (algs->n != i + 1 || size != alg_size(alg))
			return diag_fail(d, ST_MEASURE, "log: the Spec ID Event lists %s twice or with %u-byte digests",
					 name, size);
	}
	size_t at = 32 + sz;
	for (;;) {
		if (len - at < 12 || get_le32(log + at + 8) == 0) {
			*end = at;
			return 0;
		}
		/* the digests: the Spec ID Event's algorithms, in its order */
		uint32_t count = get_le32(log + at + 8);
		size_t need = 12;
		int good = count == nalg;
		for (uint32_t i = 0; good && i < nalg; i++) {
			good = need + 2 <= len - at && get_le16(log + at + need) == algs->alg[i];
			need += 2 + alg_size(algs->alg[i]);
		}
		need += 4;
		if (!good || need > len - at)
			return diag_fail(d, ST_MEASURE, "log: the event at offset %zu is malformed (%u digests)", at, count);
		uint32_t esz = get_le32(log + at + need - 4);
		if (esz > len - at - need)
			return diag_fail(d, ST_MEASURE, "log: the event at offset %zu runs past the log area", at);
		at += need + esz;
	}
}
