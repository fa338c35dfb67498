/* SPDX-License-Identifier: BSD-2-Clause */
/* inflate: RFC 1951 DEFLATE and the RFC 1952 gzip wrapper, decoded straight
 * into the caller's buffer (which doubles as the 32 KiB window).
 *
 * Huffman codes decode through two-level tables: the next ROOT bits of the
 * stream index a root table whose entry is the symbol, or a subtable for
 * the code's remaining bits. Nearly all symbols go through inflate_fast,
 * which runs without bounds checks while a margin of input and output
 * remains and keeps only a bit position (i686 has few registers). The
 * headers and the last bytes go through a byte-fed bit buffer that pads
 * with counted zeros past the end, so running off the end is noticed at
 * the next refill and reported as truncation. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "lib/byteorder.h"
#include "lib/diag.h"
#include "lib/fmt.h"
#include "lib/inflate.h"
#include "lib/noclear.h"
#include "include/status.h"

#define MAX_BITS 15		/* longest Huffman code DEFLATE allows */
#define LITLEN_CODES 286	/* 0-255 literals, 256 end of block, 257-285 lengths */
#define DIST_CODES 30
#define CLEN_CODES 19
#define FIXED_LITLEN_CODES 288	/* the fixed code also assigns 286 and 287 */
#define FIXED_DIST_CODES 32	/* and distance codes 30 and 31 */

#define LITLEN_ROOT 10
#define DIST_ROOT 8
#define CLEN_ROOT 7		/* code-length codes are at most 7 bits: no subtables */
/* Worst case over all complete codes (a dynamic program over canonical code
 * shapes; it reproduces zlib's published 852 for 286 symbols at root 9 and
 * 592 for 30 at root 6): 1024 + 308 and 256 + 144 entries. */
#define LITLEN_TABLE_SIZE 1332
#define DIST_TABLE_SIZE 400

/* Table entry: value << 16 | kind << 8 | bits the code occupies. A kind
 * below 16 is a length or distance base whose extra-bit count is kind. */
#define K_SUB 0x10		/* value: subtable offset; low 4 bits: its index bits */
#define K_EOB 0x20
#define K_LIT 0x40		/* value: literal byte, or code-length symbol */
#define K_BAD 0x80		/* no such code, or a symbol DEFLATE reserves */

/* The bit buffer is a native word. INFLATE_BB_BITS lets the host tests
 * build the target's 32-bit variant too. */
#if defined(INFLATE_BB_BITS)
#define BB_BITS INFLATE_BB_BITS
#elif ULONG_MAX > 0xffffffffUL
#define BB_BITS 64
#else
#define BB_BITS 32
#endif
#if BB_BITS == 64
typedef uint64_t bitbuf_t;
#else
typedef uint32_t bitbuf_t;
#endif
#define WORD ((size_t)(BB_BITS / 8))

/* RFC 1951 3.2.5: base and extra bits of length codes 257-285 and distance codes 0-29. */
static const uint16_t length_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t length_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};
/* RFC 1951 3.2.7: the order code-length code lengths are sent in. */
static const uint8_t clen_order[CLEN_CODES] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

enum code_kind { CODE_LITLEN, CODE_DIST, CODE_CLEN };

/* The input side of the careful path; bits of bb above cnt are zero. */
struct bits {
	const uint8_t *ip;	/* next byte to load */
	const uint8_t *end;
	bitbuf_t bb;		/* the stream's next bit is bit 0 */
	unsigned cnt;		/* bits of bb in use */
	unsigned pad;		/* zero bits added past the end, the top pad of cnt */
};

struct inflater {
	struct bits b;
	const uint8_t *in;
	uint8_t *out, *o, *out_end;	/* o: next output byte */
	const char *who;		/* message prefix: "gzip" or "inflate" */
	size_t base;			/* offset of in within the caller's file */
	int truncated;			/* the decoder read past the end of input */
	size_t err_dist;		/* the distance behind ERR_DIST_TOO_FAR */
	int have_fixed;			/* lit and dist hold the fixed code */
	struct diag *d;
	uint32_t lit[LITLEN_TABLE_SIZE];
	uint32_t dist[DIST_TABLE_SIZE];	/* also the code-length table while lens are read */
	uint8_t lens[FIXED_LITLEN_CODES + FIXED_DIST_CODES];
};

