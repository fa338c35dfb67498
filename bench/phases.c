/* SPDX-License-Identifier: BSD-2-Clause */
/* A TCG plugin for bench/ and tests/budget (QEMU 7.2's plugin API, version
 * 1; the declarations below are the few calls it uses, as that API
 * documents them, since Debian 12 ships no qemu-plugin.h). It counts the
 * guest's instructions and prints, to stderr:
 *
 *   at=ADDR   "phase: ADDR #n insns N": the count at the first executions of
 *             the block that starts at ADDR (up to 3 of them);
 *   from=ADDR, to=ADDR
 *             a profile of the window from ADDR's first execution to TO's
 *             first execution after it: "prof: PC N" per translated block
 *             start (bench/insns.py names the functions), "pioat: PC N"
 *             per port I/O instruction, then
 *             "window: insns N pio N mmio N", the window's instructions,
 *             port I/O instructions (each a VM exit under KVM; a `rep ins`
 *             counts once, however many bytes it moves) and MMIO accesses;
 *   whole=1   also "whole: insns N pio N mmio N" from QEMU's start to TO;
 *   atexit=1  "exit: insns N pio N mmio N" when QEMU exits (a payload that
 *             ends QEMU at its entry: the counts to there, whatever its
 *             address; with from=0 and a to= that never runs).
 *
 * Instruction counts do not depend on how busy the host is, so they show
 * what each boot path makes the guest do, where wall times only show it
 * within their noise. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;
struct qemu_info_t;
enum { INLINE_ADD_U64 = 0, CB_NO_REGS = 0, MEM_RW = 3 };
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *), void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *),
					  int flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, void (*cb)(unsigned int, void *),
					    int flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
				      void (*cb)(unsigned int, qemu_plugin_meminfo_t, uint64_t, void *),
				      int flags, int rw, void *userdata);
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_WATCH 16
#define HITS 3			/* report this many executions of each */
#define SLOTS (1 << 16)		/* profiled block starts (open addressing) */

static uint64_t insns;		/* one vCPU: plain counters are enough */
static uint64_t watch[MAX_WATCH];
static unsigned hits[MAX_WATCH];
static int nwatch;

static uint64_t from = UINT64_MAX, to = UINT64_MAX;
static bool whole, at_exit;
static int state;		/* 0 before from, 1 in the window, 2 after to */
static uint64_t win_start, pio_all, pio_win, mmio_all, mmio_win;
static struct slot { uint64_t pc, n; } *slots, *pio_slots;
static uint64_t last_tb_pc, last_pio_pc;

static void hit(unsigned int vcpu, void *udata)
{
	int i = (int)(intptr_t)udata;
	(void)vcpu;
	if (hits[i] < HITS) {
		hits[i]++;
		fprintf(stderr, "phase: 0x%llx #%u insns %llu\n", (unsigned long long)watch[i], hits[i],
			(unsigned long long)insns);
	}
}

static void count_at(struct slot *t, uint64_t pc, uint64_t n)
{
	unsigned h = (unsigned)(pc * 0x9E3779B1u) & (SLOTS - 1);
	while (t[h].n && t[h].pc != pc)
		h = (h + 1) & (SLOTS - 1);
	t[h].pc = pc;
	t[h].n += n;
}

static void report(void)
{
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].n)
			fprintf(stderr, "prof: 0x%llx %llu\n", (unsigned long long)slots[i].pc,
				(unsigned long long)slots[i].n);
		if (pio_slots[i].n)
			fprintf(stderr, "pioat: 0x%llx %llu\n", (unsigned long long)pio_slots[i].pc,
				(unsigned long long)pio_slots[i].n);
	}
	fprintf(stderr, "window: insns %llu pio %llu mmio %llu\n", (unsigned long long)(insns - win_start),
		(unsigned long long)pio_win, (unsigned long long)mmio_win);
	if (whole)
		fprintf(stderr, "whole: insns %llu pio %llu mmio %llu\n", (unsigned long long)insns,
			(unsigned long long)pio_all, (unsigned long long)mmio_all);
}

static void exited(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fprintf(stderr, "exit: insns %llu pio %llu mmio %llu\n", (unsigned long long)insns,
		(unsigned long long)pio_all, (unsigned long long)mmio_all);
}

/* Every block: the window's edges (before the block's own instructions are
 * added to the count) and, inside it, the block's share of the profile. */
