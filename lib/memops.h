/* SPDX-License-Identifier: BSD-2-Clause */
/* The C library's five memory functions, without the C library: the target
 * build is freestanding (-nostdinc), platform/x86/memops.c defines them there; the host
 * tests and fuzzers take their libc's (and its sanitizer interceptors). */
#ifndef FWBOOT_MEMFN_H
#define FWBOOT_MEMFN_H

#include <stddef.h>
#include <stdint.h>

#ifdef FWBOOT_HOST
#include <string.h>
#else
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
#endif

/* A string's length in place, without a call: `repnz scasb`, one
 * instruction a byte, on every fwboot target (all x86); the host's strlen. */
static inline size_t mem_strlen(const char *s)
{
#ifdef FWBOOT_HOST
	return strlen(s);
#else
	const char *p = s;
	size_t n = (size_t)-1;
	__asm__("repnz scasb" : "+D"(p), "+c"(n) : "a"(0), "m"(*(const char (*)[])s) : "cc");
	return (size_t)(p - s) - 1;
#endif
}

/* The first of n 32-bit words from s (in the machine's byte order, little
 * endian on every fwboot target) that equals v, or 0: `repne scasl` on the
 * target (platform/x86/memops.c), one instruction a word; a loop on the
 * host. */
#ifdef FWBOOT_HOST
static inline void *mem_find32(const void *s, uint32_t v, size_t n)
{
	for (const unsigned char *p = s; n; n--, p += 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		if (w == v)
			return (void *)p;
	}
	return 0;
}
#else
void *mem_find32(const void *s, uint32_t v, size_t n);
#endif

#endif
