/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_stage's decisions (kernel/stage.c: what plan_execute stages, where
 * the copies and the trampoline go, the moves and their order) checked by
 * stage_check; and stage_check catching each kind of wrong decision, made
 * by hand (a wrong ordering among them), so it can fail. */
#include <stdlib.h>
#include "kernel/handoff.h"
#include "plan_check.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"

#define TRAMP_CODE 400	/* about boot/trampoline.S's size */

static uint8_t bytes[0x4000], info[64], inflated[0x2000];
static struct file kf = { "opt/k", 0, 0, sizeof(bytes), bytes };
static struct file mf = { "opt/m", 0, 0, 100, bytes };
static struct file zf = { "inflated", 0, 0, sizeof(inflated), inflated };	/* an inflated kernel */

#define INFLATED_AT 0x400000ULL

/* inflated[] sits at INFLATED_AT in the guest; nothing else is guest memory */
static uint64_t phys(const void *ptr)
{
	const uint8_t *b = ptr;
	if (b >= inflated && b < inflated + sizeof(inflated))
		return INFLATED_AT + (uint64_t)(b - inflated);
	return STAGE_NOWHERE;
}

static int starts(const char *v, const char *prefix)
{
	if (v && strncmp(v, prefix, strlen(prefix)) == 0)
		return 1;
	printf("     got \"%s\", want \"%s...\"\n", v ? v : "(null)", prefix);
	return 0;
}

/* A Multiboot-like plan, its targets claimed as a planner claims them:
 * code and bss at kaddr, a module at 2 MiB, an info block at 64 KiB. */
static void planned(struct plan *p, uint64_t kaddr)
{
	reset_mem();
	memset(p, 0, sizeof(*p));
	struct plan_seg *s = plan_add(p, kaddr, 0x2000, SRC_FILE, "opt/k");
	s->file = &kf;
	plan_add(p, kaddr + 0x2000, 0x1000, SRC_ZERO, "bss");
	mem_claim(&mm, kaddr, 0x3000, CLAIM_TARGET, "opt/k", 0);
	s = plan_add(p, 0x200000, 100, SRC_FILE, "opt/m");
	s->file = &mf;
	mem_claim(&mm, 0x200000, 100, CLAIM_PLACED, "opt/m", 0);
	s = plan_add(p, 0x10000, sizeof(info), SRC_MEM, "info");
	s->mem = info;
	mem_claim(&mm, 0x10000, sizeof(info), CLAIM_PLACED, "info", 0);
	p->mode = ENTRY_FLAT32;
	p->entry = (uint32_t)kaddr + 0x10;
	p->regs.ebx = 0x10000;
	p->format = "multiboot1";
}

static size_t nstaged(const struct plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nsegs; i++)
		n += p->segs[i].staged != 0;
	return n;
}

