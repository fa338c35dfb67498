/* SPDX-License-Identifier: BSD-2-Clause */
/* The one front end every platform runs after its own setup: the command
 * line, fw_cfg's directory, the named file (a script runs, a bundle
 * member opens), pins, and boot attempts that give back what they took
 * when they fail. platform/<name>/main.c sets up the platform (console,
 * memory, heap) and calls frontend_run; everything else is here. */
#ifndef FWBOOT_FRONTEND_H
#define FWBOOT_FRONTEND_H

#include "kernel/cmdline.h"
#include "kernel/request.h"
#include "lib/diag.h"

/* Set the console level the command line asks for and print the banner:
 * first, so every later line already obeys quiet and verbose. */
void frontend_console(const char *cmdline);

struct frontend_start {
	const char *cmdline;		/* what the loader passed; "" none */
	enum cmdline_path path_rule;	/* whether its first word is fwboot's own path */
	const char *loader_name;	/* what payloads are told booted them: "fwboot 0.1.0" */
};

/* Run the front end. Returns 0 only when the payload came back (an EFI
 * application returned); every failure ends in panic with its status. */
int frontend_run(const struct frontend_start *st);

/* One boot attempt of req: pins, inflating, probe and plan, hand-off.
 * Returns only on failure (or a firmware image that came back: 0), with
 * everything the attempt took given back: heap, memory claims, the
 * platform's pages. Scripts call it again and again. */
int frontend_boot(const struct boot_request *req, struct diag *d);

/* Boot the named file: a script runs (its boots come back through
 * frontend_boot), anything else is booted. */
int frontend_boot_named(const struct boot_request *req, struct diag *d);

#endif
