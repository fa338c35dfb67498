/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.elf's keyboards: COM1 (platform/x86/uart.c) and the PS/2
 * controller, read by its ports with interrupts off (no BIOS call: qboot
 * and PVH loaders have none). Where no controller answers (microvm), its
 * status port reads 0xff and only COM1 is asked. */
#include "kernel/keys.h"
#include "kernel/platform.h"
#include "platform/x86/io.h"
#include "platform/x86/tsc.h"
#include "platform/x86/uart.h"

#define PS2_DATA 0x60
#define PS2_STATUS 0x64
#define PS2_OUT_FULL 0x01	/* a byte is waiting at PS2_DATA */
#define PS2_FROM_AUX 0x20	/* it is the mouse's */
#define PS2_DRAIN 16		/* bytes taken per poll at most */

static struct key_ps2 ps2;
static int ps2_seen;	/* 0: not asked yet, 1: present, -1: absent */

static int ps2_read_key(void)
{
	if (!ps2_seen)
		ps2_seen = inb(PS2_STATUS) == 0xff ? -1 : 1;
	for (int i = 0; ps2_seen > 0 && i < PS2_DRAIN; i++) {
		uint8_t st = inb(PS2_STATUS);
		if (!(st & PS2_OUT_FULL))
			break;
		uint8_t b = inb(PS2_DATA);
		int k = st & PS2_FROM_AUX ? KEY_NONE : key_from_scancode(&ps2, b);
		if (k != KEY_NONE)
			return k;
	}
	return KEY_NONE;
}

int platform_read_key(unsigned timeout_ms)
{
	return x86_read_key(timeout_ms, 1, ps2_read_key);
}

const char *platform_name(void)
{
	return "pcbios";
}

const char *platform_buildarch(void)
{
	return "i386";
}
