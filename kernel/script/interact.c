/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot scripts: the commands that talk to a person, with iPXE's syntax and
 * meaning: menu, item, choose, prompt, read, inc and shell; and cpuid. Keys come from
 * the env (read_key); a menu is drawn as plain lines (redrawn whole after
 * each move), which reads the same on a serial terminal, on the VGA text
 * screen and in a log read afterwards. */
#include "lib/memops.h"	/* memcpy: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/keys.h"
#include "kernel/script/internal.h"
#include "include/status.h"
#include "lib/fmt.h"
#include "lib/str.h"

/* A key, waiting at most ms (0: as long as it takes). */
static int script_key(struct script_state *st, unsigned ms)
{
	return st->env->read_key ? st->env->read_key(st->env->ctx, ms) : KEY_NONE;
}

static struct script_menu *script_menu_find(struct script_state *st, const char *name)
{
	for (int k = 0; st->menus && k < SCRIPT_MAX_MENUS; k++)
		if (st->menus[k].used && str_eq(st->menus[k].name, name))
			return &st->menus[k];
	return 0;
}

static int script_menu_named(struct script_state *st, const char *name, struct script_menu **out,
			     struct diag *why)
{
	*out = script_menu_find(st, name ? name : "");
	if (!*out)
		return name ? diag_fail(why, ST_SCRIPT, "no menu \"%s\"", name) : diag_fail(why, ST_SCRIPT, "no menu");
	return 0;
}

/* menu [--name NAME] [--delete] [TITLE...]: a new, empty menu (replacing
 * one of the same name), or that menu deleted. */
int script_cmd_menu(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		    const struct script_opts *o, struct diag *why)
{
	(void)f;
	const char *name = o->name ? o->name : "";
	struct script_menu *m = script_menu_find(st, name);
	if (o->given & SCRIPT_OPT_DELETE) {
		if (!m)
			return diag_fail(why, ST_SCRIPT, "no menu \"%s\"", name);
		m->used = 0;
		return 0;
	}
	if (str_len(name) > SCRIPT_MAX_MENU_NAME)
		return diag_fail(why, ST_SCRIPT, "menu name longer than %d characters", SCRIPT_MAX_MENU_NAME);
	if (!st->menus && !(st->menus = zalloc(SCRIPT_MAX_MENUS * sizeof(*st->menus))))
		return script_no_memory(st, why);
	for (int k = 0; k < SCRIPT_MAX_MENUS && !m; k++)
		if (!st->menus[k].used)
			m = &st->menus[k];
	if (!m)
		return diag_fail(why, ST_SCRIPT, "more than %d menus", SCRIPT_MAX_MENUS);
	if (script_join(&m->title, argc - i, argv + i))
		return script_no_memory(st, why);
	memcpy(m->name, name, str_len(name) + 1);
	m->nitems = 0;
	m->used = 1;
	return 0;
}

/* item [--menu NAME] [--key KEY] [--default] [--gap] [LABEL [TEXT...]]:
 * no label (or --gap) is a line of text that cannot be chosen. */
int script_cmd_item(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		    const struct script_opts *o, struct diag *why)
{
	(void)f;
	struct script_menu *m;
	int r = script_menu_named(st, o->menu, &m, why);
	if (r)
		return r;
	if (m->nitems == SCRIPT_MAX_ITEMS)
		return diag_fail(why, ST_SCRIPT, "more than %d items in a menu", SCRIPT_MAX_ITEMS);
	if (script_grow((void **)&m->items, &m->itemcap, m->nitems + 1, sizeof(*m->items)))
		return script_no_memory(st, why);
	struct script_item *it = &m->items[m->nitems];
	int gap = (o->given & SCRIPT_OPT_GAP) || i == argc;
	const char *label = gap ? "" : argv[i];
	int first_text = gap ? i : i + 1;
	if (script_buf_set(&it->label, label, str_len(label)) ||
	    script_join(&it->text, argc - first_text, argv + first_text))
		return script_no_memory(st, why);
	it->key = o->key;
	it->is_default = !gap && (o->given & SCRIPT_OPT_DEFAULT);
	m->nitems++;
	return 0;
}

static const char *script_key_name(int key, char *buf, size_t cap)
{
	if (key > 0 && key < 0x20)
		fmt_snprintf(buf, cap, "Ctrl-%c", key + '@');
	else if (key > 0x20 && key < 0x7f)
		fmt_snprintf(buf, cap, "%c", key);
	else
		fmt_snprintf(buf, cap, "0x%x", (unsigned)key);
	return buf;
}

