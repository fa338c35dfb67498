/* SPDX-License-Identifier: BSD-2-Clause */
/* diag_fail: record a rejection reason and turn a status into an error. */
#include "lib/diag.h"
#include "lib/fmt.h"

int diag_fail(struct diag *d, int status, const char *fmt, ...)
{
	if (d) {
		va_list ap;
		va_start(ap, fmt);
		fmt_vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return -status;
}
