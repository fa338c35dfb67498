/* SPDX-License-Identifier: BSD-2-Clause */
/* Carrying out a prepared plan (kernel/stage.c decided every address, all
 * of which could fail cleanly): load, then jump through the trampoline. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/console.h"
#include "kernel/fw_cfg.h"
#include "kernel/handoff.h"
#include "kernel/load.h"
#include "kernel/platform.h"
#include "kernel/stage.h"
#include "kernel/steps.h"
#include "include/status.h"
#include "kernel/video.h"

/* 0x10/0x18 are what the Linux 32-bit boot protocol asks for; 0x20/0x28
 * are 16-bit, for real mode. */
const uint64_t handoff_gdt[6] = {
	0,
	0,
	0x00cf9a000000ffffull,	/* 0x10: code, flat 4 GiB, 32-bit */
	0x00cf92000000ffffull,	/* 0x18: data, flat 4 GiB, 32-bit */
	0x00009a000000ffffull,	/* 0x20: code, 64 KiB, 16-bit */
	0x000092000000ffffull,	/* 0x28: data, 64 KiB, 16-bit */
};

/* Port I/O moves ~10 MiB/s under TCG: a long read reports each quarter
 * (each MiB when verbose), so a slow boot does not look like a hang. */
#define PROGRESS_MIN (4u << 20)
static const char *progress_what;
static unsigned progress_last;

static void load_progress(uint64_t done, uint64_t total)
{
	unsigned quarter = (unsigned)(done * 4 / total);
	if (console_get_level() == CONSOLE_VERBOSE || (quarter > progress_last && done < total)) {
		progress_last = quarter;
		log_info("load: %s: %llu of %llu KiB (port I/O)", progress_what,
			 (unsigned long long)(done >> 10), (unsigned long long)(total >> 10));
	}
}

static int load_seg(const struct plan_seg *s, uint64_t at, struct diag *d)
{
	void *dst = (void *)(uintptr_t)at;
	switch (s->src) {
	case SRC_FILE:
		if (s->file->mem) {
			memcpy(dst, s->file->mem + s->off, (size_t)s->len);
			return 0;
		}
		if (s->off > s->file->size || s->len > s->file->size - s->off)
			return diag_fail(d, ST_INTERNAL, "load: %s: range past the end of the file", s->what);
		if (!fw_cfg_uses_dma() && s->len >= PROGRESS_MIN) {
			progress_what = s->what;
			progress_last = 0;
			fw_cfg_set_progress(load_progress);
		}
		int r = fw_cfg_read(s->file->key, s->file->base + s->off, dst, s->len, d);
		fw_cfg_set_progress(0);
		return r;
	case SRC_MEM:
		memcpy(dst, s->mem, (size_t)s->len);
		return 0;
	case SRC_ZERO:
		memset(dst, 0, (size_t)s->len);
		return 0;
	}
	return diag_fail(d, ST_INTERNAL, "load: unknown segment source %d", s->src);
}

static void log_seg(const struct plan_seg *s)
{
	if (s->src != SRC_ZERO)
		log_info("load: %s -> 0x%llx-0x%llx (%llu bytes%s%s)", s->what, (unsigned long long)s->dst,
			 (unsigned long long)(s->dst + s->len - 1), (unsigned long long)s->len,
			 s->staged ? ", staged" : s->src == SRC_FILE && !s->file->mem ? ", " : "",
			 !s->staged && s->src == SRC_FILE && !s->file->mem ? fw_cfg_method() : "");
	else
		log_verbose("load: %s -> 0x%llx-0x%llx (%llu bytes zeroed)", s->what, (unsigned long long)s->dst,
			    (unsigned long long)(s->dst + s->len - 1), (unsigned long long)s->len);
}

/* Segment i and the ones after it that continue it both in its fw_cfg
 * file and where the load writes them (an ELF's adjacent sections): how
 * many, and their length, for one DMA transfer (each costs the guest two
 * port writes, a VM exit each under KVM). */
static size_t file_run(const struct plan *p, const uint64_t *at, size_t i, uint64_t *len)
{
	const struct plan_seg *s = &p->segs[i];
	size_t n = 1;
	*len = s->len;
	if (s->src != SRC_FILE || s->file->mem || !fw_cfg_uses_dma())
		return 1;
	while (i + n < p->nsegs) {
		const struct plan_seg *t = &p->segs[i + n];
		if (t->src != SRC_FILE || t->file != s->file || t->len == 0 || t->off != s->off + *len ||
		    at[i + n] != at[i] + *len)
			break;
		*len += t->len;
		n++;
	}
	return n;
}

