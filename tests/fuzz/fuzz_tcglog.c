/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the TCG event log walk (kernel/measure.c's tcg_log_end): the log
 * area a firmware left, read before fwboot appends to it. */
#include <stdint.h>
#include <stdlib.h>
#include "kernel/measure.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	struct diag d;
	size_t end = 0;
	if (tcg_log_end(data, size, &end, &d) == 0 && end > size)
		abort();	/* the end lies inside the area */
	return 0;
}
