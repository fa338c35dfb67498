/* SPDX-License-Identifier: BSD-2-Clause */
/* A rejection reason. Pure parsers fill one in instead of printing, so the
 * host tests can assert the exact text and the kernel can print it. */
#ifndef FWBOOT_DIAG_H
#define FWBOOT_DIAG_H

#include <stdarg.h>

struct diag {
	char msg[512];
};

/* Format a reason into d (if d is non-NULL) and return -status. */
int diag_fail(struct diag *d, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
