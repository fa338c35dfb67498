/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef FWBOOT_HEAP_H
#define FWBOOT_HEAP_H

#include <stddef.h>
#include <stdint.h>

void heap_init(uintptr_t base, size_t size);
size_t heap_free_bytes(void);
size_t heap_size(void);

/* A point to come back to: heap_release(mark) gives back everything
 * zalloc'd after heap_mark() returned it (a failed boot attempt). */
uintptr_t heap_mark(void);
void heap_release(uintptr_t mark);

#endif