enum {
	DONE_BLOCK,
	ERR_TRUNCATED,
	ERR_OUTPUT_FULL,
	ERR_BAD_LITLEN,
	ERR_BAD_DIST,
	ERR_DIST_TOO_FAR,
};

/* ---- bits ---- */

static inline bitbuf_t load_word(const uint8_t *p)
{
#if BB_BITS == 64
	return get_le64(p);
#else
	return get_le32(p);
#endif
}

/* Top the buffer up to more than BB_BITS - 8 bits, with zeros past the
 * end of input; nonzero once such padding has been consumed (truncation). */
static int bits_refill(struct bits *b)
{
	int over = b->pad > b->cnt;

	while (b->cnt <= BB_BITS - 8) {
		if (b->ip < b->end)
			b->bb |= (bitbuf_t)*b->ip++ << b->cnt;
		else
			b->pad += 8;
		b->cnt += 8;
	}
	return over;
}

static inline __attribute__((always_inline)) void bits_drop(struct bits *b, unsigned n)
{
	b->bb >>= n;
	b->cnt -= n;
}

static inline bitbuf_t low_bits(bitbuf_t v, unsigned n)
{
	return v & (((bitbuf_t)1 << n) - 1);
}

static size_t bits_consumed(const struct bits *b, const uint8_t *in)
{
	return (size_t)(b->ip - in) * 8 + b->pad - b->cnt;
}

/* Bytes of input the stream has consumed (a partly used byte counts). */
static size_t bits_used(const struct bits *b, const uint8_t *in)
{
	return (bits_consumed(b, in) + 7) / 8;
}

static int bits_truncated(const struct bits *b)
{
	return b->pad > b->cnt;
}

/* Cold-path read of n <= 16 bits; past the end it reads zeros and marks s truncated. */
static unsigned take_bits(struct inflater *s, unsigned n)
{
	if (s->b.cnt < n && bits_refill(&s->b))
		s->truncated = 1;
	unsigned v = (unsigned)low_bits(s->b.bb, n);
	bits_drop(&s->b, n);
	return v;
}

/* ---- messages ---- */

/* Where messages point: the byte holding the next bit to read. */
static size_t in_pos(const struct inflater *s)
{
	return s->base + bits_consumed(&s->b, s->in) / 8;
}

static int fail_truncated(struct inflater *s)
{
	s->truncated = 1;
	return diag_fail(s->d, ST_BAD_IMAGE, "%s: truncated stream (at input byte %zu)",
			 s->who, s->base + (size_t)(s->b.end - s->in));
}

/* Every rejection goes through here: if the input ran out, that is the
 * real reason whatever the decoder tripped over afterwards. */
static int fail(struct inflater *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct inflater *s, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	if (s->truncated || bits_truncated(&s->b))
		return fail_truncated(s);
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return diag_fail(s->d, ST_BAD_IMAGE, "%s: %s", s->who, why);
}

/* ---- Huffman tables ---- */

/* Huffman codes are packed first bit first, so tables index them reversed. */
static unsigned reverse_bits(unsigned v, unsigned n)
{
	unsigned r = 0;

	while (n--) {
		r = r << 1 | (v & 1);
		v >>= 1;
	}
	return r;
}

/* reverse_bits(code + 1, n) from r = reverse_bits(code, n): carry from the top down. */
static unsigned reversed_increment(unsigned r, unsigned n)
{
	unsigned bit = 1u << (n - 1);

	while (r & bit) {
		r ^= bit;
		bit >>= 1;
	}
	return r | bit;
}

static uint32_t symbol_entry(enum code_kind kind, unsigned sym)
{
	if (kind == CODE_CLEN)
		return sym << 16 | K_LIT << 8;
	if (kind == CODE_LITLEN) {
		if (sym < 256)
			return sym << 16 | K_LIT << 8;
		if (sym == 256)
			return K_EOB << 8;
		if (sym < LITLEN_CODES)
			return (uint32_t)length_base[sym - 257] << 16 | length_extra[sym - 257] << 8;
		return K_BAD << 8;
	}
	if (sym < DIST_CODES)
		return (uint32_t)dist_base[sym] << 16 | dist_extra[sym] << 8;
	return K_BAD << 8;
}

/* Fill table (size entries, root_bits of index) for the canonical code of
 * RFC 1951 3.2.2 whose code lengths (0-15) are lens[0..n). NULL on
 * success, else why the lengths do not form a usable code. */
