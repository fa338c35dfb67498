/* SPDX-License-Identifier: BSD-2-Clause */
/* cpio newc member index: lookups, "./" tolerance, sub-range files, and
 * every malformed archive with its exact reason. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/formats/cpio.h"
#include "include/status.h"
#include "test.h"

struct ar {
	uint8_t buf[16384];
	size_t len;
};

static void ar_pad(struct ar *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* A header with every field given: malformed archives start here. */
static void ar_header(struct ar *a, const char *magic, uint32_t mode, uint32_t filesize, uint32_t namesize)
{
	char hdr[CPIO_HEADER_SIZE + 1];
	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u, mode, 0u,
		 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
	memcpy(a->buf + a->len, hdr, CPIO_HEADER_SIZE);
	a->len += CPIO_HEADER_SIZE;
}

static void ar_entry(struct ar *a, const char *magic, uint32_t mode, const char *name, const char *data)
{
	size_t size = data ? strlen(data) : 0;
	ar_header(a, magic, mode, (uint32_t)size, (uint32_t)strlen(name) + 1);
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += strlen(name) + 1;
	ar_pad(a);
	if (size)
		memcpy(a->buf + a->len, data, size);
	a->len += size;
	ar_pad(a);
}

static void ar_file(struct ar *a, const char *name, const char *data)
{
	ar_entry(a, CPIO_MAGIC_NEWC, CPIO_S_IFREG | 0644, name, data);
}

static void ar_trailer(struct ar *a)
{
	ar_entry(a, CPIO_MAGIC_NEWC, 0, CPIO_TRAILER, 0);
}

static struct file ar_as_file(struct ar *a)
{
	struct file f = { "opt/fwboot/set.cpio", 0, 0, a->len, a->buf };
	return f;
}

/* Look member up in a; the reason (or "") in d. */
static int find(struct ar *a, const char *member, struct file *out, struct diag *d)
{
	struct file f = ar_as_file(a);
	d->msg[0] = 0;
	memset(out, 0, sizeof(*out));
	return cpio_find(&f, member, out, d);
}

/* The member's bytes, read through file_read as a loader would. */
static const char *content(const struct file *f)
{
	static char buf[256];
	memset(buf, 0, sizeof(buf));
	if (f->size >= sizeof(buf) || file_read(f, 0, buf, f->size))
		return "(unreadable)";
	return buf;
}

static char listed[512];

static void collect(void *ctx, const struct cpio_entry *e)
{
	(void)ctx;
	char one[64];
	snprintf(one, sizeof(one), "%s%.40s:%llu", listed[0] ? " " : "", e->name, (unsigned long long)e->size);
	strncat(listed, one, sizeof(listed) - strlen(listed) - 1);
}

