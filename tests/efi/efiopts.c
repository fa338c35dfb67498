/* SPDX-License-Identifier: BSD-2-Clause */
/* efiopts: the EFI test application of tests/boot/test_efi.py. Prints on
 * COM1 what its Loaded Image protocol holds, one line each:
 *   efiopts: size N
 *   efiopts: options "TEXT"      (UCS-2 shown as ASCII, others as \uXXXX)
 *   efiopts: terminated yes|no   (the last UCS-2 unit is a NUL)
 * then writes EFIOPTS_DONE to isa-debug-exit (QEMU exits with 137) and,
 * without that device, shuts the machine down through ResetSystem (QEMU
 * exits with 0), so a test without the device still ends. */
#include <stdint.h>
#include "platform/efi/efi.h"
#include "platform/x86/io.h"

#define COM1 0x3F8
#define EFIOPTS_DONE 0x44

static void putc_com1(char c)
{
	for (int i = 0; i < 100000; i++)
		if (inb(COM1 + 5) & 0x20)
			break;
	outb(COM1, (uint8_t)c);
}

static void puts_com1(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_com1('\r');
		putc_com1(*s);
	}
}

static void putu(uint64_t v)
{
	char b[24];
	int n = 0;
	do
		b[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		putc_com1(b[--n]);
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
	static const struct efi_guid lip = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	struct efi_loaded_image *li = 0;
	puts_com1("\nefiopts: started\n");
	if (st->boot_services->handle_protocol(image, &lip, (void **)&li) || !li) {
		puts_com1("efiopts: no Loaded Image protocol\n");
		outl(0xf4, EFIOPTS_DONE + 1);
		return EFI_UNSUPPORTED;
	}
	const uint16_t *o = li->load_options;
	uint32_t units = li->load_options_size / 2;
	puts_com1("efiopts: size ");
	putu(li->load_options_size);
	puts_com1("\nefiopts: options \"");
	for (uint32_t i = 0; o && i < units && o[i]; i++) {
		if (o[i] >= 0x20 && o[i] < 0x7f && o[i] != '"' && o[i] != '\\') {
			putc_com1((char)o[i]);
		} else {
			puts_com1("\\u");
			for (int s = 12; s >= 0; s -= 4)
				putc_com1("0123456789abcdef"[(o[i] >> s) & 15]);
		}
	}
	puts_com1("\"\nefiopts: terminated ");
	puts_com1(o && units && o[units - 1] == 0 ? "yes\n" : "no\n");
	outl(0xf4, EFIOPTS_DONE);
	puts_com1("efiopts: no isa-debug-exit: shutting down\n");
	st->runtime_services->reset_system(EFI_RESET_SHUTDOWN, EFI_SUCCESS, 0, 0);
	return EFI_SUCCESS;
}
