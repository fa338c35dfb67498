/* The serial console (COM1), the VGA text screen, and the two ways fwboot talks: log lines and
 * the panic that ends it. */
#ifndef FWBOOT_CONSOLE_H
#define FWBOOT_CONSOLE_H

#include <stdint.h>
#include "diag.h"

void serial_init(void);
/* Also write to the VGA text screen (on: a VGA is there) or stop (off). */
void console_vga_enable(int on);
/* Store the VGA text cursor (column, row) at at[0], at[1]; unchanged when the sink is off. */
void console_vga_cursor(uint8_t *at);
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
/* Print "fwboot: <text>", report status on isa-debug-exit, halt. */
__attribute__((noreturn)) void panic(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* panic with a diag's reason; status may be given negative. */
__attribute__((noreturn)) void panic_diag(int status, const struct diag *d);
/* Report status on isa-debug-exit (no-op without the device) and halt. */
__attribute__((noreturn)) void fwboot_exit(int status);

#endif
