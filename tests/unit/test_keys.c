/* SPDX-License-Identifier: BSD-2-Clause */
/* Keys: serial escape sequences and PS/2 set 1 scancodes (kernel/keys.c),
 * and the SMBIOS settings boot scripts read (kernel/smbios.c). */
#include <stdio.h>
#include <string.h>
#include "kernel/keys.h"
#include "kernel/smbios.h"
#include "lib/byteorder.h"
#include "test.h"

static const char *rest;	/* the bytes after the first, for next() */
static int asked;

static int next(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
	asked++;
	return *rest ? (unsigned char)*rest++ : -1;
}

static int serial(const char *bytes)
{
	rest = bytes + 1;
	asked = 0;
	return key_from_serial((unsigned char)bytes[0], next, 0);
}

static void test_serial(void)
{
	ok_eq(serial("a"), 'a');
	ok_eq(asked, 0);
	ok_eq(serial("\r"), KEY_ENTER);
	ok_eq(serial("\n"), KEY_ENTER);
	ok_eq(serial("\x7f"), KEY_BACKSPACE);
	ok_eq(serial("\b"), KEY_BACKSPACE);
	ok_eq(serial("\033[A"), KEY_UP);
	ok_eq(serial("\033[B"), KEY_DOWN);
	ok_eq(serial("\033[C"), KEY_RIGHT);
	ok_eq(serial("\033[D"), KEY_LEFT);
	ok_eq(serial("\033OA"), KEY_UP);	/* application cursor mode */
	ok_eq(serial("\033[H"), KEY_HOME);
	ok_eq(serial("\033[F"), KEY_END);
	ok_eq(serial("\033[1~"), KEY_HOME);
	ok_eq(serial("\033[3~"), KEY_DEL);
	ok_eq(serial("\033[4~"), KEY_END);
	ok_eq(serial("\033[5~"), KEY_PGUP);
	ok_eq(serial("\033[6~"), KEY_PGDN);
	ok_eq(serial("\033[1;5A"), KEY_UP);	/* with a modifier */
	ok_eq(serial("\033"), KEY_ESC);		/* alone: nothing follows in time */
	ok_eq(serial("\033x"), KEY_ESC);
	ok_eq(serial("\033[Z"), KEY_NONE);	/* unknown: consumed, no key */
	ok_eq(serial("\033[9~"), KEY_NONE);
	ok_eq(serial("\033["), KEY_NONE);	/* cut short */
	ok_eq(serial("\033[11111111111111111111A"), KEY_NONE);	/* bounded */
	ok_eq(asked, 9);
}

static void test_ps2(void)
{
	struct key_ps2 s;
	memset(&s, 0, sizeof(s));
	ok_eq(key_from_scancode(&s, 0x1e), 'a');
	ok_eq(key_from_scancode(&s, 0x9e), KEY_NONE);	/* release */
	ok_eq(key_from_scancode(&s, 0x2a), KEY_NONE);	/* left shift */
	ok_eq(key_from_scancode(&s, 0x1e), 'A');
	ok_eq(key_from_scancode(&s, 0x02), '!');
	ok_eq(key_from_scancode(&s, 0xaa), KEY_NONE);
	ok_eq(key_from_scancode(&s, 0x02), '1');
	ok_eq(key_from_scancode(&s, 0x1c), KEY_ENTER);
	ok_eq(key_from_scancode(&s, 0x01), KEY_ESC);
	ok_eq(key_from_scancode(&s, 0x0e), KEY_BACKSPACE);
	ok_eq(key_from_scancode(&s, 0x39), ' ');
	ok_eq(key_from_scancode(&s, 0xe0), KEY_NONE);
	ok_eq(key_from_scancode(&s, 0x48), KEY_UP);
	ok_eq(key_from_scancode(&s, 0xe0), KEY_NONE);
	ok_eq(key_from_scancode(&s, 0xc8), KEY_NONE);	/* its release */
	ok_eq(key_from_scancode(&s, 0x48), KEY_NONE);	/* keypad 8 (no prefix): no key */
	ok_eq(key_from_scancode(&s, 0xe0), KEY_NONE);
	ok_eq(key_from_scancode(&s, 0x50), KEY_DOWN);
	ok_eq(key_from_scancode(&s, 0x1d), KEY_NONE);	/* ctrl */
	ok_eq(key_from_scancode(&s, 0x30), 2);		/* Ctrl-B */
	ok_eq(key_from_scancode(&s, 0x9d), KEY_NONE);
	ok_eq(key_from_scancode(&s, 0x30), 'b');
	ok_eq(key_from_scancode(&s, 0x7f), KEY_NONE);	/* beyond the table */
}

