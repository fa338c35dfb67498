/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_check catches each kind of violation (a checker that cannot fail
 * proves nothing): built by hand, one broken plan per invariant. */
#include <stdlib.h>
#include "plan_check.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"

static uint8_t bytes[0x4000], info[64];
static struct file kf = { "opt/k", 0, 0, sizeof(bytes), bytes };
static struct file mf = { "opt/m", 0, 0, 100, bytes };

/* A good Multiboot-like plan: code at 1 MiB, bss, info block, a module. */
static void good(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	struct plan_seg *s = plan_add(p, 0x100000, 0x2000, SRC_FILE, "opt/k");
	s->file = &kf;
	plan_add(p, 0x102000, 0x1000, SRC_ZERO, "bss");
	s = plan_add(p, 0x200000, 100, SRC_FILE, "opt/m");
	s->file = &mf;
	s = plan_add(p, 0x10000, sizeof(info), SRC_MEM, "info");
	s->mem = info;
	p->mode = ENTRY_FLAT32;
	p->entry = 0x100010;
	p->regs.ebx = 0x10000;
	p->format = "multiboot1";
}

static int starts(const char *v, const char *prefix)
{
	if (v && strncmp(v, prefix, strlen(prefix)) == 0)
		return 1;
	printf("     got \"%s\", want \"%s...\"\n", v ? v : "(null)", prefix);
	return 0;
}

int main(void)
{
	struct plan p;
	struct boot_module mod = { &mf, "" };
	struct boot_request req = { .kernel = &kf, .args = "", .mods = &mod, .nmods = 1 };
	reset_mem();

	good(&p);
	ok(plan_check(&p, &mm, &req) == 0);

	good(&p);
	p.segs[0].dst = 0x7ff0000;	/* runs past the end of RAM (128 MiB) */
	ok(starts(plan_check(&p, &mm, &req), "segment 0 (opt/k) at 0x7ff0000-0x7ff1fff is not in available RAM"));
	good(&p);
	p.segs[0].dst = 0xfffff000;
	ok(starts(plan_check(&p, &mm, &req), "segment 0 (opt/k) at 0xfffff000, 8192 bytes, wraps or ends above 4 GiB"));
	good(&p);
	p.segs[3].dst = 0x9fc00;	/* the EBDA: reserved, not RAM */
	ok(starts(plan_check(&p, &mm, &req), "segment 3 (info) at 0x9fc00-0x9fc3f is not in available RAM"));
	good(&p);
	p.segs[3].dst = 0x400;	/* the BIOS data area */
	ok(starts(plan_check(&p, &mm, &req), "segment 3 (info) at 0x400-0x43f overlaps firmware's BIOS"));
	good(&p);
	p.segs[3].dst = 0x30000;	/* a block fwboot built, on fwboot itself */
	ok(starts(plan_check(&p, &mm, &req), "block 3 (info) at 0x30000-0x3003f was placed on fwboot's fwboot image"));
	good(&p);
	p.segs[0].dst = 0x30000;	/* a file segment there is staged: allowed */
	p.segs[1].dst = 0x32000;
	p.entry = 0x30010;
	ok(plan_check(&p, &mm, &req) == 0);
	good(&p);
	p.segs[2].dst = 0x101000;	/* the module over the kernel */
	ok(starts(plan_check(&p, &mm, &req), "opt/m at 0x101000-0x101063 overlaps opt/k at 0x100000-0x101fff"));
	good(&p);
	p.segs[2].dst = 0x102800;	/* over the bss */
	ok(starts(plan_check(&p, &mm, &req), "opt/m at 0x102800-0x102863 overlaps bss"));
	good(&p);
	p.segs[0].off = 0x3000;	/* past the file's end */
	ok(starts(plan_check(&p, &mm, &req), "file segment 0 (opt/k) reads 0x3000+8192 past the end of opt/k"));
	good(&p);
	p.segs[2].len = 50;	/* the module cut short */
	ok(starts(plan_check(&p, &mm, &req), "module 0 (opt/m, 100 bytes) is not loaded whole"));
	good(&p);
	p.entry = 0x102010;	/* in the bss */
	ok(starts(plan_check(&p, &mm, &req), "multiboot1 entry 0x102010 lies in no loaded file segment"));
	good(&p);
	p.entry = 0x10010;	/* in the info block: not code */
	ok(starts(plan_check(&p, &mm, &req), "multiboot1 entry 0x10010 lies in no loaded file segment"));
	good(&p);
	p.regs.ebx = 0x100000;	/* the info register at the kernel */
	ok(starts(plan_check(&p, &mm, &req), "multiboot1 boot information register 0x100000 points into no block"));
	good(&p);
	p.mode = ENTRY_REAL16;
	p.rm_cs = 0x1000;	/* 0x10000: the info block, loaded */
	ok(plan_check(&p, &mm, &req) == 0);
	p.rm_cs = 0x3000;
	ok(starts(plan_check(&p, &mm, &req), "real-mode entry 3000:0000 (0x30000) lies in no loaded segment"));
	/* an overlay: a block written after the segment it lies in */
	good(&p);
	struct plan_seg *o = plan_add(&p, 0x100100, 16, SRC_MEM, "header");
	o->mem = info;
	ok(plan_check(&p, &mm, &req) == 0);
	o->dst = 0x101ff8;	/* sticking out of it is not */
	ok(starts(plan_check(&p, &mm, &req), "header at 0x101ff8-0x102007 overlaps opt/k at 0x100000-0x101fff"));
	return test_done("plan_check");
}
