/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-1 as FIPS 180-4 (6.1.2) gives it, written for size (-Os): a
 * 16-word rolling schedule, one loop of 80 rounds; lib/md64.c does the
 * buffering and the padding. */
#include "lib/memops.h"	/* memcpy: platform/x86/memops.c, or the host libc */
#include "lib/sha1.h"

static uint32_t rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static void sha1_block(uint32_t *h, const uint8_t *p)
{
	uint32_t w[16], v[5];
	memcpy(v, h, sizeof(v));
	for (int t = 0; t < 80; t++) {
		uint32_t f, k, *x = &w[t & 15];
		if (t < 16)
			*x = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
		else
			*x = rol(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ *x, 1);
		if (t < 20)
			f = (v[1] & v[2]) | (~v[1] & v[3]), k = 0x5a827999;
		else if (t < 40)
			f = v[1] ^ v[2] ^ v[3], k = 0x6ed9eba1;
		else if (t < 60)
			f = (v[1] & v[2]) | (v[1] & v[3]) | (v[2] & v[3]), k = 0x8f1bbcdc;
		else
			f = v[1] ^ v[2] ^ v[3], k = 0xca62c1d6;
		uint32_t tmp = rol(v[0], 5) + f + v[4] + k + *x;
		v[4] = v[3];
		v[3] = v[2];
		v[2] = rol(v[1], 30);
		v[1] = v[0];
		v[0] = tmp;
	}
	for (int i = 0; i < 5; i++)
		h[i] += v[i];
}

static void sha1_blocks(uint32_t *h, const uint8_t *p, size_t nblocks)
{
	for (; nblocks; nblocks--, p += 64)
		sha1_block(h, p);
}

void sha1_init(struct sha1 *s)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	md64_init(&s->md, iv, 5);
}

void sha1_update(struct sha1 *s, const void *data, size_t len)
{
	md64_update(&s->md, data, len, sha1_blocks);
}

void sha1_final(struct sha1 *s, uint8_t out[SHA1_SIZE])
{
	md64_final(&s->md, out, 5, sha1_blocks);
}
