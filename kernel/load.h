/* Carry out a boot plan: move every byte to its place (DMA straight to the
 * final address; staged through free memory only where fwboot itself
 * sits), then hand off. Returns only when something failed. */
#ifndef FWBOOT_LOAD_H
#define FWBOOT_LOAD_H

#include "diag.h"
#include "mem.h"
#include "plan.h"
#include "stage.h"

/* plan_prepare, then plan_run. */
int plan_execute(struct plan *p, struct mem_map *m, struct diag *d);

/* Decide every staging address (plan_stage) and check the entry mode:
 * nothing is written yet, so a failure here is clean. */
int plan_prepare(struct plan *p, struct mem_map *m, struct stage_plan *sp, struct diag *d);

/* Load every segment (staged ones to their staging copies) and set the
 * payload's graphics mode. */
int plan_load(struct plan *p, const struct stage_plan *sp, struct diag *d);

/* plan_load, then set up the trampoline and jump (handoff_jump). */
int plan_run(struct plan *p, const struct stage_plan *sp, struct diag *d);

#endif
