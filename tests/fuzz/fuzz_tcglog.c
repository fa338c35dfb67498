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
	struct tcg_algs algs;
	size_t end = 0;
	if (tcg_log_end(data, size, &end, &algs, &d) == 0 && (end > size || !algs.n || algs.n > 2))
		abort();	/* the end lies inside the area; one or two algorithms */
	return 0;
}
