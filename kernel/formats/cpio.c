/* SPDX-License-Identifier: BSD-2-Clause */
/* cpio newc member index: walk headers, never data. Every rejection says
 * which header and why, so a broken bundle is fixed from one message. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "kernel/formats/cpio.h"
#include "include/status.h"
#include "lib/str.h"

static const char *const cpio_field_names[13] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

static const char *cpio_archive_name(const struct file *archive)
{
	return archive->name ? archive->name : "(unnamed archive)";
}

static uint64_t cpio_align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* Eight hex digits at p; -1 when one is not a hex digit. */
static int cpio_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t digit;
		if (c >= '0' && c <= '9')
			digit = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (uint32_t)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | digit;
	}
	*out = v;
	return 0;
}

/* Member names compare without leading "./" or "/" (how cpio was run). */
static const char *cpio_strip(const char *s)
{
	for (;;) {
		if (s[0] == '.' && s[1] == '/')
			s += 2;
		else if (s[0] == '/')
			s++;
		else
			return s;
	}
}

void cpio_iter_init(struct cpio_iter *it, const struct file *archive)
{
	it->archive = archive;
	it->next = 0;
	it->done = 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, struct diag *d)
{
	const struct file *a = it->archive;
	const char *an = cpio_archive_name(a);
	uint8_t hdr[CPIO_HEADER_SIZE];
	uint32_t fields[13];
	uint64_t off = it->next;

	if (it->done)
		return 0;
	if (off == a->size)
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: ends at offset %llu without a %s entry", an,
				 (unsigned long long)off, CPIO_TRAILER);
	if (!in_bounds(off, CPIO_HEADER_SIZE, a->size))
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: truncated header at offset %llu (archive is %llu bytes)",
				 an, (unsigned long long)off, (unsigned long long)a->size);
	int r = file_read(a, off, hdr, sizeof(hdr));
	if (r)
		return diag_fail(d, r < 0 ? -r : r, "cpio: %s: cannot read the header at offset %llu", an,
				 (unsigned long long)off);
	if (memcmp(hdr, CPIO_MAGIC_NEWC, 6) != 0 && memcmp(hdr, CPIO_MAGIC_CRC, 6) != 0) {
		if (memcmp(hdr, "070707", 6) == 0)
			return diag_fail(d, ST_BAD_IMAGE,
					 "cpio: %s: old portable format (070707) at offset %llu; make bundles with cpio -H newc",
					 an, (unsigned long long)off);
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: bad magic at offset %llu (want 070701 or 070702)", an,
				 (unsigned long long)off);
	}
	for (int i = 0; i < 13; i++)
		if (cpio_hex8(hdr + 6 + 8 * i, &fields[i]))
			return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: %s field of the header at offset %llu is not hex",
					 an, cpio_field_names[i], (unsigned long long)off);

	uint32_t namesize = fields[CPIO_FIELD_NAMESIZE];
	if (namesize == 0)
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: header at offset %llu has an empty name", an,
				 (unsigned long long)off);
	if (namesize > CPIO_NAME_MAX)
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: name size %u at offset %llu is over fwboot's limit (%d)",
				 an, namesize, (unsigned long long)off, CPIO_NAME_MAX);
	uint64_t name_off = off + CPIO_HEADER_SIZE;
	if (!in_bounds(name_off, namesize, a->size))
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: name at offset %llu runs past the end (archive is %llu bytes)",
				 an, (unsigned long long)name_off, (unsigned long long)a->size);
	r = file_read(a, name_off, e->name, namesize);
	if (r)
		return diag_fail(d, r < 0 ? -r : r, "cpio: %s: cannot read the name at offset %llu", an,
				 (unsigned long long)name_off);
	if (e->name[namesize - 1] != '\0')
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: name at offset %llu is not NUL-terminated", an,
				 (unsigned long long)name_off);
	if (str_len(e->name) != namesize - 1)
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: name at offset %llu has a NUL inside", an,
				 (unsigned long long)name_off);

	uint64_t data = cpio_align4(name_off + namesize);
	uint64_t size = fields[CPIO_FIELD_FILESIZE];
	if (str_eq(e->name, CPIO_TRAILER)) {
		it->done = 1;
		return 0;
	}
	if (!in_bounds(data, size, a->size))
		return diag_fail(d, ST_BAD_IMAGE,
				 "cpio: %s: member \"%s\" (%llu bytes at offset %llu) runs past the end (archive is %llu bytes)",
				 an, e->name, (unsigned long long)size, (unsigned long long)data,
				 (unsigned long long)a->size);
	e->offset = off;
	e->data_offset = data;
	e->size = size;
	e->mode = fields[1];
	/* the last member's padding may be missing; the next read says so */
	it->next = cpio_align4(data + size);
	if (it->next > a->size)
		it->next = a->size;
	return 1;
}