int plan_load(struct plan *p, const struct stage_plan *spp, struct diag *d)
{
	const struct stage_plan sp = *spp;
	int r;

	/* 2. move the bytes: straight to the final address unless staged */
	for (size_t i = 0; i < p->nsegs; i++) {
		struct plan_seg run = p->segs[i];
		if (run.len == 0 || (run.staged && run.src == SRC_ZERO))
			continue;
		size_t n = file_run(p, sp.at, i, &run.len);
		for (size_t k = i; k < i + n; k++)
			log_seg(&p->segs[k]);
		r = load_seg(&run, sp.at[i], d);
		if (r)
			return r;
		i += n - 1;
	}

	/* the payload's graphics mode, last: fwboot's lines stay on the text
	 * screen until now, and nothing draws on the framebuffer after */
	if (p->video_note[0])
		log_info("video: %s", p->video_note);
	if (p->set_video) {
		r = video_set(p->video_caps, &p->video, d);
		if (r)
			return r;
	}

	steps_mark(STEP_LOAD);
	return 0;
}

/* Bounded busy wait on the cycle counter (1 GHz assumed when unknown). */
static void wait_us(uint64_t hz, uint64_t us)
{
	uint64_t end = platform_cycles() + hz / 1000000 * us;
	while (platform_cycles() < end)
		__asm__ volatile("pause");
}

/* Limine SMP: the APs' start code into its page, two SIPIs to every CPU
 * but this one (INIT went before the load), then a bounded wait until the planned number parked
 * (they park on their goto_address, in the kernel's page tables). */
#define ICR_LOW 0x300
#define ICR_HIGH 0x310
#define ICR_ALL_BUT_SELF 0xc0000
#define ICR_INIT 0x4500
#define ICR_STARTUP 0x4600
#define ICR_PENDING 0x1000

/* INIT to every other CPU, before the load: whatever loop the firmware
 * parked them in, they wait for a SIPI now, not in memory about to be
 * overwritten. */
static void init_aps(const struct plan *p)
{
	volatile uint32_t *lo = (volatile uint32_t *)(uintptr_t)(p->smp_lapic + ICR_LOW);
	*(volatile uint32_t *)(uintptr_t)(p->smp_lapic + ICR_HIGH) = 0;
	*lo = ICR_ALL_BUT_SELF | ICR_INIT;
}

static void start_aps(const struct plan *p)
{
	uint8_t *page = (uint8_t *)(uintptr_t)p->smp_page;
	volatile uint32_t *lo = (volatile uint32_t *)(uintptr_t)(p->smp_lapic + ICR_LOW);
	volatile uint32_t *alive = (volatile uint32_t *)(page + AP_ALIVE);
	const char *clock;
	uint64_t hz = platform_cycles_hz(&clock);
	if (!hz)
		hz = 1000000000u;
	/* the code is the trampoline's last bytes (tramp_end is the only label both builds export) */
	uintptr_t code = (uintptr_t)tramp_end - TRAMP_AP_SIZE;
	memcpy(page, (const void *)code, TRAMP_AP_SIZE);
	wait_us(hz, 10000);	/* since the INIT */
	for (int i = 0; i < 2 && *alive < p->smp_aps; i++) {
		for (int spin = 0; spin < 100000 && (*lo & ICR_PENDING); spin++)
			;
		*lo = ICR_ALL_BUT_SELF | ICR_STARTUP | (uint32_t)(p->smp_page >> 12);
		wait_us(hz, 200);
	}
	uint64_t end = platform_cycles() + 2 * hz;	/* TCG runs the CPUs in turn: generous */
	while (*alive < p->smp_aps && platform_cycles() < end)
		__asm__ volatile("pause");
	if (*alive < p->smp_aps)
		log_notice("smp: only %u of %u application processors parked in 2 s", *alive, p->smp_aps);
	else
		log_info("smp: %u application processor%s parked on their goto_address", *alive,
			 *alive == 1 ? "" : "s");
}

