/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's console sinks: COM1 (platform/x86/uart.c: port I/O works
 * from an EFI application as from fwboot.elf) and the firmware's ConOut.
 * When ConOut already reaches a serial port (OVMF mirrors it there), the
 * lines go through ConOut alone, so COM1 shows each line once; otherwise
 * to both. The end: isa-debug-exit as fwboot.elf, and where that device is
 * absent, the EFI status back to whoever started fwboot.efi. */
#include "kernel/platform.h"
#include "platform/efi/firmware.h"
#include "platform/x86/io.h"
#include "platform/x86/uart.h"

#define DEBUG_EXIT_PORT 0xf4
#define VAR_MAX 4096	/* bytes of the ConOut variable looked at */

static int serial_ok, serial_on, conout_on, saved_serial_on, saved_conout_on, exited;

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
	serial_ok = uart_init();
	serial_on = serial_ok;
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

int efi_boot_services_up(void)
{
	return !exited;
}

const char *efi_console_sinks(void)
{
	if (conout_on && !serial_on)
		return serial_ok ? "ConOut (which the firmware mirrors to the serial port)" : "ConOut";
	if (conout_on)
		return serial_ok ? "COM1 and ConOut" : "ConOut (no UART at COM1)";
	return serial_ok ? "COM1 (no ConOut)" : "nowhere (no ConOut, no UART)";
}

/* fwboot.efi has no text screen of its own: the firmware's is ConOut. */
void platform_text_cursor(uint8_t *at)
{
	(void)at;
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

void platform_console_write(const char *s)
{
	if (serial_on)
		uart_write(s);
	if (conout_on)
		conout_write(s);
}

void platform_exit(int status)
{
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
	if (exited)	/* no boot services to return through */
		cpu_halt_forever();
	/* still here: no isa-debug-exit; give back what fwboot took, return the status */
	efi_status es = efi_status_of(status);
	char name[40];
	platform_console_write("fwboot: returning to the firmware (EFI status ");
	platform_console_write(efi_status_str(es, name, sizeof(name)));
	platform_console_write(")\n");
	efi_free_all();
	efi_st->boot_services->exit(efi_image, es, 0, 0);
	cpu_halt_forever();	/* Exit does not return to a started image */
}

/* COM1 is fwboot's to read only where the firmware's console does not use it. */
int efi_console_serial_direct(void)
{
	return serial_on;
}
