/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: the leading options of a command's words, getopt-style,
 * from one table of the options iPXE's image commands take. */
#include <stdint.h>
#include "lib/memops.h"	/* memcmp: platform/x86/memops.c, or the host libc */
#include "lib/sha256.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/str.h"

/* ---- option parsing ---- */

static const struct {
	const char *lng;
	char shrt;
	int bit;
	int value;
} script_optdefs[] = {
	{ "name", 'n', SCRIPT_OPT_NAME, 1 },
	{ "timeout", 't', SCRIPT_OPT_TIMEOUT, 1 },
	{ "autofree", 'a', SCRIPT_OPT_AUTOFREE, 0 },
	{ "replace", 'r', SCRIPT_OPT_REPLACE, 0 },
	{ "sha256", 0, SCRIPT_OPT_SHA256, 1 },
	{ "delete", 'd', SCRIPT_OPT_DELETE, 0 },
	{ "menu", 'm', SCRIPT_OPT_MENU, 1 },
	{ "key", 'k', SCRIPT_OPT_KEY, 1 },
	{ "default", 'd', SCRIPT_OPT_DEFAULT, 0 },
	{ "default", 'd', SCRIPT_OPT_DEFLABEL, 1 },
	{ "gap", 'g', SCRIPT_OPT_GAP, 0 },
	{ "keep", 'k', SCRIPT_OPT_KEEP, 0 },
	{ "ext", 'e', SCRIPT_OPT_EXT, 0 },
	{ "ecx", 'c', SCRIPT_OPT_ECX, 0 },
};

#define SCRIPT_NOPTS (sizeof(script_optdefs) / sizeof(script_optdefs[0]))

static int script_take_opt(size_t k, const char *value, struct script_opts *o, struct diag *why)
{
	unsigned ms;
	unsigned long long key;
	o->given |= script_optdefs[k].bit;
	switch (script_optdefs[k].bit) {
	case SCRIPT_OPT_NAME:
		if (!*value)
			return diag_fail(why, ST_SCRIPT, "option \"--name\" needs a value");
		o->name = value;
		break;
	case SCRIPT_OPT_TIMEOUT:	/* milliseconds; fw_cfg does not time out: the image commands ignore it */
		if (script_number(value, &ms))
			return diag_fail(why, ST_SCRIPT, "option \"--timeout\" wants a number, not \"%s\"", value);
		o->timeout = ms;
		break;
	case SCRIPT_OPT_MENU:
		o->menu = value;
		break;
	case SCRIPT_OPT_DEFLABEL:
		o->deflabel = value;
		break;
	case SCRIPT_OPT_KEY:	/* one character, or its code as a number (0x02 is Ctrl-B) */
		if (value[0] && !value[1])
			o->key = (unsigned char)value[0];
		else if (!str_to_u64(value, &key) && key && key < 0x200)
			o->key = (int)key;
		else
			return diag_fail(why, ST_SCRIPT, "option \"--key\" wants a character or a key code, not \"%s\"",
					 value);
		break;
	case SCRIPT_OPT_REPLACE:
		o->replace = 1;
		break;
	case SCRIPT_OPT_SHA256:
		if (sha256_from_hex(value, str_len(value), o->sha256))
			return diag_fail(why, ST_SCRIPT, "option \"--sha256\" wants 64 hex digits, not \"%s\"", value);
		o->pinned = 1;
		break;
	default:	/* --autofree: everything is dropped at hand-off anyway */
		break;
	}
	return 0;
}

/*
 * Leading options of argv, getopt-style: stops at the first word that is
 * not an option, or after "--". Returns the index of the first positional
 * word, or a negative status with the reason in why.
 */
int script_parse_opts(int argc, char **argv, int allowed, struct script_opts *o, struct diag *why)
{
	int i = 1;
	o->name = 0;
	o->replace = 0;
	o->pinned = 0;
	o->given = 0;
	o->timeout = 0;
	o->menu = o->deflabel = 0;
	o->key = 0;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1])
			break;
		if (str_eq(a, "--"))
			return i + 1;
		if (a[1] == '-') {
			const char *eq = str_chr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : str_len(a + 2);
			size_t k;
			for (k = 0; k < SCRIPT_NOPTS; k++)
				if ((allowed & script_optdefs[k].bit) && str_len(script_optdefs[k].lng) == n &&
				    memcmp(script_optdefs[k].lng, a + 2, n) == 0)
					break;
			if (k == SCRIPT_NOPTS)
				return diag_fail(why, ST_SCRIPT, "unknown option \"--%.*s\"", (int)n, a + 2);
			const char *value = "";
			if (script_optdefs[k].value) {
				if (eq)
					value = eq + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return diag_fail(why, ST_SCRIPT, "option \"--%s\" needs a value",
							 script_optdefs[k].lng);
			} else if (eq) {
				return diag_fail(why, ST_SCRIPT, "option \"--%s\" takes no value", script_optdefs[k].lng);
			}
			int r = script_take_opt(k, value, o, why);
			if (r)
				return r;
			i++;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			size_t k;
			for (k = 0; k < SCRIPT_NOPTS; k++)
				if ((allowed & script_optdefs[k].bit) && script_optdefs[k].shrt == *c)
					break;
			if (k == SCRIPT_NOPTS)
				return diag_fail(why, ST_SCRIPT, "unknown option \"-%c\"", *c);
			const char *value = "";
			if (script_optdefs[k].value) {
				if (c[1])
					value = c + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return diag_fail(why, ST_SCRIPT, "option \"-%c\" needs a value", *c);
			}
			int r = script_take_opt(k, value, o, why);
			if (r)
				return r;
			if (script_optdefs[k].value)
				break;
		}
		i++;
	}
	return i;
}
