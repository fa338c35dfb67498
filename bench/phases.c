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
 *   iotime=1  with from=/to=, instead of the profile: host time (CLOCK_MONOTONIC)
 *             inside each port I/O instruction of the window, from the
 *             start of the instruction to the start of the vCPU's next one
 *             (a `rep ins` run counts as one, all its iterations). A fw_cfg
 *             DMA transfer is copied by QEMU inside the write to 0x518, so
 *             this is the time of the copy. Per site: "iot: PC PORT N NS
 *             CPUNS FAULTS" (PORT from the instruction or from the last
 *             `mov $imm,%dx` executed, -1 when unknown; for transfers and
 *             `rep` runs also the vCPU thread's CPU time, which leaves out
 *             the time it waited for a busy host's CPU, and its minor page
 *             faults; 0 for the rest), each transfer (a write to 0x518)
 *             "xfer: PC NS CPUNS FAULTS", then "times: start_to_from NS window NS"
 *             (the plugin's start, about QEMU's, to FROM; FROM to TO) and
 *             the window line. No profile and no MMIO count in this mode:
 *             it adds as few callbacks as it can (the window line's pio
 *             and mmio are not counted: 0).
 *   calls=1   with from=/to=, also per call site the instructions of the
 *             calls made there, their callees' callees included:
 *             "call: SITE CALLEE N CALLS" (a shadow stack of `call` and
 *             `ret`; a frame left without a `ret` ends with the window);
 *   time=1    with from=/to=, only the "times:" and window lines: no
 *             callback but at FROM and TO, so the guest runs at full
 *             speed (what a loop of port I/O costs, without the plugin's
 *             own cost per instruction that iotime=1 adds).
 *
 * Instruction counts do not depend on how busy the host is, so they show
 * what each boot path makes the guest do, where wall times only show it
 * within their noise. */
#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

/* calls=1: the shadow stack; frame 0 is the window itself */
#define DEPTH 256
static bool calls;
static struct frame { uint64_t site, callee, n; } stack[DEPTH];
static int depth;
static bool entering;		/* a call ran: the next block is its callee */
static struct edge { uint64_t site, callee, n, calls; } *edges;

/* iotime=1, time=1 */
static bool iotime, timeonly;
static uint64_t t_install, t_from, t_to;
static int dx_port = -1;	/* the last `mov $imm,%dx` executed */
static struct io_slot { uint64_t pc; int port; uint64_t n, ns, cpu_ns, faults; } *io_slots;
static struct io_site { uint64_t pc; int port; bool rep; } *open_site;	/* being timed */
static uint64_t open_t, open_cpu, open_faults;
static int open_port;
static bool open_long;		/* a transfer or a `rep` run: also CPU time and page faults */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* the vCPU thread's own CPU time: without the time it waited for a host CPU */
static uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (uint64_t)ru.ru_minflt;
}

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

/* The top frame returns: its count goes to its call site and its caller. */
static void frame_end(void)
{
	struct frame *f = &stack[depth--];
	unsigned h = (unsigned)((f->site ^ f->callee * 31) * 0x9E3779B1u) & (SLOTS - 1);
	while (edges[h].calls && (edges[h].site != f->site || edges[h].callee != f->callee))
		h = (h + 1) & (SLOTS - 1);
	edges[h].site = f->site;
	edges[h].callee = f->callee;
	edges[h].n += f->n;
	edges[h].calls++;
	stack[depth].n += f->n;
}

static void call_insn(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	if (state != 1 || depth + 1 >= DEPTH)
		return;
	stack[++depth] = (struct frame){ (uint64_t)(uintptr_t)udata, 0, 0 };
	entering = true;
}

static void ret_insn(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (state == 1 && depth > 0)
		frame_end();
}

