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

/* ---- ENTRY_LONG64: the page tables the plan built (a block fwboot built) ---- */
#define LM_P 1ull
#define LM_W 2ull
#define LM_PS 0x80ull
#define LM_NX (1ull << 63)
#define LM_ADDR 0x000ffffffffff000ull
#define LM_LA57 0x1000u		/* CR4: 5-level paging, the direct map at 0xff00000000000000 */

static int lm_levels(const struct plan *p)
{
	return p->lm_cr4 & LM_LA57 ? 5 : 4;
}

static uint64_t lm_hhdm(const struct plan *p)
{
	return p->lm_cr4 & LM_LA57 ? 0xff00000000000000ull : 0xffff800000000000ull;
}

static uint64_t lm_get(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);	/* the host is little-endian x86 */
	return v;
}

/* The block fwboot built holding [addr, addr + n), and its bytes there. */
static const uint8_t *built_at(const struct plan *p, uint64_t addr, uint64_t n)
{
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (s->src == SRC_MEM && s->mem && addr >= s->dst && n <= s->len && addr - s->dst <= s->len - n)
			return (const uint8_t *)s->mem + (addr - s->dst);
	}
	return 0;
}

/* Walk va through the tables at cr3: its physical address and the
 * rights of the path (*w writable, *x executable), or -1 (not mapped, or a
 * table outside what fwboot built). */
static int lm_walk(const struct plan *p, uint64_t va, uint64_t *pa, int *w, int *x)
{
	uint64_t table = p->lm_cr3;
	*w = *x = 1;
	for (int level = lm_levels(p); level >= 1; level--) {
		const uint8_t *t = built_at(p, table, 4096);
		if (!t)
			return -1;
		uint64_t e = lm_get(t + 8 * ((va >> (12 + 9 * (level - 1))) & 511));
		if (!(e & LM_P))
			return -1;
		*w &= !!(e & LM_W);
		*x &= !(e & LM_NX);
		if (level == 1 || (e & LM_PS)) {
			uint64_t size = 1ull << (12 + 9 * (level - 1));
			*pa = (e & LM_ADDR & ~(size - 1)) + (va & (size - 1));
			return 0;
		}
		table = e & LM_ADDR;
	}
	return -1;
}

static uint64_t align4k(uint64_t n)
{
	return (n + 4095) & ~4095ull;
}

/* Every mapping of the higher half but the direct map (which maps all, as
 * the protocol says) lands on a segment of the plan, never fwboot's memory. */
static const char *lm_leaves(const struct plan *p, const struct mem_map *m, uint64_t table, int level, uint64_t va)
{
	const uint8_t *t = built_at(p, table, 4096);
	if (!t)
		FAIL("long mode: a page table at 0x%llx is not in a block fwboot built", (unsigned long long)table);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = lm_get(t + 8 * i), v = va | (uint64_t)i << (12 + 9 * (level - 1));
		int top = level == lm_levels(p);
		if (!(e & LM_P) || (top && (i < 256 || i == ((lm_hhdm(p) >> (12 + 9 * (level - 1))) & 511))))
			continue;
		if (top)	/* canonical: the bits above the top level's copy its highest */
			v |= level == 5 ? 0xfe00000000000000ull : 0xffff000000000000ull;
		if (level > 1 && !(e & LM_PS)) {
			const char *r = lm_leaves(p, m, e & LM_ADDR, level - 1, v);
			if (r)
				return r;
			continue;
		}
		uint64_t pa = e & LM_ADDR, size = 1ull << (12 + 9 * (level - 1));
		int in_plan = 0;
		for (size_t k = 0; k < p->nsegs && !in_plan; k++)
			in_plan = pa >= p->segs[k].dst && pa + size <= p->segs[k].dst + align4k(p->segs[k].len);
		if (!in_plan || overlap_kind(m, pa, pa + size, CLAIM_SELF))
			FAIL("long mode: 0x%llx maps 0x%llx, %s", (unsigned long long)v, (unsigned long long)pa,
			     in_plan ? "fwboot's live memory" : "outside every segment");
	}
	return 0;
}

/* What the protocol requires mapped, and nothing of the kernel's on
 * fwboot's live memory. */
static const char *check_long64(const struct plan *p, const struct mem_map *m)
{
	static const uint64_t direct[] = { 0x1000, 0x100000, 0x7ff000, 0x80000000, 0xfffff000 };
	uint64_t pa;
	int w, x;
	if (!built_at(p, p->lm_gdt, 56))
		FAIL("long mode: the GDT at 0x%llx is not in a block fwboot built", (unsigned long long)p->lm_gdt);
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++) {
		if (lm_walk(p, direct[i], &pa, &w, &x) || pa != direct[i] || !w)
			FAIL("long mode: the identity map misses 0x%llx", (unsigned long long)direct[i]);
		if (lm_walk(p, lm_hhdm(p) + direct[i], &pa, &w, &x) || pa != direct[i] || !w)
			FAIL("long mode: the direct map misses 0x%llx", (unsigned long long)direct[i]);
	}
	if (lm_walk(p, p->lm_entry, &pa, &w, &x) || !x || !holder(p, pa, 0))
		FAIL("long mode: entry 0x%llx is not mapped executable onto a loaded segment",
		     (unsigned long long)p->lm_entry);
	if (lm_walk(p, p->lm_rsp - 8, &pa, &w, &x) || !w)
		FAIL("long mode: the stack below 0x%llx is not mapped writable", (unsigned long long)p->lm_rsp);
	return lm_leaves(p, m, p->lm_cr3, lm_levels(p), 0);
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
	/* every module loaded whole (a Limine kernel without a module request
	 * gets none: the protocol loads them only when asked) */
	int any = p->mode != ENTRY_LONG64;
	for (size_t k = 0; req && !any && k < req->nmods; k++)
		for (size_t i = 0; i < p->nsegs; i++)
			any |= p->segs[i].src == SRC_FILE && p->segs[i].file == req->mods[k].file;
	for (size_t k = 0; req && any && k < req->nmods; k++) {
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
	} else if (p->mode == ENTRY_LONG64) {
		const char *r = check_long64(p, m);
		if (r)
			return r;
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
