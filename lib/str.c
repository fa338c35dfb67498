/* SPDX-License-Identifier: BSD-2-Clause */
/* String helpers: one idea each; lengths and searches by memops.h's
 * string instructions, the rest plain loops. */
#include "lib/str.h"
#include "lib/memops.h"	/* mem_strlen, memchr: `repnz scasb`, or the host libc */

size_t str_len(const char *s)
{
	return mem_strlen(s);
}

int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int str_ncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int str_eq(const char *a, const char *b)
{
	return str_cmp(a, b) == 0;
}

const char *str_chr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return s;
	return c ? 0 : s;
}

int str_starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

const char *str_find(const char *s, const char *key)
{
	size_t n = str_len(s);
	for (const char *p = s; (p = memchr(p, key[0], n - (size_t)(p - s))); p++)
		if (str_starts(p, key))
			return p;
	return 0;
}

int str_to_u64(const char *s, unsigned long long *out)
{
	unsigned base = 10;
	unsigned long long v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (~0ULL - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}
