/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot-script interpreter. The shape follows iPXE's: a line is split on
 * white space first, then each word is expanded on its own; "||", "&&" and
 * ";" chain commands; a word starting with '#' ends the line; ":label"
 * starts one.
 *
 * This file is the script image and its execution: detection, the line
 * reader, labels, splitting a line into words and running its commands. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/str.h"

static int script_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* A UTF-8 byte order mark, as editors on Windows start a file with. */
static size_t script_bom(const uint8_t *p, size_t len)
{
	return len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

int script_detect(const uint8_t *buf, size_t len)
{
	static const char *const magics[] = { "#!ipxe", "#!gpxe", "#!fwboot" };
	size_t bom = script_bom(buf, len);
	buf += bom;
	len -= bom;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		size_t n = str_len(magics[i]);
		if (len >= n && memcmp(buf, magics[i], n) == 0 && (len == n || script_is_space((char)buf[n])))
			return 1;
	}
	return 0;
}

/* ---- lines ---- */

static int script_located(struct script_frame *f, struct diag *d, int status, const char *what)
{
	return diag_fail(d, status, "script %s:%u: %s", f->name, f->lineno, what);
}

/* Read the line at f->pos into f->line: a CR before the LF is dropped and a
 * trailing backslash joins the next line, as iPXE does. */
static int script_read_line(struct script_state *st, struct script_frame *f, struct diag *d)
{
	size_t n = 0;
	f->lineno = f->next_lineno;
	for (;;) {
		size_t start = f->pos, end = start;
		while (end < f->len && f->text[end] != '\n')
			end++;
		size_t frag = end - start;
		f->pos = end < f->len ? end + 1 : end;
		f->next_lineno++;
		for (size_t k = start; k < end; k++)
			if (!f->text[k])
				return script_located(f, d, ST_SCRIPT, "NUL byte in the line");
		if (frag - (frag && f->text[end - 1] == '\r') > SCRIPT_MAX_LINE - n)	/* a CR does not count */
			return diag_fail(d, ST_SCRIPT, "script %s:%u: line longer than %d bytes", f->name, f->lineno,
					 SCRIPT_MAX_LINE);
		if (script_buf_reserve(&f->line, n + frag + 1)) {
			st->fatal = 1;
			return script_located(f, d, ST_NO_MEMORY, "out of memory");
		}
		memcpy(f->line.p + n, f->text + start, frag);
		n += frag;
		if (n && f->line.p[n - 1] == '\r')
			n--;
		if (n && f->line.p[n - 1] == '\\') {
			n--;
			if (f->pos >= f->len)
				return script_located(f, d, ST_SCRIPT, "the last line ends in \"\\\" (continued past the end)");
			continue;
		}
		break;
	}
	f->line.p[n] = '\0';
	return 0;
}

/* Find every ":label" first, so goto costs no rescan. Line errors
 * (too long, NUL) show up here, before anything runs. */
static int script_index_labels(struct script_state *st, struct script_frame *f, struct diag *d)
{
	f->nlabels = 0;
	f->names_len = 0;
	f->pos = 0;
	f->next_lineno = 1;
	while (f->pos < f->len) {
		size_t start = f->pos;
		int r = script_read_line(st, f, d);
		if (r)
			return r;
		const char *s = f->line.p;
		while (script_is_space(*s))
			s++;
		if (*s != ':')
			continue;
		s++;
		size_t n = 0;
		while (s[n] && !script_is_space(s[n]))
			n++;
		if (script_grow((void **)&f->labels, &f->labelcap, f->nlabels + 1, sizeof(*f->labels)) ||
		    script_buf_reserve(&f->names, f->names_len + n + 1)) {
			st->fatal = 1;
			return script_located(f, d, ST_NO_MEMORY, "out of memory");
		}
		memcpy(f->names.p + f->names_len, s, n);
		f->names.p[f->names_len + n] = '\0';
		f->labels[f->nlabels].pos = start;
		f->labels[f->nlabels].line = f->lineno;
		f->labels[f->nlabels].name = f->names_len;
		f->nlabels++;
		f->names_len += n + 1;
	}
	f->pos = 0;
	f->next_lineno = 1;
	return 0;
}