static const char *build_table(uint32_t *table, unsigned size, unsigned root_bits,
			       const uint8_t *lens, unsigned n, enum code_kind kind)
{
	unsigned count[MAX_BITS + 1] = { 0 }, next[MAX_BITS + 1], rev[MAX_BITS + 1];
	unsigned root_size = 1u << root_bits, max_len = 0, code = 0;
	int left = 1;

	for (unsigned i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = 2 * left - (int)count[len];
		if (left < 0)
			return "over-subscribed";
		if (count[len])
			max_len = len;
	}
	if (left > 0) {
		/* A lone one-bit code (or, for distances, none) is what encoders
		 * send when one symbol is used; zlib accepts those, so do we. */
		if (kind == CODE_CLEN || max_len > 1)
			return max_len ? "incomplete" : "empty";
		for (unsigned i = 0; i < root_size; i++)
			table[i] = K_BAD << 8;
	}
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		code = (code + count[len - 1]) << 1;
		next[len] = code;
	}

	if (max_len > root_bits) {
		/* Longer codes come last in canonical order, so their root-bit
		 * prefixes run from first to the top; each prefix gets a subtable
		 * as deep as its longest code, noted in the root entry first. */
		unsigned first = next[root_bits + 1] >> 1, used = root_size;
		for (unsigned len = root_bits + 1; len <= max_len; len++) {
			if (!count[len])
				continue;
			unsigned shift = len - root_bits;
			unsigned last = (next[len] + count[len] - 1) >> shift;
			for (unsigned p = next[len] >> shift; p <= last; p++)
				table[reverse_bits(p, root_bits)] = shift;
		}
		for (unsigned p = first; p < root_size; p++) {
			uint32_t *e = &table[reverse_bits(p, root_bits)];
			unsigned depth = *e;
			*e = used << 16 | (K_SUB | depth) << 8 | root_bits;
			used += 1u << depth;
			if (used > size)
				return "too large for the decoding table";
		}
	}

	/* Each symbol's code, reversed: the low root_bits index the root table,
	 * the rest the subtable. */
	for (unsigned len = 1; len <= max_len; len++)
		rev[len] = reverse_bits(next[len], len);
	for (unsigned sym = 0; sym < n; sym++) {
		unsigned len = lens[sym];
		if (!len)
			continue;
		uint32_t e = symbol_entry(kind, sym);
		unsigned r = rev[len];
		rev[len] = reversed_increment(r, len);
		if (len <= root_bits) {
			for (unsigned i = r; i < root_size; i += 1u << len)
				table[i] = e | len;
		} else {
			unsigned rest = len - root_bits;
			uint32_t sub = table[r & (root_size - 1)];
			uint32_t *st = table + (sub >> 16);
			unsigned span = 1u << (sub >> 8 & 15);
			for (unsigned i = r >> root_bits; i < span; i += 1u << rest)
				st[i] = e | rest;
		}
	}
	return NULL;
}

/* ---- blocks ---- */

/* Copy len (3-258) bytes from dist back; the caller checked both bounds.
 * With room (WORD spare bytes after the match) whole words may overshoot. */
static inline __attribute__((always_inline)) void copy_match(uint8_t *o, size_t dist, unsigned len,
							      int room)
{
	const uint8_t *src = o - dist;
	uint8_t *end = o + len;

	if (room && dist >= WORD) {
		do {
			bitbuf_t w;
			__builtin_memcpy(&w, src, sizeof(w));
			__builtin_memcpy(o, &w, sizeof(w));
			o += WORD;
			src += WORD;
		} while (o < end);
		return;
	}
	if (room && dist == 1) {
		bitbuf_t w = (bitbuf_t)~(bitbuf_t)0 / 0xff * *src;
		do {
			__builtin_memcpy(o, &w, sizeof(w));
			o += WORD;
		} while (o < end);
		return;
	}
	do
		*o++ = *src++;
	while (o < end);
}

#define STEP_MORE (-1)

/* Decode one literal, match or end of block, checking every refill and
 * every write: the path for the last bytes of input or output. STEP_MORE,
 * or how the block ended. */
