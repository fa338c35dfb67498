/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot's own command line: what to fetch and how. */
#ifndef FWBOOT_CMDLINE_H
#define FWBOOT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/fw_cfg.h"

#define CMDLINE_DEFAULT_NAME "opt/fwboot/boot"

struct cmdline {
	const char *name;	/* file to boot (default opt/fwboot/boot) */
	const char **initrds;	/* in order */
	size_t ninitrds;
	const char *args;	/* payload command line after a lone "--"; "" if none */
	int list;		/* print the fw_cfg directory and stop */
	enum fw_cfg_mode fw_cfg_mode;
	const char *format;	/* forced loader, or NULL */
	const char *entry;	/* loader-specific entry choice (Linux: "32" or "16"), or NULL */
	int verbosity;		/* 0 quiet, 1 normal, 2 verbose */
	const uint8_t *sha256;	/* the kernel's pin (32 bytes), or NULL */
	const uint8_t **initrd_sha256;	/* each initrd's pin, or NULL; in order */
	int measure_required;	/* measure=required: refuse a boot that cannot be measured */
};

/*
 * Parse s in place (words are NUL-terminated inside it). The first word is
 * the loader's image path when it is not `list`, `--` or one of fwboot's
 * options (QEMU and GRUB Legacy put the path first, GRUB 2 does not), and is
 * skipped: CMDLINE_PATH_GUESS of cmdline_parse_from. Everything after a lone
 * "--" is kept verbatim as args. Unknown keys, empty values, over-long
 * names, a second name=, format=, entry= or kernel pin, and a pin that is
 * not 64 hex digits are rejected with ST_CMDLINE. Pins: sha256=HEX (the
 * kernel), name=FILE,sha256=HEX, initrd=FILE,sha256=HEX.
 */
int cmdline_parse(char *s, struct cmdline *c, struct diag *d);

/* The console level the words before "--" ask for (the last of quiet and
 * verbose counts; 1 if neither): known before anything is printed. */
int cmdline_verbosity(const char *s);

/* Whether the first word is the loader's path to fwboot. */
enum cmdline_path {
	CMDLINE_PATH_GUESS,	/* unknown loader: a path unless list, -- or a known option */
	CMDLINE_PATH_FIRST,	/* QEMU (-kernel): always the path, whatever it holds */
	CMDLINE_PATH_NONE,	/* GRUB 2: never a path */
};

/* The start protocols a BIOS-side loader uses. */
#define START_MULTIBOOT1 1
#define START_MULTIBOOT2 2
#define START_PVH 3

/* The rule for the loader that started fwboot: its Multiboot boot loader
 * name (NULL when none) and the protocol (START_MULTIBOOT1, _2 or START_PVH
 * above). QEMU names itself "qemu" and starts Multiboot 1 only;
 * GRUB 2 names itself "GRUB 2..."; a PVH loader passes no path. */
enum cmdline_path cmdline_path_rule(const char *loader_name, int protocol);

/* cmdline_parse with the first word decided by rule. */
int cmdline_parse_from(char *s, enum cmdline_path rule, struct cmdline *c, struct diag *d);

#endif
