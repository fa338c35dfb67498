/* What the pure code needs from its surroundings, on the host: zalloc from
 * calloc and file_read over memory-backed files. */
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "file.h"
#include "status.h"

#ifdef FWBOOT_FUZZ
/* Under the fuzzer every allocation of one input is freed after it, so the
 * bump-heap style of the pure code does not add up over millions of runs.
 * Each harness defines fuzz_one; this is libFuzzer's entry around it. */
static void **live;
static size_t nlive, caplive;

void *zalloc(size_t n)
{
	if (nlive == caplive) {
		size_t cap = caplive ? caplive * 2 : 1024;
		void **g = realloc(live, cap * sizeof(*g));
		if (!g)
			return NULL;
		live = g;
		caplive = cap;
	}
	void *p = calloc(1, n ? n : 1);
	if (p)
		live[nlive++] = p;
	return p;
}

int fuzz_one(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size);
	while (nlive)
		free(live[--nlive]);
	return 0;
}
#else
void *zalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}
#endif

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