static int decode_one(struct inflater *s, struct bits *b)
{
	uint8_t *o = s->o;

	if (bits_refill(b))
		return ERR_TRUNCATED;
	uint32_t e = s->lit[low_bits(b->bb, LITLEN_ROOT)];
	if (e & K_SUB << 8) {
		bits_drop(b, LITLEN_ROOT);
		e = s->lit[(e >> 16) + low_bits(b->bb, e >> 8 & 15)];
	}
	bits_drop(b, e & 0xff);
	unsigned kind = e >> 8 & 0xff;
	if (kind & K_LIT) {
		if (o == s->out_end)
			return ERR_OUTPUT_FULL;
		*o = (uint8_t)(e >> 16);
		s->o = o + 1;
		return STEP_MORE;
	}
	if (kind & (K_EOB | K_BAD))
		return kind & K_EOB ? DONE_BLOCK : ERR_BAD_LITLEN;
	unsigned len = (e >> 16) + (unsigned)low_bits(b->bb, kind);
	bits_drop(b, kind);

	/* 32-bit buffer: 25 bits after a refill cover a length code and its
	 * extra bits, or a distance code, but not both. */
	if (BB_BITS < 64 && bits_refill(b))
		return ERR_TRUNCATED;
	e = s->dist[low_bits(b->bb, DIST_ROOT)];
	if (e & K_SUB << 8) {
		bits_drop(b, DIST_ROOT);
		e = s->dist[(e >> 16) + low_bits(b->bb, e >> 8 & 15)];
	}
	bits_drop(b, e & 0xff);
	kind = e >> 8 & 0xff;
	if (kind & K_BAD)
		return ERR_BAD_DIST;
	if (BB_BITS < 64 && b->cnt < kind && bits_refill(b))
		return ERR_TRUNCATED;
	size_t d = (e >> 16) + (size_t)low_bits(b->bb, kind);
	bits_drop(b, kind);
	if (d > (size_t)(o - s->out)) {
		s->err_dist = d;
		return ERR_DIST_TOO_FAR;
	}
	if (len > (size_t)(s->out_end - o))
		return ERR_OUTPUT_FULL;
	copy_match(o, d, len, (size_t)(s->out_end - o) - len >= WORD);
	s->o = o + len;
	return STEP_MORE;
}

/* The fast path's margins: an iteration reads at most 48 bits past its
 * start plus a word of lookahead, and writes at most 258 bytes plus a word
 * of overshoot. PEEK_BITS: the bits a peek guarantees. */
#define IN_MARGIN (8 + WORD)
#define OUT_MARGIN (258 + WORD)
#define PEEK_BITS (BB_BITS - 7)
/* Bound on the bit position so it never overflows a 32-bit size_t (the
 * host tests shrink it to exercise the re-basing). */
#ifdef INFLATE_POS_LIMIT
#define POS_LIMIT ((size_t)INFLATE_POS_LIMIT)
#else
#define POS_LIMIT ((size_t)1 << 28)
#endif

/* Decode while IN_MARGIN input and OUT_MARGIN output remain, with no
 * checks but the distance. The only bit state is a position from base:
 * each step loads a word there, which leaves i686's few registers for the
 * output pointer and the tables. STEP_MORE when the margins run out. */
