/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz fwboot's own command-line parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/cmdline.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	struct cmdline c;
	struct diag d;
	cmdline_parse(s, &c, &d);
	free(s);
	return 0;
}
