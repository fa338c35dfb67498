#ifndef FWBOOT_HEAP_H
#define FWBOOT_HEAP_H

#include <stddef.h>
#include <stdint.h>

void heap_init(uintptr_t base, size_t size);
size_t heap_free_bytes(void);

#endif
