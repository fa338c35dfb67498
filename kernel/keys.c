/* SPDX-License-Identifier: BSD-2-Clause */
/* Serial escape sequences and PS/2 scancodes to keys (kernel/keys.h). */
#include "kernel/keys.h"

#define KEY_SEQ_MS 50	/* a terminal sends a sequence in one burst */
#define KEY_SEQ_MAX 8

/* The final byte of ESC [ x, ESC O x, or the number of ESC [ n ~. */
static int key_csi(int c, unsigned n)
{
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '~':
		switch (n) {
		case 1: case 7: return KEY_HOME;
		case 3: return KEY_DEL;
		case 4: case 8: return KEY_END;
		case 5: return KEY_PGUP;
		case 6: return KEY_PGDN;
		}
	}
	return KEY_NONE;
}

int key_from_serial(int first, int (*next)(void *ctx, unsigned ms), void *ctx)
{
	if (first == 0x7f)
		return KEY_BACKSPACE;
	if (first == '\n')
		return KEY_ENTER;
	if (first != KEY_ESC)
		return first;
	int c = next(ctx, KEY_SEQ_MS);
	if (c != '[' && c != 'O')
		return KEY_ESC;	/* a lone Escape (what followed, if anything, is lost) */
	unsigned n = 0;
	for (int i = 0; i < KEY_SEQ_MAX; i++) {
		c = next(ctx, KEY_SEQ_MS);
		if (c < 0)
			return KEY_NONE;
		if (c >= '0' && c <= '9') {
			n = n * 10 + (unsigned)(c - '0');
			continue;
		}
		if (c == ';')
			continue;
		return key_csi(c, n);
	}
	return KEY_NONE;
}

/* Set 1 make codes 0x01..0x39 to characters, unshifted then shifted. */
static const char key_set1[2][0x3a] = {
	"\0\033" "1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ",
	"\0\033" "!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ",
};

int key_from_scancode(struct key_ps2 *s, uint8_t code)
{
	if (code == 0xe0) {
		s->ext = 1;
		return KEY_NONE;
	}
	int ext = s->ext, up = code & 0x80;
	s->ext = 0;
	code &= 0x7f;
	if (code == 0x2a || code == 0x36) {	/* shift */
		s->shift = !up;
		return KEY_NONE;
	}
	if (code == 0x1d) {	/* ctrl, either side */
		s->ctrl = !up;
		return KEY_NONE;
	}
	if (up)
		return KEY_NONE;
	if (ext) {
		switch (code) {
		case 0x48: return KEY_UP;
		case 0x50: return KEY_DOWN;
		case 0x4b: return KEY_LEFT;
		case 0x4d: return KEY_RIGHT;
		case 0x47: return KEY_HOME;
		case 0x4f: return KEY_END;
		case 0x49: return KEY_PGUP;
		case 0x51: return KEY_PGDN;
		case 0x53: return KEY_DEL;
		case 0x1c: return KEY_ENTER;	/* keypad Enter */
		}
		return KEY_NONE;
	}
	if (code >= sizeof(key_set1[0]) || !key_set1[0][code])
		return KEY_NONE;
	int c = key_set1[s->shift ? 1 : 0][code];
	if (s->ctrl && c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (s->ctrl && c >= 'A' && c <= 'Z')
		return c - 'A' + 1;
	return c;
}
