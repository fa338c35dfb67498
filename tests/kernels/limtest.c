/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limtest: a 64-bit higher-half kernel for the Limine boot protocol,
 * written from the protocol document (PROTOCOL.md). It places its
 * requests (and, unless LIMTEST_REV is -1, a base revision tag) between
 * the request delimiters, prints every response it received ("limtest: ..."
 * lines on COM1, kout.h) and checks what it can itself: the CPU state the
 * protocol promises, the direct map against its own bytes, the memory map's
 * order and alignment, the RSDP, SMBIOS and EFI system table signatures.
 * It draws a pattern on the framebuffer. Built non-PIE at
 * 0xffffffff80000000 or as a PIE linked at 0 (fwboot slides it).
 */
#include <stddef.h>
#include <stdint.h>
#include "kout.h"

#define M0 0xc7b1dd30df4c8b88ull
#define M1 0x0a82e883a194f07bull
#define REQ __attribute__((used, aligned(8), section(".limine_requests"))) static volatile uint64_t

#ifndef LIMTEST_REV
#define LIMTEST_REV 2
#endif

__attribute__((used, aligned(8), section(".limine_requests_start"))) static volatile uint64_t start_marker[4] = {
	0xf6b8f4b39de7d1aeull, 0xfab91a6940fcb9cfull, 0x785c6ed015d3e316ull, 0x181e920a7852b9d9ull };
__attribute__((used, aligned(8), section(".limine_requests_end"))) static volatile uint64_t end_marker[2] = {
	0xadc0e0531bb10d03ull, 0x9572709f31764c62ull };
#if LIMTEST_REV >= 0
REQ base_rev[3] = { 0xf9562b2d5c95a6c8ull, 0x6a7b384944536bdcull, LIMTEST_REV };
#endif
REQ info_req[6] = { M0, M1, 0xf55038d8e2a1202full, 0x279426fcf5f59740ull, 0, 0 };
REQ fwtype_req[6] = { M0, M1, 0x8c2f75d90bef28a8ull, 0x7045a4688eac00c3ull, 0, 0 };
REQ stack_req[7] = { M0, M1, 0x224ef0460a8e8926ull, 0xe1cb0fc25f46ea3dull, 0, 0, 0x20000 };
REQ hhdm_req[6] = { M0, M1, 0x48dcf1cb8ad2b852ull, 0x63984e959a98244bull, 0, 0 };
REQ fb_req[6] = { M0, M1, 0x9d5827dcd881dd75ull, 0xa3148604f6fab11bull, 1, 0 };
#ifdef LIMTEST_5LVL	/* 5-level preferred, 4-level accepted */
REQ paging_req[9] = { M0, M1, 0x95c1a0edab0944cbull, 0xa4e5cb3842f7488aull, 1, 0, 1, 1, 0 };
#else
REQ paging_req[9] = { M0, M1, 0x95c1a0edab0944cbull, 0xa4e5cb3842f7488aull, 1, 0, 0, 0, 0 };
#endif
REQ memmap_req[6] = { M0, M1, 0x67cf3d9d378a806full, 0xe304acdfc50c3c62ull, 0, 0 };
REQ kfile_req[6] = { M0, M1, 0xad97e90e83f1ed67ull, 0x31eb5d1c5ff23b69ull, 0, 0 };
REQ module_req[6] = { M0, M1, 0x3e7e279702be32afull, 0xca1c4f3bd1280ceeull, 0, 0 };
REQ rsdp_req[6] = { M0, M1, 0xc5e77b6b397e7b43ull, 0x27637845accdcf3cull, 0, 0 };
REQ smbios_req[6] = { M0, M1, 0x9e9046f11e095391ull, 0xaa4a520fefbde5eeull, 0, 0 };
REQ efist_req[6] = { M0, M1, 0x5ceba5163eaaf6d6ull, 0x0a6981610cf65fccull, 0, 0 };
REQ kaddr_req[6] = { M0, M1, 0x71ba76863cc55f63ull, 0xb2644a48c516a487ull, 0, 0 };
REQ smp_req[7] = { M0, M1, 0x95a67b819a1b857eull, 0xa0b61b723b6a73e0ull, 0, 0, 0 };
REQ time_req[6] = { M0, M1, 0x502746e184c088aaull, 0xfbc5ec83e6327893ull, 0, 0 };
REQ efimm_req[6] = { M0, M1, 0x7df62a431d6872d5ull, 0xa4fcdfb3e57306c8ull, 0, 0 };
REQ unknown_req[6] = { M0, M1, 0x1111111111111111ull, 0x2222222222222222ull, 0, 0 };
#ifdef LIMTEST_DUP
REQ dup_req[6] = { M0, M1, 0x48dcf1cb8ad2b852ull, 0x63984e959a98244bull, 0, 0 };
#endif
#ifdef LIMTEST_ENTRY_REQ
void limtest_entry2(void);
/* the entry point request: its pointer is relocated in the PIE */
__attribute__((used, aligned(8), section(".limine_requests"))) static struct {
	uint64_t w[6];
	void (*entry)(void);
} entry_req = { { M0, M1, 0x13d86c035a1cd3e1ull, 0x2b0caa89d8f3026aull, 0, 0 }, limtest_entry2 };
#endif

