/* SPDX-License-Identifier: BSD-2-Clause */
/* fmt_vsnprintf: the one formatter behind the console, diagnostics and the
 * info strings fwboot builds. No floating point, no %n. */
#include <stdint.h>
#include "lib/fmt.h"
#include "lib/memops.h"	/* memchr, mem_strlen: platform/x86/memops.c, or the host libc */

struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* inlined: it runs for every character fwboot prints */
static inline __attribute__((always_inline)) void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* n characters at once (a run of the format, a string argument): the
 * console's text is most of what fwboot's own work costs, character by
 * character. */
static void put_run(struct out *o, const char *s, size_t n)
{
	size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;
	if (n && room)	/* the compiler's own copy: `rep movsb` in place, no call */
		__builtin_memcpy(o->buf + o->len, s, n < room ? n : room);
	o->len += n;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put_char(o, pad);
	put_run(o, s, n);
	if (left)
		while (fill-- > 0)
			put_char(o, ' ');
}

/* The digits of v, written backwards from end: returns where they start.
 * Hex by shifts of 32-bit halves and decimal by 32-bit division where the
 * value fits: the 64-bit forms (libgcc's __udivmoddi4) cost a hundred
 * instructions a digit. */
static char *utoa(char *end, unsigned long long v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base == 16) {
		uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
		if (hi) {
			for (int i = 0; i < 8; i++, lo >>= 4)
				*--p = digits[lo & 15];
			lo = hi;
		}
		do
			*--p = digits[lo & 15];
		while (lo >>= 4);
		return p;
	}
	for (; v > 0xffffffffu; v /= base)
		*--p = digits[v % base];
	uint32_t w = (uint32_t)v;
	do {
		*--p = digits[w % base];
		w /= base;
	} while (w);
	return p;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	const char *end = fmt + mem_strlen(fmt);	/* in place: `repnz scasb` */

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			/* the run of text up to the next conversion, by memchr */
			const char *pct = memchr(fmt, '%', (size_t)(end - fmt));
			size_t n = (size_t)((pct ? pct : end) - fmt);
			put_run(&o, fmt, n);
			fmt += n - 1;
			continue;
		}
		fmt++;
		int left = 0, width = 0, prec = -1, lng = 0;
		char pad = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng += *fmt == 'z' ? (sizeof(size_t) == 8 ? 2 : 1) : 1;
			fmt++;
		}

		char tmp[24], *num;
		unsigned long long u = 0;
		long long s = 0;
		size_t n;
		switch (*fmt) {
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			if (prec < 0)
				n = mem_strlen(str);
			else
				for (n = 0; (int)n < prec && str[n]; n++)
					;
			put_padded(&o, str, n, width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(&o, tmp, 1, width, left, ' ');
			break;
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			u = s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
			num = utoa(tmp + sizeof(tmp), u, 10, 0);
			if (s < 0)
				*--num = '-';
			goto emit;
		case 'u':
		case 'x':
		case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
			    : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			num = utoa(tmp + sizeof(tmp), u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			goto emit;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			num = utoa(tmp + sizeof(tmp), u, 16, 0);
			*--num = 'x';
			*--num = '0';
			goto emit;
		emit:
			/* '-' must precede zero padding */
			n = (size_t)(tmp + sizeof(tmp) - num);
			if (num[0] == '-' && pad == '0') {
				put_char(&o, '-');
				put_padded(&o, num + 1, n - 1, width - 1, left, pad);
			} else {
				put_padded(&o, num, n, width, left, left ? ' ' : pad);
			}
			break;
		case '%':
			put_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put_char(&o, '%');
			put_char(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
