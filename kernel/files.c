/* SPDX-License-Identifier: BSD-2-Clause */
/* The fw_cfg directory and bundles, as the front end opens and lists them. */
#include "kernel/files.h"
#include "kernel/alloc.h"
#include "kernel/console.h"
#include "kernel/formats/cpio.h"
#include "include/status.h"
#include "lib/fmt.h"
#include "lib/memops.h"
#include "lib/str.h"

static struct fw_cfg_entry *dir;
static size_t ndir;

/* Member indexes of the bundles opened so far, so that a thousand
 * "archive#member" opens read each header once. Opens happen outside boot
 * attempts (the command line, a script's commands), so the heap they take
 * is never given back under them. */
#define BUNDLE_INDEXES 8
static struct cpio_index bundle_indexes[BUNDLE_INDEXES];
static unsigned bundle_next;

void files_set_directory(struct fw_cfg_entry *d, size_t n)
{
	dir = d;
	ndir = n;
	for (int i = 0; i < BUNDLE_INDEXES; i++)
		bundle_indexes[i].used = 0;
}

static struct cpio_index *bundle_index(const struct file *archive)
{
	for (int i = 0; i < BUNDLE_INDEXES; i++)
		if (cpio_index_holds(&bundle_indexes[i], archive))
			return &bundle_indexes[i];
	return &bundle_indexes[bundle_next++ % BUNDLE_INDEXES];	/* unused first, then the oldest */
}

/* The length of the fw_cfg item part of "archive#member" (or of a plain
 * name), copied into item when a fw_cfg name can be that long. */
static size_t item_part(const char *name, char item[FW_CFG_MAX_NAME + 1])
{
	const char *hash = str_chr(name, '#');
	size_t n = hash ? (size_t)(hash - name) : str_len(name);
	if (n <= FW_CFG_MAX_NAME) {
		memcpy(item, name, n);
		item[n] = 0;
	}
	return n;
}

int files_open(const char *name, struct file **out, struct diag *d)
{
	const char *hash = str_chr(name, '#');
	char item[FW_CFG_MAX_NAME + 1];
	size_t n = item_part(name, item);
	if (n > FW_CFG_MAX_NAME)
		return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%.*s\" (names have at most %d characters)",
				 (int)n, name, FW_CFG_MAX_NAME);
	int i = fw_cfg_dir_lookup(dir, ndir, item);
	if (i < 0)
		return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%s\"", item);
	struct file *f = zalloc(sizeof(*f));
	if (!f)
		return diag_fail(d, ST_NO_MEMORY, "no memory");
	f->name = name;
	f->key = dir[i].key;
	f->size = dir[i].size;
	if (hash) {
		f->name = dir[i].name;	/* cpio_find names the member "archive#member" */
		struct file *m = zalloc(sizeof(*m));
		if (!m)
			return diag_fail(d, ST_NO_MEMORY, "no memory");
		int r = cpio_find_indexed(bundle_index(f), f, hash + 1, m, d);
		if (r)
			return r;
		f = m;
	}
	*out = f;
	return 0;
}

void files_list_directory(void)
{
	console_printf("fwboot: fw_cfg directory (%zu files):\n", ndir);
	for (size_t i = 0; i < ndir; i++)
		console_printf("  %-55s %10u bytes  key 0x%04x\n", dir[i].name, dir[i].size, dir[i].key);
}

unsigned files_closeness(const char *want, const char *cand)
{
	while (*want == '.' || *want == '/')
		want++;
	while (*cand == '.' || *cand == '/')
		cand++;
	unsigned common = 0;
	while (want[common] && want[common] == cand[common])
		common++;
	size_t a = str_len(want), b = str_len(cand), diff = a > b ? a - b : b - a;
	return common * 1024 + (unsigned)(diff < 1023 ? 1023 - diff : 0);
}

/* The LIST_CLOSEST best candidates so far, closest first. */
struct closest {
	const char *want;
	size_t total;
	struct {
		unsigned score;
		char name[FW_CFG_MAX_NAME + 1];
		uint64_t size;
	} best[LIST_CLOSEST];
	size_t n;
};

