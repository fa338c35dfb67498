/* fwboot.efi's console: the console.h interface over COM1 (port I/O works
 * from an EFI application as from fwboot.elf) and the firmware's ConOut.
 * When ConOut already reaches a serial port (OVMF mirrors it there), the
 * lines go through ConOut alone, so COM1 shows each line once; otherwise
 * to both. The end: isa-debug-exit as fwboot.elf, and where that device is
 * absent, the EFI status back to whoever started fwboot.efi. */
#include <stdarg.h>
#include "console.h"
#include "fmt.h"
#include "io.h"
#include "platform.h"
#include "status.h"

#define COM1 0x3F8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define TX_SPINS 100000
#define DEBUG_EXIT_PORT 0xf4
#define VAR_MAX 4096	/* bytes of the ConOut variable looked at */

static int serial_ok, serial_on, conout_on, saved_serial_on, saved_conout_on, exited;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + 0, 1);		/* 115200 / 1 */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0xC7);
	outb(COM1 + UART_MCR, 0x03);
	serial_ok = inb(COM1 + UART_LSR) != 0xff;	/* an absent UART reads back 0xff */
	serial_on = serial_ok;
}

/* Whether the ConOut variable (a multi-instance device path) names a UART. */
static int conout_has_uart(void)
{
	static const efi_char16 name[] = { 'C', 'o', 'n', 'O', 'u', 't', 0 };
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
	static uint8_t buf[VAR_MAX];
	uint64_t size = sizeof(buf);
	struct efi_runtime_services *rt = efi_st->runtime_services;
	if (!rt || rt->get_variable(name, &global, 0, &size, buf) != EFI_SUCCESS)
		return 0;
	for (uint64_t off = 0; off + 4 <= size;) {
		uint8_t type = buf[off], sub = buf[off + 1];
		uint16_t len = (uint16_t)(buf[off + 2] | buf[off + 3] << 8);
		if (type == EFI_DP_MESSAGING && sub == EFI_DP_MSG_UART)
			return 1;
		if ((type == EFI_DP_END && sub == EFI_DP_END_ENTIRE) || len < 4)
			break;
		off += len;
	}
	return 0;
}

void efi_console_init(void)
{
	conout_on = efi_st->con_out != 0;
	if (conout_on && conout_has_uart())
		serial_on = 0;
}

/* From the last GetMemoryMap on, ConOut (which may allocate, and is gone
 * after ExitBootServices) is not called: COM1 by port I/O alone. */
void efi_console_leave_firmware(void)
{
	saved_serial_on = serial_on;
	saved_conout_on = conout_on;
	serial_on = serial_ok;
	conout_on = 0;
	exited = 1;
}

/* ExitBootServices was never called: the firmware's console again. */
void efi_console_back_to_firmware(void)
{
	serial_on = saved_serial_on;
	conout_on = saved_conout_on;
	exited = 0;
}

const char *efi_console_sinks(void)
{
	if (conout_on && !serial_on)
		return serial_ok ? "ConOut (which the firmware mirrors to the serial port)" : "ConOut";
	if (conout_on)
		return serial_ok ? "COM1 and ConOut" : "ConOut (no UART at COM1)";
	return serial_ok ? "COM1 (no ConOut)" : "nowhere (no ConOut, no UART)";
}

/* fwboot.efi has no screen of its own: the firmware's is ConOut. */
void console_vga_enable(int on)
{
	(void)on;
}

void console_vga_cursor(uint8_t *at)
{
	(void)at;
}

static void serial_putc(char c)
{
	for (int i = 0; i < TX_SPINS; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/* ConOut takes UCS-2 with CR LF; in pieces of a small buffer. */
static void conout_write(const char *s)
{
	efi_char16 buf[130];
	size_t n = 0;
	for (; *s; s++) {
		if (*s == '\n')
			buf[n++] = '\r';
		buf[n++] = (uint8_t)*s;
		if (n >= sizeof(buf) / sizeof(buf[0]) - 3) {
			buf[n] = 0;
			efi_st->con_out->output_string(efi_st->con_out, buf);
			n = 0;
		}
	}
	buf[n] = 0;
	if (n)
		efi_st->con_out->output_string(efi_st->con_out, buf);
}

void console_write(const char *s)
{
	if (serial_on)
		for (const char *p = s; *p; p++) {
			if (*p == '\n')
				serial_putc('\r');
			serial_putc(*p);
		}
	if (conout_on)
		conout_write(s);
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
	if (exited)	/* no boot services to return through */
		cpu_halt_forever();
	/* still here: no isa-debug-exit; give back what fwboot took, return the status */
	efi_status es = efi_status_of(status);
	char name[40];
	console_printf("fwboot: returning to the firmware (EFI status %s)\n", efi_status_str(es, name, sizeof(name)));
	efi_free_all();
	efi_st->boot_services->exit(efi_image, es, 0, 0);
	cpu_halt_forever();	/* Exit does not return to a started image */
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
