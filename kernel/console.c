/* COM1 at 115200 8N1. Every wait on the line status register is bounded:
 * without a UART (or with a stuck one) output is dropped, never a hang. */
#include <stdarg.h>
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "status.h"

#define COM1 0x3F8
#define UART_THR 0	/* transmit holding register */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define TX_SPINS 100000

#define DEBUG_EXIT_PORT 0xf4

static int serial_ok;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + 0, 1);		/* 115200 / 1 */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0xC7);
	outb(COM1 + UART_MCR, 0x03);
	/* an absent UART reads back 0xff */
	serial_ok = inb(COM1 + UART_LSR) != 0xff;
}

static void serial_putc(char c)
{
	if (!serial_ok)
		return;
	for (int i = 0; i < TX_SPINS; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void console_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

static void console_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
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

static enum console_level level = CONSOLE_NORMAL;

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
	console_write("fwboot: ");
	console_vprintf(fmt, ap);
	console_write("\n");
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
	if (status < 0)
		status = -status;
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
	console_write("fwboot: halted\n");
	cpu_halt_forever();
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
