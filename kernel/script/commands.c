/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: the commands that are not about images (echo, set, clear,
 * isset, iseq, goto, exit, sleep), and the table of every command (the
 * interactive ones are in interact.c). */
#include "lib/memops.h"	/* memcpy: platform/x86/memops.c, or the host libc */
#include "kernel/measure.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/str.h"

/* ---- commands ---- */

/* echo [-n] text: only leading "-n" words (and one "--") are options, so
 * text that starts with a dash prints as written. */
static int script_cmd_echo(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	int newline = 1;
	(void)f;
	(void)o;
	(void)why;
	while (i < argc && str_eq(argv[i], "-n")) {
		newline = 0;
		i++;
	}
	if (i < argc && str_eq(argv[i], "--"))
		i++;
	for (int k = i; k < argc; k++) {
		if (k > i)
			script_print(st, " ");
		script_print(st, argv[k]);
	}
	if (newline)
		script_print(st, "\n");
	return 0;
}

int script_check_var_name(const char *name, struct diag *why)
{
	if (!*name)
		return diag_fail(why, ST_SCRIPT, "empty variable name");
	if (str_len(name) > SCRIPT_MAX_VAR_NAME)
		return diag_fail(why, ST_SCRIPT, "variable name longer than %d characters", SCRIPT_MAX_VAR_NAME);
	if (str_starts(name, "fwboot/"))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is read-only", name);
	return 0;
}

/* set NAME [VALUE...]: the words joined by single spaces; an empty value
 * deletes the variable, as in iPXE. */
static int script_cmd_set(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			  const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)o;
	if (script_join(&st->scratch, argc - i - 1, argv + i + 1))
		return script_no_memory(st, why);
	return script_var_put(st, argv[i], st->scratch.p, why);
}

static int script_cmd_clear(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	int r = script_check_var_name(argv[i], why);
	if (r)
		return r;
	struct script_var *v = script_find_var(st, argv[i]);
	if (v)
		v->name[0] = '\0';
	return 0;
}

/* isset and iseq fail quietly: a false condition is not worth a message
 * unless nothing handles it. */
static int script_cmd_isset(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	if (argv[i][0])
		return 0;
	st->quiet = 1;
	return diag_fail(why, ST_SCRIPT, "the value is empty");
}

static int script_cmd_iseq(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	if (str_eq(argv[i], argv[i + 1]))
		return 0;
	st->quiet = 1;
	return diag_fail(why, ST_SCRIPT, "\"%s\" and \"%s\" differ", argv[i], argv[i + 1]);
}

/* goto LABEL: the next line read is the label's own (iPXE runs whatever
 * follows the label on that line). */
static int script_cmd_goto(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	(void)argc;
	(void)o;
	for (size_t k = 0; k < f->nlabels; k++) {
		if (str_eq(f->names.p + f->labels[k].name, argv[i])) {
			f->pos = f->labels[k].pos;
			f->next_lineno = f->labels[k].line;
			st->stop = SCRIPT_STOP_LINE;
			return 0;
		}
	}
	return diag_fail(why, ST_SCRIPT, "no label \"%s\"", argv[i]);
}

static int script_cmd_exit(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			   const struct script_opts *o, struct diag *why)
{
	unsigned status = 0;
	(void)f;
	(void)o;
	if (i < argc && script_number(argv[i], &status))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a number", argv[i]);
	st->stop = SCRIPT_STOP_SCRIPT;
	if (status == 0)
		return 0;
	return diag_fail(why, ST_SCRIPT, "exit status %u", status);
}

/* measure required|optional: the script's measure= (kernel/measure.h). */
static int script_cmd_measure(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			      const struct script_opts *o, struct diag *why)
{
	(void)st;
	(void)f;
	(void)argc;
	(void)o;
	if (!str_eq(argv[i], "required") && !str_eq(argv[i], "optional"))
		return diag_fail(why, ST_SCRIPT, "measure: \"%s\": expected required or optional", argv[i]);
	measure_set_required(argv[i][0] == 'r');
	return 0;
}