/* Parse the options, check the word count, then run. */
static int script_call(struct script_state *st, struct script_frame *f, const struct script_cmd *cmd,
		       int argc, char **argv, struct diag *why)
{
	struct script_opts o;
	memset(&o, 0, sizeof(o));
	int i = 1;
	if (cmd->opts >= 0) {
		i = script_parse_opts(argc, argv, cmd->opts, &o, why);
		if (i < 0)
			return i;
		int n = argc - i;
		if (n < cmd->min)
			return diag_fail(why, ST_SCRIPT, "missing argument (usage: %s %s)", argv[0], cmd->usage);
		if (cmd->max >= 0 && n > cmd->max)
			return diag_fail(why, ST_SCRIPT, "too many arguments (usage: %s %s)", argv[0], cmd->usage);
	}
	return cmd->fn(st, f, argc, argv, i, &o, why);
}

/* Expand and run one command; its located reason goes to f->pending. */
static int script_exec_command(struct script_state *st, struct script_frame *f, char **words, int nwords)
{
	struct diag why;
	int r = 0;

	why.msg[0] = '\0';
	st->located = 0;
	st->quiet = 0;
	if (++st->steps > SCRIPT_MAX_STEPS) {
		st->fatal = 1;
		return diag_fail(&f->pending, ST_SCRIPT, "script %s:%u: %s: more than %d commands run (a goto loop?)",
				 f->name, f->lineno, words[0], SCRIPT_MAX_STEPS);
	}
	f->arena_len = 0;
	for (int k = 0; k < nwords && !r; k++) {
		f->offs[k] = f->arena_len;
		r = script_expand(st, f, words[k], str_len(words[k]), 0, &why);
		if (!r)
			r = script_arena_put(f, "", 1, &why);
	}
	if (r == -ST_NO_MEMORY)
		r = script_no_memory(st, &why);
	if (r)
		return diag_fail(&f->pending, -r, "script %s:%u: %s: %s", f->name, f->lineno, words[0], why.msg);
	for (int k = 0; k < nwords; k++)
		f->argv[k] = f->arena.p + f->offs[k];
	f->argv[nwords] = 0;

	const char *name = f->argv[0];
	const struct script_cmd *cmd = script_find_cmd(name);
	if (!*name)
		return diag_fail(&f->pending, ST_SCRIPT, "script %s:%u: empty command name (\"%s\" expanded to nothing)",
				 f->name, f->lineno, words[0]);
	if (!cmd)
		return diag_fail(&f->pending, ST_SCRIPT, "script %s:%u: %s: unknown command", f->name, f->lineno, name);
	r = script_call(st, f, cmd, nwords, f->argv, &why);
	if (!r)
		return 0;
	if (st->located) {
		f->pending = why;
		return r;
	}
	return diag_fail(&f->pending, r < 0 ? -r : r, "script %s:%u: %s: %s", f->name, f->lineno, name, why.msg);
}

/* Make room for n words in the frame's word arrays. */
static int script_words_reserve(struct script_frame *f, size_t n)
{
	if (n <= f->wordcap)
		return 0;
	size_t cap = f->wordcap * 2;
	while (cap < n)
		cap *= 2;
	char **w = zalloc(cap * sizeof(*w));
	char **a = zalloc(cap * sizeof(*a));
	size_t *o = zalloc(cap * sizeof(*o));
	if (!w || !a || !o)
		return -1;
	memcpy(w, f->words, f->wordcap * sizeof(*w));
	f->words = w;
	f->argv = a;
	f->offs = o;
	f->wordcap = cap;
	return 0;
}

