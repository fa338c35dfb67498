/* SPDX-License-Identifier: BSD-2-Clause */
/* Freestanding formatted output: %s %c %d %i %u %x %X %p with l/ll/z,
 * width, '0' and '-' flags, and %.*s. Shared by the kernel and host tests. */
#ifndef FWBOOT_FMT_H
#define FWBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Writes at most size-1 characters plus a NUL; returns the full length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
