/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_stage: see stage.h. Everything here is a decision over numbers;
 * kernel/load.c carries it out. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/handoff.h"
#include "kernel/stage.h"
#include "include/status.h"

static uint64_t phys_of(stage_phys_fn *phys, const void *ptr)
{
	return phys ? phys(ptr) : (uint64_t)(uintptr_t)ptr;
}

int stage_source(const struct plan_seg *s, stage_phys_fn *phys, uint64_t *start, uint64_t *len)
{
	const uint8_t *ptr = s->src == SRC_MEM ? s->mem : s->src == SRC_FILE && s->file && s->file->mem
		? s->file->mem + s->off : 0;
	if (!ptr || s->len == 0)
		return 0;
	uint64_t a = phys_of(phys, ptr);
	if (a == STAGE_NOWHERE)
		return 0;
	*start = a;
	*len = s->len;
	return 1;
}

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* A range fwboot picked must miss every target: a target nobody claimed
 * (a planner's mistake) is found here, not by the payload. */
static int clear_of_targets(const struct plan *p, uint64_t at, uint64_t len, const char *what,
			    struct diag *d)
{
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct plan_seg *s = &p->segs[i];
		if (overlap(at, len, s->dst, s->len))
			return diag_fail(d, ST_INTERNAL, "load: %s at 0x%llx-0x%llx would overlap %s at 0x%llx-0x%llx,"
					 " which nothing claimed", what, (unsigned long long)at,
					 (unsigned long long)(at + len - 1), s->what, (unsigned long long)s->dst,
					 (unsigned long long)(s->dst + s->len - 1));
	}
	return 0;
}

int plan_stage(struct plan *p, struct mem_map *m, size_t tramp_code, stage_phys_fn *phys,
	       struct stage_plan *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->at = zalloc((p->nsegs + 1) * sizeof(*out->at));
	out->moves = zalloc((p->nsegs + 1) * sizeof(*out->moves));
	if (!out->at || !out->moves)
		return diag_fail(d, ST_NO_MEMORY, "load: no memory");

	/* 1. which segments wait for the trampoline */
	for (size_t i = 0; i < p->nsegs; i++) {
		struct plan_seg *s = &p->segs[i];
		s->staged = s->len && mem_overlaps(m, s->dst, s->len, CLAIM_SELF);
		for (size_t k = i; k < p->nsegs && s->len && !s->staged; k++) {
			uint64_t a, n;
			if (stage_source(&p->segs[k], phys, &a, &n) && overlap(s->dst, s->len, a, n))
				s->staged = 1;
		}
	}
	for (size_t i = 0; i < p->nsegs; i++)	/* a later overlapping segment must still win */
		for (size_t j = i + 1; p->segs[i].staged && j < p->nsegs; j++)
			if (overlap(p->segs[i].dst, p->segs[i].len, p->segs[j].dst, p->segs[j].len))
				p->segs[j].staged = 1;

	/* 2. a staging copy for each staged segment that has bytes */
	for (size_t i = 0; i < p->nsegs; i++) {
		struct plan_seg *s = &p->segs[i];
		out->at[i] = s->dst;
		if (!s->staged)
			continue;
		struct stage_move *mv = &out->moves[out->nmoves++];
		mv->zero = s->src == SRC_ZERO;
		mv->dst = s->dst;
		mv->len = s->len;
		mv->seg = i;
		if (mv->zero)
			continue;
		int r = mem_alloc(m, s->len, 16, MEM_LOW_END, MEM_4G, MEM_TOP_DOWN, CLAIM_STAGE, s->what,
				  &out->at[i], d);
		if (r)
			return diag_fail(d, -r, "load: no room to stage %s (%llu bytes)", s->what,
					 (unsigned long long)s->len);
		r = clear_of_targets(p, out->at[i], s->len, "the staging copy", d);
		if (r)
			return r;
		mv->src = out->at[i];
	}

	/* 3. the trampoline: code, parameters, move table */
	out->params_off = (tramp_code + 15) & ~(size_t)15;
	out->tramp_size = out->params_off + sizeof(struct tramp_params) + out->nmoves * sizeof(struct tramp_op);
	/* below 1 MiB when possible: the real-mode exit needs it */
	int r = mem_alloc(m, out->tramp_size, 16, 0x1000, 0xA0000, MEM_TOP_DOWN, CLAIM_PLACED, "trampoline",
			  &out->tramp, 0);
	if (r && p->mode != ENTRY_REAL16)
		r = mem_alloc(m, out->tramp_size, 16, MEM_LOW_END, MEM_4G, 0, CLAIM_PLACED, "trampoline",
			      &out->tramp, d);
	if (r)
		return diag_fail(d, -r, "load: no room below 1 MiB for the hand-off trampoline");
	return clear_of_targets(p, out->tramp, out->tramp_size, "the trampoline", d);
}

/* Every address of a plan, before a byte moves (plan_stage, for the
 * trampoline's size), and an entry mode the hand-off knows. */
int plan_prepare(struct plan *p, struct mem_map *m, struct stage_plan *sp, struct diag *d)
{
	int r = plan_stage(p, m, (size_t)(tramp_end - tramp_start), 0, sp, d);
	if (r)
		return r;
	if (p->mode != ENTRY_FLAT32 && p->mode != ENTRY_REAL16 && p->mode != ENTRY_LONG64)
		return diag_fail(d, ST_INTERNAL, "load: entry mode %d is not implemented", p->mode);
	return 0;
}