int plan_run(struct plan *p, const struct stage_plan *spp, struct diag *d)
{
	const struct stage_plan sp = *spp;
	size_t code = (size_t)(tramp_end - tramp_start);
	if (p->smp_page)
		init_aps(p);
	int r = plan_load(p, spp, d);
	if (r)
		return r;
	if (p->smp_page)
		start_aps(p);

	/* 3. the trampoline, its params and the staged moves, in stage.c's order */
	uint64_t t = sp.tramp;
	size_t poff = sp.params_off;
	uint8_t *tp = (uint8_t *)(uintptr_t)t;
	struct tramp_params *pa = (struct tramp_params *)(tp + poff);
	struct tramp_op *ops = (struct tramp_op *)(pa + 1);
	memcpy(tp, tramp_start, code);
	memset(pa, 0, sizeof(*pa));
	size_t n = sp.nmoves;
	for (size_t i = 0; i < n; i++) {
		ops[i].kind = sp.moves[i].zero ? TRAMP_OP_ZERO : TRAMP_OP_COPY;
		ops[i].src = (uint32_t)sp.moves[i].src;
		ops[i].dst = (uint32_t)sp.moves[i].dst;
		ops[i].len = (uint32_t)sp.moves[i].len;
	}
	pa->nops = (uint32_t)n;
	pa->ops = (uint32_t)(uintptr_t)ops;
	pa->entry = p->entry;
	pa->mode = TRAMP_MODE_FLAT32;
	pa->eax = p->regs.eax;
	pa->ebx = p->regs.ebx;
	pa->ecx = p->regs.ecx;
	pa->edx = p->regs.edx;
	pa->esi = p->regs.esi;
	pa->edi = p->regs.edi;
	pa->ebp = p->regs.ebp;
	pa->esp = p->regs.esp;
	memcpy(pa->gdt, handoff_gdt, sizeof(pa->gdt));
	pa->gdt_limit = sizeof(pa->gdt) - 1;
	pa->gdt_base = (uint32_t)(uintptr_t)pa->gdt;
	pa->far_ip = (uint32_t)t + (uint32_t)(tramp_reload - tramp_start);
	pa->far_cs = 0x10;
	pa->stack_top = (uint32_t)(uintptr_t)(pa->stack + sizeof(pa->stack)) & ~15u;
	if (p->mode == ENTRY_REAL16) {
		/* 16-bit code segment based at the trampoline (below 1 MiB), so its
		 * offsets are small and it keeps running once PE is off */
		pa->mode = TRAMP_MODE_REAL16;
		pa->gdt[4] |= (uint64_t)t << 16;
		pa->rm_code16 = (uint32_t)(tramp_code16 - tramp_start);
		pa->rm_cs = p->rm_cs;
		pa->rm_ip = p->rm_ip;
		pa->rm_ss = p->rm_ss;
		pa->rm_sp = p->rm_sp;
		pa->rm_ds = p->rm_ds;
		log_notice("boot: %s real-mode entry %04x:%04x (ss:sp %04x:%04x), %zu staged move%s", p->format,
			 p->rm_cs, p->rm_ip, p->rm_ss, p->rm_sp, n, n == 1 ? "" : "s");
	} else if (p->mode == ENTRY_LONG64) {
		pa->mode = TRAMP_MODE_LONG64;
		pa->lm_cr3 = (uint32_t)p->lm_cr3;
		pa->lm_nx = (uint32_t)p->lm_nx;
		pa->lm_cr4 = p->lm_cr4;
		pa->lm_pat = (uint32_t)p->lm_pat;
		pa->lm_ioapic = (uint32_t)p->lm_ioapic;
		pa->lm_far_cs = 0x28;
		pa->lm_gdt32_limit = pa->lm_gdt_limit = 7 * 8 - 1;
		pa->lm_gdt32_base = (uint32_t)p->lm_gdt;
		pa->lm_gdt_base = p->lm_gdt_virt;
		pa->lm_entry = p->lm_entry;
		pa->lm_rsp = p->lm_rsp;
		log_notice("boot: %s 64-bit entry 0x%llx (cr3 0x%llx, rsp 0x%llx), %zu staged move%s", p->format,
			   (unsigned long long)p->lm_entry, (unsigned long long)p->lm_cr3, (unsigned long long)p->lm_rsp,
			   n, n == 1 ? "" : "s");
	} else {
		log_notice("boot: %s entry 0x%x (eax 0x%x ebx 0x%x esi 0x%x), %zu staged move%s", p->format,
			 p->entry, p->regs.eax, p->regs.ebx, p->regs.esi, n, n == 1 ? "" : "s");
	}

	steps_report();
	/* the kernel's text goes on below fwboot's last line: into the block
	 * (or its staging copy) that holds the cursor's bytes */
	for (size_t i = p->nsegs; p->text_cursor && i-- > 0;) {
		const struct plan_seg *s = &p->segs[i];
		if (p->text_cursor >= s->dst && p->text_cursor - s->dst + 2 <= s->len) {
			if (s->src != SRC_ZERO || !s->staged)
				platform_text_cursor((uint8_t *)(uintptr_t)(sp.at[i] + (p->text_cursor - s->dst)));
			break;
		}
	}
	handoff_jump(t, pa);
}