int main(void)
{
	struct plan p;
	struct stage_plan sp;
	struct diag d;

	/* nothing on fwboot: every load goes straight to its target */
	planned(&p, 0x100000);
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), 0);
	ok_eq(nstaged(&p), 0);
	ok_eq(sp.nmoves, 0);
	ok_eq(sp.at[0], 0x100000);
	ok(sp.tramp + sp.tramp_size <= 0xA0000);
	ok_eq(sp.params_off, 400);
	ok_eq(sp.tramp_size, 400 + sizeof(struct tramp_params));
	ok(stage_check(&p, &mm, &sp, phys) == 0);

	/* a kernel on fwboot's image (0x20000-0x90000): code and bss staged,
	 * the copy in free RAM, the moves in plan order */
	planned(&p, 0x30000);
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), 0);
	ok(p.segs[0].staged && p.segs[1].staged && !p.segs[2].staged && !p.segs[3].staged);
	ok_eq(sp.nmoves, 2);
	ok(!sp.moves[0].zero && sp.moves[0].dst == 0x30000 && sp.moves[0].len == 0x2000 &&
	   sp.moves[0].src == sp.at[0]);
	ok(sp.moves[1].zero && sp.moves[1].dst == 0x32000 && sp.moves[1].len == 0x1000);
	ok(sp.at[0] >= MEM_LOW_END && sp.at[0] + 0x2000 <= 0x8000000);	/* top of RAM, clear of all */
	ok_eq(sp.tramp_size, 400 + sizeof(struct tramp_params) + 2 * sizeof(struct tramp_op));
	ok(stage_check(&p, &mm, &sp, phys) == 0);

	/* the same decision with its two moves swapped: plan order lost */
	struct stage_move m0 = sp.moves[0];
	sp.moves[0] = sp.moves[1];
	sp.moves[1] = m0;
	ok(stage_check(&p, &mm, &sp, phys) == 0);	/* they do not overlap: order is free */

	/* an overlay (Linux's filled header over its setup code) whose
	 * container straddles fwboot's end: the container is staged, so the
	 * overlay must be too, or the container's move would undo it */
	planned(&p, 0x8f000);	/* 0x8f000-0x91fff; fwboot ends at 0x90000 */
	struct plan_seg *o = plan_add(&p, 0x90800, 16, SRC_MEM, "header");
	o->mem = info;
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), 0);
	ok(p.segs[0].staged && !p.segs[1].staged && p.segs[4].staged);	/* the bss lies above fwboot */
	ok_eq(sp.nmoves, 2);
	ok(sp.moves[0].seg == 0 && sp.moves[1].seg == 4);
	ok(stage_check(&p, &mm, &sp, phys) == 0);
	/* deliberately wrong: the header's move before its container's */
	struct stage_move hm = sp.moves[1];
	sp.moves[1] = sp.moves[0];
	sp.moves[0] = hm;
	ok(starts(stage_check(&p, &mm, &sp, phys),
		  "header (segment 4) is written before opt/k (segment 0), which it overlaps at 0x90800"));
	sp.moves[0] = sp.moves[1];
	sp.moves[1] = hm;
	ok(stage_check(&p, &mm, &sp, phys) == 0);
	/* and the old decision (only what touches fwboot staged): the header
	 * loaded straight to its target, then undone by the container's move */
	p.segs[4].staged = 0;
	sp.at[4] = p.segs[4].dst;
	sp.nmoves = 1;
	ok(starts(stage_check(&p, &mm, &sp, phys),
		  "header (segment 4) is written before opt/k (segment 0), which it overlaps at 0x90800"));

	/* a target over the in-memory source of a later segment (an inflated
	 * kernel at 4 MiB, nothing claimed there): staged, so the source is
	 * read before it is overwritten */
	planned(&p, 0x100000);
	p.segs[3].dst = 0x400800;	/* the info block over inflated[0x800..] */
	mem_claim(&mm, 0x400800, sizeof(info), CLAIM_PLACED, "info", 0);
	struct plan_seg *z = plan_add(&p, 0x600000, sizeof(inflated), SRC_FILE, "inflated");
	z->file = &zf;
	mem_claim(&mm, 0x600000, sizeof(inflated), CLAIM_PLACED, "inflated", 0);
	p.regs.ebx = 0x400800;
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), 0);
	ok(p.segs[3].staged && !p.segs[4].staged);
	ok(stage_check(&p, &mm, &sp, phys) == 0);
	/* wrong: loaded straight there, before the inflated bytes are read */
	p.segs[3].staged = 0;
	sp.at[3] = p.segs[3].dst;
	sp.nmoves = 0;
	ok(starts(stage_check(&p, &mm, &sp, phys),
		  "writing info to 0x400800-0x40083f overwrites the source of inflated (0x400000-0x401fff), read later"));

	/* each misplaced range is caught */
	planned(&p, 0x30000);
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), 0);
	uint64_t t = sp.tramp, c = sp.at[0];
	sp.tramp = 0x200000;	/* the trampoline on the module */
	ok(starts(stage_check(&p, &mm, &sp, phys), "the trampoline at 0x200000-"));
	ok(strstr(stage_check(&p, &mm, &sp, phys), "overlaps the target of opt/m") != 0);
	sp.tramp = 0x50000;	/* on fwboot, which is still running when it is written */
	ok(starts(stage_check(&p, &mm, &sp, phys), "the trampoline at 0x50000-"));
	ok(strstr(stage_check(&p, &mm, &sp, phys), "lies on fwboot's fwboot image") != 0);
	sp.tramp = t;
	sp.at[0] = sp.moves[0].src = 0x60000;	/* the staging copy on fwboot */
	ok(starts(stage_check(&p, &mm, &sp, phys), "the staging copy of opt/k at 0x60000-0x61fff lies on fwboot's"));
	sp.at[0] = sp.moves[0].src = 0x200000;	/* on the module's target */
	ok(starts(stage_check(&p, &mm, &sp, phys), "the staging copy of opt/k at 0x200000-0x201fff overlaps the target of opt/m"));
	sp.at[0] = sp.moves[0].src = c;
	sp.tramp = c + 0x1000;	/* the trampoline over the staging copy it is to read */
	ok(starts(stage_check(&p, &mm, &sp, phys), "writing the trampoline to "));
	ok(strstr(stage_check(&p, &mm, &sp, phys), "overwrites the source of opt/k") != 0);
	sp.tramp = t;
	sp.moves[0].src = c + 16;	/* a move that does not read its copy */
	ok(starts(stage_check(&p, &mm, &sp, phys), "move 0 ("));
	sp.moves[0].src = c;
	sp.nmoves = 1;	/* the bss never zeroed */
	ok(starts(stage_check(&p, &mm, &sp, phys), "segment 1 (bss) is staged but has 0 moves"));
	sp.nmoves = 2;
	ok(stage_check(&p, &mm, &sp, phys) == 0);
	p.mode = ENTRY_REAL16;
	sp.tramp = 0x100000 - 0x1000;	/* a real-mode exit needs it below 0xA0000 */
	ok(starts(stage_check(&p, &mm, &sp, phys), "trampoline at 0xff000-"));

	/* a target nobody claimed, where the staging copy would go: refused
	 * as fwboot's own mistake, not loaded over */
	planned(&p, 0x30000);
	plan_add(&p, 0x7fdf000, 0x1000, SRC_ZERO, "unclaimed");	/* RAM ends at 0x7fe0000 */
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), -ST_INTERNAL);
	ok_str(d.msg, "load: the staging copy at 0x7fde000-0x7fdffff would overlap unclaimed at "
	       "0x7fdf000-0x7fdffff, which nothing claimed");

	/* a real-mode entry with no room below 1 MiB for the trampoline */
	planned(&p, 0x100000);
	p.mode = ENTRY_REAL16;
	ok_eq(mem_claim(&mm, 0x1000, 0xf000, CLAIM_PLACED, "low", 0), 0);	/* all but fwboot and info */
	ok_eq(mem_claim(&mm, 0x10040, 0xffc0, CLAIM_PLACED, "low", 0), 0);
	ok_eq(mem_claim(&mm, 0x90000, 0xfc00, CLAIM_PLACED, "low", 0), 0);
	ok_eq(plan_stage(&p, &mm, TRAMP_CODE, phys, &sp, &d), -ST_NO_MEMORY);
	ok(starts(d.msg, "load: no room below 1 MiB for the hand-off trampoline"));
	return test_done("stage");
}
