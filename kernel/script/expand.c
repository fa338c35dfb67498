/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: byte buffers and small helpers, variables, and ${}
 * expansion of one word into the frame's arena. */
#include <stdarg.h>
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/fmt.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/str.h"

/* ---- small helpers ---- */

void script_buf_init(struct script_buf *b, char *storage, size_t cap)
{
	b->p = storage;
	b->cap = cap;
}

/* Room for need bytes; the contents are kept. */
int script_buf_reserve(struct script_buf *b, size_t need)
{
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 32;
	while (cap < need)
		cap *= 2;
	char *p = zalloc(cap);
	if (!p)
		return -1;
	if (b->cap)
		memcpy(p, b->p, b->cap);
	b->p = p;
	b->cap = cap;
	return 0;
}

int script_buf_set(struct script_buf *b, const char *s, size_t n)
{
	if (script_buf_reserve(b, n + 1))
		return -1;
	memmove(b->p, s, n);
	b->p[n] = '\0';
	return 0;
}

/* Grow an array of elem-sized entries to hold need of them. */
int script_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	void *p = zalloc(n * elem);
	if (!p)
		return -1;
	if (*cap)
		memcpy(p, *arr, *cap * elem);
	*arr = p;
	*cap = n;
	return 0;
}

void script_print(struct script_state *st, const char *s)
{
	if (st->env->print)
		st->env->print(st->env->ctx, s);
}

void script_printf(struct script_state *st, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	script_print(st, buf);
}

int script_no_memory(struct script_state *st, struct diag *why)
{
	st->fatal = 1;
	return diag_fail(why, ST_NO_MEMORY, "out of memory");
}

/* Parse a decimal or 0x number that fits 32 bits. */
int script_number(const char *s, unsigned *out)
{
	unsigned long long v;
	if (str_to_u64(s, &v) || v > 0xffffffffULL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Join argv[0..argc) with single spaces into b. */
int script_join(struct script_buf *b, int argc, char **argv)
{
	size_t n = 0;
	for (int i = 0; i < argc; i++)
		n += str_len(argv[i]) + 1;
	if (script_buf_reserve(b, n + 1))
		return -1;
	n = 0;
	for (int i = 0; i < argc; i++) {
		size_t l = str_len(argv[i]);
		if (i)
			b->p[n++] = ' ';
		memcpy(b->p + n, argv[i], l);
		n += l;
	}
	b->p[n] = '\0';
	return 0;
}

/* ---- variables ---- */

struct script_var *script_find_var(struct script_state *st, const char *name)
{
	for (size_t i = 0; i < st->nvars; i++)
		if (st->vars[i].name[0] && str_eq(st->vars[i].name, name))
			return &st->vars[i];
	return 0;
}

/* The value of ${name}: "" for anything unknown, as in iPXE; NULL only
 * when memory ran out. */
static const char *script_lookup(struct script_state *st, const char *name)
{
	if (str_starts(name, "fwboot/")) {
		const char *what = name + 7;
		if (str_eq(what, "version"))
			return st->env->version ? st->env->version : "";
		if (str_starts(what, "size/")) {
			const char *path;
			struct script_cached *c;
			struct diag ignored;
			if (script_parse_uri(what + 5, &path, &ignored) || script_open(st, path, &c, &ignored))
				return st->fatal ? 0 : "";
			fmt_snprintf(st->number, sizeof(st->number), "%llu", (unsigned long long)c->file->size);
			return st->number;
		}
		return "";
	}
	struct script_var *v = script_find_var(st, name);
	if (v)
		return v->value.p;
	if (st->env->setting && st->env->setting(st->env->ctx, name, st->setting, sizeof(st->setting)) == 0)
		return st->setting;
	return "";
}

/* Set name to value ("" deletes it, as in iPXE). */
int script_var_put(struct script_state *st, const char *name, const char *value, struct diag *why)
{
	int r = script_check_var_name(name, why);
	if (r)
		return r;
	struct script_var *v = script_find_var(st, name);
	if (!*value) {
		if (v)
			v->name[0] = '\0';
		return 0;
	}
	for (size_t k = 0; k < st->nvars && !v; k++)
		if (!st->vars[k].name[0])
			v = &st->vars[k];
	if (!v) {
		if (st->nvars == SCRIPT_MAX_VARS)
			return diag_fail(why, ST_SCRIPT, "more than %d variables", SCRIPT_MAX_VARS);
		if (script_grow((void **)&st->vars, &st->varcap, st->nvars + 1, sizeof(*st->vars)))
			return script_no_memory(st, why);
		v = &st->vars[st->nvars++];
	}
	if (script_buf_set(&v->value, value, str_len(value)))
		return script_no_memory(st, why);
	memcpy(v->name, name, str_len(name) + 1);
	return 0;
}

/* ---- expansion ---- */

int script_arena_put(struct script_frame *f, const char *s, size_t n, struct diag *why)
{
	if (n > SCRIPT_MAX_EXPANDED - f->arena_len)
		return diag_fail(why, ST_SCRIPT, "command longer than %d bytes after ${} expansion",
				 SCRIPT_MAX_EXPANDED);
	if (script_buf_reserve(&f->arena, f->arena_len + n + 1))
		return -ST_NO_MEMORY;
	memcpy(f->arena.p + f->arena_len, s, n);
	f->arena_len += n;
	return 0;
}

/* Expand s[0..n) onto the end of the arena (no NUL). */
int script_expand(struct script_state *st, struct script_frame *f, const char *s, size_t n,
			 int depth, struct diag *why)
{
	size_t i = 0;
	while (i < n) {
		if (!(s[i] == '$' && i + 1 < n && s[i + 1] == '{')) {
			size_t j = i + 1;
			while (j < n && !(s[j] == '$' && j + 1 < n && s[j + 1] == '{'))
				j++;
			int r = script_arena_put(f, s + i, j - i, why);
			if (r)
				return r;
			i = j;
			continue;
		}
		/* find the matching brace, nested ${ } included */
		size_t j = i + 2;
		int open = 1;
		while (j < n) {
			if (s[j] == '$' && j + 1 < n && s[j + 1] == '{') {
				open++;
				j += 2;
				continue;
			}
			if (s[j] == '}' && --open == 0)
				break;
			j++;
		}
		if (j >= n)
			return diag_fail(why, ST_SCRIPT, "unterminated \"${\" in \"%.*s\"", (int)n, s);
		if (depth >= SCRIPT_MAX_NESTED_VARS)
			return diag_fail(why, ST_SCRIPT, "\"${\" nested more than %d deep", SCRIPT_MAX_NESTED_VARS);
		size_t mark = f->arena_len;
		int r = script_expand(st, f, s + i + 2, j - i - 2, depth + 1, why);
		if (r)
			return r;
		r = script_arena_put(f, "", 1, why);	/* NUL-terminate the name */
		if (r)
			return r;
		const char *value = script_lookup(st, f->arena.p + mark);
		if (!value)
			return -ST_NO_MEMORY;
		f->arena_len = mark;
		r = script_arena_put(f, value, str_len(value), why);
		if (r)
			return r;
		i = j + 1;
	}
	return 0;
}
