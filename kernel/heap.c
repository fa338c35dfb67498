/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot's heap: one bump allocator over a range claimed at start-up. What
 * an attempt took goes back with heap_release; the rest dies at hand-off. */
#include <stdint.h>
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/heap.h"

static uintptr_t heap_base, heap_next, heap_end;

void heap_init(uintptr_t base, size_t size)
{
	heap_base = base;
	heap_next = base;
	heap_end = base + size;
}

void *alloc_filled(size_t n)
{
	uintptr_t p = (heap_next + 15) & ~(uintptr_t)15;
	if (p < heap_next || n > heap_end - p)
		return 0;
	heap_next = p + n;
	return (void *)p;
}

void *zalloc(size_t n)
{
	void *p = alloc_filled(n);
	if (p)
		memset(p, 0, n);
	return p;
}

size_t heap_free_bytes(void)
{
	return heap_end - heap_next;
}

size_t heap_size(void)
{
	return heap_end - heap_base;
}

uintptr_t heap_mark(void)
{
	return heap_next;
}

void heap_release(uintptr_t mark)
{
	if (mark >= heap_base && mark <= heap_next)
		heap_next = mark;
}
