/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pvhtest: an ELF kernel booted through its Xen PHYS32_ENTRY note (PVH).
 * Prints what the hvm_start_info in EBX holds, one parseable line per
 * fact, then exits through isa-debug-exit: 0x40 (QEMU status 129) when it
 * ran, 0x41 (status 131) on a wrong magic or when entered through the ELF
 * entry instead of the PVH one.
 *
 * Lines ("pvhtest: ..."; tests/boot/kreport.py parses them):
 *   variant=NAME protocol=pvh|elf_entry magic=0x...
 *   image load=ADDR link=ADDR entry=ADDR size=N pattern_ok= bss_zero=
 *   state cr0= cr4= eflags= pe= pg= if= cs= ds= ss= ok=
 *   start_info addr= version= flags= nr_modules= modlist_paddr= cmdline_paddr=
 *              rsdp_paddr= memmap_paddr= memmap_entries= reserved= aligned=
 *   cmdline="..."                          (when cmdline_paddr is not 0)
 *   mod index=I start= size= crc32= aligned= string="..." | string_paddr=0
 *   rsdp addr= signature_ok= checksum_ok= revision= matches_bios=
 *   mmap_entry base= len= type= reserved=
 *   done
 */
#include "kout.h"

#ifndef PVHTEST_VARIANT
#error "build with -DPVHTEST_VARIANT='\"name\"' -DPVHTEST_LINK=address"
#endif

extern char _image_start[], _image_end[], _pattern_start[], pvh_start[];
void pvhtest_main(uint32_t si, uint32_t eflags, uint32_t cr0, uint32_t cr4, uint32_t cs, uint32_t ds, uint32_t ss,
		  uint32_t ran_at);
void pvhtest_wrong_entry(uint32_t eax, uint32_t ebx);

#define HVM_START_MAGIC 0x336ec578
#define PATTERN_SIZE 3001	/* pvhentry.S */

static uint8_t bss_probe[4096];

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static const uint8_t *phys(uint64_t a)
{
	return (const uint8_t *)(uintptr_t)a;
}

static void report_rsdp(uint64_t addr)
{
	if (!addr) {
		out("rsdp addr=0x0 signature_ok=0 checksum_ok=0 revision=0 matches_bios=0");
		return;
	}
	const uint8_t *r = phys(addr);
	uint32_t bios = kout_find_rsdp();
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum += r[i];
	int sig = r[0] == 'R' && r[1] == 'S' && r[2] == 'D' && r[3] == ' ' && r[4] == 'P' && r[5] == 'T' &&
		  r[6] == 'R' && r[7] == ' ';
	out("rsdp addr=%L signature_ok=%u checksum_ok=%u revision=%u matches_bios=%u", addr, (uint32_t)sig,
	    (uint32_t)(sum == 0), (uint32_t)r[15], (uint32_t)(bios == addr));
}

