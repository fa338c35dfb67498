/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for lib/inflate.c with the host zlib as the oracle: many
 * generated inputs through every level and strategy, gzip header fields,
 * every prefix of small streams, bit flips, a one-byte-short output buffer,
 * and hand-built DEFLATE blocks for each rejection. Buffers are allocated at
 * their exact size so ASan sees any access past either end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "lib/inflate.h"
#include "include/status.h"
#include "test.h"

/* The target's 32-bit bit buffer, built on the host: the same source again
 * under other names, so every test runs against both variants. This one
 * also re-bases its bit position every 1000 bits. */
#define INFLATE_BB_BITS 32
#define INFLATE_POS_LIMIT 1000
#define gzip_inflate gzip_inflate_bb32
#define inflate_raw inflate_raw_bb32
#define gzip_isize gzip_isize_bb32
#define gzip_is_gzip gzip_is_gzip_bb32
#define gzip_crc32 gzip_crc32_bb32
#define gzip_inflate_all gzip_inflate_all_bb32
#include "../../lib/inflate.c"
#undef gzip_inflate
#undef inflate_raw
#undef gzip_isize
#undef gzip_is_gzip
#undef gzip_crc32
#undef gzip_inflate_all

struct variant {
	const char *name;
	int (*gzip)(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
		    struct diag *d);
	int (*raw)(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
		   size_t *in_used, struct diag *d);
};

static const struct variant variants[2] = {
	{ "native", gzip_inflate, inflate_raw },
	{ "32-bit", gzip_inflate_bb32, inflate_raw_bb32 },
};
static const struct variant *v = &variants[0];

/* ---- deterministic data ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

enum data_kind {
	DATA_RANDOM,	/* incompressible: stored blocks and 8-9 bit literals */
	DATA_TEXT,	/* words from a small vocabulary: short matches */
	DATA_REPEAT,	/* short periods and byte runs: distances 1-8 */
	DATA_FAR,	/* random chunks repeated up to 32 KiB back */
	DATA_SKEWED,	/* Fibonacci-like byte frequencies: 15-bit codes */
	DATA_BINARY,	/* machine-code-like: zero runs, small ints, tables */
	DATA_KINDS,
};

static const char *const kind_name[DATA_KINDS] = {
	"random", "text", "repeat", "far", "skewed", "binary",
};

static const char *cur_kind = "";	/* the last data generated, for failure messages */

static void gen_data(uint8_t *buf, size_t n, enum data_kind kind)
{
	cur_kind = kind_name[kind];
	static const char *const words[] = {
		"the ", "kernel ", "boot ", "loader ", "fw_cfg ", "initrd ", "of ", "and ",
		"memory ", "map\n", "QEMU ", "x86 ", "page ", "0x1000 ", "entry, ", "struct ",
	};
	size_t i = 0;

	while (i < n) {
		size_t left = n - i;
		switch (kind) {
		case DATA_RANDOM:
			buf[i++] = (uint8_t)rnd();
			break;
		case DATA_TEXT: {
			const char *w = words[rnd_below(16)];
			size_t k = strlen(w);
			if (k > left)
				k = left;
			memcpy(buf + i, w, k);
			i += k;
			break;
		}
		case DATA_REPEAT: {
			size_t period = 1 + rnd_below(8), run = 1 + rnd_below(600);
			if (run > left)
				run = left;
			for (size_t k = 0; k < run; k++)
				buf[i + k] = k < period ? (uint8_t)rnd() : buf[i + k - period];
			i += run;
			break;
		}
		case DATA_FAR: {
			size_t len = 3 + rnd_below(300);
			if (len > left)
				len = left;
			if (i > 1000 && rnd_below(4)) {
				size_t dist = 1 + rnd_below(i < 32768 ? (uint32_t)i : 32768);
				if (rnd_below(4) == 0)
					dist = i < 32768 ? i : 32768 - rnd_below(16);
				for (size_t k = 0; k < len; k++)
					buf[i + k] = buf[i + k - dist];
			} else {
				for (size_t k = 0; k < len; k++)
					buf[i + k] = (uint8_t)rnd();
			}
			i += len;
			break;
		}
		case DATA_SKEWED: {
			/* byte b with probability about 2^-(b/8 + 1): a deep, lopsided code */
			uint32_t r = rnd() | 0x80000000u;
			unsigned b = (unsigned)__builtin_ctz(r) * 8 + rnd_below(8);
			buf[i++] = (uint8_t)(b < 256 ? b : 255);
			break;
		}
		case DATA_BINARY: {
			unsigned what = rnd_below(10);
			size_t len = 1 + rnd_below(64);
			if (len > left)
				len = left;
			for (size_t k = 0; k < len; k++) {
				if (what < 3)
					buf[i + k] = 0;
				else if (what < 6)
					buf[i + k] = k % 4 == 0 ? (uint8_t)rnd_below(16) : 0;
				else if (what < 8 && i >= 4096)
					buf[i + k] = buf[i + k - 4096 + rnd_below(3) * 4];
				else
					buf[i + k] = (uint8_t)(0x40 + rnd_below(64));
			}
			i += len;
			break;
		}
		default:
			buf[i++] = 0;
		}
	}
}

static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* ---- zlib as the encoder ---- */

struct zopts {
	int level, strategy;
	int wbits;		/* 31 gzip, -15 raw */
	int mem_level;
	size_t flush_every;	/* 0, or feed in chunks, flushing between them */
	int flush;		/* Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_BLOCK or Z_PARTIAL_FLUSH */
	int vary_level;		/* change level/strategy between chunks */
	gz_header *header;
};

