/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot's shared half: the TCG encodings against bytes written out
 * by hand from the specifications, the log walk (end found, malformed logs
 * and other algorithms refused by name), and the policy over the host's
 * simulated TPM (measured, no TPM, a failing TPM, measure=required). */
#include <string.h>
#include "kernel/measure.h"
#include "include/status.h"
#include "host.h"
#include "test.h"

static void digest_of(const void *p, size_t n, uint8_t out[SHA256_SIZE])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, out);
}

static void sha1_of(const void *p, size_t n, uint8_t out[SHA1_SIZE])
{
	struct sha1 s;
	sha1_init(&s);
	sha1_update(&s, p, n);
	sha1_final(&s, out);
}

static const struct tcg_algs sha256_only = { 1, { TPM_ALG_SHA256 } };
static const struct tcg_algs sha1_sha256 = { 2, { TPM_ALG_SHA1, TPM_ALG_SHA256 } };

static void test_event2(void)
{
	struct tcg_digests dg = { 3, { 0 }, { 0 } };
	uint8_t out[96], want[53] = {
		9, 0, 0, 0,		/* pcrIndex */
		0x0d, 0, 0, 0,		/* EV_IPL */
		1, 0, 0, 0,		/* one digest */
		0x0b, 0,		/* TPM_ALG_SHA256 */
	};
	for (int i = 0; i < 32; i++)
		dg.sha256[i] = want[14 + i] = (uint8_t)i;
	want[46] = 3;			/* eventSize, then "ab" and its NUL */
	want[50] = 'a';
	want[51] = 'b';
	ok_eq(tcg_event2_encode(out, sizeof(out), 9, TCG_EV_IPL, &sha256_only, &dg, "ab"), 53);
	ok(memcmp(out, want, 53) == 0);
	ok_eq(tcg_event2_encode(out, 52, 9, TCG_EV_IPL, &sha256_only, &dg, "ab"), 0);	/* one short: nothing */

	/* both banks, in the order given: {count 2, 0x0004, 20 bytes, 0x000b, 32 bytes} */
	uint8_t two[75] = { 8, 0, 0, 0, 0x0d, 0, 0, 0, 2, 0, 0, 0, 0x04, 0 };
	for (int i = 0; i < 20; i++)
		dg.sha1[i] = two[14 + i] = (uint8_t)(0xa0 + i);
	two[34] = 0x0b;
	memcpy(two + 36, dg.sha256, 32);
	two[68] = 3;
	memcpy(two + 72, "ab", 3);
	ok_eq(tcg_event2_encode(out, sizeof(out), 8, TCG_EV_IPL, &sha1_sha256, &dg, "ab"), 75);
	ok(memcmp(out, two, 75) == 0);
	ok_eq(tcg_event2_encode(out, 74, 8, TCG_EV_IPL, &sha1_sha256, &dg, "ab"), 0);

	/* TPM2_PCR_Extend's TPML_DIGEST_VALUES: the same, big-endian */
	static const uint8_t be_head[6] = { 0, 0, 0, 2, 0, 0x04 };
	ok_eq(tcg_digests_put(out, &sha1_sha256, &dg, 1), 60);
	ok(memcmp(out, be_head, 6) == 0 && memcmp(out + 6, dg.sha1, 20) == 0);
	ok(out[26] == 0 && out[27] == 0x0b && memcmp(out + 28, dg.sha256, 32) == 0);
}

static void test_algs(void)
{
	struct tcg_algs a = { 0, { 0 } };
	ok_eq(tcg_algs_add(&a, TPM_ALG_SHA256), 0);
	ok_eq(tcg_algs_add(&a, TPM_ALG_SHA1), 0);
	ok_eq(tcg_algs_add(&a, TPM_ALG_SHA256), 0);	/* once */
	ok_eq(a.n, 2);
	ok(a.alg[0] == TPM_ALG_SHA256 && a.alg[1] == TPM_ALG_SHA1);
	ok_eq(tcg_algs_add(&a, 0x000c), -1);
	ok_str(tcg_alg_name(0x000c), "sha384");
	ok_str(tcg_alg_name(0x0012), "sm3_256");
	ok(tcg_alg_name(0x0099) == 0);
}

