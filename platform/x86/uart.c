/* SPDX-License-Identifier: BSD-2-Clause */
/* COM1 at 115200 8N1. Every wait on the line status register is bounded:
 * without a UART (or with a stuck one) output is dropped, never a hang. */
#include "platform/x86/uart.h"
#include "platform/x86/io.h"
#include "lib/memops.h"	/* mem_strlen, memchr */
#include "platform/x86/tsc.h"
#include "kernel/keys.h"
#include "kernel/platform.h"

#define COM1 0x3F8
#define UART_THR 0	/* transmit holding register */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR 0x01	/* a received byte is waiting */
#define LSR_THRE 0x20
#define TX_SPINS 100000	/* a UART that stopped: give up soon */
#define TX_PATIENCE (1ull << 32)	/* TSC cycles, a second or two: a reader that is behind */
#define TX_FIFO 16	/* the 16550A's transmit FIFO, enabled by uart_init */

static int uart_ok;
static int uart_stuck;	/* the last wait ran out: wait briefly until the UART moves again */

int uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + 0, 1);		/* 115200 / 1 */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0xC7);
	outb(COM1 + UART_MCR, 0x03);
	uart_ok = inb(COM1 + UART_LSR) != 0xff;	/* an absent UART reads back 0xff */
	return uart_ok;
}

/* Whether the transmit FIFO is empty (THRE with the FIFO on), waiting for
 * it. QEMU holds it full while the reader of its serial backend is behind
 * (a loaded host, a socket read late), so the wait is long, by the TSC;
 * once a wait ran out (a stuck UART) they are short until THRE is seen. */
static int uart_ready(void)
{
	if (inb(COM1 + UART_LSR) & LSR_THRE) {	/* nearly always: no clock read */
		uart_stuck = 0;
		return 1;
	}
	uint64_t end = platform_cycles() + TX_PATIENCE;
	for (unsigned i = 0;; i++) {
		if (inb(COM1 + UART_LSR) & LSR_THRE) {
			uart_stuck = 0;
			return 1;
		}
		if (uart_stuck ? i >= TX_SPINS : platform_cycles() >= end) {
			uart_stuck = 1;
			return 0;
		}
	}
}

/* Up to TX_FIFO bytes at once: THRE with the FIFO on says the whole FIFO
 * is empty, so one status read and one `rep outsb` per 16 bytes instead of
 * two port accesses per byte (each a VM exit under KVM). Never into a FIFO
 * that is not empty: the 16550A drops what overruns it. A UART that does
 * not move loses the chunk, and the boot goes on. */
static void uart_send(const char *b, size_t n)
{
	if (uart_ready())
		outsb(COM1 + UART_THR, b, n);
}

/* Runs of the text as they are, a newline as CR LF: the text's length and
 * each newline found by `repnz scasb` (memchr), one instruction a byte,
 * then TX_FIFO bytes per `rep outsb`. */
void uart_write(const char *s)
{
	if (!uart_ok)
		return;
	size_t len = mem_strlen(s);
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;
		for (size_t i = 0; i < n; i += TX_FIFO)
			uart_send(s + i, n - i < TX_FIFO ? n - i : TX_FIFO);
		if (!nl)
			return;
		uart_send("\r\n", 2);
		s += n + 1;
		len -= n + 1;
	}
}

static int uart_getc(void)
{
	if (!uart_ok || !(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_THR);	/* the receive buffer, at the same port */
}

/* The rest of an escape sequence: a byte within ms milliseconds, or -1. */
static int uart_next(void *ctx, unsigned ms)
{
	(void)ctx;
	uint64_t end = tsc_deadline(ms);
	do {
		int c = uart_getc();
		if (c >= 0)
			return c;
	} while (!tsc_passed(end));
	return -1;
}

int uart_read_key(void)
{
	int c = uart_getc();
	return c < 0 ? KEY_NONE : key_from_serial(c, uart_next, 0);
}

int x86_read_key(unsigned timeout_ms, int serial, int (*other)(void))
{
	uint64_t end = tsc_deadline(timeout_ms);
	for (;;) {
		int k = serial ? uart_read_key() : KEY_NONE;
		if (k == KEY_NONE)
			k = other();
		if (k != KEY_NONE || tsc_passed(end))
			return k;
	}
}