static __attribute__((noinline, aligned(2048), section(".text.aligned"))) int inflate_fast(struct inflater *s)
{
	if (s->truncated || bits_truncated(&s->b))
		return STEP_MORE;	/* past the end already: the careful path says so */
	size_t consumed = bits_consumed(&s->b, s->in);
	const uint8_t *base = s->in + consumed / 8;
	size_t pos = consumed % 8;
	uint8_t *o = s->o;
	const uint8_t *out_limit = s->out_end - OUT_MARGIN;	/* caller checked the room */
	int r = STEP_MORE;

#define PEEK() (load_word(base + (pos >> 3)) >> (pos & 7))

	for (;;) {
		/* Re-base now and then; stop once the input margin is reached. */
		size_t left = (size_t)(s->b.end - base) - pos / 8;
		if (left < IN_MARGIN || o > out_limit)
			break;
		base += pos / 8;
		pos %= 8;
		size_t pos_limit = (left - IN_MARGIN) * 8;
		if (pos_limit > POS_LIMIT)
			pos_limit = POS_LIMIT;

		do {
			bitbuf_t bb = PEEK();
			uint32_t e = s->lit[low_bits(bb, LITLEN_ROOT)];
			unsigned used = 0;
			if (e & K_SUB << 8) {
				used = LITLEN_ROOT;
				e = s->lit[(e >> 16) + low_bits(bb >> LITLEN_ROOT, e >> 8 & 15)];
			}
			used += e & 0xff;
			if (e & K_LIT << 8) {
				*o++ = (uint8_t)(e >> 16);
				pos += used;
				/* Literals come in runs, and at least PEEK_BITS - 15 >=
				 * LITLEN_ROOT bits are left: enough for a root-level one. */
				bb >>= used;
				e = s->lit[low_bits(bb, LITLEN_ROOT)];
				if (e & K_LIT << 8) {
					*o++ = (uint8_t)(e >> 16);
					pos += e & 0xff;
				}
				continue;
			}
			unsigned kind = e >> 8 & 0xff;
			if (kind & (K_EOB | K_BAD)) {
				pos += used;
				r = kind & K_EOB ? DONE_BLOCK : ERR_BAD_LITLEN;
				goto out;
			}
			bb >>= used;
			unsigned len = (e >> 16) + (unsigned)low_bits(bb, kind);
			pos += used + kind;

			/* The distance: 64 bits hold it with the length, 32 need a new peek. */
			if (BB_BITS < 64)
				bb = PEEK();
			else
				bb >>= kind;
			e = s->dist[low_bits(bb, DIST_ROOT)];
			used = 0;
			if (e & K_SUB << 8) {
				used = DIST_ROOT;
				e = s->dist[(e >> 16) + low_bits(bb >> DIST_ROOT, e >> 8 & 15)];
			}
			used += e & 0xff;
			kind = e >> 8 & 0xff;
			if (kind & K_BAD) {
				pos += used;
				r = ERR_BAD_DIST;
				goto out;
			}
			pos += used;
			if (BB_BITS < 64 && used + kind > PEEK_BITS)
				bb = PEEK();
			else
				bb >>= used;
			size_t d = (e >> 16) + (size_t)low_bits(bb, kind);
			pos += kind;
			if (d > (size_t)(o - s->out)) {
				s->err_dist = d;
				r = ERR_DIST_TOO_FAR;
				goto out;
			}
			copy_match(o, d, len, 1);
			o += len;
		} while (pos <= pos_limit && o <= out_limit);
	}
#undef PEEK
out:
	/* Back to the bit buffer at the same position. */
	s->b.ip = base + pos / 8;
	s->b.bb = 0;
	s->b.cnt = 0;
	s->b.pad = 0;
	bits_refill(&s->b);
	bits_drop(&s->b, pos % 8);
	s->o = o;
	return r;
}

/* Decode symbols up to the end of the block. */
static int inflate_codes(struct inflater *s)
{
	int r = STEP_MORE;

	if ((size_t)(s->out_end - s->o) >= OUT_MARGIN)
		r = inflate_fast(s);
	if (r != STEP_MORE)
		return r;
	struct bits b = s->b;
	do
		r = decode_one(s, &b);
	while (r == STEP_MORE);
	s->b = b;
	return r;
}

static int inflate_stored(struct inflater *s)
{
	struct bits *b = &s->b;

	/* Drop to a byte boundary, then hand the buffered whole bytes back. */
	bits_drop(b, b->cnt & 7);
	if (s->truncated || bits_truncated(b))
		return fail_truncated(s);
	b->ip -= (b->cnt - b->pad) / 8;
	b->bb = 0;
	b->cnt = 0;
	b->pad = 0;

	size_t at = s->base + (size_t)(b->ip - s->in);
	if ((size_t)(b->end - b->ip) < 4)
		return fail_truncated(s);
	unsigned len = get_le16(b->ip), nlen = get_le16(b->ip + 2);
	if (len != (~nlen & 0xffff))
		return fail(s, "stored block length check failed (LEN 0x%04x, NLEN 0x%04x, at input byte %zu)",
			    len, nlen, at);
	b->ip += 4;
	if ((size_t)(b->end - b->ip) < len)
		return fail_truncated(s);
	if ((size_t)(s->out_end - s->o) < len)
		return fail(s, "output exceeds %zu bytes", (size_t)(s->out_end - s->out));
	memcpy(s->o, b->ip, len);
	s->o += len;
	b->ip += len;
	return 0;
}

