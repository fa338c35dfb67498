/* What the pure code needs from its surroundings, on the host: zalloc from
 * calloc and file_read over memory-backed files. */
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "file.h"
#include "status.h"

void *zalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

int file_read(const struct file *f, uint64_t off, void *dst, uint64_t len)
{
	if (!f->mem || off > f->size || len > f->size - off)
		return -ST_IO;
	memcpy(dst, f->mem + off, len);
	return 0;
}

#ifndef FWBOOT_FUZZ	/* libFuzzer sets its own sanitizer options */
/* The pure code allocates like the kernel's bump heap: nothing is freed
 * before hand-off, so leaks are by design, not bugs. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif
