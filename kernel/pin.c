/* SPDX-License-Identifier: BSD-2-Clause */
/* pin_check: hash the file in chunks through file_read and compare. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/pin.h"
#include "lib/noclear.h"
#include "include/status.h"

struct pin {
	const struct file *f;
	uint8_t digest[SHA256_SIZE];
};

/* Digests computed so far, by the fw_cfg bytes they cover (key, base,
 * size: a file opened twice, or a struct file given back and reused, still
 * finds the right one) and algorithm. Static: attempts give their heap back. */
#define SUMS 32
static struct {
	uint16_t key, sha1;
	uint64_t base, size;
	uint8_t digest[SHA256_SIZE];
} sums[SUMS] NOCLEAR;	/* read only below nsums */
static unsigned nsums;

static struct pin *pins;
static size_t npins, pincap;

static struct pin *find(const struct file *f)
{
	for (size_t i = 0; i < npins; i++)
		if (pins[i].f == f)
			return &pins[i];
	return 0;
}

int pin_set(const struct file *f, const uint8_t *digest)
{
	struct pin *p = find(f);
	if (!digest) {
		if (p)
			*p = pins[--npins];
		return 0;
	}
	if (!p) {
		if (npins == pincap) {
			size_t cap = pincap ? pincap * 2 : 8;
			struct pin *n = zalloc(cap * sizeof(*n));
			if (!n)
				return -ST_NO_MEMORY;
			if (npins)
				memcpy(n, pins, npins * sizeof(*n));
			pins = n;
			pincap = cap;
		}
		p = &pins[npins++];
		p->f = f;
	}
	memcpy(p->digest, digest, SHA256_SIZE);
	return 0;
}

const uint8_t *pin_of(const struct file *f)
{
	struct pin *p = find(f);
	return p ? p->digest : 0;
}

void pin_reset(void)
{
	nsums = 0;
	pins = 0;
	npins = pincap = 0;
}

int file_digest(const struct file *f, int sha1, uint8_t *out, struct diag *d)
{
	int cached = !f->mem && f->key;
	size_t dl = sha1 ? SHA1_SIZE : SHA256_SIZE;
	for (unsigned i = 0; cached && i < SUMS && i < nsums; i++)
		if (sums[i].key == f->key && sums[i].sha1 == sha1 && sums[i].base == f->base && sums[i].size == f->size) {
			memcpy(out, sums[i].digest, dl);
			return 0;
		}
	uint64_t chunk = f->size < PIN_CHUNK ? f->size : PIN_CHUNK;
	uint8_t *buf = f->mem ? 0 : zalloc(chunk ? (size_t)chunk : 1);	/* in memory: hashed in place */
	if (!f->mem && !buf)
		return diag_fail(d, ST_NO_MEMORY, "no memory to hash %s", f->name);
	union {
		struct sha256 s256;
		struct sha1 s1;
	} s;
	if (sha1)
		sha1_init(&s.s1);
	else
		sha256_init(&s.s256);
	for (uint64_t off = 0; off < f->size;) {
		size_t n = f->size - off < PIN_CHUNK ? (size_t)(f->size - off) : PIN_CHUNK;
		const uint8_t *p = f->mem ? f->mem + off : buf;
		int r = f->mem ? 0 : file_read(f, off, buf, n);
		if (r)
			return diag_fail(d, -r, "cannot read %s to hash it", f->name);
		if (sha1)
			sha1_update(&s.s1, p, n);
		else
			sha256_update(&s.s256, p, n);
		off += n;
	}
	if (sha1)
		sha1_final(&s.s1, out);
	else
		sha256_final(&s.s256, out);
	if (cached) {
		unsigned i = nsums++ % SUMS;
		sums[i].key = f->key;
		sums[i].sha1 = (uint16_t)sha1;
		sums[i].base = f->base;
		sums[i].size = f->size;
		memcpy(sums[i].digest, out, dl);
	}
	return 0;
}

int pin_check(const struct file *f, struct diag *d)
{
	const uint8_t *want = pin_of(f);
	if (!want)
		return 0;
	uint8_t got[SHA256_SIZE];
	int r = file_sha256(f, got, d);
	if (r) {
		char why[sizeof(d->msg)];
		memcpy(why, d->msg, sizeof(why));
		return diag_fail(d, -r, "pin: %s", why);
	}
	if (memcmp(got, want, SHA256_SIZE) == 0)
		return 0;
	char hw[SHA256_HEX + 1], hg[SHA256_HEX + 1];
	sha256_to_hex(want, hw);
	sha256_to_hex(got, hg);
	return diag_fail(d, ST_PIN, "pin: %s does not match its sha256 pin (pinned %s, the file's is %s)", f->name, hw, hg);
}
