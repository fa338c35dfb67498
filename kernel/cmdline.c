/* cmdline_parse: words separated by blanks, key=value options, "--". */
#include "alloc.h"
#include "cmdline.h"
#include "status.h"
#include "str.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

static int is_keyword(const char *w)
{
	return str_eq(w, "list") || str_eq(w, "--") || str_eq(w, "quiet") || str_eq(w, "verbose") ||
	       str_chr(w, '=') != 0;
}

int cmdline_verbosity(const char *s)
{
	int v = 1;
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

int cmdline_parse(char *s, struct cmdline *c, struct diag *d)
{
	size_t words = 1;
	for (const char *p = s; *p; p++)
		words += is_blank(*p);

	c->name = CMDLINE_DEFAULT_NAME;
	c->initrds = zalloc(words * sizeof(*c->initrds));
	c->ninitrds = 0;
	c->args = "";
	c->list = 0;
	c->fw_cfg_mode = FW_CFG_AUTO;
	c->format = 0;
	c->entry = 0;
	c->verbosity = 1;
	if (!c->initrds)
		return diag_fail(d, ST_NO_MEMORY, "cmdline: no memory");

	s = skip_blanks(s);
	int first = 1;
	while (*s) {
		char *w = s;
		s = cut_word(s);
		if (first && !is_keyword(w)) {
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
			c->name = w + 5;
			int r = check_name("name", c->name, d);
			if (r)
				return r;
		} else if (str_starts(w, "initrd=")) {
			int r = check_name("initrd", w + 7, d);
			if (r)
				return r;
			c->initrds[c->ninitrds++] = w + 7;
		} else if (str_starts(w, "fw_cfg=")) {
			const char *v = w + 7;
			if (str_eq(v, "pio"))
				c->fw_cfg_mode = FW_CFG_PIO;
			else if (str_eq(v, "dma"))
				c->fw_cfg_mode = FW_CFG_DMA;
			else if (str_eq(v, "auto"))
				c->fw_cfg_mode = FW_CFG_AUTO;
			else
				return diag_fail(d, ST_CMDLINE, "cmdline: fw_cfg=%s: expected pio, dma or auto", v);
		} else if (str_starts(w, "format=")) {
			c->format = w + 7;
			if (!*c->format)
				return diag_fail(d, ST_CMDLINE, "cmdline: format= needs a loader name");
		} else if (str_starts(w, "entry=")) {
			c->entry = w + 6;
			if (!*c->entry)
				return diag_fail(d, ST_CMDLINE, "cmdline: entry= needs a value");
		} else {
			return diag_fail(d, ST_CMDLINE,
					 "cmdline: unknown option \"%s\" (known: name= initrd= format= entry= fw_cfg= list quiet verbose --)",
					 w);
		}
		s = skip_blanks(s);
	}
	return 0;
}
