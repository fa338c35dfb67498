/* SPDX-License-Identifier: BSD-2-Clause */
/* What to boot: a kernel file, its arguments and its modules, as the
 * command line or a script asked for them. Loaders plan from this. */
#ifndef FWBOOT_REQUEST_H
#define FWBOOT_REQUEST_H

#include <stddef.h>
#include "kernel/file.h"

struct boot_module {
	struct file *file;
	const char *args;	/* "" when none; never NULL */
};

struct boot_request {
	struct file *kernel;
	const char *args;	/* the payload's command line; "" when none */
	struct boot_module *mods;
	size_t nmods;
	const char *format;	/* forced loader name, or NULL for the probe order */
	const char *loader_name;	/* "fwboot <version>" */
	const char *entry;	/* loader-specific entry choice (entry=), or NULL for the default */
};

#endif
