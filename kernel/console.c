/* SPDX-License-Identifier: BSD-2-Clause */
/* The console front: formatting, levels and the end, over the platform's
 * sinks (platform_console_write). Lines that repeat are counted rather
 * than printed without end, so a failing retry loop still reaches its
 * status in seconds. */
#include <stdarg.h>
#include "kernel/console.h"
#include "kernel/platform.h"
#include "lib/fmt.h"
#include "lib/memops.h"
#include "lib/str.h"
#include "lib/byteorder.h"
#include "include/status.h"

#define LINE_MAX 512
#define RECENT 8	/* distinct lines remembered for counting repeats */

static enum console_level level = CONSOLE_NORMAL;

/* The last few lines seen by console_line, each with how often it came
 * and how many of those were not printed. */
static struct {
	uint32_t hash, seen, held;
} recent[RECENT];
static unsigned recent_next;
static uint64_t held_total;

/* FNV-1a over the line's words, then its last bytes: a quarter of the
 * multiplications of a byte-wise hash, for every line printed. */
static uint32_t line_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		h = (h ^ get_le32(s + i)) * 16777619u;	/* one load */
	for (; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* Say how many repeats were held back, once, before other output. */
static void flush_held(void)
{
	if (!held_total)
		return;
	char buf[96];
	fmt_snprintf(buf, sizeof(buf), "fwboot: (%llu more repeat%s of the lines above not printed)\n",
		     (unsigned long long)held_total, held_total == 1 ? "" : "s");
	held_total = 0;
	for (unsigned i = 0; i < RECENT; i++)
		recent[i].held = 0;
	platform_console_write(buf);
}

void console_write(const char *s)
{
	flush_held();
	platform_console_write(s);
}

static void console_line_n(const char *line, size_t n)
{
	uint32_t h = line_hash(line, n);
	for (unsigned i = 0; i < RECENT; i++) {
		if (!recent[i].seen || recent[i].hash != h)
			continue;
		if (++recent[i].seen > CONSOLE_REPEATS) {
			recent[i].held++;
			held_total++;
			return;
		}
		platform_console_write(line);
		return;
	}
	recent[recent_next].hash = h;
	recent[recent_next].seen = 1;
	recent[recent_next].held = 0;
	recent_next = (recent_next + 1) % RECENT;
	flush_held();
	platform_console_write(line);
}

void console_line(const char *line)
{
	console_line_n(line, str_len(line));
}

static void console_vprintf(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void console_set_level(enum console_level l)
{
	level = l;
}

enum console_level console_get_level(void)
{
	return level;
}

static void log_line(enum console_level at, const char *fmt, va_list ap)
{
	if (level < at)
		return;
	/* not zero-filled: the formatter ends the line; aligned, so the
	 * console's sinks can read it a word at a time */
	char buf[LINE_MAX + 16] __attribute__((aligned(4)));
	memcpy(buf, "fwboot: ", 8);
	size_t n = 8 + (size_t)fmt_vsnprintf(buf + 8, LINE_MAX, fmt, ap);
	if (n > LINE_MAX + 7)
		n = LINE_MAX + 7;
	buf[n] = '\n';
	buf[n + 1] = 0;
	console_line_n(buf, n + 1);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(CONSOLE_NORMAL, fmt, ap);
	va_end(ap);
}

void log_notice(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(CONSOLE_QUIET, fmt, ap);
	va_end(ap);
}

void log_verbose(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(CONSOLE_VERBOSE, fmt, ap);
	va_end(ap);
}

void fwboot_exit(int status)
{
	flush_held();
	platform_exit(status < 0 ? -status : status);
}

void panic(int status, const char *fmt, ...)
{
	va_list ap;
	console_write("fwboot: ");
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	if (status < 0)
		status = -status;
	console_printf(" [status %d]\n", status);
	fwboot_exit(status);
}

void panic_diag(int status, const struct diag *d)
{
	panic(status, "%s", d->msg[0] ? d->msg : "unspecified error");
}
