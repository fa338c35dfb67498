/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: files and URIs (fw_cfg:NAME), the images a script holds,
 * and the commands that fetch, select, run and boot them. Files are opened
 * (not read) when named; bytes move at boot. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/fw_cfg.h"
#include "kernel/measure.h"
#include "kernel/pin.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/str.h"

#define SCRIPT_DETECT_BYTES 16	/* enough for "#!fwboot" and the white space after it */

/* ---- files and URIs ---- */

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

/*
 * "fw_cfg:NAME" or a bare "NAME" -> NAME (a pointer into uri). NAME may be
 * "archive#member". Other schemes, "fw_cfg:/..." and over-long names are
 * refused with the reason in why.
 */
int script_parse_uri(const char *uri, const char **path, struct diag *why)
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
int script_open(struct script_state *st, const char *path, struct script_cached **out,
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

/* ---- image commands ---- */

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
int script_cmd_fetch(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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
int script_cmd_select(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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
int script_cmd_imgargs(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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
struct script_frame *script_frame_at(struct script_state *st)
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
	r = measure_data(file->name, nf->text_buf.p, size, why);
	if (r)
		return r;
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
int script_cmd_exec(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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
int script_cmd_imgfree(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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

int script_cmd_imgstat(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
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