static void test_lookup(void)
{
	struct ar a = { .len = 0 };
	struct file m;
	struct diag d;

	ar_entry(&a, CPIO_MAGIC_NEWC, CPIO_S_IFDIR | 0755, ".", 0);
	ar_file(&a, "xen.gz", "XEN");
	ar_file(&a, "./boot.ipxe", "#!ipxe\necho hi\n");
	ar_file(&a, "dir/vmlinuz", "LINUX!");
	ar_file(&a, "empty", 0);
	ar_entry(&a, CPIO_MAGIC_NEWC, CPIO_S_IFDIR | 0755, "dir", 0);
	ar_entry(&a, CPIO_MAGIC_NEWC, CPIO_S_IFLNK | 0777, "link", "xen.gz");
	ar_entry(&a, CPIO_MAGIC_NEWC, 0020644, "tty", 0);
	ar_file(&a, "xen.gz", "SECOND");
	ar_trailer(&a);

	ok_eq(find(&a, "xen.gz", &m, &d), 0);
	ok_str(m.name, "opt/fwboot/set.cpio#xen.gz");
	ok_eq(m.size, 3);
	ok_str(content(&m), "XEN");	/* the first of two equal names wins */
	ok_eq(m.mem - a.buf, 232);	/* "." took 112 bytes; header 112, name 222..228, padded */
	ok_eq(m.key, 0);
	ok_eq(m.base, 0);

	/* "./" and "/" in front are ignored on either side */
	ok_eq(find(&a, "boot.ipxe", &m, &d), 0);
	ok_str(m.name, "opt/fwboot/set.cpio#boot.ipxe");
	ok_str(content(&m), "#!ipxe\necho hi\n");
	ok_eq(find(&a, "./boot.ipxe", &m, &d), 0);
	ok_str(m.name, "opt/fwboot/set.cpio#./boot.ipxe");
	ok_eq(find(&a, "/./dir/vmlinuz", &m, &d), 0);
	ok_str(content(&m), "LINUX!");
	ok_eq(find(&a, "./xen.gz", &m, &d), 0);
	ok_str(content(&m), "XEN");

	/* an empty member is a file of size 0 */
	ok_eq(find(&a, "empty", &m, &d), 0);
	ok_eq(m.size, 0);

	/* not found, not a file, no name */
	ok_eq(find(&a, "vmlinuz", &m, &d), -ST_NOT_FOUND);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: no member \"vmlinuz\"");
	ok_eq(find(&a, "dir", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: \"dir\" is a directory, not a regular file");
	ok_eq(find(&a, "link", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: \"link\" is a symbolic link, not a regular file");
	ok_eq(find(&a, "tty", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: \"tty\" is a special file, not a regular file");
	ok_eq(find(&a, "", &m, &d), -ST_NOT_FOUND);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: empty member name");
	ok_eq(find(&a, "./", &m, &d), -ST_NOT_FOUND);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: empty member name");
	ok_eq(find(&a, "TRAILER!!!", &m, &d), -ST_NOT_FOUND);

	/* the listing, in archive order */
	struct file f = ar_as_file(&a);
	listed[0] = 0;
	ok_eq(cpio_list(&f, collect, 0, &d), 0);
	ok_str(listed, ".:0 xen.gz:3 ./boot.ipxe:15 dir/vmlinuz:6 empty:0 dir:0 link:6 tty:0 xen.gz:6");
}

/* Exact data offsets: header 110 + name, padded to 4, then data, padded. */
static void test_offsets(void)
{
	struct ar a = { .len = 0 };
	struct file m;
	struct diag d;

	ar_file(&a, "a", "12345");	/* header 0, name 110..111, data 112..116, next 120 */
	ar_file(&a, "bcd", "x");	/* header 120, name 230..233, data 236, next 240 */
	ar_trailer(&a);
	ok_eq(find(&a, "a", &m, &d), 0);
	ok_eq(m.mem - a.buf, 112);
	ok_eq(m.size, 5);
	ok_eq(find(&a, "bcd", &m, &d), 0);
	ok_eq(m.mem - a.buf, 236);
	ok_eq(m.size, 1);

	/* a memory-backed archive keeps its base; the member's mem moves */
	struct file f = ar_as_file(&a);
	f.base = 0x1000;
	ok_eq(cpio_find(&f, "bcd", &m, &d), 0);
	ok_eq(m.base, 0x1000);
	ok_eq(m.mem - a.buf, 236);

	/* a fw_cfg-backed archive is read through fw_cfg, which the host lacks:
	 * the read failure is reported with where it happened */
	struct file fw = { "opt/fwboot/set.cpio", 0x23, 0x10, a.len, 0 };
	d.msg[0] = 0;
	ok_eq(cpio_find(&fw, "a", &m, &d), -ST_IO);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: cannot read the header at offset 0");

	/* 070702 (with checksum) has the same layout */
	struct ar b = { .len = 0 };
	ar_entry(&b, CPIO_MAGIC_CRC, CPIO_S_IFREG | 0600, "k", "KK");
	ar_trailer(&b);
	ok_eq(find(&b, "k", &m, &d), 0);
	ok_str(content(&m), "KK");

	/* lower-case hex works too */
	struct ar c = { .len = 0 };
	ar_file(&c, "x", "0123456789abcdef");
	memcpy(c.buf + 6 + 8 * CPIO_FIELD_FILESIZE, "0000000f", 8);	/* 15 bytes, padding unchanged */
	ar_trailer(&c);
	ok_eq(find(&c, "x", &m, &d), 0);
	ok_eq(m.size, 15);

	/* an unnamed archive still gets a name in messages */
	struct file u = ar_as_file(&a);
	u.name = 0;
	ok_eq(cpio_find(&u, "zz", &m, &d), -ST_NOT_FOUND);
	ok_str(d.msg, "cpio: (unnamed archive): no member \"zz\"");

	ok_str(cpio_member_part("opt/fwboot/set.cpio#boot/xen.gz"), "boot/xen.gz");
	ok(cpio_member_part("opt/fwboot/xen") == 0);
	ok_str(cpio_member_part("a#b#c"), "b#c");
}

/* Every malformed archive is rejected with the reason. */
static void test_malformed(void)
{
	struct ar a;
	struct file m;
	struct diag d;

	/* empty file */
	a.len = 0;
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: ends at offset 0 without a TRAILER!!! entry");

	/* shorter than a header */
	a.len = 0;
	ar_file(&a, "x", "1");
	a.len = 109;
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: truncated header at offset 0 (archive is 109 bytes)");

	/* ends after a member, no trailer */
	a.len = 0;
	ar_file(&a, "x", "1");
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: ends at offset 116 without a TRAILER!!! entry");
	/* ... but a member before the end is still found */
	ok_eq(find(&a, "x", &m, &d), 0);

	/* the last member's padding missing, then the end */
	a.len = 0;
	ar_file(&a, "x", "1");
	a.len = 113;
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: ends at offset 113 without a TRAILER!!! entry");

	/* a partial second header */
	a.len = 0;
	ar_file(&a, "x", "1");
	ar_file(&a, "y", "2");
	a.len = 116 + 50;
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: truncated header at offset 116 (archive is 166 bytes)");

	/* magic */
	a.len = 0;
	ar_file(&a, "x", "1");
	ar_trailer(&a);
	memcpy(a.buf, "070707", 6);
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: old portable format (070707) at offset 0; make bundles with cpio -H newc");
	memcpy(a.buf, "\xc7\x71\0\0\0\0", 6);	/* binary cpio */
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: bad magic at offset 0 (want 070701 or 070702)");
	memcpy(a.buf, "070701", 6);
	memcpy(a.buf + 116, "07070X", 6);	/* the second header */
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: bad magic at offset 116 (want 070701 or 070702)");

	/* non-hex fields, each named */
	a.len = 0;
	ar_file(&a, "x", "1");
	ar_trailer(&a);
	a.buf[6 + 8 * CPIO_FIELD_FILESIZE + 3] = 'g';
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: filesize field of the header at offset 0 is not hex");
	a.buf[6 + 8 * CPIO_FIELD_FILESIZE + 3] = '0';
	a.buf[6 + 8 * CPIO_FIELD_NAMESIZE] = ' ';
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: namesize field of the header at offset 0 is not hex");
	a.buf[6 + 8 * CPIO_FIELD_NAMESIZE] = '0';
	a.buf[6 + 8 * 12 + 7] = '-';
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: check field of the header at offset 0 is not hex");
	a.buf[6 + 8 * 12 + 7] = '0';
	a.buf[6] = 'x';
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: ino field of the header at offset 0 is not hex");

	/* name size 0, absurd, past the end */
	a.len = 0;
	ar_header(&a, CPIO_MAGIC_NEWC, CPIO_S_IFREG, 0, 0);
	ar_trailer(&a);
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: header at offset 0 has an empty name");
	a.len = 0;
	ar_header(&a, CPIO_MAGIC_NEWC, CPIO_S_IFREG, 0, 0xffffffff);
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: name size 4294967295 at offset 0 is over fwboot's limit (1024)");
	a.len = 0;
	ar_header(&a, CPIO_MAGIC_NEWC, CPIO_S_IFREG, 0, CPIO_NAME_MAX + 1);
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: name size 1025 at offset 0 is over fwboot's limit (1024)");
	a.len = 0;
	ar_header(&a, CPIO_MAGIC_NEWC, CPIO_S_IFREG, 0, 20);
	memcpy(a.buf + a.len, "short", 6);
	a.len += 6;
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: name at offset 110 runs past the end (archive is 116 bytes)");

	/* name not NUL-terminated, or with a NUL inside */
	a.len = 0;
	ar_file(&a, "abc", "1");
	ar_trailer(&a);
	a.buf[113] = 'd';
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: name at offset 110 is not NUL-terminated");
	a.buf[113] = 0;
	a.buf[111] = 0;
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: name at offset 110 has a NUL inside");

	/* data past the end: the size field lies */
	a.len = 0;
	ar_file(&a, "x", "1234");
	ar_trailer(&a);
	memcpy(a.buf + 6 + 8 * CPIO_FIELD_FILESIZE, "FFFFFFFF", 8);
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: member \"x\" (4294967295 bytes at offset 112) runs past the end (archive is 240 bytes)");
	memcpy(a.buf + 6 + 8 * CPIO_FIELD_FILESIZE, "00000081", 8);	/* 129: one byte too many */
	ok_eq(find(&a, "x", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: member \"x\" (129 bytes at offset 112) runs past the end (archive is 240 bytes)");
	memcpy(a.buf + 6 + 8 * CPIO_FIELD_FILESIZE, "00000080", 8);	/* 128: swallows the trailer */
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: ends at offset 240 without a TRAILER!!! entry");
	memcpy(a.buf + 6 + 8 * CPIO_FIELD_FILESIZE, "0000007C", 8);	/* 124: leaves 4 bytes of a header */
	ok_eq(find(&a, "y", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: truncated header at offset 236 (archive is 240 bytes)");

	/* after TRAILER!!! the iterator stays done; garbage after it is ignored */
	a.len = 0;
	ar_trailer(&a);
	memcpy(a.buf + a.len, "garbage", 7);
	a.len += 7;
	struct file f = ar_as_file(&a);
	struct cpio_iter it;
	struct cpio_entry e;
	cpio_iter_init(&it, &f);
	ok_eq(cpio_next(&it, &e, &d), 0);
	ok_eq(cpio_next(&it, &e, &d), 0);
	listed[0] = 0;
	ok_eq(cpio_list(&f, collect, 0, &d), 0);
	ok_str(listed, "");
	ok_eq(find(&a, "x", &m, &d), -ST_NOT_FOUND);

	/* a listing stops at the first bad header, with its reason */
	a.len = 0;
	ar_file(&a, "one", "1");
	ar_header(&a, "070701", CPIO_S_IFREG, 0, 0);
	f = ar_as_file(&a);
	listed[0] = 0;
	ok_eq(cpio_list(&f, collect, 0, &d), -ST_BAD_IMAGE);
	ok_str(listed, "one:1");
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: header at offset 120 has an empty name");
}

/* Random damage to a good archive: always an answer, never a crash. */
static void test_mutations(void)
{
	struct ar good = { .len = 0 };
	ar_file(&good, "xen.gz", "XENXENXEN");
	ar_file(&good, "./initrd", "INITRD");
	ar_trailer(&good);
	uint32_t seed = 12345;
	int answers = 0;
	for (int round = 0; round < 20000; round++) {
		struct ar a = good;
		int flips = 1 + round % 4;
		for (int k = 0; k < flips; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % a.len;
			seed = seed * 1103515245u + 12345u;
			a.buf[at] = (uint8_t)(seed >> 16);
		}
		seed = seed * 1103515245u + 12345u;
		if (round % 7 == 0)
			a.len = (seed >> 8) % (a.len + 1);
		struct file m;
		struct diag d;
		int r = find(&a, round % 2 ? "initrd" : "xen.gz", &m, &d);
		if (r == 0 && m.mem >= a.buf && m.mem + m.size <= a.buf + a.len)
			answers++;
		else if (r == -ST_BAD_IMAGE || r == -ST_NOT_FOUND)
			answers += strncmp(d.msg, "cpio: opt/fwboot/set.cpio: ", 27) == 0;
	}
	ok_eq(answers, 20000);
}

/* cpio_find_indexed: the same answers and messages as cpio_find, each
 * header walked once over any number of lookups, a new archive restarting
 * the index, and a malformed tail found only by lookups that reach it. */
static void test_index(void)
{
	static struct ar a;
	char name[24], data[24];
	struct file f, m, want;
	struct diag d, dw;
	struct cpio_index ix = { 0 };
	a.len = 0;
	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), i % 7 ? "m%d" : "./m%d", i);
		snprintf(data, sizeof(data), "data %d", i);
		ar_file(&a, name, data);
	}
	ar_entry(&a, CPIO_MAGIC_NEWC, CPIO_S_IFDIR | 0755, "dir", 0);
	ar_file(&a, "dup", "first");
	ar_file(&a, "dup", "second");
	ar_trailer(&a);
	f = ar_as_file(&a);

	/* every member, in a scrambled order, twice: as cpio_find says */
	int same = 1;
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 60; k++) {
			int i = (k * 37 + pass * 11) % 60;
			snprintf(name, sizeof(name), "m%d", i);
			int r1 = cpio_find(&f, name, &want, &dw);
			int r2 = cpio_find_indexed(&ix, &f, name, &m, &d);
			if (r1 != r2 || r1 || m.mem != want.mem || m.size != want.size || strcmp(m.name, want.name))
				same = 0;
		}
	ok(same);
	ok_eq(ix.n, 60);	/* the walk stopped at the last member looked for */
	uint64_t next = ix.it.next;
	ok_eq(cpio_find_indexed(&ix, &f, "/m0", &m, &d), 0);
	ok_str(content(&m), "data 0");
	ok_eq(ix.it.next, next);	/* found in the index: no header read */

	/* the first of two with one name; a directory refused as before */
	ok_eq(cpio_find_indexed(&ix, &f, "dup", &m, &d), 0);
	ok_str(content(&m), "first");
	ok_eq(cpio_find_indexed(&ix, &f, "dup", &m, &d), 0);
	ok_str(content(&m), "first");
	ok_eq(cpio_find_indexed(&ix, &f, "dir", &m, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: \"dir\" is a directory, not a regular file");

	/* a missing member walks to the end once, then answers from the index */
	ok_eq(cpio_find_indexed(&ix, &f, "nope", &m, &d), -ST_NOT_FOUND);
	ok_str(d.msg, "cpio: opt/fwboot/set.cpio: no member \"nope\"");
	ok_eq(ix.it.done, 1);
	ok_eq(ix.n, 63);
	ok_eq(cpio_find_indexed(&ix, &f, "nope", &m, &d), -ST_NOT_FOUND);
	ok_eq(ix.n, 63);

	/* another archive starts the index again */
	static struct ar b;
	b.len = 0;
	ar_file(&b, "m5", "other");
	ar_trailer(&b);
	struct file g = ar_as_file(&b);
	ok_eq(cpio_find_indexed(&ix, &g, "m5", &m, &d), 0);
	ok_str(content(&m), "other");
	ok_eq(ix.n, 1);
	ok(cpio_index_holds(&ix, &g) && !cpio_index_holds(&ix, &f));

	/* a bad header after the members looked for: found before it, the
	 * same error as cpio_find after it, every time */
	static struct ar c;
	c.len = 0;
	ar_file(&c, "k", "kernel");
	ar_file(&c, "i", "initrd");
	memcpy(c.buf + c.len, "070799", 6);
	c.len += 200;
	struct file h = ar_as_file(&c);
	struct cpio_index iy = { 0 };
	ok_eq(cpio_find_indexed(&iy, &h, "i", &m, &d), 0);
	ok_str(content(&m), "initrd");
	ok_eq(cpio_find(&h, "z", &want, &dw), -ST_BAD_IMAGE);
	for (int t = 0; t < 2; t++) {
		d.msg[0] = 0;
		ok_eq(cpio_find_indexed(&iy, &h, "z", &m, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, dw.msg);
	}
	ok_eq(cpio_find_indexed(&iy, &h, "k", &m, &d), 0);
	ok_str(content(&m), "kernel");
}

int main(void)
{
	test_index();
	test_lookup();
	test_offsets();
	test_malformed();
	test_mutations();
	return test_done("cpio");
}
