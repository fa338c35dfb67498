/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 as FIPS 180-4 describes it: 64-byte blocks, big-endian words,
 * 64 rounds, the length in bits at the end of the padding. lib/md64.c does
 * the buffering and the padding; the compression function is
 * sha256_blocks: lib/sha256_c.c (host, fwboot.efi), platform/bios/sha256_i686.S
 * (fwboot.elf). */
#include "lib/sha256.h"

const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	md64_init(&s->md, iv, 8);
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	md64_update(&s->md, data, len, sha256_blocks);
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_SIZE])
{
	md64_final(&s->md, out, 8, sha256_blocks);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sha256_from_hex(const char *hex, size_t len, uint8_t out[SHA256_SIZE])
{
	if (len != SHA256_HEX)
		return -1;
	for (size_t i = 0; i < SHA256_SIZE; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void sha256_to_hex(const uint8_t d[SHA256_SIZE], char out[SHA256_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < SHA256_SIZE; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[SHA256_HEX] = 0;
}
