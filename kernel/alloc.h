/* SPDX-License-Identifier: BSD-2-Clause */
/* zalloc: zeroed memory that lives until hand-off. The kernel takes it
 * from its heap (kernel/heap.c); the host tests from calloc. NULL when out. */
#ifndef FWBOOT_ALLOC_H
#define FWBOOT_ALLOC_H

#include <stddef.h>

void *zalloc(size_t n);
/* The same, not zeroed on the target: for a buffer the caller fills
 * wholly at once (a 32 KiB header window is 8192 stores to clear). */
void *alloc_filled(size_t n);

#endif
