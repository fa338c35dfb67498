/* SPDX-License-Identifier: BSD-2-Clause */
/* The hand-off trampoline's contract (boot/trampoline.S): C copies the
 * code to a free spot, fills a tramp_params right after it, and jumps with
 * ESI = &params. The trampoline runs on its own GDT and stack, carries out
 * the staged copies, loads the entry registers and jumps. */
#ifndef FWBOOT_HANDOFF_H
#define FWBOOT_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#define TRAMP_OP_COPY 0
#define TRAMP_OP_ZERO 1

struct tramp_op {
	uint32_t kind, src, dst, len;
};

#define TRAMP_MODE_FLAT32 0
#define TRAMP_MODE_REAL16 1
#define TRAMP_MODE_LONG64 2

struct tramp_params {
	uint32_t nops;		/* 0 */
	uint32_t ops;		/* 4: address of struct tramp_op[nops] */
	uint32_t entry;		/* 8 */
	uint32_t mode;		/* 12 */
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;	/* 16..44; esp 0 = trampoline stack */
	uint16_t pad;		/* 48 */
	uint16_t gdt_limit;	/* 50: lgdt reads limit and base from here */
	uint32_t gdt_base;	/* 52 */
	uint32_t far_ip;	/* 56: ljmp target after lgdt */
	uint32_t far_cs;	/* 60 */
	uint64_t gdt[6];	/* 64 */
	uint32_t stack_top;	/* 112 */
	uint16_t rm_cs, rm_ip, rm_ss, rm_sp, rm_ds, rm_pad;	/* 116..127: ENTRY_REAL16 */
	uint32_t rm_code16;	/* 128: offset of the 16-bit part within the trampoline */
	uint8_t stack[256];	/* 132 */
	/* TRAMP_MODE_LONG64 (the Limine protocol): */
	uint32_t lm_cr3;	/* 388: PML4, below 4 GiB */
	uint32_t lm_nx;		/* 392: set EFER.NXE */
	uint32_t lm_far_ip;	/* 396: the trampoline's 64-bit part (it fills it in), */
	uint32_t lm_far_cs;	/* 400: 0x28 */
	uint16_t lm_pad;	/* 404 */
	uint16_t lm_gdt32_limit;	/* 406: the kernel's GDT, physical, for lgdt in 32-bit mode */
	uint32_t lm_gdt32_base;	/* 408 */
	uint64_t lm_entry;	/* 412 */
	uint64_t lm_rsp;	/* 420 */
	uint16_t lm_pad2[3];	/* 428 */
	uint16_t lm_gdt_limit;	/* 434: and as the kernel sees it (direct map), for lgdt in long mode */
	uint64_t lm_gdt_base;	/* 436 */
	uint32_t lm_cr4;	/* 444: CR4 bits besides PAE (LA57) */
	uint32_t lm_pat;	/* 448: write the protocol's PAT (WB WT UC- UC WP WC UC- UC) */
	uint32_t lm_ioapic;	/* 452: the IO APIC to mask, 0 none */
} __attribute__((packed));

_Static_assert(offsetof(struct tramp_params, eax) == 16, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, gdt_limit) == 50, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, far_ip) == 56, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, gdt) == 64, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, stack_top) == 112, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, rm_cs) == 116, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, rm_code16) == 128, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_cr3) == 388, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_gdt32_limit) == 406, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_entry) == 412, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_gdt_limit) == 434, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_cr4) == 444, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_pat) == 448, "tramp_params layout");
_Static_assert(offsetof(struct tramp_params, lm_ioapic) == 452, "tramp_params layout");

/* The application processors' start code (Limine SMP): the last
 * TRAMP_AP_SIZE bytes of the trampoline, copied to the start of a page
 * below 1 MiB whose data the planner fills at these offsets. The APs run
 * it from the SIPI (real mode) to long mode on the kernel's page tables,
 * count themselves in AP_ALIVE, and spin on their goto_address. */
#define TRAMP_AP_SIZE 384
#define AP_GDT32 0x800		/* u16 limit, u32 base: the kernel's GDT, physical */
#define AP_FAR32 0x808		/* u32 ip (the code fills it), u16 0x18 */
#define AP_FAR64 0x810		/* u32 ip (the code fills it), u16 0x28 */
#define AP_CR3 0x818
#define AP_NX 0x81c
#define AP_GDT64 0x820		/* u16 limit, u64 base: the GDT in the direct map */
#define AP_COUNT 0x82c		/* entries in AP_TABLE */
#define AP_ALIVE 0x830		/* APs parked so far */
#define AP_CR4 0x834		/* CR4 bits besides PAE (LA57) */
#define AP_PAT 0x838		/* nonzero: write the protocol's PAT */
#define AP_TABLE 0x840		/* {u32 lapic_id, u32 0, u64 smp_info, u64 stack top} (virtual) */
#define AP_ENTRY 24
#define AP_MAX 64

extern char tramp_start[], tramp_reload[], tramp_code16[], tramp_end[];
/* The hand-off GDT the trampoline loads (0x10/0x18 flat 32-bit code and
 * data, 0x20/0x28 16-bit), copied into its params; fwboot.elf runs on it
 * too (boot/entry.S). */
extern const uint64_t handoff_gdt[6];

/* The platform's last step: enter the trampoline copied to tramp in 32-bit
 * protected mode, paging off, with ESI = pa. fwboot.elf is there already
 * (platform/bios/cpu.c); fwboot.efi leaves long mode first (platform/efi/leave64.S). */
__attribute__((noreturn)) void handoff_jump(uint64_t tramp, struct tramp_params *pa);

#endif
