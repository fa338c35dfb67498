/* SPDX-License-Identifier: BSD-2-Clause */
/* gzip (RFC 1952) and raw DEFLATE (RFC 1951) decoding into a caller's
 * buffer, for compressed kernels and initrds. Pure code: no allocation, no
 * globals but the CRC table computed on first use, about 8 KiB of stack. */
#ifndef FWBOOT_INFLATE_H
#define FWBOOT_INFLATE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"

/* Smallest gzip member: 10-byte header, 2-byte empty DEFLATE stream, 8-byte trailer. */
#define GZIP_MIN_SIZE 20

/* True when buf starts with the gzip magic 1f 8b and method 08 (DEFLATE). */
int gzip_is_gzip(const uint8_t *buf, size_t len);

/* Output size a gzip member announces (ISIZE, its last 4 bytes, so the
 * size mod 2^32); 0 and *out on success, -ST_BAD_IMAGE with a reason in d
 * when in is too short or its header is not a gzip header. Trailing bytes
 * after the member would be misread as ISIZE: gzip_inflate is the authority. */
int gzip_isize(const uint8_t *in, size_t in_len, uint32_t *out, struct diag *d);

/* Inflate the first gzip member of in[0..in_len) into out[0..out_cap):
 * the header (FEXTRA, FNAME, FCOMMENT skipped; FHCRC checked), the DEFLATE
 * data, then the trailer's CRC32 and ISIZE. Bytes after the member are
 * ignored. 0 and *out_len on success; -ST_BAD_IMAGE with a reason in d on a
 * malformed, truncated or corrupt member or when the output would not fit
 * in out_cap. Never reads or writes outside the two buffers, but may write
 * scratch bytes in out beyond *out_len. On failure *out_len is how much was
 * written before the error. */
int gzip_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		 size_t *out_len, struct diag *d);

/* Every gzip member of in, one after another into out, as gzip -d does:
 * the first must be a valid member; after each member, what follows is
 * another member when it starts with the magic 1f 8b (and must then be
 * valid), and is otherwise ignored (zero padding, trailing bytes).
 * *in_used is where the last member ended, *members how many there were.
 * Same contract as gzip_inflate otherwise; a later member's reason says
 * "gzip: member N (at byte B): ...". */
int gzip_inflate_all(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		     size_t *out_len, size_t *in_used, unsigned *members, struct diag *d);

/* Raw DEFLATE stream, same contract as gzip_inflate; *in_used is the
 * number of input bytes the stream occupies (its last byte included). */
int inflate_raw(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		size_t *out_len, size_t *in_used, struct diag *d);

/* CRC-32 as gzip uses it (reflected 0xedb88320, pre- and post-inverted):
 * gzip_crc32(0, buf, len) is the CRC of buf; pass a previous result to continue. */
uint32_t gzip_crc32(uint32_t crc, const void *buf, size_t len);

#endif
