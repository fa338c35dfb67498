/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_add: grow the segment list on demand. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/plan.h"

struct plan_seg *plan_add(struct plan *p, uint64_t dst, uint64_t len, enum seg_src src,
			  const char *what)
{
	if (p->nsegs == p->segcap) {
		size_t cap = p->segcap ? p->segcap * 2 : 16;
		struct plan_seg *n = zalloc(cap * sizeof(*n));
		if (!n)
			return 0;
		if (p->nsegs)
			memcpy(n, p->segs, p->nsegs * sizeof(*n));
		p->segs = n;
		p->segcap = cap;
	}
	struct plan_seg *s = &p->segs[p->nsegs++];
	memset(s, 0, sizeof(*s));
	s->dst = dst;
	s->len = len;
	s->src = src;
	s->what = what;
	return s;
}
