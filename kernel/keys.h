/* SPDX-License-Identifier: BSD-2-Clause */
/* Keys as the script commands see them: ASCII (Enter is '\r', Escape 27,
 * Backspace 8), and codes above 0xff for the keys that have no character.
 * How the bytes of a serial terminal and the scancodes of a PS/2 keyboard
 * become such keys is decoded here, in pure code both platforms share. */
#ifndef FWBOOT_KEYS_H
#define FWBOOT_KEYS_H

#include <stdint.h>

#define KEY_NONE (-1)	/* nothing within the timeout */
#define KEY_BACKSPACE 8
#define KEY_ENTER '\r'
#define KEY_ESC 27
enum {
	KEY_UP = 0x101, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_PGUP, KEY_PGDN, KEY_DEL,
};

/* The key a serial terminal sent, given its first byte: an escape
 * sequence (ESC [ A, ESC O A, ESC [ 3 ~, ...) reads its following bytes
 * through next (a byte within ms milliseconds, or -1). A lone ESC is
 * Escape; DEL (0x7f) is Backspace, LF is Enter. Unknown sequences give
 * KEY_NONE, their bytes consumed (at most 8). */
int key_from_serial(int first, int (*next)(void *ctx, unsigned ms), void *ctx);

/* A PS/2 keyboard in scancode set 1 (the controller's translation, as
 * firmware leaves it): feed each byte; a key comes back on its make code,
 * KEY_NONE for prefixes, releases and modifiers. */
struct key_ps2 {
	uint8_t ext;	/* 0xE0 seen */
	uint8_t shift, ctrl;
};
int key_from_scancode(struct key_ps2 *s, uint8_t code);

#endif