static int use_fixed_code(struct inflater *s)
{
	if (s->have_fixed)
		return 0;
	/* RFC 1951 3.2.6 */
	memset(s->lens, 8, 144);
	memset(s->lens + 144, 9, 112);
	memset(s->lens + 256, 7, 24);
	memset(s->lens + 280, 8, 8);
	if (build_table(s->lit, LITLEN_TABLE_SIZE, LITLEN_ROOT, s->lens, FIXED_LITLEN_CODES, CODE_LITLEN))
		return fail(s, "internal error building the fixed code");
	memset(s->lens, 5, FIXED_DIST_CODES);
	if (build_table(s->dist, DIST_TABLE_SIZE, DIST_ROOT, s->lens, FIXED_DIST_CODES, CODE_DIST))
		return fail(s, "internal error building the fixed code");
	s->have_fixed = 1;
	return 0;
}

/* RFC 1951 3.2.7: the code-length code, then the literal/length and distance code lengths. */
static int read_dynamic_code(struct inflater *s, size_t at)
{
	uint8_t clen_lens[CLEN_CODES] = { 0 };
	const char *why;

	s->have_fixed = 0;
	unsigned nlen = take_bits(s, 5) + 257;
	unsigned ndist = take_bits(s, 5) + 1;
	unsigned nclen = take_bits(s, 4) + 4;
	if (nlen > LITLEN_CODES || ndist > DIST_CODES)
		return fail(s, "invalid code lengths (%u literal/length and %u distance codes, at input byte %zu)",
			    nlen, ndist, at);
	for (unsigned i = 0; i < nclen; i++)
		clen_lens[clen_order[i]] = (uint8_t)take_bits(s, 3);
	why = build_table(s->dist, DIST_TABLE_SIZE, CLEN_ROOT, clen_lens, CLEN_CODES, CODE_CLEN);
	if (why)
		return fail(s, "invalid code lengths (code-length code %s, at input byte %zu)", why, at);

	unsigned total = nlen + ndist;
	for (unsigned i = 0; i < total;) {
		if (s->b.cnt < CLEN_ROOT + 7 && bits_refill(&s->b))
			s->truncated = 1;
		uint32_t e = s->dist[low_bits(s->b.bb, CLEN_ROOT)];
		bits_drop(&s->b, e & 0xff);
		unsigned sym = e >> 16, rep;
		uint8_t val = 0;
		if (sym < 16) {
			s->lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return fail(s, "invalid code lengths (repeat with no previous length, at input byte %zu)",
					    at);
			val = s->lens[i - 1];
			rep = 3 + take_bits(s, 2);
		} else if (sym == 17) {
			rep = 3 + take_bits(s, 3);
		} else {
			rep = 11 + take_bits(s, 7);
		}
		if (rep > total - i)
			return fail(s, "invalid code lengths (repeat runs past %u lengths, at input byte %zu)",
				    total, at);
		memset(s->lens + i, val, rep);
		i += rep;
	}
	if (!s->lens[256])
		return fail(s, "invalid code lengths (no end-of-block code, at input byte %zu)", at);
	why = build_table(s->lit, LITLEN_TABLE_SIZE, LITLEN_ROOT, s->lens, nlen, CODE_LITLEN);
	if (why)
		return fail(s, "invalid code lengths (literal/length code %s, at input byte %zu)", why, at);
	why = build_table(s->dist, DIST_TABLE_SIZE, DIST_ROOT, s->lens + nlen, ndist, CODE_DIST);
	if (why)
		return fail(s, "invalid code lengths (distance code %s, at input byte %zu)", why, at);
	return 0;
}

static int inflate_huffman(struct inflater *s)
{
	switch (inflate_codes(s)) {
	case DONE_BLOCK:
		return 0;
	case ERR_TRUNCATED:
		return fail_truncated(s);
	case ERR_OUTPUT_FULL:
		return fail(s, "output exceeds %zu bytes", (size_t)(s->out_end - s->out));
	case ERR_BAD_LITLEN:
		return fail(s, "invalid literal/length code (at input byte %zu)", in_pos(s));
	case ERR_BAD_DIST:
		return fail(s, "invalid distance code (at input byte %zu)", in_pos(s));
	default:
		return fail(s, "distance too far back (%zu > %zu bytes of output, at input byte %zu)",
			    s->err_dist, (size_t)(s->o - s->out), in_pos(s));
	}
}