static void block(unsigned int vcpu, void *udata)
{
	uint64_t pc = (uint64_t)(uintptr_t)udata;
	(void)vcpu;
	if (state == 0 && pc == from) {
		state = 1;
		win_start = insns;
	} else if (state == 1 && pc == to) {
		state = 2;
		report();
	}
}

/* The profile counts blocks where they start: a block lies inside one
 * function but for a rare fall-through, which is good enough to rank them. */
static void profile(unsigned int vcpu, void *udata)
{
	uint64_t pc = ((uint64_t *)udata)[0];
	(void)vcpu;
	last_tb_pc = pc;
	if (state == 1)
		count_at(slots, pc, ((uint64_t *)udata)[1]);
}

/* TCG runs each iteration of a `rep ins`/`rep outs` as the block at the
 * instruction again: an iteration right after one of the same instruction
 * is not another port I/O instruction (under KVM one exit moves the run). */
static void port_io(unsigned int vcpu, void *udata)
{
	uint64_t pc = (uint64_t)(uintptr_t)udata;
	(void)vcpu;
	if (last_tb_pc == pc && last_pio_pc == pc)
		return;
	last_pio_pc = pc;
	if (state < 2)
		pio_all++;
	if (state == 1) {
		pio_win++;
		count_at(pio_slots, (uint64_t)(uintptr_t)udata, 1);
	}
}

static void mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (state == 2 || !qemu_plugin_hwaddr_is_io(qemu_plugin_get_hwaddr(info, vaddr)))
		return;
	mmio_all++;
	if (state == 1)
		mmio_win++;
}

/* in/out/ins/outs after any prefixes (x86, every mode) */
static bool is_port_io(const uint8_t *b, size_t n)
{
	size_t i = 0;
	while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xF2 || b[i] == 0xF3 || b[i] == 0x26 ||
			 b[i] == 0x2E || b[i] == 0x36 || b[i] == 0x3E || b[i] == 0x64 || b[i] == 0x65))
		i++;
	if (i == n)
		return false;
	return (b[i] >= 0xE4 && b[i] <= 0xE7) || (b[i] >= 0xEC && b[i] <= 0xEF) || (b[i] >= 0x6C && b[i] <= 0x6F);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t pc = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	(void)id;
	/* all run as the block starts: the count a hit reads holds every
	 * instruction before the block, or also the block's own few */
	for (int i = 0; i < nwatch; i++)
		if (watch[i] == pc)
			qemu_plugin_register_vcpu_tb_exec_cb(tb, hit, CB_NO_REGS, (void *)(intptr_t)i);
	if (to != UINT64_MAX) {
		if (pc == from || pc == to)
			qemu_plugin_register_vcpu_tb_exec_cb(tb, block, CB_NO_REGS, (void *)(uintptr_t)pc);
		uint64_t *u = malloc(2 * sizeof(*u));	/* lives as long as the block */
		u[0] = pc;
		u[1] = n;
		qemu_plugin_register_vcpu_tb_exec_cb(tb, profile, CB_NO_REGS, u);
		for (size_t i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
			if (is_port_io(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn)))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, port_io, CB_NO_REGS,
								       (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
			qemu_plugin_register_vcpu_mem_cb(insn, mem, CB_NO_REGS, MEM_RW, NULL);
		}
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, INLINE_ADD_U64, &insns, n);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "at=", 3) && nwatch < MAX_WATCH)
			watch[nwatch++] = strtoull(argv[i] + 3, NULL, 0);
		else if (!strncmp(argv[i], "from=", 5))
			from = strtoull(argv[i] + 5, NULL, 0);
		else if (!strncmp(argv[i], "to=", 3))
			to = strtoull(argv[i] + 3, NULL, 0);
		else if (!strcmp(argv[i], "whole=1"))
			whole = true;
		else if (!strcmp(argv[i], "atexit=1"))
			at_exit = true;
		else {
			fprintf(stderr, "phases: unknown or too many arguments: %s\n", argv[i]);
			return -1;
		}
	}
	if ((from == UINT64_MAX) != (to == UINT64_MAX)) {
		fprintf(stderr, "phases: from= and to= go together\n");
		return -1;
	}
	if (from == 0)		/* from=0: the window opens at QEMU's start */
		state = 1;
	if (to != UINT64_MAX && (!(slots = calloc(SLOTS, sizeof(*slots))) ||
				 !(pio_slots = calloc(SLOTS, sizeof(*pio_slots))))) {
		fprintf(stderr, "phases: out of memory\n");
		return -1;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (at_exit)
		qemu_plugin_register_atexit_cb(id, exited, NULL);
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
