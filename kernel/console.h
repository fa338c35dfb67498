/* SPDX-License-Identifier: BSD-2-Clause */
/* How fwboot talks, on every platform: log lines at three levels, the
 * panic that ends it with a status. The sinks (COM1, the VGA text screen,
 * the firmware's ConOut) are the platform's (kernel/platform.h). */
#ifndef FWBOOT_CONSOLE_H
#define FWBOOT_CONSOLE_H

#include <stdint.h>
#include "lib/diag.h"

void console_write(const char *s);
/* printf to the console, no prefix. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How much fwboot says (command line words quiet and verbose). */
enum console_level { CONSOLE_QUIET, CONSOLE_NORMAL, CONSOLE_VERBOSE };
void console_set_level(enum console_level level);
enum console_level console_get_level(void);
/* One line "fwboot: <text>\n", unless quiet. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line at every level: the hand-off and warnings. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line only when verbose. */
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A whole line ("fwboot: ...\n" included) that may come again and again
 * (a script's `boot || goto retry`): printed the first CONSOLE_REPEATS
 * times, then counted, and the count printed before the next other line
 * or the end. */
#define CONSOLE_REPEATS 3
void console_line(const char *line);
/* Print "fwboot: <text> [status N]", report status, stop. */
__attribute__((noreturn)) void panic(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* panic with a diag's reason; status may be given negative. */
__attribute__((noreturn)) void panic_diag(int status, const struct diag *d);
/* Report status (platform_exit) without a message. */
__attribute__((noreturn)) void fwboot_exit(int status);

#endif
