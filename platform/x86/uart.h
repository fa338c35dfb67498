/* SPDX-License-Identifier: BSD-2-Clause */
/* COM1 at 115200 8N1, for both x86 platforms. */
#ifndef FWBOOT_X86_UART_H
#define FWBOOT_X86_UART_H

/* Program the UART; 1 when one answers at COM1. */
int uart_init(void);
/* Write s, '\n' as CR LF; nothing without a UART. Every wait is bounded. */
void uart_write(const char *s);
/* A key typed at COM1's terminal (kernel/keys.h), escape sequences
 * decoded; KEY_NONE when no byte is waiting. Never waits longer than a
 * sequence's bytes take to arrive. */
int uart_read_key(void);
/* platform_read_key for an x86 platform: COM1 (when serial is 1) and the
 * platform's own keyboard (other: PS/2, ConIn), whichever has a key
 * first, polled until timeout_ms pass (by the TSC). */
int x86_read_key(unsigned timeout_ms, int serial, int (*other)(void));

#endif
