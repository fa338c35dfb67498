/* SPDX-License-Identifier: BSD-2-Clause */
/* cpio "newc" archives as bundles: one fw_cfg file holding a whole boot set,
 * members named "archive#member". Only headers are read; a member becomes a
 * sub-range of the archive, so its bytes still move once, at load time. */
#ifndef FWBOOT_CPIO_H
#define FWBOOT_CPIO_H

#include <stdint.h>
#include "lib/diag.h"
#include "kernel/file.h"

/* newc header: magic, then 13 fields of 8 ASCII hex digits (cpio(5)). */
#define CPIO_MAGIC_NEWC "070701"
#define CPIO_MAGIC_CRC "070702"	/* same layout; the checksum is not verified */
#define CPIO_HEADER_SIZE 110
#define CPIO_FIELD_FILESIZE 6	/* field index: ino mode uid gid nlink mtime filesize ... */
#define CPIO_FIELD_NAMESIZE 11
#define CPIO_TRAILER "TRAILER!!!"
#define CPIO_NAME_MAX 1024	/* longest name fwboot reads, NUL included */

#define CPIO_S_IFMT 0170000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFLNK 0120000

/* One member as its header describes it. */
struct cpio_entry {
	uint64_t offset;	/* of the header, inside the archive */
	uint64_t data_offset;	/* of the first data byte, inside the archive */
	uint64_t size;
	uint32_t mode;
	char name[CPIO_NAME_MAX];	/* as stored, NUL-terminated */
};

/* Walks the headers of one archive in order. */
struct cpio_iter {
	const struct file *archive;
	uint64_t next;		/* offset of the next header */
	int done;		/* TRAILER!!! seen */
};

void cpio_iter_init(struct cpio_iter *it, const struct file *archive);

/*
 * Read the next header through file_read (never member data). Returns 1
 * with *e filled, 0 at TRAILER!!!, or -ST_BAD_IMAGE (malformed: bad magic,
 * non-hex field, empty or oversized name, anything running past the end of
 * the archive) / the file_read status, with "cpio: <archive>: <why>" in d.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, struct diag *d);

/*
 * Find member in archive and describe it as a file of its own: same key,
 * base (fw_cfg) or mem (memory) moved to the member's data, size = its size,
 * name = "archive#member" (zalloc). Names match with any leading "./" or
 * "/" ignored on either side; the first match wins. Only regular files are
 * members. Returns 0, -ST_NOT_FOUND, -ST_BAD_IMAGE (malformed archive or
 * the member is not a regular file), -ST_NO_MEMORY or a file_read status.
 */
int cpio_find(const struct file *archive, const char *member, struct file *out, struct diag *d);

/* What walks of one archive have found so far, so that opening many of
 * its members reads each header once: a lookup searches the members seen,
 * then walks on from where the last walk stopped. The caller owns it, and
 * the heap it takes (names, the table) must outlive it. */
struct cpio_member {
	char *name;		/* as stored */
	uint64_t data_offset, size;
	uint32_t mode;
};
struct cpio_index {
	int used;
	uint16_t key;		/* which archive: the same bytes */
	uint64_t base, size;
	const uint8_t *mem;
	struct cpio_iter it;
	struct cpio_member *m;
	size_t n, cap;
};

/* Whether ix indexes the archive a describes (the same bytes). */
int cpio_index_holds(const struct cpio_index *ix, const struct file *a);

/* cpio_find through ix (or none, when ix is 0): the same results and
 * messages; an index holding another archive is started again for this
 * one. -ST_NO_MEMORY when the index cannot grow. */
int cpio_find_indexed(struct cpio_index *ix, const struct file *archive, const char *member,
		      struct file *out, struct diag *d);

/* Call fn for every member up to TRAILER!!!; 0, or as cpio_next fails. */
int cpio_list(const struct file *archive, void (*fn)(void *ctx, const struct cpio_entry *e),
	      void *ctx, struct diag *d);

/* Where "#member" starts in a bundle name "archive#member", or NULL. */
const char *cpio_member_part(const char *name);

#endif
