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

/* The VGA text screen (80x25 at 0xB8000), fwboot's second sink: on when a
 * VGA is there, off once a graphics mode is set for the payload. Starts
 * where the BIOS left its cursor and leaves the cursor after the text. */
#define VGA_TEXT ((volatile uint16_t *)phys_ptr(0xB8000))
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700		/* light grey on black */
#define BDA_CURSOR ((volatile uint8_t *)phys_ptr(0x450))	/* page 0: column, row */
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5

static int vga_on;
static unsigned vga_col, vga_row;

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

void console_vga_enable(int on)
{
	vga_on = on;
	if (on) {
		vga_col = BDA_CURSOR[0] < VGA_COLS ? BDA_CURSOR[0] : 0;
		vga_row = BDA_CURSOR[1] < VGA_ROWS ? BDA_CURSOR[1] : VGA_ROWS - 1;
	}
}

void console_vga_cursor(uint8_t *at)
{
	if (!vga_on)
		return;
	at[0] = (uint8_t)vga_col;
	at[1] = (uint8_t)vga_row;
}

static void vga_putc(char c)
{
	if (c == '\n') {
		vga_col = 0;
		vga_row++;
	} else if (c == '\r') {
		vga_col = 0;
	} else {
		VGA_TEXT[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
		if (++vga_col == VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
	}
	if (vga_row == VGA_ROWS) {
		for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
			VGA_TEXT[i] = VGA_TEXT[i + VGA_COLS];
		for (unsigned i = 0; i < VGA_COLS; i++)
			VGA_TEXT[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
		vga_row = VGA_ROWS - 1;
	}
}

/* The hardware cursor and the BIOS's idea of it follow the text. */
static void vga_cursor(void)
{
	unsigned pos = vga_row * VGA_COLS + vga_col;
	outb(CRTC_INDEX, 0x0E);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, 0x0F);
	outb(CRTC_DATA, (uint8_t)pos);
	BDA_CURSOR[0] = (uint8_t)vga_col;
	BDA_CURSOR[1] = (uint8_t)vga_row;
}

void console_write(const char *s)
{
	int vga = vga_on;
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
		if (vga)
			vga_putc(*s);
	}
	if (vga)
		vga_cursor();
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
