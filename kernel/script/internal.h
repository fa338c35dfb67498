/* SPDX-License-Identifier: BSD-2-Clause */
/* What the pieces of the boot-script interpreter share: the state of a run,
 * its frames and images, the command table's shape, and the helpers one
 * file defines and another calls. Not part of the API (kernel/script/script.h).
 *
 * Memory comes from zalloc and is never given back, so every buffer is
 * reused once it exists: a goto loop runs in constant memory. */
#ifndef FWBOOT_SCRIPT_INTERNAL_H
#define FWBOOT_SCRIPT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "lib/sha256.h"	/* SHA256_SIZE */
#include "kernel/file.h"
#include "kernel/script/script.h"

#define SCRIPT_INLINE_LINE 256
#define SCRIPT_INLINE_ARENA 512
#define SCRIPT_INLINE_WORDS 32

enum script_stop {
	SCRIPT_GO,
	SCRIPT_STOP_LINE,	/* goto: the rest of the line is skipped */
	SCRIPT_STOP_SCRIPT,	/* exit, chain --replace: the current script ends */
};

/* A byte buffer whose storage only grows, and is reused. */
struct script_buf {
	char *p;
	size_t cap;
};

struct script_var {
	char name[SCRIPT_MAX_VAR_NAME + 1];	/* "" = free slot */
	struct script_buf value;
};

struct script_image {
	struct script_buf name;
	struct script_buf args;
	struct file file;	/* a copy: the boot request points here */
	const char *path;	/* fw_cfg name it came from (from the file cache) */
	int selected;
	int pinned;		/* --sha256 given: */
	uint8_t sha256[SHA256_SIZE];	/* the digest its bytes must have */
};

/* One open per name and run, failures included: fw_cfg does not change,
 * so a retry would only cost the env another allocation. */
struct script_cached {
	const char *path;
	struct file *file;	/* NULL when the open failed: */
	int status;		/* its status */
	const char *reason;	/* and its reason */
};

struct script_label {
	size_t pos;		/* offset of the label's line */
	unsigned line;
	size_t name;		/* offset in the frame's label names */
};

/* One running script. Frame 0 lives on script_run's stack; chained ones
 * are allocated once per depth and reused. */
struct script_frame {
	const char *name;
	const char *text;
	size_t len;
	size_t pos;		/* where the next line starts */
	unsigned lineno;	/* first line of the current command */
	unsigned next_lineno;
	struct script_buf text_buf;
	struct script_buf line;	/* the current line, split in place */
	struct script_buf arena;	/* the current command's expanded words */
	size_t arena_len;
	char **words;
	char **argv;
	size_t *offs;
	size_t wordcap;
	struct script_label *labels;
	size_t nlabels, labelcap;
	struct script_buf names;
	size_t names_len;
	struct diag pending;	/* the last failed command's located reason */
	int has_pending, pending_quiet;
	char line_inline[SCRIPT_INLINE_LINE];
	char arena_inline[SCRIPT_INLINE_ARENA];
	char *words_inline[SCRIPT_INLINE_WORDS];
	char *argv_inline[SCRIPT_INLINE_WORDS];
	size_t offs_inline[SCRIPT_INLINE_WORDS];
};

struct script_state {
	struct script_env *env;
	struct script_var *vars;
	size_t nvars, varcap;
	struct script_image *images;
	size_t nimages, imagecap;
	struct script_cached *files;
	size_t nfiles, filecap;
	struct boot_module *mods;
	size_t modcap;
	struct script_frame *frames[SCRIPT_MAX_DEPTH];
	int depth;
	unsigned long steps;
	unsigned long slept;
	enum script_stop stop;
	int fatal;		/* no || can catch it: the run ends */
	int located;		/* the reason already names its script and line */
	int quiet;		/* a false condition, not an error worth printing */
	char number[40];
	char setting[128];	/* the value of the last machine setting looked up */
	struct script_menu *menus;	/* SCRIPT_MAX_MENUS, allocated on first use */
	struct script_buf scratch;
	struct script_buf input;	/* the line read or shell last read */
};

/* The options a command may take (its script_cmd's opts), and what a
 * command's words gave for them (options.c parses them). */
