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

int measure_sha256(const struct measure *m, uint8_t out[SHA256_SIZE], struct diag *d)
{
	if (m->f)
		return file_sha256(m->f, out, d);
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, m->data, m->len);
	sha256_final(&s, out);
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

size_t tcg_event2_encode(uint8_t *out, size_t cap, uint32_t pcr, uint32_t type,
			 const uint8_t digest[SHA256_SIZE], const char *desc)
{
	size_t dl = str_len(desc) + 1, n = 4 + 4 + 4 + 2 + SHA256_SIZE + 4 + dl;
	if (n > cap)
		return 0;
	put_le32(out, pcr);
	put_le32(out + 4, type);
	put_le32(out + 8, 1);
	put_le16(out + 12, TPM_ALG_SHA256);
	memcpy(out + 14, digest, SHA256_SIZE);
	put_le32(out + 14 + SHA256_SIZE, (uint32_t)dl);
	memcpy(out + 18 + SHA256_SIZE, desc, dl);
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

int tcg_log_end(const uint8_t *log, size_t len, size_t *end, struct diag *d)
{
	/* TCG_PCR_EVENT: pcr, type, SHA-1 digest (20), size, the Spec ID Event */
	if (len < 32 || get_le32(log + 4) != TCG_EV_NO_ACTION)
		return diag_fail(d, ST_MEASURE, "log: no Spec ID Event at its start");
	uint32_t sz = get_le32(log + 28);
	const uint8_t *spec = log + 32;
	if (sz > len - 32 || sz < 28 || memcmp(spec, "Spec ID Event03", 16))
		return diag_fail(d, ST_MEASURE, "log: its first event is not a crypto-agile Spec ID Event");
	uint32_t nalg = get_le32(spec + 24);
	if (nalg > 8 || 28 + 4 * (size_t)nalg > sz)
		return diag_fail(d, ST_MEASURE, "log: the Spec ID Event lists %u algorithms", nalg);
	for (uint32_t i = 0; i < nalg; i++)
		if (get_le16(spec + 28 + 4 * i) != TPM_ALG_SHA256 || get_le16(spec + 30 + 4 * i) != SHA256_SIZE)
			return diag_fail(d, ST_MEASURE, "log: it holds digests of algorithm 0x%04x, which fwboot cannot "
					 "compute (fwboot hashes SHA-256 only)", get_le16(spec + 28 + 4 * i));
	size_t at = 32 + sz;
	for (;;) {
		if (len - at < 12 || get_le32(log + at + 8) == 0) {
			*end = at;
			return 0;
		}
		uint32_t count = get_le32(log + at + 8);
		size_t need = 12 + (size_t)count * (2 + SHA256_SIZE) + 4;
		if (count != nalg || need > len - at || get_le16(log + at + 12) != TPM_ALG_SHA256)
			return diag_fail(d, ST_MEASURE, "log: the event at offset %zu is malformed (%u digests)", at, count);
		uint32_t esz = get_le32(log + at + need - 4);
		if (esz > len - at - need)
			return diag_fail(d, ST_MEASURE, "log: the event at offset %zu runs past the log area", at);
		at += need + esz;
	}
}
