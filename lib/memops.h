/* SPDX-License-Identifier: BSD-2-Clause */
/* The C library's five memory functions, without the C library: the target
 * build is freestanding (-nostdinc), platform/x86/memops.c defines them there; the host
 * tests and fuzzers take their libc's (and its sanitizer interceptors). */
#ifndef FWBOOT_MEMFN_H
#define FWBOOT_MEMFN_H

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

#endif