static int script_cmd_sleep(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
			    const struct script_opts *o, struct diag *why)
{
	unsigned seconds;
	(void)f;
	(void)argc;
	(void)o;
	if (script_number(argv[i], &seconds))
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a number", argv[i]);
	if (seconds > SCRIPT_MAX_SLEEP - st->slept)
		return diag_fail(why, ST_SCRIPT, "sleeping more than %d seconds in all", SCRIPT_MAX_SLEEP);
	st->slept += seconds;
	if (st->env->sleep && seconds)
		st->env->sleep(st->env->ctx, seconds);
	return 0;
}

#define SCRIPT_FETCH_USAGE "[--name NAME] URI [ARGS...]"
#define SCRIPT_SELECT_USAGE "[--name NAME] URI|IMAGE [ARGS...]"
#define SCRIPT_EXEC_USAGE "[--replace] [URI|IMAGE [ARGS...]]"

static const struct script_cmd script_cmds[] = {
	{ "kernel", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "imgselect", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "imgload", script_cmd_select, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_SELECT_USAGE },
	{ "initrd", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "module", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "imgfetch", script_cmd_fetch, 1, -1, SCRIPT_OPT_IMAGE, SCRIPT_FETCH_USAGE },
	{ "imgargs", script_cmd_imgargs, 1, -1, SCRIPT_OPT_IMAGE, "IMAGE [ARGS...]" },
	{ "boot", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "imgexec", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "chain", script_cmd_exec, 0, -1, SCRIPT_OPT_IMAGE, SCRIPT_EXEC_USAGE },
	{ "imgfree", script_cmd_imgfree, 0, -1, 0, "[IMAGE...]" },
	{ "imgstat", script_cmd_imgstat, 0, -1, 0, "[IMAGE...]" },
	{ "echo", script_cmd_echo, 0, -1, -1, "[-n] [TEXT...]" },
	{ "set", script_cmd_set, 1, -1, 0, "NAME [VALUE...]" },
	{ "clear", script_cmd_clear, 1, 1, 0, "NAME" },
	{ "isset", script_cmd_isset, 1, 1, 0, "VALUE" },
	{ "iseq", script_cmd_iseq, 2, 2, 0, "VALUE1 VALUE2" },
	{ "goto", script_cmd_goto, 1, 1, 0, "LABEL" },
	{ "exit", script_cmd_exit, 0, 1, 0, "[STATUS]" },
	{ "sleep", script_cmd_sleep, 1, 1, 0, "SECONDS" },
	{ "measure", script_cmd_measure, 1, 1, 0, "required|optional" },
	{ "menu", script_cmd_menu, 0, -1, SCRIPT_OPT_NAME | SCRIPT_OPT_DELETE, "[--name NAME] [--delete] [TITLE...]" },
	{ "item", script_cmd_item, 0, -1, SCRIPT_OPT_MENU | SCRIPT_OPT_KEY | SCRIPT_OPT_DEFAULT | SCRIPT_OPT_GAP,
	  "[--menu NAME] [--key KEY] [--default] [--gap] [LABEL [TEXT...]]" },
	{ "choose", script_cmd_choose, 1, 1, SCRIPT_OPT_MENU | SCRIPT_OPT_DEFLABEL | SCRIPT_OPT_TIMEOUT | SCRIPT_OPT_KEEP,
	  "[--menu NAME] [--default LABEL] [--timeout MS] [--keep] VAR" },
	{ "prompt", script_cmd_prompt, 0, -1, SCRIPT_OPT_KEY | SCRIPT_OPT_TIMEOUT, "[--key KEY] [--timeout MS] [TEXT...]" },
	{ "read", script_cmd_read, 1, 1, 0, "VAR" },
	{ "inc", script_cmd_inc, 1, 2, 0, "VAR [N]" },
	{ "shell", script_cmd_shell, 0, 0, 0, "" },
	{ "cpuid", script_cmd_cpuid, 1, 1, SCRIPT_OPT_EXT | SCRIPT_OPT_ECX, "[--ext] [--ecx] BIT" },
};

const struct script_cmd *script_find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(script_cmds) / sizeof(script_cmds[0]); i++)
		if (str_eq(script_cmds[i].name, name))
			return &script_cmds[i];
	return 0;
}
