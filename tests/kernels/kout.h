/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Output for the test kernels mb2test and pvhtest: COM1, one line per fact
 * ("<prefix>: [kind] key=value ..."), CRC-32 as zlib computes it, and the
 * exit through isa-debug-exit. Everything is static and position-
 * independent-friendly (no tables of pointers), so mb2test can run where a
 * relocating loader put it.
 *
 * out() conversions:  %u uint32_t decimal   %x uint32_t 0x-hex
 *                     %L uint64_t 0x-hex    %s string
 *                     %q string, quoted: \\ \" and \xNN for bytes outside 0x20-0x7e
 */
#ifndef KOUT_H
#define KOUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "kramcheck.h"

#define KOUT_COM1 0x3F8
#define KOUT_EXIT_PORT 0xf4
#define KOUT_DONE 0x40		/* QEMU exit status 129 */
#define KOUT_FAILED 0x41	/* QEMU exit status 131 */
#define KOUT_STRING_MAX 65536	/* longest string %q prints */

static const char *kout_prefix;	/* set at run time: no pointer in initialised data */

static inline void kout_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t kout_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void kout_init(const char *prefix)
{
	kout_prefix = prefix;
	kout_outb(KOUT_COM1 + 1, 0x00);	/* no interrupts */
	kout_outb(KOUT_COM1 + 3, 0x80);	/* divisor latch */
	kout_outb(KOUT_COM1 + 0, 0x01);	/* 115200 baud */
	kout_outb(KOUT_COM1 + 1, 0x00);
	kout_outb(KOUT_COM1 + 3, 0x03);	/* 8N1 */
	kout_outb(KOUT_COM1 + 2, 0xC7);	/* FIFO on and cleared */
	kout_outb(KOUT_COM1 + 4, 0x03);
}

static void kout_putc(char c)
{
	/* bounded: a missing UART must not hang the test */
	for (int spin = 0; spin < 100000 && !(kout_inb(KOUT_COM1 + 5) & 0x20); spin++)
		;
	kout_outb(KOUT_COM1, (uint8_t)c);
}

static void kout_puts(const char *s)
{
	while (*s)
		kout_putc(*s++);
}

static void kout_hex(uint64_t v)
{
	char d[16];
	int n = 0;
	do {
		int x = (int)(v & 15);
		d[n++] = (char)(x < 10 ? '0' + x : 'a' + x - 10);
		v >>= 4;
	} while (v);
	kout_puts("0x");
	while (n)
		kout_putc(d[--n]);
}

static void kout_dec(uint32_t v)
{
	char d[10];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		kout_putc(d[--n]);
}

static void kout_quoted(const char *s)
{
	kout_putc('"');
	for (uint32_t i = 0; i < KOUT_STRING_MAX && s[i]; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '"' || c == '\\') {
			kout_putc('\\');
			kout_putc((char)c);
		} else if (c < 0x20 || c > 0x7e) {
			kout_puts("\\x");
			kout_putc((char)((c >> 4) < 10 ? '0' + (c >> 4) : 'a' + (c >> 4) - 10));
			kout_putc((char)((c & 15) < 10 ? '0' + (c & 15) : 'a' + (c & 15) - 10));
		} else {
			kout_putc((char)c);
		}
	}
	kout_putc('"');
}

static void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kout_puts(kout_prefix);
	kout_puts(": ");
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			kout_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == 'u')
			kout_dec(va_arg(ap, uint32_t));
		else if (*fmt == 'x')
			kout_hex(va_arg(ap, uint32_t));
		else if (*fmt == 'L')
			kout_hex(va_arg(ap, uint64_t));
		else if (*fmt == 's')
			kout_puts(va_arg(ap, const char *));
		else if (*fmt == 'q')
			kout_quoted(va_arg(ap, const char *));
		else
			kout_putc('?');
	}
	kout_putc('\n');
	va_end(ap);
}

static __attribute__((noreturn)) void kout_exit(uint8_t code)
{
	kout_outb(KOUT_EXIT_PORT, code);
	for (;;)	/* without the exit device: stop */
		__asm__ volatile("cli; hlt");
}

/* CRC-32, reflected polynomial 0xEDB88320, as zlib.crc32 computes it. */
static uint32_t kout_crc_table[256];

static uint32_t kout_crc32(const uint8_t *p, uint32_t n)
{
	if (!kout_crc_table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c >> 1) ^ (c & 1 ? 0xEDB88320u : 0);
			kout_crc_table[i] = c;
		}
	}
	uint32_t c = 0xFFFFFFFFu;
	while (n--)
		c = kout_crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* Is r an ACPI RSDP whose first 20 bytes sum to zero? */
static __attribute__((unused)) int kout_rsdp_ok(const uint8_t *r)
{
	static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
	uint8_t sum = 0;
	for (int i = 0; i < 8; i++)
		if (r[i] != (uint8_t)sig[i])
			return 0;
	for (int i = 0; i < 20; i++)
		sum += r[i];
	return sum == 0;
}

/* The RSDP a BIOS leaves: EBDA's first KiB, then 0xE0000-0xFFFFF; 0 if none. */
static __attribute__((unused)) uint32_t kout_find_rsdp(void)
{
	/* the BDA's EBDA segment; the asm keeps GCC from judging a low address */
	const volatile uint16_t *bda;
	__asm__("" : "=r"(bda) : "0"(0x40E));
	uint32_t ebda = (uint32_t)*bda << 4;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		for (uint32_t a = ebda; a < ebda + 1024; a += 16)
			if (kout_rsdp_ok((const uint8_t *)(uintptr_t)a))
				return a;
	for (uint32_t a = 0xE0000; a < 0x100000; a += 16)
		if (kout_rsdp_ok((const uint8_t *)(uintptr_t)a))
			return a;
	return 0;
}

/* The known bytes both kernels carry at the end of their image. */
static inline uint8_t kout_pattern_byte(uint32_t i)
{
	return (uint8_t)((i * 13 + 7) ^ (i >> 8));
}

/* With "ramcheck" in its command line, a test kernel checks the RAM
 * pattern (kramcheck.h) outside the ranges it was given (ex: [start, end)
 * pairs). One line: "ramcheck lo= hi= checked=WORDS differ=WORDS first=ADDR". */
#define KOUT_RAMCHECK_LO KRAM_LO
#define KOUT_RAMCHECK_HI KRAM_HI

static __attribute__((unused)) uint32_t kout_strlen(const char *s)
{
	uint32_t n = 0;
	while (s[n])
		n++;
	return n;
}

static __attribute__((unused)) int kout_has_word(const char *s, const char *w)
{
	for (uint32_t i = 0; s[i]; i++) {
		if (i && s[i - 1] != ' ')
			continue;
		uint32_t k = 0;
		while (w[k] && s[i + k] == w[k])
			k++;
		if (!w[k] && (s[i + k] == ' ' || !s[i + k]))
			return 1;
	}
	return 0;
}

static __attribute__((unused)) void kout_ramcheck(const uint64_t (*ex)[2], uint32_t n)
{
	struct kram_result r = kram_check(ex, n);
	out("ramcheck lo=%x hi=%x checked=%u differ=%u first=%x", KRAM_LO, KRAM_HI, r.checked, r.differ, r.first);
}

#endif
