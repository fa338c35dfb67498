/* Carry out a boot plan: move every byte to its place (DMA straight to the
 * final address; staged through free memory only where fwboot itself
 * sits), then hand off. Returns only when something failed. */
#ifndef FWBOOT_LOAD_H
#define FWBOOT_LOAD_H

#include "diag.h"
#include "mem.h"
#include "plan.h"

int plan_execute(struct plan *p, struct mem_map *m, struct diag *d);

#endif