/* Compress src into a malloc'd buffer of exactly the output size. */
static uint8_t *z_compress(const uint8_t *src, size_t n, const struct zopts *o, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, o->level, Z_DEFLATED, o->wbits, o->mem_level ? o->mem_level : 8,
			 o->strategy) != Z_OK)
		abort();
	if (o->header && deflateSetHeader(&z, o->header) != Z_OK)
		abort();
	size_t cap = deflateBound(&z, n) + 64 + (o->flush_every ? 16 * (n / o->flush_every + 2) : 0);
	uint8_t *tmp = malloc(cap);
	z.next_out = tmp;
	z.avail_out = (uInt)cap;
	size_t pos = 0, chunk = o->flush_every ? o->flush_every : (n ? n : 1);
	unsigned step = 0;
	do {
		size_t k = n - pos < chunk ? n - pos : chunk;
		z.next_in = (Bytef *)(src + pos);
		z.avail_in = (uInt)k;
		pos += k;
		int fl = pos == n ? Z_FINISH : o->flush;
		int r = deflate(&z, fl);
		if (r != Z_OK && r != Z_STREAM_END)
			abort();
		if (o->vary_level && pos < n) {
			static const int lv[] = { 0, 1, 6, 9, 2 };
			static const int st[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE,
						  Z_FILTERED };
			step++;
			deflateParams(&z, lv[step % 5], st[step / 5 % 5]);
		}
	} while (pos < n);
	if (z.avail_in || deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*out_len = z.total_out;
	deflateEnd(&z);
	uint8_t *res = dup_exact(tmp, *out_len);
	free(tmp);
	return res;
}

/* ---- round trips ---- */

static size_t roundtrips;

/* gzip_inflate, inflate_raw and gzip_isize against zlib for one input, in
 * both variants; also the one-byte-short output buffer. */
static void check_roundtrip(const uint8_t *src, size_t n, const struct zopts *zo, int check_short)
{
	struct zopts o = *zo;
	struct diag d = { "" };
	size_t gz_len, raw_len, out_len = 12345, used = 0;
	char want[64];

	roundtrips++;
	o.wbits = 31;
	uint8_t *gz = z_compress(src, n, &o, &gz_len);
	o.wbits = -15;
	uint8_t *raw = z_compress(src, n, &o, &raw_len);
	/* raw gets junk after the stream: in_used must stop at its end */
	uint8_t *rawj = malloc(raw_len + 3);
	memcpy(rawj, raw, raw_len);
	memcpy(rawj + raw_len, "\xff\x00\xa5", 3);
	uint8_t *out = malloc(n ? n : 1);

	uint32_t isize = 0;
	ok(gzip_isize(gz, gz_len, &isize, &d) == 0 && isize == (uint32_t)n);
	ok(gzip_is_gzip(gz, gz_len));

	for (int vi = 0; vi < 2; vi++) {
		v = &variants[vi];
		memset(out, 0, n);
		int r = v->gzip(gz, gz_len, out, n, &out_len, &d);
		int good = r == 0 && out_len == n && memcmp(out, src, n) == 0;
		if (!ok(good))
			printf("     %s gzip %s n=%zu level=%d strategy=%d flush=%zu: r=%d len=%zu \"%s\"\n",
			       v->name, cur_kind, n, o.level, o.strategy, o.flush_every, r, out_len, d.msg);

		if (check_short && n > 0) {
			uint8_t *small = malloc(n - 1 ? n - 1 : 1);
			r = v->gzip(gz, gz_len, small, n - 1, &out_len, &d);
			snprintf(want, sizeof(want), "gzip: output exceeds %zu bytes", n - 1);
			ok_eq(r, -ST_BAD_IMAGE);
			ok_str(d.msg, want);
			free(small);
		}

		memset(out, 0, n);
		r = v->raw(rawj, raw_len + 3, out, n, &out_len, &used, &d);
		good = r == 0 && out_len == n && used == raw_len && memcmp(out, src, n) == 0;
		if (!ok(good))
			printf("     %s raw %s n=%zu level=%d strategy=%d: r=%d len=%zu used=%zu/%zu \"%s\"\n",
			       v->name, cur_kind, n, o.level, o.strategy, r, out_len, used, raw_len, d.msg);
	}
	v = &variants[0];
	free(rawj);
	free(raw);
	free(gz);
	free(out);
}

