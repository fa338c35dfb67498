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

static void test_event2(void)
{
	uint8_t dg[32], out[64], want[53] = {
		9, 0, 0, 0,		/* pcrIndex */
		0x0d, 0, 0, 0,		/* EV_IPL */
		1, 0, 0, 0,		/* one digest */
		0x0b, 0,		/* TPM_ALG_SHA256 */
	};
	for (int i = 0; i < 32; i++)
		dg[i] = want[14 + i] = (uint8_t)i;
	want[46] = 3;			/* eventSize, then "ab" and its NUL */
	want[50] = 'a';
	want[51] = 'b';
	ok_eq(tcg_event2_encode(out, sizeof(out), 9, TCG_EV_IPL, dg, "ab"), 53);
	ok(memcmp(out, want, 53) == 0);
	ok_eq(tcg_event2_encode(out, 52, 9, TCG_EV_IPL, dg, "ab"), 0);	/* one short: nothing */
}

static void test_efi_event(void)
{
	uint8_t out[32];
	static const uint8_t want[20] = { 20, 0, 0, 0, 14, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0x0d, 0, 0, 0, 'x', 0 };
	ok_eq(tcg2_efi_event_encode(out, sizeof(out), 8, TCG_EV_IPL, "x"), 20);
	ok(memcmp(out, want, 20) == 0);
	ok_eq(tcg2_efi_event_encode(out, 19, 8, TCG_EV_IPL, "x"), 0);
}

/* A log as SeaBIOS starts it: the Spec ID Event listing algs, then room. */
static size_t spec_log(uint8_t *log, size_t cap, uint16_t alg, uint16_t size)
{
	memset(log, 0, cap);
	log[4] = TCG_EV_NO_ACTION;
	log[28] = 33;			/* the Spec ID Event's size */
	memcpy(log + 32, "Spec ID Event03", 16);
	log[32 + 21] = 2;		/* spec version 2.0 */
	log[32 + 23] = 2;		/* uintnSize */
	log[32 + 24] = 1;		/* one algorithm: */
	log[32 + 28] = (uint8_t)alg;
	log[32 + 30] = (uint8_t)size;
	return 32 + 33;
}

static void test_log_end(void)
{
	uint8_t log[512], dg[32] = { 0 };
	struct diag d;
	size_t end = 0, start = spec_log(log, sizeof(log), TPM_ALG_SHA256, 32);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), 0);
	ok_eq(end, start);
	size_t n = tcg_event2_encode(log + start, sizeof(log) - start, 0, TCG_EV_IPL, dg, "bios");
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), 0);
	ok_eq(end, start + n);
	ok_eq(tcg_log_end(log, start + n, &end, &d), 0);	/* a full area ends where it ends */
	ok_eq(end, start + n);
	ok_eq(tcg_log_end(log, start + n - 1, &end, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the event at offset 65 runs past the log area");
	log[start + 8] = 2;		/* two digests where the header lists one */
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), -ST_MEASURE);
	ok_str(d.msg, "log: the event at offset 65 is malformed (2 digests)");
	spec_log(log, sizeof(log), TPM_ALG_SHA1, 20);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), -ST_MEASURE);
	ok_str(d.msg, "log: it holds digests of algorithm 0x0004, which fwboot cannot compute (fwboot hashes SHA-256 only)");
	memcpy(log + 32, "Spec ID Event02", 16);
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), -ST_MEASURE);
	ok_str(d.msg, "log: its first event is not a crypto-agile Spec ID Event");
	log[4] = 1;
	ok_eq(tcg_log_end(log, sizeof(log), &end, &d), -ST_MEASURE);
	ok_str(d.msg, "log: no Spec ID Event at its start");
}

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
	ok_eq(host_tpm_log_len, 18 + 32 + sizeof("kernel_cmdline: a b") + 18 + 32 + sizeof("opt/fwboot/k"));
	ok(memcmp(host_tpm_log + 18 + 32, "kernel_cmdline: a b", 20) == 0);

	char longname[1000];	/* a long name: the event's text cut, the digest whole */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	size_t at = host_tpm_log_len;
	ok_eq(measure_string("kernel_cmdline: ", longname, &d), 0);
	ok_eq(host_tpm_log_len - at, 18 + 32 + MEASURE_DESC_MAX + 1);
	digest_of(longname, sizeof(longname) - 1, dg);
	ok(memcmp(host_tpm_log + at + 14, dg, 32) == 0);

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
	test_efi_event();
	test_log_end();
	test_policy();
	return test_done("measure");
}
