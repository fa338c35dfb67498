/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: the part of iPXE's script language that boot configurations
 * use, with iPXE's meaning, over files in fw_cfg. A script is just another
 * format whose plan is to open more files and choose one. Pure code: the
 * surroundings (open, boot, console, sleep) come in through script_env.
 * docs/scripts.md is the user's documentation. */
#ifndef FWBOOT_SCRIPT_H
#define FWBOOT_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/file.h"
#include "kernel/request.h"

/* Bounds: every loop and every allocation of a script run has one. */
#define SCRIPT_MAX_DEPTH 8		/* scripts chained inside scripts, the first included */
#define SCRIPT_MAX_SIZE 65536		/* bytes of a chained script */
#define SCRIPT_MAX_LINE 4096		/* bytes of a line, continuations joined */
#define SCRIPT_MAX_EXPANDED 8192	/* bytes of a command's words after ${} expansion */
#define SCRIPT_MAX_WORDS 256		/* words in a line */
#define SCRIPT_MAX_NESTED_VARS 8	/* ${a${b}} nesting */
#ifdef FWBOOT_FUZZ
#define SCRIPT_MAX_STEPS 2000		/* fuzzing: same bound, reached sooner */
#else
#define SCRIPT_MAX_STEPS 100000		/* commands executed in one run, all scripts together */
#endif
#define SCRIPT_MAX_SLEEP 3600		/* seconds slept in one run */
#define SCRIPT_MAX_VARS 64
#define SCRIPT_MAX_VAR_NAME 63
#define SCRIPT_MAX_IMAGES 64		/* images held at once */
#define SCRIPT_MAX_FILES 128		/* distinct files opened in one run */

struct script_env {
	void *ctx;
	/* Open a file by fw_cfg name ("archive#member" for a bundle member):
	 * *out gets a zalloc'd file, or a negative status comes back with the
	 * reason in d, e.g. no fw_cfg file "opt/fwboot/xen". The interpreter
	 * keeps name alive for good (file->name may point at it) and opens
	 * each distinct name once per run. */
	int (*open)(void *ctx, const char *name, struct file **out, struct diag *d);
	/* Boot the request: returns only on failure (negative status, reason
	 * in d). A return of 0 means the payload came back; the script goes on. */
	int (*boot)(void *ctx, const struct boot_request *req, struct diag *d);
	/* Console output, no prefix added. */
	void (*print)(void *ctx, const char *s);
	/* Wait N seconds; may be NULL (no wait). */
	void (*sleep)(void *ctx, unsigned seconds);
	const char *version;	/* ${fwboot/version}, e.g. "0.1.0" */
	/* The next key (kernel/keys.h) within timeout_ms milliseconds, 0 =
	 * as long as it takes; KEY_NONE when none came (or, with 0, when no
	 * key can come any more). NULL: no keyboard. */
	int (*read_key)(void *ctx, unsigned timeout_ms);
	/* A read-only setting of the machine (${platform}, ${uuid}, ...):
	 * 0 with its value in buf[0..cap), or -1 when it has none (the
	 * variable is then empty, as in iPXE). NULL: none. */
	int (*setting)(void *ctx, const char *name, char *buf, size_t cap);
	/* CPUID leaf: regs[0..3] = EAX, EBX, ECX, EDX. NULL: no CPUID. */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t regs[4]);
};

/* True when buf starts with #!ipxe, #!gpxe or #!fwboot followed by white
 * space (CRLF included) or by the end of buf. len may be a prefix of the file. */
int script_detect(const uint8_t *buf, size_t len);

/*
 * Run the script text[0..len) named name (for messages and chain-loop
 * detection). Returns 0 when it ended without booting (end of text, exit,
 * exit 0), or a negative status with the reason in d, formatted
 * "script NAME:LINE: CMD: reason": -ST_SCRIPT for script errors, or the
 * status of the failing command (the env's open or boot, -ST_NO_MEMORY).
 * Failures handled by || are printed through env->print as
 * "fwboot: <reason>\n" (isset/iseq stay quiet) and the script goes on.
 */
int script_run(struct script_env *env, const char *name, const char *text, size_t len,
	       struct diag *d);

#endif
