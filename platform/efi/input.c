/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's keyboards: the firmware's ConIn (its keyboard, and the
 * serial terminal where OVMF mirrors the console there), and COM1 read
 * directly where the firmware's console does not use it. */
#include "kernel/keys.h"
#include "kernel/platform.h"
#include "platform/efi/firmware.h"
#include "platform/x86/tsc.h"
#include "platform/x86/uart.h"

/* UEFI 12.3.3's scan codes 1..0x0a, then Escape (0x17). */
static const int efi_scan_keys[] = {
	KEY_NONE, KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END, KEY_NONE, KEY_DEL, KEY_PGUP, KEY_PGDN,
};

static int conin_read_key(void)
{
	struct efi_simple_text_input *in = efi_st->con_in;
	struct efi_input_key k;
	if (!in || !efi_boot_services_up() || in->read_key_stroke(in, &k) != EFI_SUCCESS)
		return KEY_NONE;
	if (k.scan_code == 0x17)
		return KEY_ESC;
	if (k.scan_code)
		return k.scan_code < sizeof(efi_scan_keys) / sizeof(efi_scan_keys[0]) ? efi_scan_keys[k.scan_code]
										   : KEY_NONE;
	if (k.unicode_char == 0x7f)
		return KEY_BACKSPACE;
	if (k.unicode_char == '\n')
		return KEY_ENTER;
	return k.unicode_char && k.unicode_char < 0x100 ? k.unicode_char : KEY_NONE;
}

int platform_read_key(unsigned timeout_ms)
{
	return x86_read_key(timeout_ms, efi_console_serial_direct(), conin_read_key);
}

const char *platform_name(void)
{
	return "efi";
}

const char *platform_buildarch(void)
{
	return "x86_64";
}
