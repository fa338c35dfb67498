/* SPDX-License-Identifier: BSD-2-Clause */
/* Carry out a boot plan: move every byte to its place (DMA straight to the
 * final address; staged through free memory only where fwboot itself
 * sits), then hand off. Returns only when something failed. */
#ifndef FWBOOT_LOAD_H
#define FWBOOT_LOAD_H

#include "lib/diag.h"
#include "kernel/physmap.h"
#include "kernel/plan.h"
#include "kernel/stage.h"

/* Load every segment (staged ones to their staging copies) and set the
 * payload's graphics mode. */
int plan_load(struct plan *p, const struct stage_plan *sp, struct diag *d);

/* plan_load, then set up the trampoline and jump (handoff_jump). */
int plan_run(struct plan *p, const struct stage_plan *sp, struct diag *d);

#endif
