/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tpmtest: a Multiboot 1 kernel that reports what measured boot left behind,
 * read straight from the hardware (tests/boot/test_tpm.py):
 *   tpmtest: pcr index=N sha256=HEX     PCRs 0, 8 and 9 of the SHA-256 bank,
 *                                       by TPM2_PCR_Read through the TIS FIFO
 *   tpmtest: pcr index=N sha1=HEX       the same of the SHA-1 bank (each
 *                                       bank only when the TPM has it)
 *   tpmtest: log addr=.. size=.. used=..  ACPI's TPM2 log area
 *   tpmtest: loghex HEX                 its used part, 64 bytes a line, for
 *                                       the host's tpm2_eventlog
 *   tpmtest: cmdline="..." mods=N       what the loader handed over
 * then exits through isa-debug-exit (status 129). Every wait is bounded.
 */
#include <stddef.h>
#include <stdint.h>
#pragma GCC diagnostic ignored "-Wunused-function"	/* kout.h helpers tpmtest does not use */
#include "kout.h"

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000002
__attribute__((section(".mb2header"), used, aligned(4)))
static const uint32_t mb1_header[3] = { MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS) };

#define TIS ((volatile uint8_t *)0xFED40000)
#define STS (*(volatile uint32_t *)(TIS + 0x18))
#define SPIN 50000000u

static int wait_sts(uint32_t mask)
{
	for (uint32_t i = 0; i < SPIN; i++)
		if ((STS & mask) == mask)
			return 0;
	return -1;
}

/* Send cmd, read the response into rsp: its length, or 0. */
static uint32_t tpm(const uint8_t *cmd, uint32_t n, uint8_t *rsp, uint32_t cap)
{
	if (!(TIS[0] & 0x20)) {
		TIS[0] = 0x02;
		for (uint32_t i = 0; i < SPIN && !(TIS[0] & 0x20); i++)
			;
	}
	STS = 0x40;
	if (wait_sts(0x40))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t s = 0; s < SPIN && !((STS >> 8) & 0xffff); s++)
			;
		TIS[0x24] = cmd[i];
	}
	STS = 0x20;
	if (wait_sts(0x90))
		return 0;
	uint32_t want = 10, got = 0;
	while (got < want && got < cap) {
		if (!((STS >> 8) & 0xffff) && wait_sts(0x90))
			return 0;
		rsp[got++] = TIS[0x24];
		if (got == 10)
			want = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
	}
	STS = 0x40;
	return got;
}

static void hex(const uint8_t *p, uint32_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (uint32_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const uint8_t *find_tpm2(void)
{
	for (uint32_t a = 0xE0000; a < 0x100000; a += 16) {
		const uint8_t *r = (const uint8_t *)a;
		if (!kout_rsdp_ok(r))
			continue;
		const uint8_t *rsdt = (const uint8_t *)le32(r + 16);
		for (uint32_t at = 36; at + 4 <= le32(rsdt + 4); at += 4) {
			const uint8_t *t = (const uint8_t *)le32(rsdt + at);
			if (t[0] == 'T' && t[1] == 'P' && t[2] == 'M' && t[3] == '2')
				return t;
		}
	}
	return 0;
}

void tpmtest_main(uint32_t magic, const uint32_t *info)
{
	static const uint8_t idx[] = { 0, 8, 9 };
	uint8_t cmd[20] = { 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e, 0, 0, 0, 1, 0, 0x0b, 3 }, rsp[64];
	char buf[160];
	kout_init("tpmtest");
	out("magic=%x cmdline=%q mods=%u", magic, (info[0] & 4) ? (const char *)info[4] : "",
	    (info[0] & 8) ? info[5] : 0);
	for (uint32_t i = 0; i < 2 * sizeof(idx); i++) {
		int sha1 = i >= sizeof(idx);	/* the SHA-1 bank after the SHA-256 one */
		uint8_t pcr = idx[i % sizeof(idx)];
		cmd[15] = sha1 ? 0x04 : 0x0b;
		cmd[17] = cmd[18] = cmd[19] = 0;
		cmd[17 + pcr / 8] = (uint8_t)(1u << (pcr % 8));
		uint32_t n = tpm(cmd, sizeof(cmd), rsp, sizeof(rsp));
		if (n < 10 || rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
			out("pcr index=%u error n=%u", pcr, n);
			kout_exit(KOUT_FAILED);
		}
		if (n < 28 || !rsp[17] || !rsp[27])	/* no such bank: no selection, no digest */
			continue;
		if (n < (sha1 ? 50u : 62u)) {
			out("pcr index=%u error n=%u", pcr, n);
			kout_exit(KOUT_FAILED);
		}
		hex(rsp + 30, sha1 ? 20 : 32, buf);
		out("pcr index=%u %s=%s", pcr, sha1 ? "sha1" : "sha256", buf);
	}
	const uint8_t *t = find_tpm2();
	if (t && le32(t + 4) >= 76) {
		const uint8_t *log = (const uint8_t *)le32(t + 68);
		uint32_t size = le32(t + 64), used = size;
		while (used && !log[used - 1])
			used--;
		used = (used + 64) / 64 * 64 < size ? (used + 64) / 64 * 64 : size;	/* keep the zero event header */
		out("log addr=%x size=%u used=%u", (uint32_t)log, size, used);
		for (uint32_t at = 0; at < used; at += 64) {
			hex(log + at, used - at < 64 ? used - at : 64, buf);
			out("loghex %s", buf);
		}
	}
	kout_exit(KOUT_DONE);
}
