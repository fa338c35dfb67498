/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the inflater. The first two input bytes choose the output capacity,
 * the rest is tried as a gzip member and as raw DEFLATE, through the native
 * build and through the target's 32-bit bit buffer (this file includes
 * lib/inflate.c again under other names); the two must agree exactly.
 * Built with FUZZ_INFLATE_ZLIB (tests/fuzz/run.sh does) the host zlib must
 * agree too: same success, same output, same bytes consumed. The output
 * buffer is allocated at its exact size so ASan sees any write past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/inflate.h"
#include "include/status.h"

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

#ifdef FUZZ_INFLATE_ZLIB
#include <zlib.h>

/* zlib's verdict on in as gzip (wbits 31) or raw (-15): 1 when it reaches
 * the end of the stream within cap bytes of output. */
static int zlib_inflate(const uint8_t *in, size_t n, int wbits, uint8_t *out, size_t cap,
			size_t *out_len, size_t *in_used)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, wbits) != Z_OK)
		abort();
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int r = inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	*in_used = z.total_in;
	inflateEnd(&z);
	return r == Z_STREAM_END;
}
#endif

int fuzz_one(const uint8_t *data, size_t size);

#ifdef FUZZ_INFLATE_ZLIB
/* tests/fuzz/run.sh links no tests/unit/host.c, which holds the entry */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(data, size);
}
#endif

int fuzz_one(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* capacity: 0-32767 exactly, or up to 256 KiB in steps of 8 */
	size_t cap = data[0] | (size_t)data[1] << 8;
	if (cap >= 0x8000)
		cap = (cap - 0x8000) * 8;
	const uint8_t *in = data + 2;
	size_t n = size - 2;
	uint8_t *a = malloc(cap ? cap : 1), *b = malloc(cap ? cap : 1);
	struct diag da = { "" }, db = { "" };
	size_t la = 0, lb = 0, ua = 0, ub = 0;

	/* gzip: both variants agree on status, reason and (on success) output */
	int ra = gzip_inflate(in, n, a, cap, &la, &da);
	int rb = gzip_inflate_bb32(in, n, b, cap, &lb, &db);
	if (ra != rb || strcmp(da.msg, db.msg) != 0)
		__builtin_trap();
	if (ra == 0 && (la != lb || la > cap || memcmp(a, b, la) != 0))
		__builtin_trap();
	if (ra != 0 && (ra != -ST_BAD_IMAGE || strncmp(da.msg, "gzip: ", 6) != 0))
		__builtin_trap();
	/* every member: both variants agree, and the first member's result is a prefix */
	{
		size_t ma = 0, mb = 0, ia = 0, ib = 0;
		unsigned na = 0, nb = 0;
		struct diag ea = { "" }, eb = { "" };
		int qa = gzip_inflate_all(in, n, a, cap, &ma, &ia, &na, &ea);
		int qb = gzip_inflate_all_bb32(in, n, b, cap, &mb, &ib, &nb, &eb);
		if (qa != qb || strcmp(ea.msg, eb.msg) != 0 || ia != ib || na != nb)
			__builtin_trap();
		if (qa == 0 && (ma != mb || ma > cap || ia > n || memcmp(a, b, ma) != 0 || na < 1))
			__builtin_trap();
		if ((ra == 0) != (qa == 0 || na >= 1))
			__builtin_trap();	/* a valid first member is never refused by the walk */
		memset(a, 0, cap);
		gzip_inflate(in, n, a, cap, &la, &da);
	}
	uint32_t isize;
	if (ra == 0 && (gzip_isize(in, n, &isize, &da) != 0 || !gzip_is_gzip(in, n)))
		__builtin_trap();
#ifdef FUZZ_INFLATE_ZLIB
	uint8_t *z = malloc(cap ? cap : 1);
	size_t lz, uz;
	int zok = zlib_inflate(in, n, 31, z, cap, &lz, &uz);
	if (zok != (ra == 0) || (zok && (lz != la || memcmp(z, a, la) != 0)))
		__builtin_trap();
#endif

	/* raw DEFLATE, the same way, plus the bytes consumed */
	ra = inflate_raw(in, n, a, cap, &la, &ua, &da);
	rb = inflate_raw_bb32(in, n, b, cap, &lb, &ub, &db);
	if (ra != rb || strcmp(da.msg, db.msg) != 0)
		__builtin_trap();
	if (ra == 0 && (la != lb || ua != ub || ua > n || memcmp(a, b, la) != 0))
		__builtin_trap();
	if (ra != 0 && (ra != -ST_BAD_IMAGE || strncmp(da.msg, "inflate: ", 9) != 0))
		__builtin_trap();
#ifdef FUZZ_INFLATE_ZLIB
	zok = zlib_inflate(in, n, -15, z, cap, &lz, &uz);
	if (zok != (ra == 0) || (zok && (lz != la || uz != ua || memcmp(z, a, la) != 0)))
		__builtin_trap();
	free(z);
#endif
	free(a);
	free(b);
	return 0;
}