/* The block loop of RFC 1951 3.2.3 over a prepared inflater. */
static int inflate_blocks(struct inflater *s)
{
	int final, r;

	do {
		size_t at = in_pos(s);
		final = (int)take_bits(s, 1);
		unsigned type = take_bits(s, 2);
		if (type == 0) {
			r = inflate_stored(s);
		} else if (type == 1) {
			r = use_fixed_code(s);
			if (!r)
				r = inflate_huffman(s);
		} else if (type == 2) {
			r = read_dynamic_code(s, at);
			if (!r)
				r = inflate_huffman(s);
		} else {
			r = fail(s, "invalid block type 3 (at input byte %zu)", at);
		}
		if (r)
			return r;
	} while (!final);
	if (s->truncated || bits_truncated(&s->b))
		return fail_truncated(s);
	return 0;
}

static int inflate_at(const uint8_t *in, size_t in_len, size_t base, const char *who,
		      uint8_t *out, size_t out_cap, size_t *out_len, size_t *in_used,
		      struct diag *d)
{
	static uint8_t none;
	struct inflater s;

	/* A NULL buffer of length 0 is fine; pointer arithmetic on NULL is not. */
	if (!in)
		in = &none, in_len = 0;
	if (!out)
		out = &none, out_cap = 0;
	s.b.ip = in;
	s.b.end = in + in_len;
	s.b.bb = 0;
	s.b.cnt = 0;
	s.b.pad = 0;
	s.in = in;
	s.out = s.o = out;
	s.out_end = out + out_cap;
	s.who = who;
	s.base = base;
	s.truncated = 0;
	s.have_fixed = 0;
	s.d = d;
	int r = inflate_blocks(&s);
	*out_len = (size_t)(s.o - s.out);
	*in_used = bits_used(&s.b, in);
	if (*in_used > in_len)
		*in_used = in_len;	/* a truncated stream */
	return r;
}

int inflate_raw(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		size_t *out_len, size_t *in_used, struct diag *d)
{
	return inflate_at(in, in_len, 0, "inflate", out, out_cap, out_len, in_used, d);
}

/* ---- gzip ---- */

static uint32_t crc_table[4][256] NOCLEAR;	/* 4 KiB fwboot.elf need not zero at entry */
static int crc_ready;

/* crc_table[0] is the byte-at-a-time table; crc_table[k] advances a byte
 * through k more zero bytes, so four bytes fold in one step. */
static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int k = 1; k < 4; k++)
			crc_table[k][n] = crc_table[k - 1][n] >> 8 ^ crc_table[0][crc_table[k - 1][n] & 0xff];
	crc_ready = 1;
}

/* Aligned so the loop never straddles a page: QEMU's TCG chains
 * translated blocks only within a guest page. */
__attribute__((noinline, aligned(512), section(".text.aligned"))) uint32_t gzip_crc32(uint32_t crc, const void *buf,
											  size_t len)
{
	const uint8_t *p = buf;

	if (!crc_ready)
		crc_init();
	crc = ~crc;
	for (; len >= 4; len -= 4, p += 4) {
		crc ^= get_le32(p);
		crc = crc_table[3][crc & 0xff] ^ crc_table[2][crc >> 8 & 0xff] ^
		      crc_table[1][crc >> 16 & 0xff] ^ crc_table[0][crc >> 24];
	}
	for (; len; len--, p++)
		crc = crc_table[0][(crc ^ *p) & 0xff] ^ crc >> 8;
	return ~crc;
}

int gzip_is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 3 && buf[0] == 0x1f && buf[1] == 0x8b && buf[2] == 8;
}

/* RFC 1952 header flags; FTEXT (0x01) is only a hint. */
#define FHCRC 0x02
#define FEXTRA 0x04
#define FNAME 0x08
#define FCOMMENT 0x10
#define FRESERVED 0xe0

/* The fixed part of an RFC 1952 header; in_len >= 4. */
static int check_magic(const uint8_t *in, struct diag *d)
{
	if (in[0] != 0x1f || in[1] != 0x8b)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: not a gzip file (magic %02x %02x)", in[0], in[1]);
	if (in[2] != 8)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: unsupported compression method %u", in[2]);
	if (in[3] & FRESERVED)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: reserved header flags set (0x%02x)", in[3]);
	return 0;
}

/* Skip a NUL-terminated header field at *pos. */
static int skip_string(const uint8_t *in, size_t in_len, size_t *pos, const char *what,
		       struct diag *d)
{
	size_t p = *pos;

	while (p < in_len && in[p])
		p++;
	if (p == in_len)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated header (%s runs past the end, %zu bytes)",
				 what, in_len);
	*pos = p + 1;
	return 0;
}

