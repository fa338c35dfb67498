/* gunzip_kernel: inflate a gzip-compressed kernel into free memory. */
#include "memfn.h"	/* memcpy and kin: lib/mem.c, or the host libc */
#include "alloc.h"
#include "gunzip.h"
#include "inflate.h"
#include "status.h"
#include "str.h"

/* A DEFLATE stream inflates at most about 1032 times its size (258-byte
 * matches for a bit or two each): an ISIZE beyond that is a damaged trailer. */
#define DEFLATE_MAX_RATIO 1032

static void *phys(uint64_t a)
{
	return (void *)(uintptr_t)a;
}

/* Forget claim i (order does not matter to mem.c). */
static void drop_claim(struct mem_map *m, size_t i)
{
	m->claims[i] = m->claims[m->nclaims - 1];
	m->nclaims--;
}

/* The inflater's reason with the file named: "gzip: NAME: what". */
static int fail_named(struct diag *d, int r, const char *name)
{
	if (d) {
		char why[sizeof(d->msg)];
		const char *w = str_starts(d->msg, "gzip: ") ? d->msg + 6 : d->msg;
		memcpy(why, w, str_len(w) + 1);
		diag_fail(d, 0, "gzip: %s: %s", name, why);
	}
	return r;
}

int gunzip_kernel(const struct boot_request *req, struct mem_map *m, struct boot_request *out,
		  struct diag *d)
{
	const struct file *k = req->kernel;
	uint8_t magic[3];
	*out = *req;
	if (k->size < sizeof(magic))
		return 0;
	int r = file_read(k, 0, magic, sizeof(magic));
	if (r)
		return diag_fail(d, -r, "gzip: cannot read the start of %s", k->name);
	if (!gzip_is_gzip(magic, sizeof(magic)))
		return 0;
	if (k->size >= MEM_4G)
		return diag_fail(d, ST_NO_MEMORY, "gzip: %s is too large (%llu bytes)", k->name,
				 (unsigned long long)k->size);

	size_t claims = m->nclaims;
	uint64_t in_at, out_at;
	r = mem_alloc(m, k->size, 16, MEM_LOW_END, MEM_4G, MEM_TOP_DOWN, CLAIM_SELF, "compressed kernel", &in_at, d);
	if (r)
		return diag_fail(d, -r, "gzip: no free memory to read %s (%llu bytes)", k->name,
				 (unsigned long long)k->size);
	uint8_t *in = phys(in_at);
	r = file_read(k, 0, in, k->size);
	if (r) {
		m->nclaims = claims;
		return diag_fail(d, -r, "gzip: cannot read %s", k->name);
	}
	uint32_t isize;
	r = gzip_isize(in, (size_t)k->size, &isize, d);
	if (r) {
		m->nclaims = claims;
		return fail_named(d, r, k->name);
	}
	if (isize > k->size * DEFLATE_MAX_RATIO + 1024) {
		m->nclaims = claims;
		return diag_fail(d, ST_BAD_IMAGE,
				 "gzip: %s: its trailer announces %u bytes from %llu compressed, more than DEFLATE can "
				 "give (a truncated or corrupt file)", k->name, isize, (unsigned long long)k->size);
	}
	r = mem_alloc(m, isize ? isize : 1, 4096, MEM_LOW_END, MEM_4G, MEM_TOP_DOWN, CLAIM_SELF, "inflated kernel",
		      &out_at, d);
	if (r) {
		m->nclaims = claims;
		return diag_fail(d, -r, "gzip: %s inflates to %u bytes, more than free memory holds", k->name, isize);
	}
	size_t got;
	r = gzip_inflate(in, (size_t)k->size, phys(out_at), isize, &got, d);
	if (r) {
		m->nclaims = claims;
		return fail_named(d, r, k->name);
	}
	struct file *f = zalloc(sizeof(*f));
	if (!f) {
		m->nclaims = claims;
		return diag_fail(d, ST_NO_MEMORY, "gzip: no memory");
	}
	f->name = k->name;
	f->size = got;
	f->mem = phys(out_at);
	drop_claim(m, claims);	/* the compressed copy: read, no longer needed */
	out->kernel = f;
	return 0;
}