const char *cpio_member_part(const char *name)
{
	const char *h = str_chr(name, '#');
	return h ? h + 1 : 0;
}

/* The member found: a regular file, described as a sub-range of the
 * archive named "archive#member". */
static int cpio_member_file(const struct file *archive, const char *member, const char *stored,
			    uint32_t mode, uint64_t data_offset, uint64_t size, struct file *out,
			    struct diag *d)
{
	const char *an = cpio_archive_name(archive);
	uint32_t type = mode & CPIO_S_IFMT;
	if (type != CPIO_S_IFREG)
		return diag_fail(d, ST_BAD_IMAGE, "cpio: %s: \"%s\" is %s, not a regular file", an, stored,
				 type == CPIO_S_IFDIR ? "a directory"
				 : type == CPIO_S_IFLNK ? "a symbolic link" : "a special file");
	size_t alen = str_len(an), mlen = str_len(member);
	char *name = zalloc(alen + 1 + mlen + 1);
	if (!name)
		return diag_fail(d, ST_NO_MEMORY, "cpio: %s: no memory for a member name", an);
	memcpy(name, an, alen);
	name[alen] = '#';
	memcpy(name + alen + 1, member, mlen);
	out->name = name;
	out->key = archive->key;
	out->size = size;
	if (archive->mem) {
		/* file_read indexes mem directly: move it, keep base as is */
		out->mem = archive->mem + data_offset;
		out->base = archive->base;
	} else {
		out->mem = 0;
		out->base = archive->base + data_offset;
	}
	return 0;
}

int cpio_find(const struct file *archive, const char *member, struct file *out, struct diag *d)
{
	return cpio_find_indexed(0, archive, member, out, d);
}

int cpio_index_holds(const struct cpio_index *ix, const struct file *a)
{
	return ix->used && ix->key == a->key && ix->base == a->base && ix->size == a->size && ix->mem == a->mem;
}

/* Remember one member; 0, or -ST_NO_MEMORY. */
static int cpio_index_add(struct cpio_index *ix, const struct cpio_entry *e)
{
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 16;
		struct cpio_member *m = zalloc(cap * sizeof(*m));
		if (!m)
			return -ST_NO_MEMORY;
		if (ix->n)
			memcpy(m, ix->m, ix->n * sizeof(*m));
		ix->m = m;	/* the old table stays in the heap until the hand-off */
		ix->cap = cap;
	}
	size_t len = str_len(e->name);
	char *name = zalloc(len + 1);
	if (!name)
		return -ST_NO_MEMORY;
	memcpy(name, e->name, len);
	ix->m[ix->n++] = (struct cpio_member){ name, e->data_offset, e->size, e->mode };
	return 0;
}

int cpio_find_indexed(struct cpio_index *ix, const struct file *archive, const char *member,
		      struct file *out, struct diag *d)
{
	const char *an = cpio_archive_name(archive);
	const char *want = cpio_strip(member);
	struct cpio_iter own;
	struct cpio_iter *it = &own;
	struct cpio_entry e;
	int r;

	if (!*want)
		return diag_fail(d, ST_NOT_FOUND, "cpio: %s: empty member name", an);
	if (ix) {
		if (!cpio_index_holds(ix, archive)) {
			*ix = (struct cpio_index){ 0 };
			ix->used = 1;
			ix->key = archive->key;
			ix->base = archive->base;
			ix->size = archive->size;
			ix->mem = archive->mem;
			cpio_iter_init(&ix->it, archive);
		}
		/* the members walked before, in order: the first match wins */
		for (size_t i = 0; i < ix->n; i++)
			if (str_eq(cpio_strip(ix->m[i].name), want))
				return cpio_member_file(archive, member, ix->m[i].name, ix->m[i].mode,
							ix->m[i].data_offset, ix->m[i].size, out, d);
		it = &ix->it;
		it->archive = archive;	/* the same bytes; this caller's description of them */
	} else {
		cpio_iter_init(it, archive);
	}
	/* then on from where the last walk stopped */
	while ((r = cpio_next(it, &e, d)) > 0) {
		if (ix && cpio_index_add(ix, &e))
			return diag_fail(d, ST_NO_MEMORY, "cpio: %s: no memory for the member index", an);
		if (str_eq(cpio_strip(e.name), want))
			return cpio_member_file(archive, member, e.name, e.mode, e.data_offset, e.size, out, d);
	}
	if (r < 0)
		return r;
	return diag_fail(d, ST_NOT_FOUND, "cpio: %s: no member \"%s\"", an, member);
}

int cpio_list(const struct file *archive, void (*fn)(void *ctx, const struct cpio_entry *e),
	      void *ctx, struct diag *d)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, archive);
	while ((r = cpio_next(&it, &e, d)) > 0)
		fn(ctx, &e);
	return r;
}
