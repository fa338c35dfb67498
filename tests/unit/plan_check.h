/* SPDX-License-Identifier: BSD-2-Clause */
/* The invariants every accepted boot plan must satisfy, as one checker the
 * unit tests and every planner fuzz harness share (an oracle, not a
 * parser: it looks only at the plan and the memory map it was made for). */
#ifndef FWBOOT_PLAN_CHECK_H
#define FWBOOT_PLAN_CHECK_H

#include <stddef.h>
#include "kernel/physmap.h"
#include "kernel/plan.h"
#include "kernel/request.h"
#include "kernel/stage.h"

/*
 * For plan p that a planner accepted for req over m (m's claims as the
 * planner left them: FIRMWARE and SELF are the machine's facts):
 *  - every size and end is free of overflow and below 4 GiB;
 *  - every segment lies in one range the map calls available;
 *  - no two segments overlap, except an overlay: a block fwboot built,
 *    written after a segment it lies wholly inside, that segment not on
 *    fwboot's memory (Linux's filled setup header over its setup code);
 *  - none touches a FIRMWARE claim (IVT, BDA, EBDA); one that overlaps a
 *    SELF claim (fwboot's live memory) is only allowed for a file or zero
 *    segment, which plan_execute stages, never for a block fwboot built
 *    (boot information is placed in free memory);
 *  - a file segment's range lies inside its file;
 *  - every module of req is loaded whole by one file segment;
 *  - the entry lies in a loaded segment (32-bit: in a file segment, as
 *    every format's entry is the kernel's code; real mode: cs:ip inside a
 *    loaded segment), and the boot information register points into a
 *    block fwboot built (EBX for Multiboot and PVH, ESI for Linux 32-bit).
 * Returns NULL when all hold, else a description of the first violation
 * (static storage).
 */
const char *plan_check(const struct plan *p, const struct mem_map *m, const struct boot_request *req);

/* plan_check, and abort() with the violation printed (fuzz harnesses). */
void plan_check_or_abort(const struct plan *p, const struct mem_map *m, const struct boot_request *req);

/*
 * For plan p (already accepted by plan_check) and what plan_stage decided
 * for it over m, follow the moves as plan_execute makes them (every load
 * in plan order, straight to its target or to its staging copy; then the
 * trampoline is written; then its moves, in order) and require:
 *  - the decision is well-formed: one move per staged segment, none for
 *    the others, each move the segment's own target and length, copies
 *    read from the segment's staging copy;
 *  - staging copies and the trampoline lie in available RAM below 4 GiB
 *    (the trampoline below 0xA0000 for a real-mode entry), miss each
 *    other, every target, firmware's claims and fwboot's live memory;
 *  - while fwboot runs (the loads), nothing is written on its memory;
 *    during the moves nothing is written on the trampoline;
 *  - no write lands on bytes a later step still reads (an in-memory
 *    source: a block fwboot built, an inflated kernel; a staging copy);
 *  - of two overlapping targets, the one later in the plan is written
 *    last (its bytes win, as the planner meant).
 * phys maps in-memory sources to guest addresses as plan_stage did.
 * NULL when all hold, else the first violation (static storage).
 */
const char *stage_check(const struct plan *p, const struct mem_map *m, const struct stage_plan *sp,
			stage_phys_fn *phys);

/* plan_stage then stage_check; abort() on a violation or on an internal
 * error from plan_stage (a clean "no room" failure is fine). */
void stage_check_or_abort(struct plan *p, struct mem_map *m, size_t tramp_code, stage_phys_fn *phys);

#endif