static void test_efi_event(void)
{
	uint8_t out[32];
	static const uint8_t want[20] = { 20, 0, 0, 0, 14, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0x0d, 0, 0, 0, 'x', 0 };
	ok_eq(tcg2_efi_event_encode(out, sizeof(out), 8, TCG_EV_IPL, "x"), 20);
	ok(memcmp(out, want, 20) == 0);
	ok_eq(tcg2_efi_event_encode(out, 19, 8, TCG_EV_IPL, "x"), 0);
}

/* A log as SeaBIOS starts it: the Spec ID Event listing algs (with
 * their digest sizes), then room. */
static size_t spec_log(uint8_t *log, size_t cap, const uint16_t *algs, uint32_t n)
{
	memset(log, 0, cap);
	log[4] = TCG_EV_NO_ACTION;
	log[28] = (uint8_t)(29 + 4 * n);	/* the Spec ID Event's size */
	memcpy(log + 32, "Spec ID Event03", 16);
	log[32 + 21] = 2;		/* spec version 2.0 */
	log[32 + 23] = 2;		/* uintnSize */
	log[32 + 24] = (uint8_t)n;	/* the algorithms: */
	for (uint32_t i = 0; i < n; i++) {
		log[32 + 28 + 4 * i] = (uint8_t)algs[2 * i];
		log[32 + 30 + 4 * i] = (uint8_t)algs[2 * i + 1];
	}
	return 32 + 29 + 4 * n;
}

static void test_log_end(void)
{
	static const uint16_t sha256[] = { TPM_ALG_SHA256, 32 }, both[] = { TPM_ALG_SHA1, 20, TPM_ALG_SHA256, 32 },
			      sha384[] = { TPM_ALG_SHA256, 32, 0x000c, 48 }, bad_size[] = { TPM_ALG_SHA1, 32 };
	uint8_t log[512];
	struct tcg_digests dg = { 3, { 0 }, { 0 } };
	struct tcg_algs algs;
	struct diag d;
	size_t end = 0, start = spec_log(log, sizeof(log), sha256, 1);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), 0);
	ok_eq(end, start);
	ok(algs.n == 1 && algs.alg[0] == TPM_ALG_SHA256);
	size_t n = tcg_event2_encode(log + start, sizeof(log) - start, 0, TCG_EV_IPL, &sha256_only, &dg, "bios");
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), 0);
	ok_eq(end, start + n);
	ok_eq(tcg_log_end(log, start + n, &end, &algs, &d), 0);	/* a full area ends where it ends */
	ok_eq(end, start + n);
	ok_eq(tcg_log_end(log, start + n - 1, &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the event at offset 65 runs past the log area");
	log[start + 8] = 2;		/* two digests where the header lists one */
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the event at offset 65 is malformed (2 digests)");

	/* SHA-1 and SHA-256 (SeaBIOS on swtpm_setup --pcr-banks sha1,sha256) */
	start = spec_log(log, sizeof(log), both, 2);
	n = tcg_event2_encode(log + start, sizeof(log) - start, 0, TCG_EV_IPL, &sha1_sha256, &dg, "bios");
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), 0);
	ok_eq(end, start + n);
	ok(algs.n == 2 && algs.alg[0] == TPM_ALG_SHA1 && algs.alg[1] == TPM_ALG_SHA256);
	log[start + 12] = 0x0b;		/* digests in another order than the header's */
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the event at offset 69 is malformed (2 digests)");

	spec_log(log, sizeof(log), sha384, 2);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: it holds sha384 digests (algorithm 0x000c), which fwboot cannot compute (fwboot hashes "
	       "SHA-1 and SHA-256)");
	spec_log(log, sizeof(log), bad_size, 1);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the Spec ID Event lists sha1 twice or with 32-byte digests");
	spec_log(log, sizeof(log), both, 0);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the Spec ID Event lists 0 algorithms");
	memcpy(log + 32, "Spec ID Event02", 16);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: its first event is not a crypto-agile Spec ID Event");
	log[4] = 1;
	ok_eq(tcg_log_end(log, sizeof(log), &end, &algs, &d), -ST_MEASURE);
	ok_str(d.msg, "log: no Spec ID Event at its start");
}

