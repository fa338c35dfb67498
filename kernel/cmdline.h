/* fwboot's own command line: what to fetch and how. */
#ifndef FWBOOT_CMDLINE_H
#define FWBOOT_CMDLINE_H

#include <stddef.h>
#include "diag.h"
#include "fw_cfg.h"

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
};

/*
 * Parse s in place (words are NUL-terminated inside it). The first word is
 * the loader's image path when it is neither key=value nor a known keyword
 * (QEMU and GRUB Legacy put the path first, GRUB 2 does not), and is skipped.
 * Everything after a lone "--" is kept verbatim as args. Unknown keys,
 * empty values and over-long names are rejected with ST_CMDLINE.
 */
int cmdline_parse(char *s, struct cmdline *c, struct diag *d);

/* The console level the words before "--" ask for (the last of quiet and
 * verbose counts; 1 if neither): known before anything is printed. */
int cmdline_verbosity(const char *s);

#endif
