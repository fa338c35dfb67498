/* SPDX-License-Identifier: BSD-2-Clause */
/* What plan_execute does with a plan, decided before a byte moves: which
 * segments are staged (loaded elsewhere first, moved by the trampoline),
 * where their staging copies go, where the trampoline goes, and the moves
 * it makes, in order. Pure code: the host tests and the planner fuzz
 * harnesses check its decisions (tests/unit/plan_check.h, stage_check). */
#ifndef FWBOOT_STAGE_H
#define FWBOOT_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/physmap.h"
#include "kernel/plan.h"

/* Where the bytes at ptr (a block fwboot built, a file held in memory)
 * sit in the guest's physical memory; STAGE_NOWHERE for bytes that are
 * not in guest memory. NULL: the pointer's value (fwboot's flat memory). */
typedef uint64_t stage_phys_fn(const void *ptr);
#define STAGE_NOWHERE UINT64_MAX

struct stage_move {
	int zero;		/* 1: zero [dst, dst+len); 0: copy from src */
	uint64_t src, dst, len;
	size_t seg;		/* the plan segment it completes */
};

struct stage_plan {
	uint64_t *at;		/* per segment: where the load writes it (dst, or its staging copy) */
	struct stage_move *moves;	/* the trampoline's, in the order it makes them */
	size_t nmoves;
	uint64_t tramp, tramp_size;	/* the trampoline: its code, parameters and move table */
	size_t params_off;	/* struct tramp_params at tramp + params_off, the table after it */
};

/*
 * Decide for plan p over m (claims as the planner left them). A segment
 * is staged when its target overlaps fwboot's memory (a SELF claim) or the
 * in-memory source of a segment loaded at or after it (it would overwrite
 * bytes not yet read), and so is every later segment that overlaps a
 * staged one (plan order decides which bytes win; the trampoline moves run
 * after every direct load). Staging copies and the trampoline (tramp_code
 * bytes of code) are claimed from free memory (CLAIM_STAGE, CLAIM_PLACED):
 * the trampoline below 1 MiB, or anywhere below 4 GiB for a 32-bit entry.
 * Sets p->segs[i].staged. 0, or a negative status with the reason in d.
 */
int plan_stage(struct plan *p, struct mem_map *m, size_t tramp_code, stage_phys_fn *phys,
	       struct stage_plan *out, struct diag *d);

/* The guest-memory range of segment s's source, or 0 when it has none
 * (fw_cfg, zero fill). */
int stage_source(const struct plan_seg *s, stage_phys_fn *phys, uint64_t *start, uint64_t *len);

/* Decide every staging address (plan_stage) and check the entry mode:
 * nothing is written yet, so a failure here is clean. */
int plan_prepare(struct plan *p, struct mem_map *m, struct stage_plan *sp, struct diag *d);

#endif
