/* SPDX-License-Identifier: BSD-2-Clause */
/* The buffering and padding SHA-1 and SHA-256 share (lib/md64.h): whole
 * blocks are hashed where they lie, only a tail is copied. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "lib/md64.h"

void md64_init(struct md64 *s, const uint32_t *iv, size_t words)
{
	memcpy(s->h, iv, words * sizeof(*iv));
	s->len = 0;
	s->n = 0;
}

void md64_update(struct md64 *s, const void *data, size_t len,
		 void (*blocks)(uint32_t *h, const uint8_t *p, size_t nblocks))
{
	const uint8_t *p = data;
	s->len += len;
	if (s->n) {
		size_t take = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->buf + s->n, p, take);
		s->n += take;
		p += take;
		len -= take;
		if (s->n < 64)
			return;
		blocks(s->h, s->buf, 1);
		s->n = 0;
	}
	if (len >= 64) {
		blocks(s->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(s->buf, p, len);
	s->n = len;
}

void md64_final(struct md64 *s, uint8_t *out, size_t words,
		void (*blocks)(uint32_t *h, const uint8_t *p, size_t nblocks))
{
	uint64_t bits = s->len * 8;
	s->buf[s->n++] = 0x80;
	if (s->n > 56) {
		memset(s->buf + s->n, 0, 64 - s->n);
		blocks(s->h, s->buf, 1);
		s->n = 0;
	}
	memset(s->buf + s->n, 0, 56 - s->n);
	for (int i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	blocks(s->h, s->buf, 1);
	for (size_t i = 0; i < 4 * words; i++)
		out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}
