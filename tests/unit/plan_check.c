/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_check: see plan_check.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan_check.h"
#include "include/status.h"

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

/* One step of plan_execute as stage_check follows it. */
struct step {
	uint64_t rs, rl;	/* bytes it reads from guest memory (rl 0: none) */
	uint64_t ws, wl;	/* bytes it writes */
	int fwboot_alive;	/* before the jump to the trampoline */
	long seg;		/* the segment whose final bytes it writes, or -1 */
	long producer;		/* the step that wrote what it reads (its staging copy), or -1 */
	const char *what;	/* "opt/k", "the staging copy of opt/k", "the trampoline" */
};

static int ov(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

#define R(x) (unsigned long long)(x)

static const char *check_range(const struct mem_map *m, const char *what, const char *of, uint64_t s,
			       uint64_t len)
{
	char name[160];
	snprintf(name, sizeof(name), "%s%s", what, of);
	what = name;
	if (s + len < s || s + len > MEM_4G)
		FAIL("%s at 0x%llx, %llu bytes, wraps or ends above 4 GiB", what, R(s), R(len));
	if (!in_ram(m, s, s + len))
		FAIL("%s at 0x%llx-0x%llx is not in available RAM", what, R(s), R(s + len - 1));
	const struct mem_claim *c = overlap_kind(m, s, s + len, CLAIM_FIRMWARE);
	if (c)
		FAIL("%s at 0x%llx-0x%llx overlaps firmware's %s", what, R(s), R(s + len - 1), c->what);
	c = overlap_kind(m, s, s + len, CLAIM_SELF);
	if (c)
		FAIL("%s at 0x%llx-0x%llx lies on fwboot's %s", what, R(s), R(s + len - 1), c->what);
	return 0;
}

const char *stage_check(const struct plan *p, const struct mem_map *m, const struct stage_plan *sp,
			stage_phys_fn *phys)
{
	if (p->nsegs && (!sp->at || (sp->nmoves && !sp->moves)))
		FAIL("no staging decision for %zu segments", p->nsegs);
	/* well-formed: one move per staged segment, in the segment's terms */
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		size_t moves = 0;
		for (size_t k = 0; k < sp->nmoves; k++)
			moves += sp->moves[k].seg == i;
		if (s->len && moves != (s->staged ? 1u : 0u))
			FAIL("segment %zu (%s) is %sstaged but has %zu moves", i, s->what, s->staged ? "" : "not ",
			     moves);
		if (s->len && !s->staged && sp->at[i] != s->dst)
			FAIL("segment %zu (%s) is not staged but loads at 0x%llx, not its target 0x%llx", i, s->what,
			     R(sp->at[i]), R(s->dst));
	}
	for (size_t k = 0; k < sp->nmoves; k++) {
		const struct stage_move *mv = &sp->moves[k];
		if (mv->seg >= p->nsegs)
			FAIL("move %zu is for segment %zu of %zu", k, mv->seg, p->nsegs);
		const struct plan_seg *s = &p->segs[mv->seg];
		if (mv->dst != s->dst || mv->len != s->len || mv->zero != (s->src == SRC_ZERO) ||
		    (!mv->zero && mv->src != sp->at[mv->seg]))
			FAIL("move %zu (0x%llx -> 0x%llx, %llu bytes%s) does not complete segment %zu (%s)", k,
			     R(mv->src), R(mv->dst), R(mv->len), mv->zero ? ", zero" : "", mv->seg, s->what);
	}
	if (p->mode == ENTRY_REAL16 && sp->tramp + sp->tramp_size > 0xA0000)
		FAIL("trampoline at 0x%llx-0x%llx is not below 0xA0000 for a real-mode entry", R(sp->tramp),
		     R(sp->tramp + sp->tramp_size - 1));
	const char *v = check_range(m, "the trampoline", "", sp->tramp, sp->tramp_size);
	if (v)
		return v;

	/* the steps, as plan_execute makes them */
	struct step *st = calloc(2 * p->nsegs + 2, sizeof(*st));
	char (*names)[160] = calloc(p->nsegs + 1, sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (s->len == 0 || (s->staged && s->src == SRC_ZERO))
			continue;
		struct step *t = &st[n++];
		if (!stage_source(s, phys, &t->rs, &t->rl))
			t->rl = 0;
		t->ws = sp->at[i];
		t->wl = s->len;
		t->fwboot_alive = 1;
		t->seg = s->staged ? -1 : (long)i;
		t->producer = -1;
		t->what = s->what;
		if (s->staged) {
			snprintf(names[i], sizeof(names[i]), "the staging copy of %s", s->what);
			t->what = names[i];
			v = check_range(m, "the staging copy of ", s->what, t->ws, t->wl);
			if (v) {
				free(st);
				free(names);
				return v;
			}
		}
	}
	st[n++] = (struct step){ 0, 0, sp->tramp, sp->tramp_size, 1, -1, -1, "the trampoline" };
	for (size_t k = 0; k < sp->nmoves; k++) {
		const struct stage_move *mv = &sp->moves[k];
		long producer = -1;	/* the load that filled this segment's staging copy */
		for (size_t a = 0; a < n; a++)
			if (st[a].fwboot_alive && st[a].seg < 0 && st[a].what == names[mv->seg])
				producer = (long)a;
		st[n++] = (struct step){ mv->src, mv->zero ? 0 : mv->len, mv->dst, mv->len, 0, (long)mv->seg,
					 producer, p->segs[mv->seg].what };
	}
	const char *bad = 0;
	for (size_t a = 0; a < n && !bad; a++) {
		const struct step *x = &st[a];
		if (x->fwboot_alive && x->seg >= 0) {
			const struct mem_claim *c = overlap_kind(m, x->ws, x->ws + x->wl, CLAIM_SELF);
			if (c) {
				snprintf(why, sizeof(why), "%s is loaded straight to 0x%llx-0x%llx, on fwboot's %s",
					 x->what, R(x->ws), R(x->ws + x->wl - 1), c->what);
				bad = why;
			}
		}
		if (!bad && !x->fwboot_alive && ov(x->ws, x->wl, sp->tramp, sp->tramp_size)) {
			snprintf(why, sizeof(why), "the move of %s to 0x%llx-0x%llx overwrites the trampoline at "
				 "0x%llx-0x%llx", x->what, R(x->ws), R(x->ws + x->wl - 1), R(sp->tramp),
				 R(sp->tramp + sp->tramp_size - 1));
			bad = why;
		}
		/* staging copies and the trampoline miss every target */
		for (size_t i = 0; !bad && x->seg < 0 && i < p->nsegs; i++) {
			const struct plan_seg *s = &p->segs[i];
			if (ov(x->ws, x->wl, s->dst, s->len)) {
				snprintf(why, sizeof(why), "%s at 0x%llx-0x%llx overlaps the target of %s at 0x%llx-0x%llx",
					 x->what, R(x->ws), R(x->ws + x->wl - 1), s->what, R(s->dst),
					 R(s->dst + s->len - 1));
				bad = why;
			}
		}
		/* nothing overwrites what a later step (or this one) still reads,
		 * but the staging copy that step is meant to read */
		for (size_t b = a; !bad && b < n; b++) {
			const struct step *y = &st[b];
			if (ov(x->ws, x->wl, y->rs, y->rl) && y->producer != (long)a) {
				snprintf(why, sizeof(why), "writing %s to 0x%llx-0x%llx overwrites the source of %s "
					 "(0x%llx-0x%llx), read %s", x->what, R(x->ws), R(x->ws + x->wl - 1), y->what,
					 R(y->rs), R(y->rs + y->rl - 1), b == a ? "by the same copy" : "later");
				bad = why;
			}
		}
		/* of two overlapping targets, the later segment's bytes are written last */
		for (size_t b = a + 1; !bad && x->seg >= 0 && b < n; b++) {
			const struct step *y = &st[b];
			if (y->seg >= 0 && y->seg < x->seg && ov(x->ws, x->wl, y->ws, y->wl)) {
				snprintf(why, sizeof(why), "%s (segment %ld) is written before %s (segment %ld), which it "
					 "overlaps at 0x%llx: the earlier segment's bytes would win", x->what, x->seg,
					 y->what, y->seg, R(x->ws > y->ws ? x->ws : y->ws));
				bad = why;
			}
		}
	}
	free(st);
	free(names);
	return bad;
}

static unsigned long long staged_checked, staged_moving;

static void report_staged(void)
{
	fprintf(stderr, "stage_check: %llu staging decisions checked, %llu of them with trampoline moves\n",
		staged_checked, staged_moving);
}

void stage_check_or_abort(struct plan *p, struct mem_map *m, size_t tramp_code, stage_phys_fn *phys)
{
	struct stage_plan sp;
	struct diag d;
	int r = plan_stage(p, m, tramp_code, phys, &sp, &d);
	if (r == -ST_INTERNAL) {
		fprintf(stderr, "plan_stage: internal error: %s\n", d.msg);
		abort();
	}
	if (r)
		return;
	if (staged_checked++ == 0)
		atexit(report_staged);
	staged_moving += sp.nmoves != 0;
	const char *v = stage_check(p, m, &sp, phys);
	if (v) {
		fprintf(stderr, "staging invariant violated: %s\n", v);
		abort();
	}
}