/* A structure table as QEMU builds one: type 0, type 1 (with -uuid and
 * -smbios type=1,serial=...), type 3 without an asset tag, the end. */
static uint8_t tab[512];

static size_t put_struct(size_t at, uint8_t type, const uint8_t *fmt, uint8_t len, const char *strings)
{
	tab[at] = type;
	tab[at + 1] = len;
	memcpy(tab + at + 4, fmt, len - 4u);
	at += len;
	size_t n = strings ? strlen(strings) : 0;	/* strings separated by '|' */
	for (size_t i = 0; i < n; i++)
		tab[at + i] = strings[i] == '|' ? 0 : (uint8_t)strings[i];
	at += n;
	tab[at++] = 0;	/* the last string's NUL (or the first of two) */
	tab[at++] = 0;
	return at;
}

static const char *setting(size_t len, uint16_t v, const char *name)
{
	static char out[64];
	if (smbios_setting(tab, len, v, name, out, sizeof(out)))
		snprintf(out, sizeof(out), "(none)");
	return out;
}

static void test_smbios(void)
{
	uint8_t t0[14] = { 1, 2, 0, 0xe8, 3, 0 };
	uint8_t t1[23] = { 1, 2, 0, 3 };	/* manufacturer 1, product 2, version 0, serial 3 */
	static const uint8_t uuid[16] = { 0x46, 0xf5, 0xa9, 0x86, 0x1b, 0xd3, 0xa2, 0x4b,
					  0x9b, 0xbb, 0x30, 0x3b, 0x61, 0xbc, 0xf8, 0xd1 };
	memcpy(t1 + 4, uuid, 16);
	uint8_t t3[17] = { 1, 1, 0, 0, 0 };	/* asset tag (offset 8): string 0 */
	size_t n = put_struct(0, 0, t0, 18, "SeaBIOS|1.16");
	n = put_struct(n, 1, t1, 27, "QEMU|Standard PC|ABC-123");
	n = put_struct(n, 3, t3, 21, "QEMU");
	n = put_struct(n, 127, t3, 4, 0);
	ok_str(setting(n, 0x0208, "uuid"), "86a9f546-d31b-4ba2-9bbb-303b61bcf8d1");
	ok_str(setting(n, 0x0205, "uuid"), "46f5a986-1bd3-a24b-9bbb-303b61bcf8d1");	/* before 2.6: as stored */
	ok_str(setting(n, 0x0208, "manufacturer"), "QEMU");
	ok_str(setting(n, 0x0208, "product"), "Standard PC");
	ok_str(setting(n, 0x0208, "serial"), "ABC-123");
	ok_str(setting(n, 0x0208, "asset"), "(none)");
	ok_str(setting(n, 0x0208, "board-serial"), "(none)");	/* no type 2 */
	ok_str(setting(n, 0x0208, "nope"), "(none)");
	/* cut anywhere: no value read beyond the table */
	for (size_t cut = 0; cut < n; cut++) {
		char out[64];
		smbios_setting(tab, cut, 0x0208, "serial", out, sizeof(out));
		ok(strlen(out) < sizeof(out));
	}
	/* a string number past the strings, a formatted area too short */
	t1[3] = 9;
	put_struct(put_struct(0, 1, t1, 27, "QEMU"), 127, t3, 4, 0);
	ok_str(setting(n, 0x0208, "serial"), "(none)");
	put_struct(put_struct(0, 1, t1, 20, "QEMU"), 127, t3, 4, 0);
	ok_str(setting(n, 0x0208, "uuid"), "(none)");
	ok_str(setting(n, 0x0208, "manufacturer"), "QEMU");

	/* the entry points */
	uint8_t ep[32];
	uint64_t table;
	uint32_t len;
	uint16_t v;
	memset(ep, 0, sizeof(ep));
	memcpy(ep, "_SM3_", 5);
	ep[6] = 24;
	ep[7] = 3;
	ep[8] = 1;
	put_le32(ep + 12, 400);
	put_le64(ep + 16, 0x7fff0000);
	uint8_t sum = 0;
	for (int i = 0; i < 24; i++)
		sum += ep[i];
	ep[5] = (uint8_t)-sum;
	ok_eq(smbios_entry_parse(ep, &table, &len, &v), 0);
	ok_eq(table, 0x7fff0000);
	ok_eq(len, 400);
	ok_eq(v, 0x0301);
	ep[9] ^= 1;
	ok_eq(smbios_entry_parse(ep, &table, &len, &v), -1);	/* checksum */
	ok_eq(smbios_entry_parse(0, &table, &len, &v), -1);
}

int main(void)
{
	test_serial();
	test_ps2();
	test_smbios();
	return test_done("keys");
}