static void test_zlib_matrix(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 7, 31, 100, 258, 259, 1000, 4095, 20000 };
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE, Z_FILTERED };
	uint8_t *buf = malloc(3 << 20);

	/* small sizes: every level, every strategy, every kind */
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
		for (int kind = 0; kind < DATA_KINDS; kind++) {
			gen_data(buf, sizes[si], kind);
			for (int level = 0; level <= 9; level++)
				for (int st = 0; st < 5; st++) {
					struct zopts o = { .level = level, .strategy = strategies[st] };
					check_roundtrip(buf, sizes[si], &o, st == 0 && level % 3 == 0);
				}
		}

	/* windows' worth: levels 1, 6, 9 and the strategies that shape blocks */
	static const size_t mid[] = { 32767, 32768, 32769, 65536, 70001, 300000 };
	for (size_t si = 0; si < sizeof(mid) / sizeof(mid[0]); si++)
		for (int kind = 0; kind < DATA_KINDS; kind++) {
			gen_data(buf, mid[si], kind);
			struct zopts a = { .level = 9, .strategy = Z_DEFAULT_STRATEGY, .mem_level = 9 };
			struct zopts b = { .level = 1, .strategy = Z_RLE };
			struct zopts c = { .level = 6, .strategy = Z_FIXED };
			struct zopts e = { .level = 6, .strategy = Z_HUFFMAN_ONLY };
			check_roundtrip(buf, mid[si], &a, si == 2);
			check_roundtrip(buf, mid[si], &b, 0);
			check_roundtrip(buf, mid[si], &c, 0);
			check_roundtrip(buf, mid[si], &e, 0);
		}

	/* megabytes: the shapes a kernel has */
	for (int kind = 0; kind < DATA_KINDS; kind++) {
		size_t n = kind == DATA_BINARY ? (2 << 20) + 12345 : (1 << 20) - 7;
		gen_data(buf, n, kind);
		struct zopts a = { .level = 9, .strategy = Z_DEFAULT_STRATEGY };
		struct zopts b = { .level = 1, .strategy = Z_DEFAULT_STRATEGY };
		check_roundtrip(buf, n, &a, kind == DATA_BINARY);
		if (kind == DATA_BINARY || kind == DATA_FAR)
			check_roundtrip(buf, n, &b, 0);
	}

	/* flushes: empty stored blocks, partial flushes, blocks of every type in one stream */
	static const int flushes[] = { Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK };
	for (int f = 0; f < 4; f++)
		for (int kind = 0; kind < DATA_KINDS; kind++) {
			size_t n = 50000 + rnd_below(50000);
			gen_data(buf, n, kind);
			struct zopts o = { .level = 6, .strategy = Z_DEFAULT_STRATEGY,
					   .flush_every = 1 + rnd_below(9000), .flush = flushes[f],
					   .vary_level = 1 };
			check_roundtrip(buf, n, &o, f == 0);
			o.flush_every = 1 + rnd_below(20);
			o.vary_level = 0;
			o.level = 1 + rnd_below(9);
			check_roundtrip(buf, n < 3000 ? n : 3000, &o, 0);
		}
	free(buf);
}

/* ---- gzip headers ---- */

