/* zalloc and file_read for the fuzz harnesses (tests/unit/host.c without
 * its ASan defaults, which libFuzzer sets itself). */
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
