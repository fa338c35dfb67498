/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.elf's console sinks: COM1 (platform/x86/uart.c) and the VGA text
 * screen; its end: isa-debug-exit, then halt. */
#include <stdint.h>
#include "kernel/platform.h"
#include "platform/bios/bios.h"
#include "platform/x86/io.h"
#include "platform/x86/uart.h"

#define DEBUG_EXIT_PORT 0xf4

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

void vga_text_enable(int on)
{
	vga_on = on;
	if (on) {
		vga_col = BDA_CURSOR[0] < VGA_COLS ? BDA_CURSOR[0] : 0;
		vga_row = BDA_CURSOR[1] < VGA_ROWS ? BDA_CURSOR[1] : VGA_ROWS - 1;
	}
}

void platform_text_cursor(uint8_t *at)
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

void platform_console_write(const char *s)
{
	uart_write(s);
	if (!vga_on)
		return;
	for (; *s; s++)
		vga_putc(*s);
	vga_cursor();
}

void platform_exit(int status)
{
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
	platform_console_write("fwboot: halted\n");
	cpu_halt_forever();
}
