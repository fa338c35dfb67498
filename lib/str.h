/* SPDX-License-Identifier: BSD-2-Clause */
/* Small string helpers, named so they never clash with the host libc. */
#ifndef FWBOOT_STR_H
#define FWBOOT_STR_H

#include <stddef.h>

size_t str_len(const char *s);
int str_cmp(const char *a, const char *b);
int str_ncmp(const char *a, const char *b, size_t n);
int str_eq(const char *a, const char *b);
const char *str_chr(const char *s, int c);
int str_starts(const char *s, const char *prefix);
/* Where key (not empty) first occurs in s, or 0: memchr for its first
 * byte, then a compare. */
const char *str_find(const char *s, const char *key);
/* Parse an unsigned number (decimal, or hex with 0x); 0 on success. */
int str_to_u64(const char *s, unsigned long long *out);

#endif
