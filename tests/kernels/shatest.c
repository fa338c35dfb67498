/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shatest: fwboot.elf's SHA-256 (lib/sha256.c over platform/bios/sha256_i686.S)
 * inside a guest, where the i686 code runs, against two oracles:
 *  - the C compression function (lib/sha256_c.c, linked here as
 *    sha256_blocks_ref), on random states and random blocks at every
 *    alignment, one to five blocks per call;
 *  - the host's hashlib (tests/boot/test_pins.py): the digest of every
 *    length 0..SHATEST_MAXLEN of a xorshift32 stream, chained into one
 *    digest, and of SHATEST_BIG bytes fed in one call and in odd pieces.
 * Output: "shatest: ..." lines on COM1 (kout.h), then isa-debug-exit.
 */
#include <stddef.h>
#include <stdint.h>
#include "kout.h"
#include "lib/sha256.h"

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000002	/* memory information */

__attribute__((section(".mb2header"), used, aligned(4)))
static const uint32_t mb1_header[3] = { MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS) };

#define SHATEST_MAXLEN 1000
#define SHATEST_BIG (3u << 20 | 7u)	/* 3 MiB + 7: past any chunk boundary */
#define BUF ((uint8_t *)0x400000)	/* RAM above the image (checked below) */

void sha256_blocks_ref(uint32_t h[8], const uint8_t *p, size_t nblocks);

static uint32_t rng;

static uint32_t xorshift32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The stream the host regenerates: little-endian words of xorshift32 from
 * the seed. */
static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	rng = seed;
	for (uint32_t i = 0; i < n; i += 4) {
		uint32_t v = xorshift32();
		for (uint32_t j = 0; j < 4 && i + j < n; j++)
			p[i + j] = (uint8_t)(v >> 8 * j);
	}
}

static void digest(const uint8_t *p, uint32_t n, uint8_t out[SHA256_SIZE])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, out);
}

static void print_digest(const char *what, uint32_t n, const uint8_t d[SHA256_SIZE])
{
	char hex[SHA256_HEX + 1];
	sha256_to_hex(d, hex);
	out("%s len=%u sha256=%s", what, n, hex);
}

/* asm against C: random states, random data, every start alignment. */
static uint32_t compare_blocks(void)
{
	static uint8_t data[5 * 64 + 3];
	uint32_t bad = 0, checked = 0;
	rng = 0x5eed1234;
	for (uint32_t round = 0; round < 2000; round++) {
		uint32_t h1[8], h2[8];
		for (int i = 0; i < 8; i++)
			h1[i] = h2[i] = xorshift32();
		for (uint32_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)xorshift32();
		uint32_t align = round & 3, n = 1 + round % 5;
		sha256_blocks(h1, data + align, n);
		sha256_blocks_ref(h2, data + align, n);
		checked++;
		for (int i = 0; i < 8; i++)
			if (h1[i] != h2[i]) {
				if (bad < 5)
					out("blocks mismatch round=%u align=%u blocks=%u word=%u asm=%x c=%x", round,
					    align, n, (uint32_t)i, h1[i], h2[i]);
				bad++;
				break;
			}
	}
	out("blocks checked=%u mismatches=%u", checked, bad);
	return bad;
}

void shatest_main(uint32_t magic, uint32_t info)
{
	kout_init("shatest");
	if (magic != 0x2BADB002 || !(*(const uint32_t *)info & 1)) {
		out("no Multiboot 1 memory information");
		kout_exit(KOUT_FAILED);
	}
	uint32_t upper_kib = ((const uint32_t *)info)[2];
	if (upper_kib < (0x400000 - 0x100000 + SHATEST_BIG + 64) / 1024) {
		out("needs more RAM: %u KiB above 1 MiB", upper_kib);
		kout_exit(KOUT_FAILED);
	}
	uint32_t bad = compare_blocks();

	/* every length: one digest each, chained into a final one */
	fill(BUF, SHATEST_MAXLEN, 0x12345678);
	struct sha256 chain;
	sha256_init(&chain);
	uint8_t d[SHA256_SIZE];
	for (uint32_t n = 0; n <= SHATEST_MAXLEN; n++) {
		digest(BUF, n, d);
		sha256_update(&chain, d, sizeof(d));
		if (n == 0 || n == 55 || n == 56 || n == 63 || n == 64 || n == 65 || n == SHATEST_MAXLEN)
			print_digest("length", n, d);
	}
	sha256_final(&chain, d);
	print_digest("chain", SHATEST_MAXLEN, d);

	/* a large input, misaligned, in one call and in odd pieces */
	uint8_t *big = BUF + 1;
	fill(big, SHATEST_BIG, 0x9e3779b9);
	out("stream len=%u crc32=%x", SHATEST_BIG, kout_crc32(big, SHATEST_BIG));	/* the host's stream is this one */
	uint8_t whole[SHA256_SIZE];
	digest(big, SHATEST_BIG, whole);
	print_digest("big", SHATEST_BIG, whole);
	struct sha256 s;
	sha256_init(&s);
	static const uint32_t pieces[] = { 1, 63, 64, 65, 4095, 65536, 127, 3 };
	uint32_t at = 0;
	for (uint32_t i = 0; at < SHATEST_BIG; i++) {
		uint32_t take = pieces[i % (sizeof(pieces) / sizeof(pieces[0]))];
		if (take > SHATEST_BIG - at)
			take = SHATEST_BIG - at;
		sha256_update(&s, big + at, take);
		at += take;
	}
	sha256_final(&s, d);
	for (int i = 0; i < SHA256_SIZE; i++)
		if (d[i] != whole[i]) {
			print_digest("pieces differ", SHATEST_BIG, d);
			bad++;
			break;
		}
	out("done mismatches=%u", bad);
	kout_exit(bad ? KOUT_FAILED : KOUT_DONE);
}