static void test_headers(void)
{
	uint8_t data[5000];
	struct diag d = { "" };
	size_t gz_len, out_len;
	uint8_t out[5000];
	static uint8_t extra[300];
	static char name[] = "vmlinuz-6.1.0-fwboot", comment[] = "a comment, with\nnewlines";

	gen_data(data, sizeof(data), DATA_TEXT);
	for (int mask = 0; mask < 32; mask++) {
		gz_header h;
		memset(&h, 0, sizeof(h));
		h.text = mask & 1;
		h.time = 0x12345678;
		h.os = 3;
		if (mask & 2)
			h.hcrc = 1;
		if (mask & 4) {
			for (size_t i = 0; i < sizeof(extra); i++)
				extra[i] = (uint8_t)(i * 7);
			h.extra = extra;
			h.extra_len = mask & 16 ? 0 : sizeof(extra);
		}
		if (mask & 8)
			h.name = (Bytef *)name;
		if (mask & 16)
			h.comment = (Bytef *)comment;
		struct zopts o = { .level = 6, .strategy = Z_DEFAULT_STRATEGY, .wbits = 31, .header = &h };
		uint8_t *gz = z_compress(data, sizeof(data), &o, &gz_len);
		ok_eq(gz[3], (mask & 2 ? 2 : 0) | (mask & 4 ? 4 : 0) | (mask & 8 ? 8 : 0) |
				     (mask & 16 ? 16 : 0) | (mask & 1));
		int r = v->gzip(gz, gz_len, out, sizeof(out), &out_len, &d);
		ok_eq(r, 0);
		ok(out_len == sizeof(data) && memcmp(out, data, sizeof(data)) == 0);

		/* every prefix fails, and says the header or stream is truncated */
		int all = 1;
		for (size_t k = 0; k < gz_len; k++) {
			uint8_t *p = dup_exact(gz, k);
			r = v->gzip(p, k, out, sizeof(out), &out_len, &d);
			if (r != -ST_BAD_IMAGE || strncmp(d.msg, "gzip: truncated ", 16) != 0) {
				printf("     header mask %d prefix %zu: r=%d \"%s\"\n", mask, k, r, d.msg);
				all = 0;
			}
			free(p);
		}
		ok(all);

		if (mask & 2) {
			/* FHCRC is the low half of the CRC32 of the bytes before it */
			size_t at = 10;
			if (mask & 4)
				at += 2 + h.extra_len;
			if (mask & 8)
				at += sizeof(name);
			if (mask & 16)
				at += sizeof(comment);
			ok_eq(gz[at] | gz[at + 1] << 8, crc32(0, gz, (uInt)at) & 0xffff);
			gz[at] ^= 1;
			r = v->gzip(gz, gz_len, out, sizeof(out), &out_len, &d);
			ok_eq(r, -ST_BAD_IMAGE);
			ok(strncmp(d.msg, "gzip: header CRC16 mismatch (stored 0x", 38) == 0);
		}
		free(gz);
	}

	/* header rejections with their reasons */
	static const uint8_t empty_gz[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t g[sizeof(empty_gz)];
	memcpy(g, empty_gz, sizeof(g));
	ok_eq(v->gzip(g, sizeof(g), NULL, 0, &out_len, &d), 0);
	ok_eq(out_len, 0);
	g[1] = 0x8c;
	ok_eq(v->gzip(g, sizeof(g), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: not a gzip file (magic 1f 8c)");
	ok(!gzip_is_gzip(g, sizeof(g)));
	g[1] = 0x8b;
	g[2] = 7;
	ok_eq(v->gzip(g, sizeof(g), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: unsupported compression method 7");
	ok(!gzip_is_gzip(g, sizeof(g)));
	g[2] = 8;
	g[3] = 0x20;
	ok_eq(v->gzip(g, sizeof(g), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: reserved header flags set (0x20)");
	g[3] = 0;
	static const uint8_t unterminated[] = { 0x1f, 0x8b, 8, 0x18, 0, 0, 0, 0, 0, 3, 'a', 0, 'b', 'c' };
	ok_eq(v->gzip(unterminated, sizeof(unterminated), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: truncated header (comment runs past the end, 14 bytes)");
	ok_eq(v->gzip(g, 9, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: truncated header (9 bytes)");
	ok_eq(v->gzip(NULL, 0, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: truncated header (0 bytes)");
	ok(gzip_is_gzip(g, 3));
	ok(!gzip_is_gzip(g, 2));

	/* trailer: CRC32, ISIZE, missing; bytes after the member are ignored */
	g[12] = 1;
	ok_eq(v->gzip(g, sizeof(g), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: CRC32 mismatch (stored 0x00000001, computed 0x00000000)");
	g[12] = 0;
	g[16] = 5;
	ok_eq(v->gzip(g, sizeof(g), out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: ISIZE mismatch (stored 5, inflated 0 bytes)");
	g[16] = 0;
	ok_eq(v->gzip(g, sizeof(g) - 1, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: truncated stream (at input byte 19)");
	uint8_t two[2 * sizeof(empty_gz) + 5];
	memcpy(two, empty_gz, sizeof(empty_gz));
	memcpy(two + sizeof(empty_gz), empty_gz, sizeof(empty_gz));
	memset(two + 2 * sizeof(empty_gz), 0, 5);
	ok_eq(v->gzip(two, sizeof(two), out, sizeof(out), &out_len, &d), 0);

	/* gzip_isize */
	uint32_t isize = 0;
	uint8_t big[40];
	memcpy(big, empty_gz, 10);
	memset(big + 10, 0xee, 26);
	big[36] = 0x78;
	big[37] = 0x56;
	big[38] = 0x34;
	big[39] = 0x12;
	ok_eq(gzip_isize(big, sizeof(big), &isize, &d), 0);
	ok_eq(isize, 0x12345678);
	ok_eq(gzip_isize(big, GZIP_MIN_SIZE - 1, &isize, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: too short for a gzip file (19 bytes)");
	big[0] = 0;
	ok_eq(gzip_isize(big, sizeof(big), &isize, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: not a gzip file (magic 00 8b)");
	ok_eq(gzip_isize(NULL, 0, &isize, NULL), -ST_BAD_IMAGE);
}

/* ---- CRC32 ---- */

static void test_crc32(void)
{
	uint8_t buf[1000];
	int all = 1;

	gen_data(buf, sizeof(buf), DATA_RANDOM);
	ok_eq(gzip_crc32(0, "123456789", 9), 0xcbf43926);
	ok_eq(gzip_crc32(0, NULL, 0), 0);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(buf); n += 1 + n / 8)
			if (gzip_crc32(0, buf + off, n) != crc32(0, buf + off, (uInt)n))
				all = 0;
	uint32_t c = gzip_crc32(0, buf, 333);
	ok_eq(gzip_crc32(c, buf + 333, 667), crc32(0, buf, 1000));
	ok_eq(gzip_crc32_bb32(0, buf, 1000), crc32(0, buf, 1000));
	ok(all);
}

/* ---- truncation and corruption ---- */

static void test_truncation(void)
{
	uint8_t src[3000];
	struct diag d = { "" };
	size_t gz_len, out_len, used;
	uint8_t out[3000];
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE };
	int all = 1, all_raw = 1, total = 0;

	for (int kind = 0; kind < DATA_KINDS; kind++)
		for (int st = 0; st < 4; st++) {
			size_t n = 1 + rnd_below(sizeof(src));
			gen_data(src, n, kind);
			for (int wb = 0; wb < 2; wb++) {
				struct zopts o = { .level = st == 0 ? (kind == 0 ? 0 : 9) : 6,
						   .strategy = strategies[st], .wbits = wb ? -15 : 31 };
				uint8_t *z = z_compress(src, n, &o, &gz_len);
				for (size_t k = 0; k < gz_len; k++) {
					uint8_t *p = dup_exact(z, k);
					int r;
					total++;
					if (wb) {
						r = v->raw(p, k, out, n, &out_len, &used, &d);
						if (r != -ST_BAD_IMAGE || strncmp(d.msg, "inflate: truncated stream (at input byte ", 41) != 0) {
							printf("     raw prefix %zu/%zu: r=%d \"%s\"\n", k, gz_len, r, d.msg);
							all_raw = 0;
						}
					} else {
						r = v->gzip(p, k, out, n, &out_len, &d);
						if (r != -ST_BAD_IMAGE || strncmp(d.msg, "gzip: truncated ", 16) != 0) {
							printf("     gzip prefix %zu/%zu: r=%d \"%s\"\n", k, gz_len, r, d.msg);
							all = 0;
						}
					}
					free(p);
				}
				free(z);
			}
		}
	ok(all);
	ok(all_raw);
	ok(total > 1000);

	/* the reported byte is where the input ran out */
	struct zopts o = { .level = 6, .strategy = Z_DEFAULT_STRATEGY, .wbits = 31 };
	gen_data(src, sizeof(src), DATA_TEXT);
	uint8_t *z = z_compress(src, sizeof(src), &o, &gz_len);
	ok_eq(v->gzip(z, 100, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: truncated stream (at input byte 100)");
	free(z);
}

static void test_bit_flips(void)
{
	uint8_t src[4000], out[4000];
	struct diag d = { "" };
	size_t z_len, out_len, used;
	int consistent = 1, trials = 0, failures = 0;

	for (int kind = 0; kind < DATA_KINDS; kind++)
		for (int level = 0; level <= 9; level += 3) {
			size_t n = 500 + rnd_below(3500);
			gen_data(src, n, kind);
			struct zopts o = { .level = level, .strategy = kind == DATA_SKEWED ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY,
					   .wbits = 31 };
			uint8_t *z = z_compress(src, n, &o, &z_len);
			for (int t = 0; t < 300; t++) {
				uint8_t *p = dup_exact(z, z_len);
				int flips = 1 + (int)rnd_below(3);
				for (int f = 0; f < flips; f++) {
					size_t bit = rnd_below((uint32_t)(z_len * 8));
					p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
				}
				trials++;
				/* with the CRC checked, success means the original came back */
				int r = v->gzip(p, z_len, out, n, &out_len, &d);
				if (r == 0 && (out_len != n || memcmp(out, src, n) != 0))
					consistent = 0;
				if (r != 0) {
					failures++;
					if (r != -ST_BAD_IMAGE || strncmp(d.msg, "gzip: ", 6) != 0)
						consistent = 0;
				}
				/* the raw decoder without any check: must merely stay in bounds */
				if (z_len > 18)
					v->raw(p + 10, z_len - 18, out, n, &out_len, &used, &d);
				free(p);
			}
			free(z);
		}
	ok(consistent);
	ok(failures > trials / 2);
}

/* ---- hand-built DEFLATE ---- */

struct bitw {
	uint8_t buf[300000];
	size_t bits;
};

static struct bitw w;

static void bw_reset(void)
{
	memset(w.buf, 0, (w.bits + 7) / 8);
	w.bits = 0;
}

static void put_bits(struct bitw *w, unsigned v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, w->bits++)
		if (v >> i & 1)
			w->buf[w->bits / 8] |= (uint8_t)(1u << (w->bits % 8));
}

/* Huffman codes go most significant bit first. */
static void put_code(struct bitw *w, unsigned code, unsigned len)
{
	while (len--)
		put_bits(w, code >> len & 1, 1);
}

/* Canonical codes for lens[0..n) as RFC 1951 3.2.2 assigns them. */
static void canon(const uint8_t *lens, unsigned n, unsigned *codes)
{
	unsigned count[16] = { 0 }, next[16] = { 0 }, code = 0;

	for (unsigned i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (unsigned b = 1; b < 16; b++)
		next[b] = code = (code + count[b - 1]) << 1;
	for (unsigned i = 0; i < n; i++)
		codes[i] = lens[i] ? next[lens[i]]++ : 0;
}

struct dyn {
	uint8_t lit_lens[288], dist_lens[32];
	unsigned nlit, ndist;
	unsigned lit_codes[288], dist_codes[32];
};

/* A dynamic block header sending every length with a flat 4-bit code-length code. */
static void put_dynamic_header(struct bitw *w, struct dyn *y, int final)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	put_bits(w, final, 1);
	put_bits(w, 2, 2);
	put_bits(w, y->nlit - 257, 5);
	put_bits(w, y->ndist - 1, 5);
	put_bits(w, 15, 4);
	for (int i = 0; i < 19; i++)
		put_bits(w, order[i] < 16 ? 4 : 0, 3);
	for (unsigned i = 0; i < y->nlit; i++)
		put_code(w, y->lit_lens[i], 4);
	for (unsigned i = 0; i < y->ndist; i++)
		put_code(w, y->dist_lens[i], 4);
	canon(y->lit_lens, y->nlit, y->lit_codes);
	canon(y->dist_lens, y->ndist, y->dist_codes);
}

static void put_lit(struct bitw *w, struct dyn *y, unsigned sym)
{
	put_code(w, y->lit_codes[sym], y->lit_lens[sym]);
}

static int run_raw(struct bitw *w, uint8_t *out, size_t cap, size_t *out_len, struct diag *d)
{
	size_t used;
	size_t n = (w->bits + 7) / 8;
	uint8_t *p = dup_exact(w->buf, n);
	int r = v->raw(p, n, out, cap, out_len, &used, d);
	if (r == 0)
		ok_eq(used, n);
	free(p);
	return r;
}

static void dyn_init(struct dyn *y, unsigned nlit, unsigned ndist)
{
	memset(y, 0, sizeof(*y));
	y->nlit = nlit;
	y->ndist = ndist;
}

static void test_dynamic_edges(void)
{
	struct dyn y;
	struct diag d = { "" };
	uint8_t out[64];
	size_t out_len;

	/* four 2-bit literal/length codes, one 1-bit distance code (incomplete, allowed) */
	bw_reset();
	dyn_init(&y, 258, 1);
	y.lit_lens['a'] = y.lit_lens['b'] = y.lit_lens[256] = y.lit_lens[257] = 2;
	y.dist_lens[0] = 1;
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 'a');
	put_lit(&w, &y, 'b');
	put_lit(&w, &y, 257);	/* length 3 */
	put_code(&w, 0, 1);	/* distance 1 */
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), 0);
	ok(out_len == 5 && memcmp(out, "abbbb", 5) == 0);

	/* the unused half of that distance code */
	bw_reset();
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 'a');
	put_lit(&w, &y, 257);
	put_code(&w, 1, 1);
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid distance code (at input byte 139)");

	/* no distance codes at all is fine until one is needed */
	bw_reset();
	y.dist_lens[0] = 0;
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 'b');
	put_lit(&w, &y, 'a');
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), 0);
	ok(out_len == 2 && memcmp(out, "ba", 2) == 0);
	bw_reset();
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 'b');
	put_lit(&w, &y, 257);
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid distance code (at input byte 139)");

	/* a lone one-bit end-of-block code: an empty block */
	bw_reset();
	dyn_init(&y, 257, 1);
	y.lit_lens[256] = 1;
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), 0);
	ok_eq(out_len, 0);

	/* over-subscribed, incomplete, no end of block */
	bw_reset();
	dyn_init(&y, 257, 1);
	y.lit_lens['a'] = y.lit_lens['b'] = y.lit_lens[256] = 1;
	put_dynamic_header(&w, &y, 1);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (literal/length code over-subscribed, at input byte 0)");
	bw_reset();
	dyn_init(&y, 257, 1);
	y.lit_lens['a'] = 1;
	y.lit_lens[256] = 2;
	put_dynamic_header(&w, &y, 1);
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (literal/length code incomplete, at input byte 0)");
	bw_reset();
	dyn_init(&y, 257, 2);
	y.lit_lens['a'] = y.lit_lens['b'] = 1;
	y.dist_lens[0] = y.dist_lens[1] = 1;
	put_dynamic_header(&w, &y, 1);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (no end-of-block code, at input byte 0)");
	bw_reset();
	dyn_init(&y, 257, 3);
	y.lit_lens['a'] = y.lit_lens[256] = 1;
	y.dist_lens[0] = 1;
	y.dist_lens[1] = y.dist_lens[2] = 3;
	put_dynamic_header(&w, &y, 1);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (distance code incomplete, at input byte 0)");

	/* HLIT 287 and HDIST 31 are reserved */
	bw_reset();
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 30, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 4);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (287 literal/length and 1 distance codes, at input byte 0)");
	bw_reset();
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 30, 5);
	put_bits(&w, 0, 4);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid code lengths (257 literal/length and 31 distance codes, at input byte 0)");

	/* code-length code: empty, over-subscribed, then the repeat codes */
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	for (int t = 0; t < 5; t++) {
		uint8_t cl[19] = { 0 };
		unsigned codes[19];
		bw_reset();
		put_bits(&w, 1, 1);
		put_bits(&w, 2, 2);
		put_bits(&w, 0, 5);	/* 257 */
		put_bits(&w, 0, 5);	/* 1 */
		put_bits(&w, 15, 4);	/* all 19 */
		if (t == 1)
			cl[0] = cl[1] = cl[2] = 1;
		if (t >= 2)
			cl[16] = cl[17] = cl[18] = 2, cl[1] = 2;
		for (int i = 0; i < 19; i++)
			put_bits(&w, cl[order[i]], 3);
		canon(cl, 19, codes);
		if (t == 2) {
			put_code(&w, codes[16], 2);	/* repeat with nothing before */
			put_bits(&w, 0, 2);
		}
		if (t == 3) {
			put_code(&w, codes[18], 2);	/* 138 zeros */
			put_bits(&w, 127, 7);
			put_code(&w, codes[18], 2);	/* 138 more: past 258 */
			put_bits(&w, 127, 7);
		}
		if (t == 4) {
			put_code(&w, codes[18], 2);	/* 138 + 118 zeros, 1 one, then 3 ones: past 258 */
			put_bits(&w, 127, 7);
			put_code(&w, codes[18], 2);
			put_bits(&w, 107, 7);
			put_code(&w, codes[1], 2);
			put_code(&w, codes[16], 2);
			put_bits(&w, 0, 2);
		}
		int r = run_raw(&w, out, sizeof(out), &out_len, &d);
		ok_eq(r, -ST_BAD_IMAGE);
		static const char *const want[] = {
			"inflate: invalid code lengths (code-length code empty, at input byte 0)",
			"inflate: invalid code lengths (code-length code over-subscribed, at input byte 0)",
			"inflate: invalid code lengths (repeat with no previous length, at input byte 0)",
			"inflate: invalid code lengths (repeat runs past 258 lengths, at input byte 0)",
			"inflate: invalid code lengths (repeat runs past 258 lengths, at input byte 0)",
		};
		ok_str(d.msg, want[t]);
	}
}

/* Fixed-code blocks written by hand: RFC 1951 3.2.6. */
static void put_fixed_lit(struct bitw *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

static void test_fixed_and_stored_edges(void)
{
	struct diag d = { "" };
	uint8_t out[70000];
	size_t out_len;

	/* a match reaching before the start of output */
	bw_reset();
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'x');
	put_fixed_lit(&w, 257);
	put_code(&w, 1, 5);	/* distance 2 */
	put_fixed_lit(&w, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: distance too far back (2 > 1 bytes of output, at input byte 2)");

	/* distance codes 30 and 31, literal/length codes 286 and 287 */
	for (unsigned bad = 0; bad < 4; bad++) {
		bw_reset();
		put_bits(&w, 1, 1);
		put_bits(&w, 1, 2);
		put_fixed_lit(&w, 'x');
		if (bad < 2) {
			put_fixed_lit(&w, 257);
			put_code(&w, 30 + bad, 5);
		} else {
			put_fixed_lit(&w, 286 + bad - 2);
		}
		put_fixed_lit(&w, 256);
		ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, bad < 2 ? "inflate: invalid distance code (at input byte 2)"
				      : "inflate: invalid literal/length code (at input byte 2)");
	}

	/* every length and distance code with every extra value, checked by hand */
	static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
					    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
	static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
					    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
					    8193, 12289, 16385, 24577 };
	static uint8_t want[70000];
	int all = 1;
	for (unsigned dc = 0; dc < 30; dc++) {
		unsigned dext = dc < 4 ? 0 : dc / 2 - 1;
		size_t n = 0, pos = 0;
		static uint8_t big[40000];
		/* a stored block of 32768 bytes first, so every distance is valid */
		big[pos++] = 0;	/* BFINAL 0, stored */
		big[pos++] = 0x00;
		big[pos++] = 0x80;	/* LEN 32768 */
		big[pos++] = 0xff;
		big[pos++] = 0x7f;
		for (unsigned i = 0; i < 32768; i++) {
			big[pos++] = (uint8_t)(i * 131 + (i >> 8) * 7);
			want[n++] = (uint8_t)(i * 131 + (i >> 8) * 7);
		}
		bw_reset();
		put_bits(&w, 1, 1);
		put_bits(&w, 1, 2);
		for (unsigned lc = 0; lc < 29; lc++) {
			unsigned lext = lc < 8 || lc == 28 ? 0 : (lc - 4) / 4;
			for (unsigned le = 0; le < (1u << lext); le += lext > 2 ? 3 : 1) {
				unsigned de = rnd_below(1u << dext);
				unsigned len = lbase[lc] + le, dist = dbase[dc] + de;
				put_fixed_lit(&w, 257 + lc);
				put_bits(&w, le, lext);
				put_code(&w, dc, 5);
				put_bits(&w, de, dext);
				for (unsigned k = 0; k < len; k++, n++)
					want[n] = want[n - dist];
			}
		}
		put_fixed_lit(&w, 256);
		size_t wb = (w.bits + 7) / 8;
		memcpy(big + pos, w.buf, wb);
		pos += wb;
		uint8_t *p = dup_exact(big, pos);
		size_t used;
		int r = v->raw(p, pos, out, sizeof(out), &out_len, &used, &d);
		if (r || out_len != n || memcmp(out, want, n) || used != pos) {
			printf("     distance code %u: r=%d \"%s\" %zu/%zu\n", dc, r, d.msg, out_len, n);
			all = 0;
		}
		free(p);
	}
	ok(all);

	/* stored: LEN/NLEN mismatch, LEN past the end, output full */
	static const uint8_t bad_nlen[] = { 1, 5, 0, 0xfa, 0xfe, 'h', 'e', 'l', 'l', 'o' };
	size_t used;
	ok_eq(v->raw(bad_nlen, sizeof(bad_nlen), out, sizeof(out), &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: stored block length check failed (LEN 0x0005, NLEN 0xfefa, at input byte 1)");
	static const uint8_t good[] = { 1, 5, 0, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o' };
	ok_eq(v->raw(good, sizeof(good), out, sizeof(out), &out_len, &used, &d), 0);
	ok(out_len == 5 && memcmp(out, "hello", 5) == 0 && used == sizeof(good));
	ok_eq(v->raw(good, sizeof(good) - 1, out, sizeof(out), &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: truncated stream (at input byte 9)");
	ok_eq(v->raw(good, sizeof(good), out, 4, &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: output exceeds 4 bytes");
	ok_eq(v->raw(good, sizeof(good), NULL, 0, &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: output exceeds 0 bytes");
	static const uint8_t type3[] = { 0x07, 0 };
	ok_eq(v->raw(type3, sizeof(type3), out, sizeof(out), &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: invalid block type 3 (at input byte 0)");
	ok_eq(v->raw(NULL, 0, out, sizeof(out), &out_len, &used, NULL), -ST_BAD_IMAGE);
	static const uint8_t empty_fixed[] = { 0x03, 0x00 };
	ok_eq(v->raw(empty_fixed, sizeof(empty_fixed), NULL, 0, &out_len, &used, &d), 0);
	ok_eq(used, 2);
	ok_eq(v->raw(empty_fixed, 1, NULL, 0, &out_len, &used, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "inflate: truncated stream (at input byte 1)");
}

/* Random complete codes of every shape, deep ones included, encoded by hand. */
static int cmp_u8(const void *a, const void *b)
{
	return *(const uint8_t *)a - *(const uint8_t *)b;
}

/* A random complete code over lens[0..n); deep_last puts the longest codes
 * on the highest symbols (far distances: the most bits at once). */
static void random_lens(uint8_t *lens, unsigned n, unsigned leaves, unsigned max_len, int deep_last)
{
	uint8_t depth[320];
	unsigned count = 1;

	if (max_len < 9 && leaves > 1u << max_len)
		leaves = 1u << max_len;
	depth[0] = 0;
	/* split random leaves until there are enough: any full binary tree */
	while (count < leaves) {
		unsigned i = rnd_below(count);
		if (depth[i] >= max_len)
			continue;
		depth[i]++;
		depth[count++] = depth[i];
	}
	memset(lens, 0, n);
	if (deep_last) {
		qsort(depth, count, 1, cmp_u8);
		memcpy(lens + n - count, depth, count);
		return;
	}
	for (unsigned i = 0; i < count; i++) {
		unsigned s;
		do
			s = rnd_below(n);
		while (lens[s]);
		lens[s] = depth[i];
	}
}

static void test_random_codes(void)
{
	static uint8_t want[200000], out[200000];
	struct diag d = { "" };
	int all = 1;
	struct dyn y;

	for (int t = 0; t < 200; t++) {
		unsigned nlit = 257 + rnd_below(30), ndist = t % 4 < 2 ? 30 : 1 + rnd_below(30);
		unsigned max_len = t % 2 ? 15 : 8 + rnd_below(8);
		dyn_init(&y, nlit, ndist);
		do
			random_lens(y.lit_lens, nlit, 2 + rnd_below(nlit - 1), max_len, 0);
		while (!y.lit_lens[256]);
		if (ndist > 1)
			random_lens(y.dist_lens, ndist, 2 + rnd_below(ndist - 1), t % 3 ? 15 : max_len,
				    t % 4 < 2);
		else
			y.dist_lens[0] = 1;
		if (t % 8 == 0) {
			/* a chain: 15-bit codes on the farthest distances (13 extra
			 * bits) and on the longest lengths (5 extra bits) */
			memset(y.dist_lens, 0, sizeof(y.dist_lens));
			for (unsigned k = 0; k < 14; k++)
				y.dist_lens[14 + k] = (uint8_t)(k + 1);
			y.dist_lens[28] = y.dist_lens[29] = 15;
			memset(y.lit_lens, 0, sizeof(y.lit_lens));
			y.nlit = nlit = 286;
			y.ndist = ndist = 30;
			y.lit_lens[256] = 1;
			for (unsigned k = 0; k < 13; k++)
				y.lit_lens['A' + k] = (uint8_t)(k + 2);
			y.lit_lens[283] = y.lit_lens[284] = 15;
		}
		/* 32 KiB stored first, so every distance is in reach */
		bw_reset();
		size_t n = 0;
		put_bits(&w, 0, 3);
		w.bits = 8;
		put_bits(&w, 0x8000, 16);
		put_bits(&w, 0x7fff, 16);
		for (; n < 32768; n++) {
			want[n] = (uint8_t)rnd();
			put_bits(&w, want[n], 8);
		}
		put_dynamic_header(&w, &y, 1);
		/* symbols drawn uniformly over the used ones, so deep codes occur */
		unsigned used_lit[288], nused = 0, used_dist[32], nud = 0;
		for (unsigned s = 0; s < nlit; s++)
			if (y.lit_lens[s] && s != 256)
				used_lit[nused++] = s;
		for (unsigned s = 0; s < ndist && s < 30; s++)
			if (y.dist_lens[s])
				used_dist[nud++] = s;
		for (int k = 0; k < 20000 && nused && n < sizeof(want); k++) {
			unsigned s = used_lit[rnd_below(nused)];
			if (s < 256) {
				put_code(&w, y.lit_codes[s], y.lit_lens[s]);
				want[n++] = (uint8_t)s;
				continue;
			}
			static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
							    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
			static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
							    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
							    8193, 12289, 16385, 24577 };
			if (!nud)
				continue;
			unsigned dc = used_dist[rnd_below(nud)];
			if (dbase[dc] > n)
				continue;
			unsigned lc = s - 257, lext = lc < 8 || lc == 28 ? 0 : (lc - 4) / 4;
			unsigned dext = dc < 4 ? 0 : dc / 2 - 1;
			unsigned le = rnd_below(1u << lext), de = rnd_below(1u << dext);
			if (dbase[dc] + de > n)
				de = 0;
			unsigned len = lbase[lc] + le, dist = dbase[dc] + de;
			if (n + len > sizeof(want))
				break;
			put_code(&w, y.lit_codes[s], y.lit_lens[s]);
			put_bits(&w, le, lext);
			put_code(&w, y.dist_codes[dc], y.dist_lens[dc]);
			put_bits(&w, de, dext);
			for (unsigned i = 0; i < len; i++, n++)
				want[n] = want[n - dist];
		}
		put_code(&w, y.lit_codes[256], y.lit_lens[256]);
		size_t in_n = (w.bits + 7) / 8, out_len, used;
		uint8_t *p = dup_exact(w.buf, in_n);
		int r = v->raw(p, in_n, out, sizeof(out), &out_len, &used, &d);
		if (r || out_len != n || memcmp(out, want, n) || used != in_n) {
			printf("     random code %d: r=%d \"%s\" %zu/%zu\n", t, r, d.msg, out_len, n);
			all = 0;
		}
		free(p);
	}
	ok(all);
}

/* The code shapes that need the largest subtables must still fit. */
static void test_worst_tables(void)
{
	/* counts per length 1..15 found by a search over canonical code shapes */
	static const uint8_t lit_counts[16] = { 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 229, 49, 1, 2 };
	static const uint8_t dist_counts[16] = { 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 9, 9, 1, 1, 1, 2 };
	struct dyn y;
	struct diag d = { "" };
	uint8_t out[16];
	size_t out_len;
	unsigned s = 0;

	dyn_init(&y, 286, 30);
	/* longest codes on the highest symbols, end of block among them */
	for (int len = 15; len >= 1; len--)
		for (unsigned k = 0; k < lit_counts[len]; k++)
			y.lit_lens[285 - s++] = (uint8_t)len;
	ok(s <= 286);
	s = 0;
	for (int len = 15; len >= 1; len--)
		for (unsigned k = 0; k < dist_counts[len]; k++)
			y.dist_lens[29 - s++] = (uint8_t)len;
	ok(s <= 30);
	if (!y.lit_lens[256])
		y.lit_lens[256] = y.lit_lens[0], y.lit_lens[0] = 0;
	bw_reset();
	put_dynamic_header(&w, &y, 1);
	for (unsigned sym = 0; sym < 256; sym++)
		if (y.lit_lens[sym]) {
			put_lit(&w, &y, sym);
			break;
		}
	put_lit(&w, &y, 256);
	ok_eq(run_raw(&w, out, sizeof(out), &out_len, &d), 0);
	if (d.msg[0])
		printf("     %s\n", d.msg);
}

int main(void)
{
	test_crc32();
	for (int vi = 0; vi < 2; vi++) {
		v = &variants[vi];
		printf("inflate: %s bit buffer\n", v->name);
		test_headers();
		test_dynamic_edges();
		test_fixed_and_stored_edges();
		test_random_codes();
		test_worst_tables();
		test_truncation();
		test_bit_flips();
	}
	test_zlib_matrix();
	printf("inflate: %zu zlib round trips\n", roundtrips);
	return test_done("inflate");
}