static void closest_add(struct closest *c, const char *name, uint64_t size)
{
	unsigned s = files_closeness(c->want, name);
	c->total++;
	size_t at = c->n;
	while (at > 0 && c->best[at - 1].score < s)
		at--;
	if (at == LIST_CLOSEST)
		return;
	size_t last = c->n < LIST_CLOSEST ? c->n++ : LIST_CLOSEST - 1;
	for (size_t k = last; k > at; k--)
		c->best[k] = c->best[k - 1];
	c->best[at].score = s;
	c->best[at].size = size;
	size_t len = str_len(name);
	if (len > FW_CFG_MAX_NAME)
		len = FW_CFG_MAX_NAME;
	memcpy(c->best[at].name, name, len);
	c->best[at].name[len] = 0;
}

static void closest_print(const struct closest *c, const char *what)
{
	console_printf("fwboot: the %zu %s closest to \"%s\" (of %zu):\n", c->n, what, c->want, c->total);
	for (size_t i = 0; i < c->n; i++)
		console_printf("  %-55s %10llu bytes\n", c->best[i].name, (unsigned long long)c->best[i].size);
	console_printf("  ... and %zu more (not listed)\n", c->total - c->n);
}

static void print_member(void *ctx, const struct cpio_entry *e)
{
	(void)ctx;
	console_printf("  %-55s %10llu bytes\n", e->name, (unsigned long long)e->size);
}

static void member_seen(void *ctx, const struct cpio_entry *e)
{
	closest_add(ctx, e->name, e->size);
}

/* For "archive#member" whose archive exists: list its members, 1. */
static int list_bundle(const char *name)
{
	const char *hash = str_chr(name, '#');
	char item[FW_CFG_MAX_NAME + 1];
	if (!hash || item_part(name, item) > FW_CFG_MAX_NAME)
		return 0;
	int i = fw_cfg_dir_lookup(dir, ndir, item);
	if (i < 0)
		return 0;
	struct file a = { dir[i].name, dir[i].key, 0, dir[i].size, 0 };
	struct closest *c = zalloc(sizeof(*c));
	struct diag d;
	if (!c)
		return 0;
	c->want = hash + 1;
	/* a failed lookup walked the whole archive: its index holds every member */
	const struct cpio_index *ix = 0;
	for (int k = 0; k < BUNDLE_INDEXES; k++)
		if (cpio_index_holds(&bundle_indexes[k], &a) && bundle_indexes[k].it.done)
			ix = &bundle_indexes[k];
	int failed = 0;
	if (ix) {
		for (size_t k = 0; k < ix->n; k++)
			closest_add(c, ix->m[k].name, ix->m[k].size);
	} else {
		failed = cpio_list(&a, member_seen, c, &d) != 0;
	}
	if (c->total <= LIST_ALL_MAX) {
		console_printf("fwboot: members of the bundle %s:\n", item);
		if (ix)
			for (size_t k = 0; k < ix->n; k++)
				console_printf("  %-55s %10llu bytes\n", ix->m[k].name, (unsigned long long)ix->m[k].size);
		else
			failed = cpio_list(&a, print_member, 0, &d) != 0;
	} else {
		char what[FW_CFG_MAX_NAME + 32];
		fmt_snprintf(what, sizeof(what), "members of the bundle %s", item);
		closest_print(c, what);
	}
	if (failed)
		console_printf("  (%s)\n", d.msg);
	return 1;
}

const char *files_list_instead(const char *name)
{
	if (list_bundle(name))
		return "bundle's members";
	if (ndir <= LIST_ALL_MAX) {
		files_list_directory();
		return "directory";
	}
	struct closest *c = zalloc(sizeof(*c));
	char item[FW_CFG_MAX_NAME + 1] = "";
	if (!c) {
		files_list_directory();
		return "directory";
	}
	item_part(name, item);
	c->want = item;
	for (size_t i = 0; i < ndir; i++)
		closest_add(c, dir[i].name, dir[i].size);
	closest_print(c, "fw_cfg files");
	return "directory";
}