/* Run the line in f->line: iPXE's "a || b && c ; d" from left to right. */
static int script_exec_line(struct script_state *st, struct script_frame *f, struct diag *d)
{
	char *s = f->line.p;
	int nwords = 0;

	while (script_is_space(*s))
		s++;
	if (*s == ':') {	/* a label; what follows it on the line still runs */
		while (*s && !script_is_space(*s))
			s++;
	}
	for (;;) {
		while (script_is_space(*s))
			*s++ = '\0';
		if (!*s)
			break;
		if (nwords == SCRIPT_MAX_WORDS)
			return diag_fail(d, ST_SCRIPT, "script %s:%u: more than %d words in the line", f->name, f->lineno,
					 SCRIPT_MAX_WORDS);
		/* one spare slot: argv is NULL-terminated */
		if (script_words_reserve(f, (size_t)nwords + 2)) {
			st->fatal = 1;
			return script_located(f, d, ST_NO_MEMORY, "out of memory");
		}
		f->words[nwords++] = s;
		while (*s && !script_is_space(*s))
			s++;
	}

	int rc = 0, process = 1, i = 0;
	f->has_pending = 0;
	for (;;) {
		int start = i, end = i, sep = 0;	/* 0 end, '|' or, '&' and, ';' always */
		while (end < nwords) {
			const char *w = f->words[end];
			if (w[0] == '#')	/* a comment: the rest of the line is ignored */
				break;
			if (str_eq(w, "||") || str_eq(w, "&&") || str_eq(w, ";")) {
				sep = w[0];
				break;
			}
			end++;
		}
		i = sep ? end : nwords;
		if (process) {
			if (f->has_pending && !f->pending_quiet) {
				script_print(st, "fwboot: ");
				script_print(st, f->pending.msg);
				script_print(st, "\n");
			}
			f->has_pending = 0;
			rc = end > start ? script_exec_command(st, f, f->words + start, end - start) : 0;
			if (rc) {
				f->has_pending = 1;
				f->pending_quiet = st->quiet;
			}
			if (st->fatal)
				break;
			if (st->stop == SCRIPT_STOP_LINE) {
				st->stop = SCRIPT_GO;
				break;
			}
			if (st->stop == SCRIPT_STOP_SCRIPT)
				break;
		}
		if (!sep)
			break;
		i++;
		process = sep == '|' ? rc != 0 : sep == '&' ? rc == 0 : 1;
	}
	if (rc)
		*d = f->pending;
	return rc;
}

int script_exec_frame(struct script_state *st, struct script_frame *f, struct diag *d)
{
	size_t bom = script_bom((const uint8_t *)f->text, f->len);
	f->text += bom;
	f->len -= bom;
	int r = script_index_labels(st, f, d);
	if (r)
		return r;
	while (f->pos < f->len) {
		r = script_read_line(st, f, d);
		if (r)
			return r;
		r = script_exec_line(st, f, d);
		if (st->stop == SCRIPT_STOP_SCRIPT) {
			st->stop = SCRIPT_GO;
			return r;
		}
		if (r)
			return r;
	}
	return 0;
}

int script_run(struct script_env *env, const char *name, const char *text, size_t len, struct diag *d)
{
	struct script_state st;
	struct script_frame f0;

	memset(&st, 0, sizeof(st));
	memset(&f0, 0, sizeof(f0));
	st.env = env;
	f0.name = name;
	f0.text = text;
	f0.len = len;
	script_buf_init(&f0.line, f0.line_inline, sizeof(f0.line_inline));
	script_buf_init(&f0.arena, f0.arena_inline, sizeof(f0.arena_inline));
	f0.words = f0.words_inline;
	f0.argv = f0.argv_inline;
	f0.offs = f0.offs_inline;
	f0.wordcap = SCRIPT_INLINE_WORDS;
	st.frames[0] = &f0;
	st.depth = 1;
	return script_exec_frame(&st, &f0, d);
}
