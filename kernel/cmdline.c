/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline_parse: words separated by blanks, key=value options, "--". */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/cmdline.h"
#include "lib/sha256.h"
#include "include/status.h"
#include "lib/str.h"

/* ' ', tab, newline, CR: a printable byte (above ' ') is told by one
 * comparison, and a command line is mostly those */
static inline __attribute__((always_inline)) int is_blank(char c)
{
	unsigned char u = (unsigned char)c;
	return u <= ' ' && (u == ' ' || ((1u << '\t' | 1u << '\n' | 1u << '\r') >> u & 1));
}

static char *skip_blanks(char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* Cut the word at s; return where the next one may start. */
static char *cut_word(char *s)
{
	while (*s && !is_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	return s;
}

static const char *const option_keys[] = { "name=", "initrd=", "sha256=", "fw_cfg=", "format=", "entry=", "measure=" };

/* list, -- or one of fwboot's options: never a loader's path. */
static int is_keyword(const char *w)
{
	if (str_eq(w, "list") || str_eq(w, "--") || str_eq(w, "quiet") || str_eq(w, "verbose"))
		return 1;
	for (size_t i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++)
		if (str_starts(w, option_keys[i]))
			return 1;
	return 0;
}

int cmdline_verbosity(const char *s)
{
	int v = 1;
	if (!str_find(s, "quiet") && !str_find(s, "verbose"))
		return v;	/* neither word is there: found by memchr, a byte an instruction */
	while (*s) {
		while (is_blank(*s))
			s++;
		size_t n = 0;
		while (s[n] && !is_blank(s[n]))
			n++;
		if (n == 2 && s[0] == '-' && s[1] == '-')
			break;
		if (n == 5 && str_starts(s, "quiet"))
			v = 0;
		else if (n == 7 && str_starts(s, "verbose"))
			v = 2;
		s += n;
	}
	return v;
}

enum cmdline_path cmdline_path_rule(const char *loader_name, int protocol)
{
	if (protocol == START_PVH)
		return CMDLINE_PATH_NONE;	/* QEMU and qboot pass -append alone */
	if (loader_name && str_eq(loader_name, "qemu") && protocol == 1)
		return CMDLINE_PATH_FIRST;
	if (loader_name && str_starts(loader_name, "GRUB 2"))
		return CMDLINE_PATH_NONE;
	return CMDLINE_PATH_GUESS;
}

/* A fw_cfg name, or "archive#member" where the archive part is the fw_cfg name. */
static int check_name(const char *key, const char *v, struct diag *d)
{
	size_t n = 0;
	while (v[n] && v[n] != '#')
		n++;
	if (n == 0)
		return diag_fail(d, ST_CMDLINE, "cmdline: %s= needs a fw_cfg file name", key);
	if (n > FW_CFG_MAX_NAME)
		return diag_fail(d, ST_CMDLINE, "cmdline: %s=%s: fw_cfg names have at most %d characters (this has %zu)",
				 key, v, FW_CFG_MAX_NAME, n);
	return 0;
}

/* A pin's hex digits into a zalloc'd digest. */
static int parse_pin(const char *what, const char *hex, const uint8_t **out, struct diag *d)
{
	uint8_t *dg = zalloc(SHA256_SIZE);
	if (!dg)
		return diag_fail(d, ST_NO_MEMORY, "cmdline: no memory");
	size_t n = str_len(hex);
	if (sha256_from_hex(hex, n, dg))
		return diag_fail(d, ST_CMDLINE, "cmdline: %ssha256=%s: a pin is 64 hex digits (this is %zu characters%s)",
				 what, hex, n, n == SHA256_HEX ? ", not all hex digits" : "");
	*out = dg;
	return 0;
}

/* "FILE,sha256=HEX": cut the pin off v (in place) into *pin. */
static int split_pin(const char *key, char *v, const uint8_t **pin, struct diag *d)
{
	*pin = 0;
	for (char *p = v; *p; p++) {
		if (*p == ',' && str_starts(p + 1, "sha256=")) {
			*p = '\0';
			char what[16];
			size_t k = str_len(key);
			memcpy(what, key, k);
			memcpy(what + k, "=...,", 6);
			return parse_pin(what, p + 8, pin, d);
		}
	}
	return 0;
}

int cmdline_parse(char *s, struct cmdline *c, struct diag *d)
{
	return cmdline_parse_from(s, CMDLINE_PATH_GUESS, c, d);
}

int cmdline_parse_from(char *s, enum cmdline_path rule, struct cmdline *c, struct diag *d)
{
	/* the module tables: an initrd= word holds a '=', so one slot per
	 * '=' is enough (found by memchr, a byte an instruction) */
	size_t len = str_len(s), words = 1;
	for (const char *p = s; (p = memchr(p, '=', len - (size_t)(p - s))); p++)
		words++;

	c->name = CMDLINE_DEFAULT_NAME;
	c->initrds = zalloc(words * sizeof(*c->initrds));
	c->initrd_sha256 = zalloc(words * sizeof(*c->initrd_sha256));
	c->sha256 = 0;
	c->ninitrds = 0;
	c->args = "";
	c->list = 0;
	c->fw_cfg_mode = FW_CFG_AUTO;
	c->format = 0;
	c->entry = 0;
	c->verbosity = 1;
	c->measure_required = 0;
	if (!c->initrds || !c->initrd_sha256)
		return diag_fail(d, ST_NO_MEMORY, "cmdline: no memory");

	s = skip_blanks(s);
	int first = 1, named = 0;
	while (*s) {
		char *w = s;
		s = cut_word(s);
		if (first && (rule == CMDLINE_PATH_FIRST || (rule == CMDLINE_PATH_GUESS && !is_keyword(w)))) {
			first = 0;	/* the loader's path to fwboot itself */
			s = skip_blanks(s);
			continue;
		}
		first = 0;
		if (str_eq(w, "--")) {
			c->args = skip_blanks(s);
			return 0;
		}
		if (str_eq(w, "list")) {
			c->list = 1;
		} else if (str_eq(w, "quiet") || str_eq(w, "verbose")) {
			c->verbosity = w[0] == 'q' ? 0 : 2;
		} else if (str_starts(w, "name=")) {
			if (named)
				return diag_fail(d, ST_CMDLINE, "cmdline: name= given twice (%s, then %s): one file is booted; "
						 "modules are initrd=", c->name, w + 5);
			named = 1;
			c->name = w + 5;
			const uint8_t *pin;
			int r = split_pin("name", w + 5, &pin, d);
			if (!r && pin && c->sha256)
				r = diag_fail(d, ST_CMDLINE, "cmdline: the kernel is pinned twice (sha256= and name=...,sha256=)");
			if (!r && pin)
				c->sha256 = pin;
			if (!r)
				r = check_name("name", c->name, d);
			if (r)
				return r;
		} else if (str_starts(w, "initrd=")) {
			int r = split_pin("initrd", w + 7, &c->initrd_sha256[c->ninitrds], d);
			if (!r)
				r = check_name("initrd", w + 7, d);
			if (r)
				return r;
			c->initrds[c->ninitrds++] = w + 7;
		} else if (str_starts(w, "sha256=")) {
			if (c->sha256)
				return diag_fail(d, ST_CMDLINE, "cmdline: the kernel is pinned twice (a second sha256=)");
			int r = parse_pin("", w + 7, &c->sha256, d);
			if (r)
				return r;
		} else if (str_starts(w, "fw_cfg=")) {
			const char *v = w + 7;
			if (str_eq(v, "pio"))
				c->fw_cfg_mode = FW_CFG_PIO;
			else if (str_eq(v, "dma"))
				c->fw_cfg_mode = FW_CFG_DMA;
			else if (str_eq(v, "auto"))
				c->fw_cfg_mode = FW_CFG_AUTO;
			else if (str_eq(v, "inb"))
				c->fw_cfg_mode = FW_CFG_INB;
			else
				return diag_fail(d, ST_CMDLINE, "cmdline: fw_cfg=%s: expected pio, dma, auto or inb", v);
		} else if (str_starts(w, "measure=")) {
			if (!str_eq(w + 8, "required") && !str_eq(w + 8, "optional"))
				return diag_fail(d, ST_CMDLINE, "cmdline: %s: expected measure=required or measure=optional", w);
			c->measure_required = w[8] == 'r';
		} else if (str_starts(w, "format=")) {
			if (c->format)
				return diag_fail(d, ST_CMDLINE, "cmdline: format= given twice (%s, then %s)", c->format, w + 7);
			c->format = w + 7;
			if (!*c->format)
				return diag_fail(d, ST_CMDLINE, "cmdline: format= needs a loader name");
		} else if (str_starts(w, "entry=")) {
			if (c->entry)
				return diag_fail(d, ST_CMDLINE, "cmdline: entry= given twice (%s, then %s)", c->entry, w + 6);
			c->entry = w + 6;
			if (!*c->entry)
				return diag_fail(d, ST_CMDLINE, "cmdline: entry= needs a value");
		} else {
			return diag_fail(d, ST_CMDLINE,
					 "cmdline: unknown option \"%s\" (known: name= initrd= sha256= format= entry= fw_cfg= measure= list quiet verbose --)",
					 w);
		}
		s = skip_blanks(s);
	}
	return 0;
}