static void script_menu_draw(struct script_state *st, const struct script_menu *m, size_t sel, unsigned timeout)
{
	char key[16];
	script_printf(st, "\n%s\n", m->title.cap && m->title.p[0] ? m->title.p : "Menu");
	for (size_t k = 0; k < m->nitems; k++) {
		const struct script_item *it = &m->items[k];
		if (!it->label.p[0]) {
			script_printf(st, "    %.72s\n", it->text.p);
			continue;
		}
		script_printf(st, "%s %-6s %.64s\n", k == sel ? " >" : "  ",
			      it->key ? script_key_name(it->key, key, sizeof(key)) : "",
			      it->text.p[0] ? it->text.p : it->label.p);
	}
	if (timeout)
		script_printf(st, "Up/Down, Enter or a key to choose, Esc to cancel (default in %u ms)\n", timeout);
	else
		script_print(st, "Up/Down, Enter or a key to choose, Esc to cancel\n");
}

/* The next selectable item from sel in direction step (+1 / -1), or sel. */
static size_t script_menu_step(const struct script_menu *m, size_t sel, int step)
{
	for (size_t k = sel + (size_t)step; k < m->nitems; k += (size_t)step)
		if (m->items[k].label.p[0])
			return k;
	return sel;
}

/* choose [--menu NAME] [--default LABEL] [--timeout MS] [--keep] VAR:
 * VAR gets the chosen item's label. The timeout chooses the default; any
 * key stops it. Escape cancels (the command fails). The menu is deleted
 * afterwards unless --keep. */
int script_cmd_choose(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		      const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	struct script_menu *m;
	int r = script_check_var_name(argv[i], why);
	if (!r)
		r = script_menu_named(st, o->menu, &m, why);
	if (r)
		return r;
	size_t sel = m->nitems, first = m->nitems;
	for (size_t k = 0; k < m->nitems; k++) {
		const struct script_item *it = &m->items[k];
		if (!it->label.p[0])
			continue;
		if (first == m->nitems)
			first = k;
		if (o->deflabel ? str_eq(it->label.p, o->deflabel) : it->is_default && sel == m->nitems)
			sel = k;
	}
	if (first == m->nitems)
		return diag_fail(why, ST_SCRIPT, "the menu has no items to choose");
	if (sel == m->nitems) {
		if (o->deflabel)
			return diag_fail(why, ST_SCRIPT, "no item \"%s\" in the menu", o->deflabel);
		sel = first;
	}
	unsigned timeout = o->timeout;
	script_menu_draw(st, m, sel, timeout);
	for (;;) {
		int key = script_key(st, timeout);
		if (key == KEY_NONE) {
			if (!timeout)
				return diag_fail(why, ST_SCRIPT, "no input to choose with");
			break;	/* timed out: the default */
		}
		timeout = 0;
		size_t now = sel;
		if (key == KEY_ENTER)
			break;
		if (key == KEY_ESC) {
			if (!(o->given & SCRIPT_OPT_KEEP))
				m->used = 0;
			script_print(st, "cancelled\n");
			return diag_fail(why, ST_SCRIPT, "cancelled");
		}
		if (key == KEY_UP || key == KEY_DOWN)
			now = script_menu_step(m, sel, key == KEY_UP ? -1 : 1);
		else if (key == KEY_HOME || key == KEY_PGUP)
			now = first;
		else if (key == KEY_END || key == KEY_PGDN)
			for (size_t k = first; k < m->nitems; k++)
				if (m->items[k].label.p[0])
					now = k;
		size_t hit = m->nitems;
		for (size_t k = 0; k < m->nitems && hit == m->nitems; k++)
			if (m->items[k].key && m->items[k].label.p[0] && m->items[k].key == key)
				hit = k;
		if (hit != m->nitems) {
			sel = hit;
			break;
		}
		if (now != sel) {
			sel = now;
			script_menu_draw(st, m, sel, 0);
		}
	}
	struct script_item *it = &m->items[sel];
	script_printf(st, "chosen: %s\n", it->label.p);
	r = script_var_put(st, argv[i], it->label.p, why);
	if (!(o->given & SCRIPT_OPT_KEEP))
		m->used = 0;
	return r;
}

/* prompt [--key KEY] [--timeout MS] [TEXT...]: waits for a key (any, or
 * KEY); fails quietly on the timeout or another key. */
int script_cmd_prompt(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		      const struct script_opts *o, struct diag *why)
{
	(void)f;
	if (script_join(&st->scratch, argc - i, argv + i))
		return script_no_memory(st, why);
	script_print(st, i < argc ? st->scratch.p : "Press any key");
	script_print(st, " ");
	int key = script_key(st, o->timeout);
	script_print(st, "\n");
	st->quiet = 1;
	if (key == KEY_NONE)
		return diag_fail(why, ST_SCRIPT, o->timeout ? "timed out" : "no input");
	if ((o->given & SCRIPT_OPT_KEY) && key != o->key)
		return diag_fail(why, ST_SCRIPT, "another key was pressed");
	st->quiet = 0;
	return 0;
}

/* A line typed into st->input (Enter ends it, Backspace edits it, Escape
 * cancels), starting from start. */