void pvhtest_main(uint32_t si_addr, uint32_t eflags, uint32_t cr0, uint32_t cr4, uint32_t cs, uint32_t ds, uint32_t ss,
		  uint32_t ran_at)
{
	int bss_zero = 1;
	for (uint32_t i = 0; i < sizeof(bss_probe); i++)
		if (bss_probe[i])
			bss_zero = 0;
	kout_init("pvhtest");
	const uint8_t *si = phys(si_addr);
	uint32_t magic = rd32(si);
	out("variant=%s protocol=pvh magic=%x", PVHTEST_VARIANT, magic);

	const uint8_t *pat = (const uint8_t *)_pattern_start;
	int pattern_ok = 1;
	for (uint32_t i = 0; i < PATTERN_SIZE; i++)
		if (pat[i] != kout_pattern_byte(i))
			pattern_ok = 0;
	out("image load=%x link=%x entry=%x size=%u pattern_ok=%u bss_zero=%u", (uint32_t)(uintptr_t)_image_start,
	    (uint32_t)PVHTEST_LINK, ran_at, (uint32_t)(_image_end - _image_start), (uint32_t)pattern_ok,
	    (uint32_t)bss_zero);
	uint32_t pe = cr0 & 1, pg = cr0 >> 31, intr = eflags >> 9 & 1;
	out("state cr0=%x cr4=%x eflags=%x pe=%u pg=%u if=%u cs=%x ds=%x ss=%x ok=%u", cr0, cr4, eflags, pe, pg, intr,
	    cs, ds, ss, (uint32_t)(pe && !pg && !intr && cr4 == 0 && ran_at == (uint32_t)(uintptr_t)pvh_start));
	if (magic != HVM_START_MAGIC) {
		out("error what=magic magic=%x", magic);
		kout_exit(KOUT_FAILED);
	}

	uint32_t version = rd32(si + 4), nmods = rd32(si + 12);
	uint64_t modlist = rd64(si + 16), cmdline = rd64(si + 24), rsdp = rd64(si + 32);
	uint64_t memmap = version >= 1 ? rd64(si + 40) : 0;
	uint32_t nmap = version >= 1 ? rd32(si + 48) : 0;
	out("start_info addr=%x version=%u flags=%u nr_modules=%u modlist_paddr=%L cmdline_paddr=%L rsdp_paddr=%L "
	    "memmap_paddr=%L memmap_entries=%u reserved=%u aligned=%u", si_addr, version, rd32(si + 8), nmods,
	    modlist, cmdline, rsdp, memmap, nmap, version >= 1 ? rd32(si + 52) : 0, (uint32_t)((si_addr & 7) == 0));
	if (cmdline)
		out("cmdline=%q", (const char *)phys(cmdline));
	for (uint32_t i = 0; i < nmods; i++) {
		const uint8_t *m = phys(modlist + 32 * (uint64_t)i);
		uint64_t start = rd64(m), size = rd64(m + 8), str = rd64(m + 16);
		uint32_t crc = kout_crc32(phys(start), (uint32_t)size);
		if (str)
			out("mod index=%u start=%L size=%u crc32=%x aligned=%u string=%q", i, start, (uint32_t)size, crc,
			    (uint32_t)((start & 0xfff) == 0), (const char *)phys(str));
		else
			out("mod index=%u start=%L size=%u crc32=%x aligned=%u string_paddr=0", i, start, (uint32_t)size,
			    crc, (uint32_t)((start & 0xfff) == 0));
	}
	report_rsdp(rsdp);
	for (uint32_t i = 0; i < nmap; i++) {
		const uint8_t *e = phys(memmap + 24 * (uint64_t)i);
		out("mmap_entry base=%L len=%L type=%u reserved=%u", rd64(e), rd64(e + 8), rd32(e + 16), rd32(e + 20));
	}
	if (cmdline && kout_has_word((const char *)phys(cmdline), "ramcheck")) {
		/* what this kernel was given: its image, the start info with its
		 * module list, memory map and strings, the modules */
		static uint64_t ex[72][2];
		uint32_t nex = 0;
		ex[nex][0] = (uintptr_t)_image_start;
		ex[nex++][1] = (uintptr_t)_image_end;
		ex[nex][0] = si_addr;
		ex[nex++][1] = (uint64_t)si_addr + 56;
		ex[nex][0] = modlist;
		ex[nex++][1] = modlist + 32 * (uint64_t)nmods;
		ex[nex][0] = memmap;
		ex[nex++][1] = memmap + 24 * (uint64_t)nmap;
		ex[nex][0] = cmdline;
		ex[nex++][1] = cmdline + kout_strlen((const char *)phys(cmdline)) + 1;
		for (uint32_t i = 0; i < nmods && nex < 70; i++) {
			const uint8_t *m = phys(modlist + 32 * (uint64_t)i);
			ex[nex][0] = rd64(m);
			ex[nex++][1] = rd64(m) + rd64(m + 8);
			if (rd64(m + 16)) {
				ex[nex][0] = rd64(m + 16);
				ex[nex++][1] = rd64(m + 16) + kout_strlen((const char *)phys(rd64(m + 16))) + 1;
			}
		}
		kout_ramcheck(ex, nex);
	}
	out("done");
	kout_exit(KOUT_DONE);
}

void pvhtest_wrong_entry(uint32_t eax, uint32_t ebx)
{
	kout_init("pvhtest");
	out("variant=%s protocol=elf_entry magic=%x", PVHTEST_VARIANT, eax);
	out("error what=entry ebx=%x", ebx);
	kout_exit(KOUT_FAILED);
}