#define EV2 (12 + 22 + 34 + 4)	/* an event's bytes before its text, with both digests */

static void test_policy(void)
{
	struct diag d;
	uint8_t dg[32], pcr[64] = { 0 }, data[3000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	struct file f = { "opt/fwboot/k", 0, 0, sizeof(data), data };

	host_tpm_reset(1);
	ok_eq(measure_string("kernel_cmdline: ", "a b", &d), 0);
	ok_eq(measure_file(&f, &d), 0);
	digest_of("a b", 3, pcr + 32);
	digest_of(pcr, 64, dg);
	ok(memcmp(host_tpm_pcr[8], dg, 32) == 0);	/* PCR 8 = H(0^32 || H("a b")) */
	digest_of(data, sizeof(data), pcr + 32);
	digest_of(pcr, 64, dg);
	ok(memcmp(host_tpm_pcr[9], dg, 32) == 0);
	uint8_t pcr1[40] = { 0 };	/* the SHA-1 bank: the file hashed in SHA-1 too */
	sha1_of(data, sizeof(data), pcr1 + 20);
	ok(memcmp(host_tpm_log + EV2 + sizeof("kernel_cmdline: a b") + 14, pcr1 + 20, 20) == 0);
	sha1_of(pcr1, 40, dg);
	ok(memcmp(host_tpm_pcr_sha1[9], dg, 20) == 0);
	ok_eq(host_tpm_log_len, EV2 + sizeof("kernel_cmdline: a b") + EV2 + sizeof("opt/fwboot/k"));
	ok(memcmp(host_tpm_log + EV2, "kernel_cmdline: a b", 20) == 0);

	char longname[1000];	/* a long name: the event's text cut, the digest whole */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	size_t at = host_tpm_log_len;
	ok_eq(measure_string("kernel_cmdline: ", longname, &d), 0);
	ok_eq(host_tpm_log_len - at, EV2 + MEASURE_DESC_MAX + 1);
	digest_of(longname, sizeof(longname) - 1, dg);
	ok(memcmp(host_tpm_log + at + 14 + 22, dg, 32) == 0);

	host_tpm_reset(2);	/* every extend fails: named, the boot goes on */
	host_console_reset();
	ok_eq(measure_file(&f, &d), 0);
	ok(strstr(host_console, "measure: opt/fwboot/k not measured into PCR 9: the TPM stopped answering") != 0);
	measure_set_required(1);
	ok_eq(measure_file(&f, &d), -ST_MEASURE);
	ok_str(d.msg, "measure: opt/fwboot/k not measured into PCR 9: the TPM stopped answering (measure=required)");

	host_tpm_reset(0);
	host_console_reset();
	ok_eq(measure_file(&f, &d), 0);
	ok_eq(measure_string("fwboot_cmdline: ", "x", &d), 0);
	ok(strstr(host_console, "measure: no TPM (the host has none): nothing is measured") != 0);
	ok(strstr(strstr(host_console, "no TPM") + 1, "no TPM") == 0);	/* said once */
	measure_set_required(1);
	ok_eq(measure_file(&f, &d), -ST_MEASURE);
	ok_str(d.msg, "measure: measure=required, and there is no TPM");
	host_tpm_reset(0);
}

int main(void)
{
	test_event2();
	test_algs();
	test_efi_event();
	test_log_end();
	test_policy();
	return test_done("measure");
}