static int script_type_line(struct script_state *st, const char *start, struct diag *why)
{
	size_t n = str_len(start);
	if (script_buf_reserve(&st->input, SCRIPT_MAX_INPUT + 1))
		return script_no_memory(st, why);
	if (n > SCRIPT_MAX_INPUT)
		n = SCRIPT_MAX_INPUT;
	memmove(st->input.p, start, n);
	st->input.p[n] = '\0';
	script_print(st, st->input.p);
	for (;;) {
		int key = script_key(st, 0);
		const char *r = key == KEY_NONE ? "no input" : key == KEY_ESC ? "cancelled" : 0;
		if (!r && n == SCRIPT_MAX_INPUT && key >= 0x20 && key < 0x7f)
			r = "input longer than " SCRIPT_MAX_INPUT_STR " bytes";
		if (r || key == KEY_ENTER) {
			script_print(st, "\n");
			return r ? diag_fail(why, ST_SCRIPT, "%s", r) : 0;
		}
		char c[2] = { (char)key, 0 };
		if (key == KEY_BACKSPACE && n) {
			n--;
			script_print(st, "\b \b");
		} else if (key >= 0x20 && key < 0x7f) {
			st->input.p[n++] = c[0];
			script_print(st, c);
		}
		st->input.p[n] = '\0';
	}
}

/* read VAR: a line typed, starting from VAR's value, into VAR. */
int script_cmd_read(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		    const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)o;
	int r = script_check_var_name(argv[i], why);
	struct script_var *v = script_find_var(st, argv[i]);
	if (!r)
		r = script_type_line(st, v ? v->value.p : "", why);
	return r ? r : script_var_put(st, argv[i], st->input.p, why);
}

/* inc VAR [N]: VAR (empty: 0) plus N (1), in decimal, modulo 2^32. */
int script_cmd_inc(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		   const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)o;
	unsigned v = 0, n = 1;
	struct script_var *var = script_find_var(st, argv[i]);
	const char *bad = var && script_number(var->value.p, &v) ? var->value.p :
			  i + 1 < argc && script_number(argv[i + 1], &n) ? argv[i + 1] : 0;
	if (bad)
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a number", bad);
	fmt_snprintf(st->number, sizeof(st->number), "%u", v + n);
	return script_var_put(st, argv[i], st->number, why);
}

/* shell: each line typed runs as a one-line script, until "exit" (or no
 * more input); a failure prints its reason and the shell goes on. */
int script_cmd_shell(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		     const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	(void)argv;
	(void)i;
	(void)o;
	if (st->depth == SCRIPT_MAX_DEPTH)
		return diag_fail(why, ST_SCRIPT, "scripts nested more than %d deep", SCRIPT_MAX_DEPTH);
	script_print(st, "fwboot shell: script commands; \"exit\" leaves\n");
	for (;;) {
		script_print(st, "fwboot> ");
		int r = script_type_line(st, "", why);
		if (r && str_eq(why->msg, "no input"))
			return r;
		const char *s = st->input.p;
		while (*s == ' ')
			s++;
		if (!r && (str_eq(s, "exit") || str_starts(s, "exit ")))
			return 0;
		struct script_frame *nf = script_frame_at(st);
		size_t n = str_len(st->input.p);
		if (!nf || script_buf_set(&nf->text_buf, st->input.p, n))
			return script_no_memory(st, why);
		nf->name = "shell";
		nf->text = nf->text_buf.p;
		nf->len = r ? 0 : n;
		st->depth++;
		r = r ? r : script_exec_frame(st, nf, why);
		st->depth--;
		if (st->fatal) {
			st->located = 1;
			return r;
		}
		if (r)
			script_printf(st, "fwboot: %s\n", why->msg);
	}
}

/* cpuid [--ext] [--ecx] BIT: true when the feature bit is set in EDX (or
 * ECX) of leaf 1 (or 0x80000001, where the CPU has it). Quiet when false. */
int script_cmd_cpuid(struct script_state *st, struct script_frame *f, int argc, char **argv, int i,
		     const struct script_opts *o, struct diag *why)
{
	(void)f;
	(void)argc;
	unsigned bit;
	uint32_t regs[4] = { 0, 0, 0, 0 }, leaf = o->given & SCRIPT_OPT_EXT ? 0x80000001u : 1;
	if (script_number(argv[i], &bit) || bit > 31)
		return diag_fail(why, ST_SCRIPT, "\"%s\" is not a bit number (0-31)", argv[i]);
	if (st->env->cpuid) {
		st->env->cpuid(st->env->ctx, leaf & 0x80000000u, regs);
		if (regs[0] >= leaf)
			st->env->cpuid(st->env->ctx, leaf, regs);
		else
			regs[2] = regs[3] = 0;
	}
	if (regs[o->given & SCRIPT_OPT_ECX ? 2 : 3] >> bit & 1)
		return 0;
	st->quiet = 1;
	return diag_fail(why, ST_SCRIPT, "CPUID bit %u is clear", bit);
}
