/* SPDX-License-Identifier: BSD-2-Clause */
/* fmt_vsnprintf: the one formatter behind the console, diagnostics and the
 * info strings fwboot builds. No floating point, no %n. */
#include <stdint.h>
#include "lib/fmt.h"
#include "lib/memops.h"	/* memcpy: platform/x86/memops.c, or the host libc */

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
	if (n && room)
		memcpy(o->buf + o->len, s, n < room ? n : room);
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

static size_t utoa(char *tmp, unsigned long long v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	/* hex by shifts and 32-bit values by 32-bit division: the 64-bit
	 * division (libgcc's __udivmoddi4) costs a hundred instructions a digit */
	if (base == 16) {
		do {
			tmp[n++] = digits[v & 15];
			v >>= 4;
		} while (v);
		return n;
	}
	for (; v > 0xffffffffu; v /= base)
		tmp[n++] = digits[v % base];
	uint32_t w = (uint32_t)v;
	do {
		tmp[n++] = digits[w % base];
		w /= base;
	} while (w);
	return n;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			size_t n = 1;	/* letters pass one test: NUL and '%' are below 38 */
			while ((unsigned char)fmt[n] > '%' || (fmt[n] && fmt[n] != '%'))
				n++;
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

		char tmp[24], num[24];
		unsigned long long u = 0;
		long long s = 0;
		size_t n;
		switch (*fmt) {
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			for (n = 0; str[n] && (prec < 0 || (int)n < prec); n++)
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
			n = utoa(tmp, u, 10, 0);
			if (s < 0)
				tmp[n++] = '-';
			goto emit;
		case 'u':
		case 'x':
		case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
			    : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			n = utoa(tmp, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			goto emit;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			n = utoa(tmp, u, 16, 0);
			tmp[n++] = 'x';
			tmp[n++] = '0';
			goto emit;
		emit:
			/* digits were produced backwards; '-' must precede zero padding */
			for (size_t i = 0; i < n; i++)
				num[i] = tmp[n - 1 - i];
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
