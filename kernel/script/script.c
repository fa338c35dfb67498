/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot-script interpreter. The shape follows iPXE's: a line is split on
 * white space first, then each word is expanded on its own; "||", "&&" and
 * ";" chain commands; a word starting with '#' ends the line; ":label"
 * starts one. Files are opened (not read) when named; bytes move at boot.
 *
 * Memory comes from zalloc and is never given back, so every buffer is
 * reused once it exists: a goto loop runs in constant memory. */
#include <stdarg.h>
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/fmt.h"
#include "kernel/fw_cfg.h"
#include "kernel/pin.h"
#include "kernel/script/script.h"
#include "include/status.h"
#include "lib/str.h"

#define SCRIPT_INLINE_LINE 256
#define SCRIPT_INLINE_ARENA 512
#define SCRIPT_INLINE_WORDS 32
#define SCRIPT_DETECT_BYTES 16	/* enough for "#!fwboot" and the white space after it */

enum script_stop {
	SCRIPT_GO,
	SCRIPT_STOP_LINE,	/* goto: the rest of the line is skipped */
	SCRIPT_STOP_SCRIPT,	/* exit, chain --replace: the current script ends */
};

/* A byte buffer whose storage only grows, and is reused. */
struct script_buf {
	char *p;
	size_t cap;
};

struct script_var {
	char name[SCRIPT_MAX_VAR_NAME + 1];	/* "" = free slot */
	struct script_buf value;
};

struct script_image {
	struct script_buf name;
	struct script_buf args;
	struct file file;	/* a copy: the boot request points here */
	const char *path;	/* fw_cfg name it came from (from the file cache) */
	int selected;
	int pinned;		/* --sha256 given: */
	uint8_t sha256[SHA256_SIZE];	/* the digest its bytes must have */
};

/* One open per name and run, failures included: fw_cfg does not change,
 * so a retry would only cost the env another allocation. */
struct script_cached {
	const char *path;
	struct file *file;	/* NULL when the open failed: */
	int status;		/* its status */
	const char *reason;	/* and its reason */
};

struct script_label {
	size_t pos;		/* offset of the label's line */
	unsigned line;
	size_t name;		/* offset in the frame's label names */
};

/* One running script. Frame 0 lives on script_run's stack; chained ones
 * are allocated once per depth and reused. */
struct script_frame {
	const char *name;
	const char *text;
	size_t len;
	size_t pos;		/* where the next line starts */
	unsigned lineno;	/* first line of the current command */
	unsigned next_lineno;
	struct script_buf text_buf;
	struct script_buf line;	/* the current line, split in place */
	struct script_buf arena;	/* the current command's expanded words */
	size_t arena_len;
	char **words;
	char **argv;
	size_t *offs;
	size_t wordcap;
	struct script_label *labels;
	size_t nlabels, labelcap;
	struct script_buf names;
	size_t names_len;
	struct diag pending;	/* the last failed command's located reason */
	int has_pending, pending_quiet;
	char line_inline[SCRIPT_INLINE_LINE];
	char arena_inline[SCRIPT_INLINE_ARENA];
	char *words_inline[SCRIPT_INLINE_WORDS];
	char *argv_inline[SCRIPT_INLINE_WORDS];
	size_t offs_inline[SCRIPT_INLINE_WORDS];
};

struct script_state {
	struct script_env *env;
	struct script_var *vars;
	size_t nvars, varcap;
	struct script_image *images;
	size_t nimages, imagecap;
	struct script_cached *files;
	size_t nfiles, filecap;
	struct boot_module *mods;
	size_t modcap;
	struct script_frame *frames[SCRIPT_MAX_DEPTH];
	int depth;
	unsigned long steps;
	unsigned long slept;
	enum script_stop stop;
	int fatal;		/* no || can catch it: the run ends */
	int located;		/* the reason already names its script and line */
	int quiet;		/* a false condition, not an error worth printing */
	char number[24];
};

/* ---- small helpers ---- */

static int script_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int script_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int script_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char script_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void script_buf_init(struct script_buf *b, char *storage, size_t cap)
{
	b->p = storage;
	b->cap = cap;
}

