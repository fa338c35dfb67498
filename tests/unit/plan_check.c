/* plan_check: see plan_check.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan_check.h"

static char why[512];

#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); return why; } while (0)

static int in_ram(const struct mem_map *m, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < m->nram; i++)
		if (m->ram[i].start <= s && e <= m->ram[i].end)
			return 1;
	return 0;
}

static const struct mem_claim *overlap_kind(const struct mem_map *m, uint64_t s, uint64_t e, enum claim_kind k)
{
	for (size_t i = 0; i < m->nclaims; i++)
		if (m->claims[i].kind == k && s < m->claims[i].end && m->claims[i].start < e)
			return &m->claims[i];
	return 0;
}

/* The segment of a given source that holds addr, or NULL. */
static const struct plan_seg *holder(const struct plan *p, uint64_t addr, int file_only)
{
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (s->len == 0 || s->src == SRC_ZERO || (file_only && s->src != SRC_FILE))
			continue;
		if (addr >= s->dst && addr - s->dst < s->len)
			return s;
	}
	return 0;
}

static int cmp_dst(const void *a, const void *b)
{
	const struct plan_seg *x = *(const struct plan_seg *const *)a, *y = *(const struct plan_seg *const *)b;
	return x->dst < y->dst ? -1 : x->dst > y->dst;
}

const char *plan_check(const struct plan *p, const struct mem_map *m, const struct boot_request *req)
{
	if (p->nsegs && !p->segs)
		FAIL("%zu segments but no segment array", p->nsegs);
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (s->len == 0)
			continue;
		uint64_t e = s->dst + s->len;
		if (e < s->dst || e > MEM_4G)
			FAIL("segment %zu (%s) at 0x%llx, %llu bytes, wraps or ends above 4 GiB", i, s->what,
			     (unsigned long long)s->dst, (unsigned long long)s->len);
		if (!in_ram(m, s->dst, e))
			FAIL("segment %zu (%s) at 0x%llx-0x%llx is not in available RAM", i, s->what,
			     (unsigned long long)s->dst, (unsigned long long)e - 1);
		const struct mem_claim *c = overlap_kind(m, s->dst, e, CLAIM_FIRMWARE);
		if (c)
			FAIL("segment %zu (%s) at 0x%llx-0x%llx overlaps firmware's %s", i, s->what,
			     (unsigned long long)s->dst, (unsigned long long)e - 1, c->what);
		c = overlap_kind(m, s->dst, e, CLAIM_SELF);
		if (c && s->src == SRC_MEM)
			FAIL("block %zu (%s) at 0x%llx-0x%llx was placed on fwboot's %s", i, s->what,
			     (unsigned long long)s->dst, (unsigned long long)e - 1, c->what);
		if (s->src == SRC_FILE) {
			if (!s->file)
				FAIL("file segment %zu (%s) has no file", i, s->what);
			if (s->off > s->file->size || s->len > s->file->size - s->off)
				FAIL("file segment %zu (%s) reads 0x%llx+%llu past the end of %s (%llu bytes)", i, s->what,
				     (unsigned long long)s->off, (unsigned long long)s->len, s->file->name,
				     (unsigned long long)s->file->size);
		} else if (s->src == SRC_MEM && !s->mem) {
			FAIL("block %zu (%s) has no bytes", i, s->what);
		}
	}
	/* no two targets overlap: sort by address, compare neighbours */
	const struct plan_seg **v = malloc((p->nsegs + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < p->nsegs; i++)
		if (p->segs[i].len)
			v[n++] = &p->segs[i];
	qsort(v, n, sizeof(*v), cmp_dst);
	const struct plan_seg *far = n ? v[0] : 0;	/* the segment reaching furthest so far */
	for (size_t i = 1; i < n; i++) {
		const struct plan_seg *a = far, *b = v[i];
		if (b->dst >= a->dst + a->len) {
			far = b;
			continue;
		}
		/* an overlay: a block written after (plan order) the segment it
		 * lies inside, which is not staged (else the trampoline's move
		 * would undo it); Linux's filled header over its setup code */
		const struct plan_seg *first = a < b ? a : b, *second = a < b ? b : a;
		int inside = second->dst >= first->dst && second->dst + second->len <= first->dst + first->len;
		if (second->src == SRC_MEM && inside &&
		    !overlap_kind(m, first->dst, first->dst + first->len, CLAIM_SELF)) {
			if (b->dst + b->len > a->dst + a->len)
				far = b;
			continue;
		}
		snprintf(why, sizeof(why), "%s at 0x%llx-0x%llx overlaps %s at 0x%llx-0x%llx", b->what,
			 (unsigned long long)b->dst, (unsigned long long)(b->dst + b->len - 1), a->what,
			 (unsigned long long)a->dst, (unsigned long long)(a->dst + a->len - 1));
		free(v);
		return why;
	}
	free(v);
	/* every module loaded whole */
	for (size_t k = 0; req && k < req->nmods; k++) {
		const struct file *f = req->mods[k].file;
		int found = 0;
		for (size_t i = 0; i < p->nsegs && !found; i++) {
			const struct plan_seg *s = &p->segs[i];
			found = s->src == SRC_FILE && s->file == f && s->off == 0 && s->len == f->size;
		}
		/* Linux concatenates initrds: each is one file segment, back to back */
		if (!found && f->size)
			FAIL("module %zu (%s, %llu bytes) is not loaded whole", k, f->name, (unsigned long long)f->size);
	}
	/* the entry and the boot information register */
	if (p->mode == ENTRY_FLAT32) {
		if (!holder(p, p->entry, 1))
			FAIL("%s entry 0x%x lies in no loaded file segment", p->format ? p->format : "?", p->entry);
		const char *f = p->format ? p->format : "";
		uint32_t info = !strncmp(f, "linux", 5) ? p->regs.esi : p->regs.ebx;
		const struct plan_seg *b = holder(p, info, 0);
		if (!b || b->src != SRC_MEM)
			FAIL("%s boot information register 0x%x points into no block fwboot built", f, info);
	} else if (p->mode == ENTRY_REAL16) {
		uint64_t lin = ((uint64_t)p->rm_cs << 4) + p->rm_ip;
		if (!holder(p, lin, 0))
			FAIL("real-mode entry %04x:%04x (0x%llx) lies in no loaded segment", p->rm_cs, p->rm_ip,
			     (unsigned long long)lin);
	} else {
		FAIL("unknown entry mode %d", p->mode);
	}
	return 0;
}

static unsigned long long checked;

static void report_checked(void)
{
	fprintf(stderr, "plan_check: %llu accepted plans checked\n", checked);
}

void plan_check_or_abort(const struct plan *p, const struct mem_map *m, const struct boot_request *req)
{
	if (checked++ == 0)
		atexit(report_checked);
	const char *v = plan_check(p, m, req);
	if (v) {
		fprintf(stderr, "plan invariant violated: %s\n", v);
		abort();
	}
}