static void report(void)
{
	for (int i = 0; slots && i < SLOTS; i++) {
		if (slots[i].n)
			fprintf(stderr, "prof: 0x%llx %llu\n", (unsigned long long)slots[i].pc,
				(unsigned long long)slots[i].n);
		if (pio_slots[i].n)
			fprintf(stderr, "pioat: 0x%llx %llu\n", (unsigned long long)pio_slots[i].pc,
				(unsigned long long)pio_slots[i].n);
	}
	while (calls && depth > 0)
		frame_end();
	for (int i = 0; edges && i < SLOTS; i++)
		if (edges[i].calls)
			fprintf(stderr, "call: 0x%llx 0x%llx %llu %llu\n", (unsigned long long)edges[i].site,
				(unsigned long long)edges[i].callee, (unsigned long long)edges[i].n,
				(unsigned long long)edges[i].calls);
	for (int i = 0; io_slots && i < SLOTS; i++)
		if (io_slots[i].n)
			fprintf(stderr, "iot: 0x%llx %d %llu %llu %llu %llu\n", (unsigned long long)io_slots[i].pc,
				io_slots[i].port, (unsigned long long)io_slots[i].n, (unsigned long long)io_slots[i].ns,
				(unsigned long long)io_slots[i].cpu_ns, (unsigned long long)io_slots[i].faults);
	if (iotime || timeonly)
		fprintf(stderr, "times: start_to_from %llu window %llu\n", (unsigned long long)(t_from - t_install),
			(unsigned long long)(t_to - t_from));
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
		t_from = now_ns();
	} else if (state == 1 && pc == to) {
		state = 2;
		t_to = now_ns();
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
	if (calls && state == 1) {
		if (entering)
			stack[depth].callee = pc;
		entering = false;
		stack[depth].n += ((uint64_t *)udata)[1];
	}
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

/* iotime=1: the end of a timed port I/O instruction is the start of the
 * vCPU's next instruction: the next one in its block (an instruction
 * callback) or the next block's start, whichever runs first. A `rep ins`
 * runs as its own block again for each iteration: those stay inside. */
static void io_close(uint64_t t)
{
	uint64_t dt = t - open_t, pc = open_site->pc, dcpu = 0, dflt = 0;
	if (open_long) {
		dcpu = cpu_ns() - open_cpu;
		dflt = minor_faults() - open_faults;
	}
	unsigned h = (unsigned)((pc ^ (uint64_t)open_port) * 0x9E3779B1u) & (SLOTS - 1);
	open_site = NULL;
	while (io_slots[h].n && (io_slots[h].pc != pc || io_slots[h].port != open_port))
		h = (h + 1) & (SLOTS - 1);
	io_slots[h].pc = pc;
	io_slots[h].port = open_port;
	io_slots[h].n++;
	io_slots[h].ns += dt;
	io_slots[h].cpu_ns += dcpu;
	io_slots[h].faults += dflt;
	if (open_port == 0x518)
		fprintf(stderr, "xfer: 0x%llx %llu %llu %llu\n", (unsigned long long)pc, (unsigned long long)dt,
			(unsigned long long)dcpu, (unsigned long long)dflt);
}

static void io_next_insn(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (open_site)
		io_close(now_ns());
}

static void io_next_block(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	if (open_site && !(open_site->rep && open_site->pc == (uint64_t)(uintptr_t)udata))
		io_close(now_ns());
}

static void io_start(unsigned int vcpu, void *udata)
{
	struct io_site *s = udata;
	(void)vcpu;
	if (state != 1 || open_site == s)	/* outside the window, or a `rep` iteration */
		return;
	open_site = s;
	open_port = s->port >= 0 ? s->port : dx_port;
	open_long = open_port == 0x518 || s->rep;
	if (open_long) {
		open_faults = minor_faults();
		open_cpu = cpu_ns();
	}
	open_t = now_ns();
}

static void dx_set(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	dx_port = (int)(uintptr_t)udata;
}

/* `mov $imm,%dx` or `mov $imm,%edx` (either operand size, told by the
 * instruction's length): the port a later `in`/`out` through %dx uses.
 * -1 when it is no such move. */
static int dx_imm(const uint8_t *b, size_t n)
{
	size_t i = n && b[0] == 0x66 ? 1 : 0;
	if (i >= n || b[i] != 0xBA || n - i < 3)
		return -1;
	return b[i + 1] | b[i + 2] << 8;
}

/* The port an in/out names itself (the imm8 forms); -1 for the %dx forms
 * and the string instructions. */
static int imm_port(const uint8_t *b, size_t n, bool *rep)
{
	size_t i = 0;
	*rep = false;
	while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xF2 || b[i] == 0xF3 || b[i] == 0x26 ||
			 b[i] == 0x2E || b[i] == 0x36 || b[i] == 0x3E || b[i] == 0x64 || b[i] == 0x65)) {
		if (b[i] == 0xF2 || b[i] == 0xF3)
			*rep = true;
		i++;
	}
	if (i + 1 < n && b[i] >= 0xE4 && b[i] <= 0xE7)
		return b[i + 1];
	return -1;
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
	if (to != UINT64_MAX && (pc == from || pc == to))
		qemu_plugin_register_vcpu_tb_exec_cb(tb, block, CB_NO_REGS, (void *)(uintptr_t)pc);
	if (iotime) {
		bool after_io = false;
		qemu_plugin_register_vcpu_tb_exec_cb(tb, io_next_block, CB_NO_REGS, (void *)(uintptr_t)pc);
		for (size_t i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
			const uint8_t *b = qemu_plugin_insn_data(insn);
			size_t len = qemu_plugin_insn_size(insn);
			int dx = dx_imm(b, len);
			if (after_io)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, io_next_insn, CB_NO_REGS, NULL);
			after_io = is_port_io(b, len);
			if (dx >= 0)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, dx_set, CB_NO_REGS, (void *)(uintptr_t)dx);
			if (after_io) {
				struct io_site *site = malloc(sizeof(*site));	/* lives as long as the block */
				site->pc = qemu_plugin_insn_vaddr(insn);
				site->port = imm_port(b, len, &site->rep);
				qemu_plugin_register_vcpu_insn_exec_cb(insn, io_start, CB_NO_REGS, site);
			}
		}
	} else if (to != UINT64_MAX && !timeonly) {
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
			const uint8_t *b = qemu_plugin_insn_data(insn);
			size_t len = qemu_plugin_insn_size(insn);
			if (calls && (b[0] == 0xE8 || (b[0] == 0xFF && len > 1 && (b[1] >> 3 & 7) == 2)))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, call_insn, CB_NO_REGS,
								       (void *)(uintptr_t)qemu_plugin_insn_vaddr(insn));
			else if (calls && (b[0] == 0xC3 || b[0] == 0xC2))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, ret_insn, CB_NO_REGS, NULL);
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
		else if (!strcmp(argv[i], "iotime=1"))
			iotime = true;
		else if (!strcmp(argv[i], "calls=1"))
			calls = true;
		else if (!strcmp(argv[i], "time=1"))
			timeonly = true;
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
	if (to != UINT64_MAX && !iotime && !timeonly && (!(slots = calloc(SLOTS, sizeof(*slots))) ||
				 !(pio_slots = calloc(SLOTS, sizeof(*pio_slots))))) {
		fprintf(stderr, "phases: out of memory\n");
		return -1;
	}
	if (calls && (to == UINT64_MAX || iotime || timeonly || !(edges = calloc(SLOTS, sizeof(*edges))))) {
		fprintf(stderr, "phases: calls=1 needs from= and to=, no iotime= or time= (or memory)\n");
		return -1;
	}
	if (iotime && (to == UINT64_MAX || !(io_slots = calloc(SLOTS, sizeof(*io_slots))))) {
		fprintf(stderr, "phases: iotime=1 needs from= and to= (or memory)\n");
		return -1;
	}
	t_install = now_ns();
	if (state == 1)
		t_from = t_install;
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (at_exit)
		qemu_plugin_register_atexit_cb(id, exited, NULL);
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
