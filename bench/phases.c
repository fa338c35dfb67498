/* SPDX-License-Identifier: BSD-2-Clause */
/* A TCG plugin for bench/linux.py (QEMU 7.2's plugin API, version 1; the
 * declarations below are the few calls it uses, as that API documents
 * them, since Debian ships no qemu-plugin.h). It counts the guest's
 * instructions and prints, to stderr, the count at the first executions of
 * blocks that start at the watched addresses:
 *   -plugin build/bench/phases.so,at=0x100000,at=0x1000000
 * prints lines "phase: 0x100000 #1 insns N". Instruction counts do not
 * depend on how busy the host is, so they show what each boot path makes
 * the guest do, where wall times only show it within their noise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum { INLINE_ADD_U64 = 0, CB_NO_REGS = 0 };
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *),
					  int flags, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_WATCH 16
#define HITS 3			/* report this many executions of each */

static uint64_t insns;		/* one vCPU: a plain counter is enough */
static uint64_t watch[MAX_WATCH];
static unsigned hits[MAX_WATCH];
static int nwatch;

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

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t pc = qemu_plugin_tb_vaddr(tb);
	(void)id;
	/* both run as the block starts: the count a hit reads holds every
	 * instruction before the block, or also the block's own few */
	for (int i = 0; i < nwatch; i++)
		if (watch[i] == pc)
			qemu_plugin_register_vcpu_tb_exec_cb(tb, hit, CB_NO_REGS, (void *)(intptr_t)i);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, INLINE_ADD_U64, &insns, qemu_plugin_tb_n_insns(tb));
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "at=", 3) || nwatch == MAX_WATCH) {
			fprintf(stderr, "phases: unknown or too many arguments: %s\n", argv[i]);
			return -1;
		}
		watch[nwatch++] = strtoull(argv[i] + 3, NULL, 0);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