static int failed;
static volatile uint32_t reached;	/* APs that ran limtest_ap */

/* An AP's goto_address: counts itself (its smp_info in RDI) and stops. */
void limtest_ap(const uint64_t *info);
void limtest_ap(const uint64_t *info)
{
	uint64_t rsp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	if (info[2] && rsp >= 0xff00000000000000ull)	/* on a stack in the direct map (4- or 5-level) */
		__atomic_add_fetch(&reached, 1, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void check(int ok, const char *what)
{
	if (!ok) {
		out("FAIL %s", what);
		failed = 1;
	}
}

static const uint64_t *resp(volatile uint64_t *req)
{
	return (const uint64_t *)req[5];
}

static int sig(uint64_t addr, const char *s)
{
	const char *p = (const char *)addr;
	for (; *s; s++, p++)
		if (*p != *s)
			return 0;
	return 1;
}

/* The page table entry that maps va (through the direct map at hhdm), and its level. */
static uint64_t leaf_of(uint64_t cr3, uint64_t hhdm, uint64_t va, int levels, int *level)
{
	uint64_t table = cr3 & 0x000ffffffffff000ull, e = 0;
	for (*level = levels; *level >= 1; (*level)--) {
		e = ((volatile uint64_t *)(hhdm + table))[(va >> (12 + 9 * (*level - 1))) & 511];
		if (!(e & 1) || *level == 1 || (e & 0x80))
			return e;
		table = e & 0x000ffffffffff000ull;
	}
	return e;
}

static void print_file(const char *kind, const uint64_t *f)
{
	out("%s path=%q cmdline=%q size=%L addr=%L crc=%x", kind, (const char *)f[3], (const char *)f[4], f[2], f[1],
	    kout_crc32((const uint8_t *)f[1], (uint32_t)f[2]));
	check((f[1] & 0xfff) == 0, "file 4 KiB aligned");
}

void limtest_main(int via_request);
void limtest_main(int via_request)
{
	uint64_t rsp, cr0, cr4, cr3, flags, efer_lo, efer_hi;
	uint16_t cs, ds;
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr;
	__asm__ volatile("mov %%rsp, %0; mov %%cr0, %1; mov %%cr4, %2; mov %%cr3, %3; pushfq; pop %4"
			 : "=r"(rsp), "=r"(cr0), "=r"(cr4), "=r"(cr3), "=r"(flags));
	__asm__ volatile("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(0xc0000080));
	__asm__ volatile("mov %%cs, %0; mov %%ds, %1; sgdt %2" : "=r"(cs), "=r"(ds), "=m"(gdtr));
	kout_init("limtest");
	out("entry variant=%s via=%s rsp=%L cr0=%L cr4=%L efer=%L rflags=%L cs=%x ds=%x gdt=%L/%x", LIMTEST_VARIANT,
	    via_request ? "request" : "elf", rsp, cr0, cr4, efer_lo, flags, cs, ds, gdtr.base, gdtr.limit);
	check((cr0 & 0x80010001) == 0x80010001, "PG, WP and PE on");
	check(cr4 & 0x20, "PAE on");
	check((efer_lo & 0x500) == 0x500, "LME and LMA on");
	check(!(flags & 0x600), "IF and DF clear");
	check(cs == 0x28 && ds == 0x30, "64-bit segments 0x28/0x30");
	check(gdtr.limit >= 55, "GDT of 7 entries");
	uint32_t a1, b1, c1, d1, pat_lo, pat_hi;
	__asm__ volatile("cpuid" : "=a"(a1), "=b"(b1), "=c"(c1), "=d"(d1) : "a"(1), "c"(0));
	if (d1 & (1u << 16)) {	/* the protocol's PAT: WB WT UC- UC WP WC, entries 6 and 7 unspecified */
		__asm__ volatile("rdmsr" : "=a"(pat_lo), "=d"(pat_hi) : "c"(0x277));
		out("pat value=%L", (uint64_t)pat_hi << 32 | pat_lo);
		check(pat_lo == 0x00070406 && (pat_hi & 0xffff) == 0x0105, "PAT layout");
	}
#ifdef LIMTEST_ENTRY_REQ
	check(via_request, "entered through the entry point request");
#endif
#if LIMTEST_REV >= 0
	out("base_revision requested=%u tag=%L", (uint32_t)LIMTEST_REV, base_rev[2]);
	check(LIMTEST_REV > 2 ? base_rev[2] == LIMTEST_REV : base_rev[2] == 0, "base revision tag as specified");
#endif
	const uint64_t *r;
	uint64_t hhdm = 0;
	if ((r = resp(info_req)))
		out("bootloader name=%s version=%s", (const char *)r[1], (const char *)r[2]);
	if ((r = resp(fwtype_req)))
		out("firmware type=%L", r[1]);
	out("stack_size answered=%u", resp(stack_req) != 0);
	if ((r = resp(hhdm_req))) {
		hhdm = r[1];
		out("hhdm offset=%L", hhdm);
	}
	if ((r = resp(paging_req))) {
		out("paging mode=%L", r[1]);
		check(((cr4 >> 12) & 1) == r[1], "CR4.LA57 as the paging mode response says");
		check(hhdm == (r[1] ? 0xff00000000000000ull : 0xffff800000000000ull), "HHDM offset of the paging mode");
	}
	{	/* legacy PIC masked; the IO APIC's fixed and lowest-priority entries masked */
		uint8_t m1 = kout_inb(0x21), m2 = kout_inb(0xa1);
		volatile uint32_t *io = (volatile uint32_t *)(hhdm + 0xfec00000ull);
		uint32_t unmasked = 0, n = 0;
		if (hhdm) {
			io[0] = 1;
			n = ((io[4] >> 16) & 0xff) + 1;
			for (uint32_t i = 0; n <= 240 && i < n; i++) {
				io[0] = 0x10 + 2 * i;
				uint32_t lo = io[4];
				unmasked += !(lo & 0x10000) && !(lo & 0x600);
			}
		}
		out("interrupts pic=%x/%x ioapic_entries=%u unmasked=%u", m1, m2, n, unmasked);
		check(m1 == 0xff && m2 == 0xff && !unmasked, "PIC and IO APIC masked");
	}
	if ((r = resp(kaddr_req))) {
		out("kernel_address physical=%L virtual=%L", r[1], r[2]);
		check(r[2] >= 0xffffffff80000000ull, "higher half");
		check(*(volatile uint64_t *)(hhdm + r[1]) == *(volatile uint64_t *)r[2], "HHDM reads the kernel");
		check(cr3 < 0x100000000ull, "page tables below 4 GiB");
	}
	if ((r = resp(memmap_req))) {
		const uint64_t *const *e = (const uint64_t *const *)r[2];
		uint64_t last = 0, usable = 0;
		out("memmap entries=%L", r[1]);
		for (uint64_t i = 0; i < r[1]; i++) {
			out("memmap base=%L length=%L type=%L", e[i][0], e[i][1], e[i][2]);
			check(e[i][0] >= last, "memory map sorted");
			last = e[i][0];
			if (e[i][2] == 0 || e[i][2] == 5)
				check(!(e[i][0] & 0xfff) && !(e[i][1] & 0xfff) && e[i][0] >= 0x1000, "usable entries aligned");
			if (e[i][2] == 0) {
				usable += e[i][1];
				/* a usable page read through the direct map */
				check(*(volatile uint8_t *)(hhdm + e[i][0]) == *(volatile uint8_t *)(hhdm + e[i][0]), "HHDM read");
			}
		}
		out("memmap usable=%L", usable);
	}
	if ((r = resp(kfile_req)))
		print_file("kernel_file", (const uint64_t *)r[1]);
	if ((r = resp(module_req))) {
		out("modules count=%L", r[1]);
		for (uint64_t i = 0; i < r[1]; i++)
			print_file("module", ((const uint64_t *const *)r[2])[i]);
	}
	if ((r = resp(rsdp_req))) {
		out("rsdp addr=%L ok=%u", r[1], sig(r[1], "RSD PTR "));
		check(sig(r[1], "RSD PTR "), "RSDP signature");
	}
	if ((r = resp(smbios_req))) {
		int ok = (r[1] && sig(r[1], "_SM_")) || (r[2] && sig(r[2], "_SM3_"));
		out("smbios entry_32=%L entry_64=%L ok=%u", r[1], r[2], ok);
		check(ok, "SMBIOS signature");
	}
	if ((r = resp(efist_req))) {
		out("efi_system_table addr=%L ok=%u", r[1], sig(r[1], "IBI SYST"));
		check(sig(r[1], "IBI SYST"), "EFI system table signature");
	}
	check(unknown_req[5] == 0, "unknown request left unanswered");
	if ((r = resp(time_req)))
		out("boot_time unix=%L", r[1]);
	if ((r = resp(efimm_req))) {
		const uint8_t *mm = (const uint8_t *)r[1];
		uint64_t conv = 0;
		for (uint64_t off = 0; r[3] && off + r[3] <= r[2]; off += r[3])
			if (*(const uint32_t *)(mm + off) == 7)	/* EfiConventionalMemory */
				conv += *(const uint64_t *)(mm + off + 24) * 4096;
		out("efi_memmap size=%L desc_size=%L version=%L conventional=%L", r[2], r[3], r[4], conv);
		check(r[3] >= 40 && r[2] % r[3] == 0 && conv > 0, "EFI memory map");
	}
	if ((r = resp(smp_req))) {
		const uint64_t *const *cpu = (const uint64_t *const *)r[3];
		uint32_t bsp = (uint32_t)(r[1] >> 32), aps = 0;
		out("smp cpus=%L bsp_lapic=%u flags=%u", r[2], bsp, (uint32_t)r[1]);
		for (uint64_t i = 0; i < r[2]; i++) {
			out("smp cpu=%L uid=%u lapic=%u goto=%L", i, (uint32_t)cpu[i][0], (uint32_t)(cpu[i][0] >> 32), cpu[i][2]);
			check(cpu[i][2] == 0, "goto_address NULL at entry");
			if ((uint32_t)(cpu[i][0] >> 32) != bsp) {
				__atomic_store_n((uint64_t *)&cpu[i][2], (uint64_t)(uintptr_t)limtest_ap, __ATOMIC_SEQ_CST);
				aps++;
			}
		}
		for (uint64_t spin = 0; spin < 200000000ull && __atomic_load_n(&reached, __ATOMIC_SEQ_CST) < aps; spin++)
			__asm__ volatile("pause");	/* bounded: a lost AP fails the check, not the test run */
		out("smp aps=%u reached=%u", aps, reached);
		check(reached == aps, "every AP reached its goto_address");
	} else {
		out("smp none");
	}
	if ((r = resp(fb_req))) {
		const uint64_t *fb = ((const uint64_t *const *)r[2])[0];
		const uint8_t *fbb = (const uint8_t *)fb;
		out("framebuffer count=%L addr=%L width=%L height=%L pitch=%L bpp=%u", r[1], fb[0], fb[1], fb[2], fb[3],
		    (uint32_t)*(const uint16_t *)(fbb + 32));
		if (*(const uint16_t *)(fbb + 32) == 32)	/* red in x, green in y, blue 0x40 */
			for (uint64_t y = 0; y < fb[2]; y++)
				for (uint64_t x = 0; x < fb[1]; x++)
					*(volatile uint32_t *)(fb[0] + y * fb[3] + x * 4) =
						(uint32_t)((x & 0xff) << fbb[36] | (y & 0xff) << fbb[38] | 0x40u << fbb[40]);
		out("framebuffer drawn=1");
		int level;
		uint64_t e = leaf_of(cr3, hhdm, fb[0], (cr4 >> 12) & 1 ? 5 : 4, &level);
		out("framebuffer pte=%L level=%u", e, (uint32_t)level);
		if ((d1 & (1u << 16)) && level == 2 && !(fb[0] & 0x1fffff) && fb[2] * fb[3] >= 0x200000)
			check((e & 0x1018) == 0x1008, "framebuffer mapped write-combining (PAT entry 5)");
	} else {
		out("framebuffer none");
	}
	out("done ok=%u", !failed);
	/* "hold" in the command line: stay, so the test can read the screen */
	const char *cmd = resp(kfile_req) ? (const char *)((const uint64_t *)resp(kfile_req)[1])[4] : "";
	for (; *cmd; cmd++)
		if (cmd[0] == 'h' && cmd[1] == 'o' && cmd[2] == 'l' && cmd[3] == 'd')
			for (;;)
				__asm__ volatile("cli; hlt");
	kout_exit(failed ? KOUT_FAILED : KOUT_DONE);
}

__asm__(".section .text.entry, \"ax\"\n"
	".global _start, limtest_entry2\n"
	"_start:\n"
	"	xorl %edi, %edi\n"
	"	call limtest_main\n"
	"	ud2\n"
	"limtest_entry2:\n"
	"	movl $1, %edi\n"
	"	call limtest_main\n"
	"	ud2\n"
	".previous\n");