/* Room for need bytes; the contents are kept. */
static int script_buf_reserve(struct script_buf *b, size_t need)
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

static int script_buf_set(struct script_buf *b, const char *s, size_t n)
{
	if (script_buf_reserve(b, n + 1))
		return -1;
	memmove(b->p, s, n);
	b->p[n] = '\0';
	return 0;
}

/* Grow an array of elem-sized entries to hold need of them. */
static int script_grow(void **arr, size_t *cap, size_t need, size_t elem)
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

static void script_print(struct script_state *st, const char *s)
{
	if (st->env->print)
		st->env->print(st->env->ctx, s);
}

static void script_printf(struct script_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void script_printf(struct script_state *st, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	script_print(st, buf);
}

static int script_no_memory(struct script_state *st, struct diag *why)
{
	st->fatal = 1;
	return diag_fail(why, ST_NO_MEMORY, "out of memory");
}

/* Parse a decimal or 0x number that fits 32 bits. */
static int script_number(const char *s, unsigned *out)
{
	unsigned long long v;
	if (str_to_u64(s, &v) || v > 0xffffffffULL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Join argv[0..argc) with single spaces into b. */
static int script_join(struct script_buf *b, int argc, char **argv)
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

/* ---- files and URIs ---- */

/*
 * "fw_cfg:NAME" or a bare "NAME" -> NAME (a pointer into uri). NAME may be
 * "archive#member". Other schemes, "fw_cfg:/..." and over-long names are
 * refused with the reason in why.
 */
static int script_parse_uri(const char *uri, const char **path, struct diag *why)
{
	static const char prefix[] = "fw_cfg:";
	const char *p = uri;
	size_t i = 0;

	while (prefix[i] && script_lower(uri[i]) == prefix[i])
		i++;
	if (!prefix[i]) {
		p = uri + i;
		if (*p == '/')
			return diag_fail(why, ST_SCRIPT, "\"%s\": write fw_cfg:NAME, with no slashes after the colon", uri);
	} else if (script_is_alpha(uri[0])) {
		i = 1;
		while (script_is_alpha(uri[i]) || script_is_digit(uri[i]) || uri[i] == '+' || uri[i] == '-' ||
		       uri[i] == '.' || uri[i] == '_')
			i++;
		if (uri[i] == ':')
			return diag_fail(why, ST_SCRIPT, "fwboot fetches only from fw_cfg (unsupported scheme \"%.*s\")",
					 (int)(i + 1), uri);
	}
	if (!*p)
		return diag_fail(why, ST_SCRIPT, "\"%s\": no fw_cfg file name", uri);
	size_t n = 0;
	while (p[n] && p[n] != '#')
		n++;
	if (n == 0)
		return diag_fail(why, ST_SCRIPT, "\"%s\": no fw_cfg file name before \"#\"", uri);
	if (n > FW_CFG_MAX_NAME)
		return diag_fail(why, ST_SCRIPT, "\"%s\": fw_cfg names have at most %d characters", uri,
				 FW_CFG_MAX_NAME);
	if (p[n] == '#' && !p[n + 1])
		return diag_fail(why, ST_SCRIPT, "\"%s\": no member name after \"#\"", uri);
	*path = p;
	return 0;
}

/* Open path once per run; later opens of the same name get the same file,
 * or the same failure. */
static int script_open(struct script_state *st, const char *path, struct script_cached **out,
		       struct diag *why)
{
	struct script_cached *c = 0;
	for (size_t i = 0; i < st->nfiles && !c; i++)
		if (str_eq(st->files[i].path, path))
			c = &st->files[i];
	if (!c) {
		if (st->nfiles == SCRIPT_MAX_FILES)
			return diag_fail(why, ST_SCRIPT, "more than %d different files opened", SCRIPT_MAX_FILES);
		size_t n = str_len(path);
		char *copy = zalloc(n + 1);	/* the env may keep it: file->name */
		if (!copy || script_grow((void **)&st->files, &st->filecap, st->nfiles + 1, sizeof(*st->files)))
			return script_no_memory(st, why);
		memcpy(copy, path, n + 1);
		c = &st->files[st->nfiles++];
		c->path = copy;
		c->file = 0;
		why->msg[0] = '\0';
		int r = st->env->open(st->env->ctx, copy, &c->file, why);
		if (!r && !c->file)
			r = diag_fail(why, ST_INTERNAL, "open gave no file");
		if (r) {
			c->file = 0;
			c->status = r < 0 ? -r : r;
			size_t m = str_len(why->msg);
			char *reason = zalloc(m + 1);
			if (!reason)
				return script_no_memory(st, why);
			memcpy(reason, why->msg, m + 1);
			c->reason = reason;
		}
	}
	if (!c->file)
		return diag_fail(why, c->status, "%s", c->reason);
	*out = c;
	return 0;
}

/* The image name iPXE would give: the last path component (of the member). */
static const char *script_basename(const char *path, size_t *len)
{
	const char *s = path;
	const char *h = str_chr(path, '#');
	if (h)
		s = h + 1;
	const char *base = s;
	for (const char *p = s; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	size_t n = str_len(base);
	if (n > 1 && base[n - 1] == '/')
		n--;
	*len = n;
	return base;
}

/* ---- images ---- */

static struct script_image *script_find_image(struct script_state *st, const char *name)
{
	for (size_t i = 0; i < st->nimages; i++)
		if (str_eq(st->images[i].name.p, name))
			return &st->images[i];
	return 0;
}

static struct script_image *script_selected(struct script_state *st)
{
	for (size_t i = 0; i < st->nimages; i++)
		if (st->images[i].selected)
			return &st->images[i];
	return 0;
}

static void script_select(struct script_state *st, struct script_image *img)
{
	for (size_t i = 0; i < st->nimages; i++)
		st->images[i].selected = 0;
	img->selected = 1;
}

/* Drop images[k]; its buffers go to the end of the array for reuse. */
static void script_remove_image(struct script_state *st, size_t k)
{
	struct script_image tmp = st->images[k];
	for (size_t i = k; i + 1 < st->nimages; i++)
		st->images[i] = st->images[i + 1];
	st->images[--st->nimages] = tmp;
}

/* Open uri and add it as a new image, last in fetch order. */
static int script_fetch(struct script_state *st, const char *uri, const char *name,
			struct script_image **out, struct diag *why)
{
	const char *path;
	struct script_cached *c;
	int r = script_parse_uri(uri, &path, why);
	if (r)
		return r;
	if (st->nimages == SCRIPT_MAX_IMAGES)
		return diag_fail(why, ST_SCRIPT, "more than %d images (imgfree some first)", SCRIPT_MAX_IMAGES);
	r = script_open(st, path, &c, why);
	if (r)
		return r;
	if (script_grow((void **)&st->images, &st->imagecap, st->nimages + 1, sizeof(*st->images)))
		return script_no_memory(st, why);
	struct script_image *img = &st->images[st->nimages];
	size_t n;
	const char *base = name ? name : script_basename(path, &n);
	if (name)
		n = str_len(name);
	if (script_buf_set(&img->name, base, n) || script_buf_set(&img->args, "", 0))
		return script_no_memory(st, why);
	img->file = *c->file;
	img->path = c->path;
	img->selected = 0;
	img->pinned = 0;
	st->nimages++;
	*out = img;
	return 0;
}

/* iPXE's "acquire": an image of that name if there is one, else fetch it. */
static int script_acquire(struct script_state *st, const char *name_or_uri, struct script_image **out,
			  struct diag *why)
{
	*out = script_find_image(st, name_or_uri);
	if (*out)
		return 0;
	return script_fetch(st, name_or_uri, 0, out, why);
}

/* ---- variables ---- */

static struct script_var *script_find_var(struct script_state *st, const char *name)
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
	return v ? v->value.p : "";
}

/* ---- expansion ---- */

static int script_arena_put(struct script_frame *f, const char *s, size_t n, struct diag *why)
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
static int script_expand(struct script_state *st, struct script_frame *f, const char *s, size_t n,
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

/* ---- option parsing ---- */

enum {
	SCRIPT_OPT_NAME = 1,
	SCRIPT_OPT_TIMEOUT = 2,
	SCRIPT_OPT_AUTOFREE = 4,
	SCRIPT_OPT_REPLACE = 8,
	SCRIPT_OPT_SHA256 = 16,
	SCRIPT_OPT_IMAGE = 31,	/* iPXE's image commands all take the four, and fwboot's --sha256 */
};

struct script_opts {
	const char *name;
	int replace;
	int pinned;		/* --sha256=HEX given */
	uint8_t sha256[SHA256_SIZE];
};

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
};

#define SCRIPT_NOPTS (sizeof(script_optdefs) / sizeof(script_optdefs[0]))

static int script_take_opt(size_t k, const char *value, struct script_opts *o, struct diag *why)
{
	unsigned ms;
	switch (script_optdefs[k].bit) {
	case SCRIPT_OPT_NAME:
		if (!*value)
			return diag_fail(why, ST_SCRIPT, "option \"--name\" needs a value");
		o->name = value;
		break;
	case SCRIPT_OPT_TIMEOUT:	/* fw_cfg does not time out: checked, then ignored */
		if (script_number(value, &ms))
			return diag_fail(why, ST_SCRIPT, "option \"--timeout\" wants a number, not \"%s\"", value);
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
static int script_parse_opts(int argc, char **argv, int allowed, struct script_opts *o, struct diag *why)
{
	int i = 1;
	o->name = 0;
	o->replace = 0;
	o->pinned = 0;
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

/* ---- commands ---- */

/* Each command gets argv with its options parsed: argv[i..argc) are the
 * positional words, already counted against the command's min and max. */
typedef int script_fn(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		      const struct script_opts *o, struct diag *why);

struct script_cmd {
	const char *name;
	script_fn *fn;
	int min, max;		/* positional words; max -1 = any */
	int opts;		/* SCRIPT_OPT_ bits, or -1: the command reads its own */
	const char *usage;
};

static int script_exec_frame(struct script_state *st, struct script_frame *f, struct diag *d);

/* --sha256: the image's bytes must hash to it when it is booted or run. */
static void script_pin(struct script_image *img, const struct script_opts *o)
{
	if (!o->pinned)
		return;
	img->pinned = 1;
	memcpy(img->sha256, o->sha256, SHA256_SIZE);
}

/* Register the pins of every image for one boot (the images' addresses
 * are stable until the next command), or drop them again. */
static int script_pins(struct script_state *st, int on)
{
	for (size_t k = 0; k < st->nimages; k++) {
		struct script_image *im = &st->images[k];
		if (im->pinned && pin_set(&im->file, on ? im->sha256 : 0))
			return -1;
	}
	return 0;
}

/* imgfetch, module, initrd: open a file as one more image. */
static int script_cmd_fetch(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	struct script_image *img;
	(void)f;
	int r = script_fetch(st, argv[i], o->name, &img, why);
	if (r)
		return r;
	script_pin(img, o);
	if (script_join(&img->args, argc - i - 1, argv + i + 1))
		return script_no_memory(st, why);
	return 0;
}

/* --name, then the arguments when given (or always), as iPXE's image
 * commands do. */
static int script_name_args(struct script_state *st, struct script_image *img, const struct script_opts *o,
			    int argc, char **argv, int always, struct diag *why)
{
	if (o->name && script_buf_set(&img->name, o->name, str_len(o->name)))
		return script_no_memory(st, why);
	script_pin(img, o);
	if ((argc > 0 || always) && script_join(&img->args, argc, argv))
		return script_no_memory(st, why);
	return 0;
}

/* kernel, imgselect, imgload: acquire an image and select it. */
static int script_cmd_select(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			     const struct script_opts *o, struct diag *why)
{
	struct script_image *img;
	(void)f;
	int r = script_acquire(st, argv[i], &img, why);
	if (r)
		return r;
	r = script_name_args(st, img, o, argc - i - 1, argv + i + 1, 0, why);
	if (r)
		return r;
	script_select(st, img);
	return 0;
}

/* imgargs: acquire an image and replace its arguments (none clears them). */
static int script_cmd_imgargs(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			      const struct script_opts *o, struct diag *why)
{
	struct script_image *img;
	(void)f;
	int r = script_acquire(st, argv[i], &img, why);
	if (r)
		return r;
	return script_name_args(st, img, o, argc - i - 1, argv + i + 1, 1, why);
}

/* Prepare the frame for depth st->depth, allocated on first use only. */
static struct script_frame *script_frame_at(struct script_state *st)
{
	struct script_frame *nf = st->frames[st->depth];
	if (!nf) {
		nf = zalloc(sizeof(*nf));
		if (!nf)
			return 0;
		script_buf_init(&nf->line, nf->line_inline, sizeof(nf->line_inline));
		script_buf_init(&nf->arena, nf->arena_inline, sizeof(nf->arena_inline));
		nf->words = nf->words_inline;
		nf->argv = nf->argv_inline;
		nf->offs = nf->offs_inline;
		nf->wordcap = SCRIPT_INLINE_WORDS;
		st->frames[st->depth] = nf;
	}
	return nf;
}

/* Run the script in file as a nested frame; a loop or depth is an error. */
static int script_chain(struct script_state *st, const char *path, const struct file *file, struct diag *why)
{
	for (int k = 0; k < st->depth; k++) {
		const char *n = st->frames[k]->name;
		if (str_starts(n, "fw_cfg:"))
			n += 7;
		if (str_eq(n, path))
			return diag_fail(why, ST_SCRIPT, "\"%s\" is already running (chain loop)", path);
	}
	if (st->depth == SCRIPT_MAX_DEPTH)
		return diag_fail(why, ST_SCRIPT, "scripts nested more than %d deep", SCRIPT_MAX_DEPTH);
	if (file->size > SCRIPT_MAX_SIZE)
		return diag_fail(why, ST_SCRIPT, "\"%s\" is %llu bytes; fwboot runs scripts of up to %d", path,
				 (unsigned long long)file->size, SCRIPT_MAX_SIZE);
	struct script_frame *nf = script_frame_at(st);
	size_t size = (size_t)file->size;
	if (!nf || script_buf_reserve(&nf->text_buf, size + 1))
		return script_no_memory(st, why);
	int r = file_read(file, 0, nf->text_buf.p, size);
	if (r)
		return diag_fail(why, r < 0 ? -r : ST_IO, "cannot read \"%s\"", path);
	nf->name = path;
	nf->text = nf->text_buf.p;
	nf->len = size;
	st->depth++;
	r = script_exec_frame(st, nf, why);
	st->depth--;
	/* its reason already names the nested script and line */
	st->located = r != 0;
	st->quiet = 0;
	return r;
}

/* The boot request: img with every other image as a module, in fetch order. */
static int script_boot(struct script_state *st, struct script_image *img, struct diag *why)
{
	struct boot_request req;
	if (script_grow((void **)&st->mods, &st->modcap, st->nimages, sizeof(*st->mods)))
		return script_no_memory(st, why);
	memset(&req, 0, sizeof(req));
	req.kernel = &img->file;
	req.args = img->args.p;
	req.mods = st->mods;
	for (size_t k = 0; k < st->nimages; k++) {
		if (&st->images[k] == img)
			continue;
		st->mods[req.nmods].file = &st->images[k].file;
		st->mods[req.nmods].args = st->images[k].args.p;
		req.nmods++;
	}
	if (script_pins(st, 1))
		return script_no_memory(st, why);
	int r = st->env->boot(st->env->ctx, &req, why);
	script_pins(st, 0);
	return r;
}

/* boot, imgexec, chain: acquire (or take the selected image) and run it:
 * a script runs nested, anything else is booted. */
static int script_cmd_exec(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	struct script_image *img;
	int r;
	(void)f;
	if (i < argc) {
		r = script_acquire(st, argv[i], &img, why);
		if (r)
			return r;
	} else {
		img = script_selected(st);
		if (!img)
			return diag_fail(why, ST_SCRIPT, "no image selected (use kernel first, or name one)");
	}
	r = script_name_args(st, img, o, argc - i - 1, argv + i + 1, 0, why);
	if (r)
		return r;

	uint8_t head[SCRIPT_DETECT_BYTES];
	size_t n = img->file.size < sizeof(head) ? (size_t)img->file.size : sizeof(head);
	r = file_read(&img->file, 0, head, n);
	if (r)
		return diag_fail(why, r < 0 ? -r : ST_IO, "cannot read \"%s\"", img->path);
	if (script_detect(head, n)) {
		/* a script is run, not selected nor kept as a module of a later
		 * boot: "kernel x" then "chain s.ipxe" leaves x for its "boot" */
		struct file file = img->file;
		const char *path = img->path;
		int pinned = img->pinned;
		uint8_t digest[SHA256_SIZE];
		memcpy(digest, img->sha256, SHA256_SIZE);
		script_remove_image(st, (size_t)(img - st->images));
		if (pinned) {	/* a pinned script is checked before it runs */
			if (pin_set(&file, digest))
				return script_no_memory(st, why);
			r = pin_check(&file, why);
			pin_set(&file, 0);
			if (r)
				return r;
		}
		r = script_chain(st, path, &file, why);
	} else {
		script_select(st, img);
		r = script_boot(st, img, why);
	}
	if (o->replace && !st->fatal)
		st->stop = SCRIPT_STOP_SCRIPT;	/* iPXE's --replace: this script does not go on */
	return r;
}

/* imgfree [IMAGE...]: every image, or the named ones in order. */
static int script_cmd_imgfree(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			      const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)o;
	if (i == argc) {
		while (st->nimages)
			script_remove_image(st, st->nimages - 1);
		return 0;
	}
	for (; i < argc; i++) {
		struct script_image *img = script_find_image(st, argv[i]);
		if (!img)
			return diag_fail(why, ST_SCRIPT, "no image \"%s\"", argv[i]);
		script_remove_image(st, (size_t)(img - st->images));
	}
	return 0;
}

/* One line per image: name, size, where from, selected, arguments. */
static void script_stat_one(struct script_state *st, const struct script_image *img)
{
	script_print(st, img->name.p);
	script_printf(st, ": %llu bytes (fw_cfg:", (unsigned long long)img->file.size);
	script_print(st, img->path);
	script_print(st, img->selected ? ") [selected]" : ")");
	if (img->args.p[0]) {
		script_print(st, " \"");
		script_print(st, img->args.p);
		script_print(st, "\"");
	}
	script_print(st, "\n");
}

static int script_cmd_imgstat(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			      const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)o;
	if (i == argc) {
		for (size_t k = 0; k < st->nimages; k++)
			script_stat_one(st, &st->images[k]);
		return 0;
	}
	for (; i < argc; i++) {
		struct script_image *img = script_find_image(st, argv[i]);
		if (!img)
			return diag_fail(why, ST_SCRIPT, "no image \"%s\"", argv[i]);
		script_stat_one(st, img);
	}
	return 0;
}

/* echo [-n] text: only leading "-n" words (and one "--") are options, so
 * text that starts with a dash prints as written. */
static int script_cmd_echo(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	int newline = 1;
	(void)f;
	(void)o;
	(void)why;
	while (i < argc && str_eq(argv[i], "-n")) {
		newline = 0;
		i++;
	}
	if (i < argc && str_eq(argv[i], "--"))
		i++;
	for (int k = i; k < argc; k++) {
		if (k > i)
			script_print(st, " ");
		script_print(st, argv[k]);
	}
	if (newline)
		script_print(st, "\n");
	return 0;
}

static int script_check_var_name(const char *name, struct diag *why)
{
	if (!*name)
		return diag_fail(why, ST_SCRIPT, "empty variable name");
	if (str_len(name) > SCRIPT_MAX_VAR_NAME)
		return diag_fail(why, ST_SCRIPT, "variable name longer than %d characters", SCRIPT_MAX_VAR_NAME);
	if (str_starts(name, "fwboot/"))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is read-only", name);
	return 0;
}

/* set NAME [VALUE...]: the words joined by single spaces; an empty value
 * deletes the variable, as in iPXE. */
static int script_cmd_set(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			  const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)o;
	const char *name = argv[i];
	int r = script_check_var_name(name, why);
	if (r)
		return r;
	struct script_var *v = script_find_var(st, name);
	int nvalues = argc - i - 1;
	if (nvalues == 0 || (nvalues == 1 && !argv[i + 1][0])) {
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
	if (script_join(&v->value, nvalues, argv + i + 1))
		return script_no_memory(st, why);
	memcpy(v->name, name, str_len(name) + 1);
	return 0;
}

static int script_cmd_clear(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	int r = script_check_var_name(argv[i], why);
	if (r)
		return r;
	struct script_var *v = script_find_var(st, argv[i]);
	if (v)
		v->name[0] = '\0';
	return 0;
}

/* isset and iseq fail quietly: a false condition is not worth a message
 * unless nothing handles it. */
static int script_cmd_isset(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	if (argv[i][0])
		return 0;
	st->quiet = 1;
	return diag_fail(why, ST_SCRIPT, "the value is empty");
}

static int script_cmd_iseq(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	if (str_eq(argv[i], argv[i + 1]))
		return 0;
	st->quiet = 1;
	return diag_fail(why, ST_SCRIPT, "\"%s\" and \"%s\" differ", argv[i], argv[i + 1]);
}

/* goto LABEL: the next line read is the label's own (iPXE runs whatever
 * follows the label on that line). */
static int script_cmd_goto(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	(void)argc;
	(void)o;
	for (size_t k = 0; k < f->nlabels; k++) {
		if (str_eq(f->names.p + f->labels[k].name, argv[i])) {
			f->pos = f->labels[k].pos;
			f->next_lineno = f->labels[k].line;
			st->stop = SCRIPT_STOP_LINE;
			return 0;
		}
	}
	return diag_fail(why, ST_SCRIPT, "no label \"%s\"", argv[i]);
}

static int script_cmd_exit(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	unsigned status = 0;
	(void)f;
	(void)o;
	if (i < argc && script_number(argv[i], &status))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a number", argv[i]);
	st->stop = SCRIPT_STOP_SCRIPT;
	if (status == 0)
		return 0;
	return diag_fail(why, ST_SCRIPT, "exit status %u", status);
}

static int script_cmd_sleep(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	unsigned seconds;
	(void)f;
	(void)argc;
	(void)o;
	if (script_number(argv[i], &seconds))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a number", argv[i]);
	if (seconds > SCRIPT_MAX_SLEEP - st->slept)
		return diag_fail(why, ST_SCRIPT, "sleeping more than %d seconds in all", SCRIPT_MAX_SLEEP);
	st->slept += seconds;
	if (st->env->sleep && seconds)
		st->env->sleep(st->env->ctx, seconds);
	return 0;
}

#define SCRIPT_FETCH_USAGE "[--name NAME] URI [ARGS...]"
#define SCRIPT_SELECT_USAGE "[--name NAME] URI|IMAGE [ARGS...]"
#define SCRIPT_EXEC_USAGE "[--replace] [URI|IMAGE [ARGS...]]"

static const struct script_cmd script_cmds[] = {
	{ "kernel", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "imgselect", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "imgload", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "initrd", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "module", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "imgfetch", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "imgargs", script_cmd_imgargs, 1, -1, SCRIPT_OPT_IMAGE, "IMAGE [ARGS...]" },
	{ "boot", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "imgexec", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "chain", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "imgfree", script_cmd_imgfree, 0, -1, 0, "[IMAGE...]" },
	{ "imgstat", script_cmd_imgstat, 0, -1, 0, "[IMAGE...]" },
	{ "echo", script_cmd_echo, 0, -1, -1, "[-n] [TEXT...]" },
	{ "set", script_cmd_set, 1, -1, 0, "NAME [VALUE...]" },
	{ "clear", script_cmd_clear, 1, 1, 0, "NAME" },
	{ "isset", script_cmd_isset, 1, 1, 0, "VALUE" },
	{ "iseq", script_cmd_iseq, 2, 2, 0, "VALUE1 VALUE2" },
	{ "goto", script_cmd_goto, 1, 1, 0, "LABEL" },
	{ "exit", script_cmd_exit, 0, 1, 0, "[STATUS]" },
	{ "sleep", script_cmd_sleep, 1, 1, 0, "SECONDS" },
};

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

static const struct script_cmd *script_find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(script_cmds) / sizeof(script_cmds[0]); i++)
		if (str_eq(script_cmds[i].name, name))
			return &script_cmds[i];
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

static int script_exec_frame(struct script_state *st, struct script_frame *f, struct diag *d)
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
