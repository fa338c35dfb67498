/* SPDX-License-Identifier: BSD-2-Clause */
/* gunzip_kernel: inflate a gzip-compressed kernel into free memory. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/formats/gunzip.h"
#include "lib/inflate.h"
#include "include/status.h"
#include "lib/str.h"

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

/* True when text contains word. */
static int mentions(const char *text, const char *word)
{
	size_t n = str_len(word);
	for (; *text; text++)
		if (str_ncmp(text, word, n) == 0)
			return 1;
	return 0;
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
	/* The output size is known only once every member is inflated (a
	 * trailer's ISIZE is its own member's, and bytes may follow it): inflate
	 * into the largest free range, bounded by what DEFLATE can give, then
	 * move the result to that range's top and claim exactly it. */
	uint64_t free_at, free_len, bound = k->size * DEFLATE_MAX_RATIO + 1024;
	if (mem_largest_free(m, MEM_LOW_END, MEM_4G, 4096, &free_at, &free_len)) {
		m->nclaims = claims;
		return diag_fail(d, ST_NO_MEMORY, "gzip: no free memory to inflate %s into", k->name);
	}
	int by_memory = free_len < bound;
	uint64_t cap = by_memory ? free_len : bound;
	out_at = free_at + ((free_len - cap) & ~(uint64_t)4095);	/* the top part when bound is smaller */
	cap = free_at + free_len - out_at;
	size_t got, used;
	unsigned members;
	r = gzip_inflate_all(in, (size_t)k->size, phys(out_at), (size_t)cap, &got, &used, &members, d);
	if (r) {
		m->nclaims = claims;
		if (by_memory && d && mentions(d->msg, "output exceeds"))
			return diag_fail(d, ST_NO_MEMORY,
					 "gzip: %s inflates to more than the %llu bytes of free memory (the largest "
					 "free range, 0x%llx-0x%llx)", k->name, (unsigned long long)cap,
					 (unsigned long long)out_at, (unsigned long long)(out_at + cap - 1));
		return fail_named(d, r, k->name);
	}
	uint64_t top = (out_at + cap - got) & ~(uint64_t)4095;
	if (top > out_at) {
		memmove(phys(top), phys(out_at), got);
		out_at = top;
	}
	r = mem_claim(m, out_at, got ? got : 1, CLAIM_SELF, "inflated kernel", d);
	if (r < 0) {
		m->nclaims = claims;
		return r;
	}
	if (d)
		d->msg[0] = 0;
	if (d && (members > 1 || used < k->size))
		diag_fail(d, 0, "gzip: %s: %u member%s inflated, %llu trailing byte%s ignored", k->name, members,
			  members == 1 ? "" : "s", (unsigned long long)(k->size - used),
			  k->size - used == 1 ? "" : "s");
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
