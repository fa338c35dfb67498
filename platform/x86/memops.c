/* SPDX-License-Identifier: BSD-2-Clause */
/* The memory functions of memfn.h (memcpy, memmove, memset and memcmp are
 * the four the compiler may call on its own). Target build only: the host
 * tests use their libc's. */
#include <stddef.h>
#include <stdint.h>
#include "platform/x86/io.h"
#include "lib/memops.h"	/* the prototypes these definitions must match */

void *memcpy(void *dst, const void *src, size_t n)
{
	rep_movsl(dst, src, n / 4);
	rep_movsb((char *)dst + (n & ~(size_t)3), (const char *)src + (n & ~(size_t)3), n & 3);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		return memcpy(dst, src, n);	/* dst below src, or no overlap */
	if (n)
		rep_movsb_down((char *)dst + n - 1, (const char *)src + n - 1, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint32_t v = (uint8_t)c * 0x01010101u;
	rep_stosl(dst, v, n / 4);
	rep_stosb((char *)dst + (n & ~(size_t)3), (uint8_t)c, n & 3);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* `repne scasb`: one instruction a byte where a loop takes four or five
 * (str_len and the formatter's runs of text find their ends here). */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	if (!n)
		return 0;
	__asm__ volatile("repne scasb" : "+D"(p), "+c"(n) : "a"(c) : "memory", "cc");
	return p[-1] == (unsigned char)c ? (void *)(p - 1) : 0;
}

typedef uint32_t __attribute__((may_alias, aligned(1))) word32;

void *mem_find32(const void *s, uint32_t v, size_t n)
{
	const word32 *p = s;
	if (!n)
		return 0;
	__asm__ volatile("repne scasl" : "+D"(p), "+c"(n) : "a"(v) : "memory", "cc");
	return p[-1] == v ? (void *)(p - 1) : 0;
}