/* Validate the header and find where the DEFLATE data starts. */
static int parse_header(const uint8_t *in, size_t in_len, size_t *data, struct diag *d)
{
	size_t pos = 10;
	int r;

	if (in_len < 10)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated header (%zu bytes)", in_len);
	r = check_magic(in, d);
	if (r)
		return r;
	unsigned flags = in[3];
	if (flags & FEXTRA) {
		if (in_len - pos < 2)
			return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated header (%zu bytes)", in_len);
		size_t xlen = get_le16(in + pos);
		pos += 2;
		if (in_len - pos < xlen)
			return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated header (extra field of %zu bytes, %zu bytes)",
					 xlen, in_len);
		pos += xlen;
	}
	if (flags & FNAME) {
		r = skip_string(in, in_len, &pos, "file name", d);
		if (r)
			return r;
	}
	if (flags & FCOMMENT) {
		r = skip_string(in, in_len, &pos, "comment", d);
		if (r)
			return r;
	}
	if (flags & FHCRC) {
		if (in_len - pos < 2)
			return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated header (%zu bytes)", in_len);
		unsigned stored = get_le16(in + pos);
		unsigned computed = gzip_crc32(0, in, pos) & 0xffff;
		if (stored != computed)
			return diag_fail(d, ST_BAD_IMAGE, "gzip: header CRC16 mismatch (stored 0x%04x, computed 0x%04x)",
					 stored, computed);
		pos += 2;
	}
	*data = pos;
	return 0;
}

int gzip_isize(const uint8_t *in, size_t in_len, uint32_t *out, struct diag *d)
{
	if (!in || in_len < GZIP_MIN_SIZE)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: too short for a gzip file (%zu bytes)", in_len);
	int r = check_magic(in, d);
	if (r)
		return r;
	*out = get_le32(in + in_len - 4);
	return 0;
}

static size_t strlen_bounded(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* One member at in: header, data, trailer; *in_used its length. */
static int gzip_member(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		       size_t *out_len, size_t *in_used, struct diag *d)
{
	size_t data = 0, used = 0;
	int r;

	*out_len = 0;
	*in_used = 0;
	r = parse_header(in, in_len, &data, d);
	if (r)
		return r;
	r = inflate_at(in + data, in_len - data, data, "gzip", out, out_cap, out_len, &used, d);
	if (r)
		return r;
	size_t pos = data + used;
	if (in_len - pos < 8)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: truncated stream (at input byte %zu)", in_len);
	uint32_t stored = get_le32(in + pos), computed = gzip_crc32(0, out, *out_len);
	if (stored != computed)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: CRC32 mismatch (stored 0x%08x, computed 0x%08x)",
				 stored, computed);
	uint32_t isize = get_le32(in + pos + 4);
	if (isize != (uint32_t)*out_len)
		return diag_fail(d, ST_BAD_IMAGE, "gzip: ISIZE mismatch (stored %u, inflated %zu bytes)",
				 isize, *out_len);
	*in_used = pos + 8;
	return 0;
}

int gzip_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		 size_t *out_len, struct diag *d)
{
	size_t used;
	if (!in)
		in_len = 0;
	return gzip_member(in, in_len, out, out_cap, out_len, &used, d);
}

int gzip_inflate_all(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		     size_t *out_len, size_t *in_used, unsigned *members, struct diag *d)
{
	size_t pos = 0, got = 0;
	unsigned n = 0;
	int r = 0;

	*out_len = 0;
	*in_used = 0;
	*members = 0;
	if (!in)
		in_len = 0;
	do {
		size_t o = 0, used = 0;
		r = gzip_member(in + pos, in_len - pos, out + got, out_cap - got, &o, &used, d);
		got += o;
		if (r) {
			if (n && d) {	/* say which member */
				char why[sizeof(d->msg)];
				const char *w = d->msg[0] == 'g' && d->msg[4] == ':' ? d->msg + 6 : d->msg;
				memcpy(why, w, strlen_bounded(w, sizeof(why) - 1));
				why[strlen_bounded(w, sizeof(why) - 1)] = 0;
				diag_fail(d, 0, "gzip: member %u (at byte %zu): %s", n + 1, pos, why);
			}
			break;
		}
		pos += used;
		n++;
	} while (in_len - pos >= 2 && in[pos] == 0x1f && in[pos + 1] == 0x8b);
	*out_len = got;
	*in_used = pos;
	*members = n;
	return r;
}