enum {
	SCRIPT_OPT_NAME = 1,
	SCRIPT_OPT_TIMEOUT = 2,
	SCRIPT_OPT_AUTOFREE = 4,
	SCRIPT_OPT_REPLACE = 8,
	SCRIPT_OPT_SHA256 = 16,
	SCRIPT_OPT_IMAGE = 31,	/* iPXE's image commands all take the four, and fwboot's --sha256 */
	SCRIPT_OPT_DELETE = 32,	/* the menu commands' (interact.c) */
	SCRIPT_OPT_MENU = 64,
	SCRIPT_OPT_KEY = 128,
	SCRIPT_OPT_DEFAULT = 256,	/* item --default: a flag */
	SCRIPT_OPT_DEFLABEL = 512,	/* choose --default LABEL */
	SCRIPT_OPT_GAP = 1024,
	SCRIPT_OPT_KEEP = 2048,
	SCRIPT_OPT_EXT = 4096,	/* cpuid's */
	SCRIPT_OPT_ECX = 8192,
};

struct script_opts {
	const char *name;
	int replace;
	int pinned;		/* --sha256=HEX given */
	uint8_t sha256[SHA256_SIZE];
	int given;		/* SCRIPT_OPT_ bits seen */
	unsigned timeout;	/* --timeout MS */
	const char *menu, *deflabel;
	int key;		/* --key K as a key code */
};

/* Each command gets argv with its options parsed: argv[i..argc) are the
 * positional words, already counted against the command's min and max. */
typedef int script_fn(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		      const struct script_opts *o, struct diag *why);

struct script_cmd {
	const char *name;
	script_fn *fn;
	int min, max;		/* positional words; max -1 = any */
	int opts;		/* SCRIPT_OPT_ bits, or -1: the command reads its own */
	const char *usage;
};

/* Menus (interact.c): kept by name until chosen or deleted. */
#define SCRIPT_MAX_MENUS 8
#define SCRIPT_MAX_ITEMS 64	/* per menu */
#define SCRIPT_MAX_MENU_NAME 31
#define SCRIPT_MAX_INPUT 255	/* bytes of a line typed to read or shell */
#define SCRIPT_MAX_INPUT_STR "255"

struct script_item {
	struct script_buf label, text;	/* label "" : a gap (not selectable) */
	int key;			/* hotkey, 0 = none */
	int is_default;
};

struct script_menu {
	char name[SCRIPT_MAX_MENU_NAME + 1];
	int used;
	struct script_buf title;
	struct script_item *items;
	size_t nitems, itemcap;
};

/* expand.c: buffers, numbers, variables, ${} expansion */
void script_buf_init(struct script_buf *b, char *storage, size_t cap);
int script_buf_reserve(struct script_buf *b, size_t need);
int script_buf_set(struct script_buf *b, const char *s, size_t n);
int script_grow(void **arr, size_t *cap, size_t need, size_t elem);
void script_print(struct script_state *st, const char *s);
void script_printf(struct script_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int script_no_memory(struct script_state *st, struct diag *why);
int script_number(const char *s, unsigned *out);
int script_join(struct script_buf *b, int argc, char **argv);
struct script_var *script_find_var(struct script_state *st, const char *name);
int script_var_put(struct script_state *st, const char *name, const char *value, struct diag *why);
int script_check_var_name(const char *name, struct diag *why);
int script_arena_put(struct script_frame *f, const char *s, size_t n, struct diag *why);
int script_expand(struct script_state *st, struct script_frame *f, const char *s, size_t n, int depth,
		  struct diag *why);

/* options.c */
int script_parse_opts(int argc, char **argv, int allowed, struct script_opts *o, struct diag *why);

/* images.c: files, URIs and the image commands */
int script_parse_uri(const char *uri, const char **path, struct diag *why);
int script_open(struct script_state *st, const char *path, struct script_cached **out, struct diag *why);
script_fn script_cmd_fetch, script_cmd_select, script_cmd_imgargs, script_cmd_exec, script_cmd_imgfree,
	script_cmd_imgstat;

struct script_frame *script_frame_at(struct script_state *st);

/* interact.c: menus, prompts, typed lines, the shell */
script_fn script_cmd_menu, script_cmd_item, script_cmd_choose, script_cmd_prompt, script_cmd_read, script_cmd_inc,
	script_cmd_shell, script_cmd_cpuid;

/* commands.c: the other commands and the table of them all */
const struct script_cmd *script_find_cmd(const char *name);

/* run.c: a nested script runs as one more frame */
int script_exec_frame(struct script_state *st, struct script_frame *f, struct diag *d);

#endif
