/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mb2test: a Multiboot 2 kernel that prints, one parseable line per fact,
 * everything its loader handed it, then exits through isa-debug-exit
 * (0x40, QEMU status 129; 0x41, status 131, on a magic it does not know).
 * The variant carrying a Multiboot 1 header as well reports a Multiboot 1
 * start too (protocol=multiboot1), so the tests see which one was used.
 *
 * Lines ("mb2test: ..."; tests/boot/kreport.py parses them):
 *   variant=NAME protocol=multiboot2|multiboot1 magic=0x...
 *   image load=ADDR link=ADDR entry=ADDR size=N pattern_ok=0|1 bss_zero=0|1
 *   state cr0=.. eflags=.. pe= pg= if= cs= ds= ss= ok=0|1
 *   info addr=.. total_size=N reserved=N aligned=0|1
 *   cmdline="..."      loader="..."
 *   mod index=I start=.. end=.. size=N crc32=0x.. aligned=0|1 string="..."
 *   meminfo lower=KiB upper=KiB
 *   mmap entry_size=24 entry_version=0 count=N, then mmap_entry base= len= type=
 *   load_base addr=..
 *   rsdp tag=14|15 len=N revision=N signature_ok= checksum_ok= ext_checksum_ok= matches_bios=
 *   framebuffer addr= pitch= width= height= bpp= type=
 *   efi64 systab=ADDR signature_ok=0|1 acpi20=ADDR   (tag 12: the system table read, its
 *                              ACPI 2.0 configuration table entry looked up)
 *   efi_mmap descr_size=N version=N count=N, then efi_desc type=N start=ADDR pages=N   (tag 17)
 *   tag type=N size=N          (any other tag)
 *   tags count=N end_ok=0|1    then: done
 *
 * Compiled position-independent (-fPIE, hidden symbols, no pointers in
 * initialised data): the relocatable variant runs wherever it is put and
 * reports where that is (load=).
 */
#include "kout.h"
#include "ksyms.h"

#ifndef MB2TEST_VARIANT
#error "build with -DMB2TEST_VARIANT='\"name\"' -DMB2TEST_LINK=address"
#endif

#pragma GCC visibility push(hidden)
extern char _start[], _image_start[], _image_end[], _pattern_start[];
void mb2test_main(uint32_t magic, uint32_t info, uint32_t eflags, uint32_t cr0, uint32_t cs, uint32_t ds,
		  uint32_t ss);
#pragma GCC visibility pop

#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define PATTERN_SIZE 3001	/* mb2entry.S */

static uint8_t bss_probe[4096];	/* the loader zeroes bss: all of it must read 0 */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void report_image(int bss_zero)
{
	const uint8_t *pat = (const uint8_t *)_pattern_start;
	int pattern_ok = 1;
	for (uint32_t i = 0; i < PATTERN_SIZE; i++)
		if (pat[i] != kout_pattern_byte(i))
			pattern_ok = 0;
	out("image load=%x link=%x entry=%x size=%u pattern_ok=%u bss_zero=%u", (uint32_t)(uintptr_t)_image_start,
	    (uint32_t)MB2TEST_LINK, (uint32_t)(uintptr_t)_start, (uint32_t)(_image_end - _image_start),
	    (uint32_t)pattern_ok, (uint32_t)bss_zero);
}

static void report_state(uint32_t eflags, uint32_t cr0, uint32_t cs, uint32_t ds, uint32_t ss)
{
	uint32_t pe = cr0 & 1, pg = cr0 >> 31, intr = eflags >> 9 & 1;
	out("state cr0=%x eflags=%x pe=%u pg=%u if=%u cs=%x ds=%x ss=%x ok=%u", cr0, eflags, pe, pg, intr, cs, ds,
	    ss, (uint32_t)(pe && !pg && !intr));
}

static uint64_t efi_acpi20;	/* the RSDP in the EFI configuration table (tag 12), 0: none */

/* The EFI system table of tag 12: its signature, and the ACPI 2.0 entry
 * of its configuration table (paging is off: addresses are physical). */
static void report_efi64(uint64_t st)
{
	static const uint8_t acpi20[16] = { 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					    0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 };
	int sig = st && st < 0x100000000ull && rd64((const uint8_t *)(uintptr_t)st) == 0x5453595320494249ull;
	if (sig) {
		const uint8_t *t = (const uint8_t *)(uintptr_t)st;
		uint64_t n = rd64(t + 104), cfg = rd64(t + 112);
		for (uint64_t i = 0; i < n && i < 256 && cfg && cfg < 0x100000000ull; i++) {
			const uint8_t *e = (const uint8_t *)(uintptr_t)cfg + i * 24;
			int same = 1;
			for (int k = 0; k < 16; k++)
				if (e[k] != acpi20[k])
					same = 0;
			if (same)
				efi_acpi20 = rd64(e + 16);
		}
	}
	out("efi64 systab=%L signature_ok=%u acpi20=%L", st, (uint32_t)sig, efi_acpi20);
}

static void report_efi_mmap(const uint8_t *t, uint32_t size)
{
	uint32_t dsize = rd32(t + 8), n = dsize >= 40 ? (size - 16) / dsize : 0;
	out("efi_mmap descr_size=%u version=%u count=%u", dsize, rd32(t + 12), n);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + 16 + i * dsize;
		out("efi_desc type=%u start=%L pages=%L", rd32(e), rd64(e + 8), rd64(e + 24));
	}
}

static void report_rsdp(uint32_t type, const uint8_t *r, uint32_t len)
{
	uint32_t bios = kout_find_rsdp();
	static const char want[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
	int sig = len >= 8;
	for (uint32_t i = 0; sig && i < 8; i++)
		sig = r[i] == (uint8_t)want[i];
	uint8_t sum = 0, ext = 0;
	for (uint32_t i = 0; i < 20 && i < len; i++)
		sum += r[i];
	for (uint32_t i = 0; i < len; i++)
		ext += r[i];
	int same = bios != 0 && len >= 20;
	for (uint32_t i = 0; same && i < 20; i++)
		if (((const uint8_t *)(uintptr_t)bios)[i] != r[i])
			same = 0;
	int efi = efi_acpi20 && efi_acpi20 < 0x100000000ull;
	for (uint32_t i = 0; efi && i < len; i++)
		if (((const uint8_t *)(uintptr_t)efi_acpi20)[i] != r[i])
			efi = 0;
	out("rsdp tag=%u len=%u revision=%u signature_ok=%u checksum_ok=%u ext_checksum_ok=%u matches_bios=%u "
	    "matches_efi=%u", type, len, len > 15 ? (uint32_t)r[15] : 0, (uint32_t)sig, (uint32_t)(sum == 0),
	    (uint32_t)(len > 20 ? ext == 0 : 1), (uint32_t)same, (uint32_t)efi);
}

static void report_elfsyms(const uint8_t *tab, uint32_t num, uint32_t entsize, uint32_t shndx);

/* What this kernel was given, for the RAM check: its image, the info, the
 * modules, the ELF sections the loader placed. */
static uint64_t ex[64][2];
static uint32_t nex;

static void add_region(uint64_t start, uint64_t end)
{
	if (nex < 64) {
		ex[nex][0] = start;
		ex[nex++][1] = end;
	}
}

/* The BIOS's own SMBIOS entry point, found as an OS would (0 if none), and
 * the tag's copy compared with it: version and every table byte. */
static uint32_t find_smbios(void)
{
	for (uint32_t a = 0xF0000; a + 32 <= 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;
		uint32_t n = 0;
		if (p[0] == '_' && p[1] == 'S' && p[2] == 'M' && p[3] == '3' && p[4] == '_')
			n = p[6];
		else if (p[0] == '_' && p[1] == 'S' && p[2] == 'M' && p[3] == '_')
			n = p[5];
		uint8_t sum = 0;
		for (uint32_t i = 0; i < n; i++)
			sum += p[i];
		if (n >= 24 && sum == 0)
			return a;
	}
	return 0;
}

static void report_smbios(const uint8_t *t, uint32_t size)
{
	uint32_t len = size - 16, bios = find_smbios(), same = 0, reserved_zero = 1;
	for (int i = 10; i < 16; i++)
		if (t[i])
			reserved_zero = 0;
	if (bios) {
		const uint8_t *ep = (const uint8_t *)(uintptr_t)bios;
		int v3 = ep[3] == '3';
		uint32_t major = v3 ? ep[7] : ep[6], minor = v3 ? ep[8] : ep[7];
		uint32_t tlen = v3 ? rd32(ep + 12) : (uint32_t)(ep[22] | ep[23] << 8);
		uint32_t taddr = v3 ? rd32(ep + 16) : rd32(ep + 24);
		same = major == t[8] && minor == t[9] && tlen == len;
		for (uint32_t i = 0; same && i < len; i++)
			if (((const uint8_t *)(uintptr_t)taddr)[i] != t[16 + i])
				same = 0;
	}
	out("smbios major=%u minor=%u len=%u crc32=%x reserved_zero=%u bios_entry=%x matches_bios=%u", (uint32_t)t[8],
	    (uint32_t)t[9], len, kout_crc32(t + 16, len), reserved_zero, bios, same);
}

static void report_mb2(uint32_t addr)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)addr;
	uint32_t total = rd32(b);
	out("info addr=%x total_size=%u reserved=%u aligned=%u", addr, total, rd32(b + 4), (uint32_t)((addr & 7) == 0));
	uint32_t off = 8, count = 0, nmod = 0, end_ok = 0;
	const char *cmdline = 0;
	add_region((uintptr_t)_image_start, (uintptr_t)_image_end);
	add_region(addr, (uint64_t)addr + total);
	/* tag 12 first: the RSDP tags are compared with its configuration table */
	for (uint32_t o = 8; o + 16 <= total && rd32(b + o + 4) >= 8 && rd32(b + o + 4) <= total - o;
	     o = (o + rd32(b + o + 4) + 7) & ~7u)
		if (rd32(b + o) == 12)
			report_efi64(rd64(b + o + 8));
	while (off + 8 <= total) {
		const uint8_t *t = b + off;
		uint32_t type = rd32(t), size = rd32(t + 4);
		if (size < 8 || size > total - off) {
			out("error what=tag_bounds type=%u size=%u offset=%u", type, size, off);
			break;
		}
		count++;
		if (type == 0) {
			end_ok = size == 8 && off + 8 == total;
			break;
		} else if (type == 1) {
			cmdline = (const char *)t + 8;
			out("cmdline=%q", cmdline);
		} else if (type == 2) {
			out("loader=%q", (const char *)t + 8);
		} else if (type == 3) {
			uint32_t start = rd32(t + 8), end = rd32(t + 12);
			out("mod index=%u start=%x end=%x size=%u crc32=%x aligned=%u string=%q", nmod, start, end,
			    end - start, kout_crc32((const uint8_t *)(uintptr_t)start, end - start),
			    (uint32_t)((start & 0xfff) == 0), (const char *)t + 16);
			nmod++;
			add_region(start, end);
		} else if (type == 4) {
			out("meminfo lower=%u upper=%u", rd32(t + 8), rd32(t + 12));
		} else if (type == 6) {
			uint32_t esize = rd32(t + 8), n = esize ? (size - 16) / esize : 0;
			out("mmap entry_size=%u entry_version=%u count=%u", esize, rd32(t + 12), n);
			for (uint32_t i = 0; i < n; i++) {
				const uint8_t *e = t + 16 + i * esize;
				out("mmap_entry base=%L len=%L type=%u", rd64(e), rd64(e + 8), rd32(e + 16));
			}
		} else if (type == 14 || type == 15) {
			report_rsdp(type, t + 8, size - 8);
		} else if (type == 13 && size >= 16) {
			report_smbios(t, size);
		} else if (type == 9) {
			const uint8_t *tab = t + 20;
			uint32_t num = rd32(t + 8), entsize = rd32(t + 12);
			report_elfsyms(tab, num, entsize, rd32(t + 16));
		} else if (type == 12) {
			;	/* reported above */
		} else if (type == 17 && size >= 16) {
			report_efi_mmap(t, size);
		} else if (type == 21) {
			out("load_base addr=%x", rd32(t + 8));
		} else if (type == 8) {
			out("framebuffer addr=%L pitch=%u width=%u height=%u bpp=%u type=%u", rd64(t + 8), rd32(t + 16),
			    rd32(t + 20), rd32(t + 24), (uint32_t)t[28], (uint32_t)t[29]);
		} else {
			out("tag type=%u size=%u", type, size);
		}
		off = (off + size + 7) & ~7u;
	}
	out("tags count=%u end_ok=%u", count, end_ok);
	if (cmdline && kout_has_word(cmdline, "ramcheck"))
		kout_ramcheck(ex, nex);
}

/* ELF sections (tag 9, GRUB's layout: num, entsize, shndx as u32): each
 * section, and this kernel's own entry function looked up in the symbol
 * table the loader placed (the value is a link address: moved by how far a
 * relocating loader moved the image). */
static void report_elfsyms(const uint8_t *tab, uint32_t num, uint32_t entsize, uint32_t shndx)
{
	struct ksec names;
	out("elfsyms num=%u entsize=%u addr=%x shndx=%u", num, entsize, (uint32_t)(uintptr_t)tab, shndx);
	if (num > 256 || (entsize != 40 && entsize != 64))
		return;
	ksyms_section(tab, entsize, shndx < num ? shndx : 0, &names);
	for (uint32_t i = 0; i < num; i++) {
		struct ksec s;
		uint32_t crc = 0;
		ksyms_section(tab, entsize, i, &s);
		if (s.addr && s.size)	/* placed by the loader: handed over (ramcheck) */
			add_region(s.addr, s.addr + s.size);
		if (s.addr && s.size && s.type != KSYMS_SHT_NOBITS && s.addr + s.size <= 0x100000000ull)
			crc = kout_crc32((const uint8_t *)(uintptr_t)s.addr, (uint32_t)s.size);
		out("shdr index=%u name=%q type=%u flags=%L addr=%L size=%L crc32=%x", i,
		    names.addr && s.name < names.size ? (const char *)(uintptr_t)(names.addr + s.name) : "",
		    s.type, s.flags, s.addr, s.size, crc);
	}
	uint64_t value = 0;
	int found = ksyms_lookup(tab, num, entsize, "mb2test_main", &value);
	uint32_t shift = (uint32_t)(uintptr_t)_image_start - (uint32_t)MB2TEST_LINK;
	uint32_t want = (uint32_t)(uintptr_t)mb2test_main;
	out("elfsyms_check found=%u value=%L want=%x symbol_ok=%u", (uint32_t)found, value, want,
	    (uint32_t)(found && (uint32_t)value + shift == want));
}

/* Multiboot 1, for the file that carries both headers: enough to tell. */
static void report_mb1(uint32_t addr)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)addr;
	uint32_t flags = rd32(b);
	out("info addr=%x flags=%x", addr, flags);
	if (flags & (1u << 2))
		out("cmdline=%q", (const char *)(uintptr_t)rd32(b + 16));
	if (flags & (1u << 9))
		out("loader=%q", (const char *)(uintptr_t)rd32(b + 64));
	if (flags & (1u << 3))
		out("mods count=%u", rd32(b + 20));
}

void mb2test_main(uint32_t magic, uint32_t info, uint32_t eflags, uint32_t cr0, uint32_t cs, uint32_t ds,
		  uint32_t ss)
{
	int bss_zero = 1;
	for (uint32_t i = 0; i < sizeof(bss_probe); i++)
		if (bss_probe[i])
			bss_zero = 0;
	kout_init("mb2test");
	const char *proto = magic == MB2_BOOTLOADER_MAGIC ? "multiboot2" : magic == MB1_BOOTLOADER_MAGIC ? "multiboot1" : "unknown";
	out("variant=%s protocol=%s magic=%x", MB2TEST_VARIANT, proto, magic);
	report_image(bss_zero);
	report_state(eflags, cr0, cs, ds, ss);
	if (magic == MB2_BOOTLOADER_MAGIC) {
		report_mb2(info);
	} else if (magic == MB1_BOOTLOADER_MAGIC) {
		report_mb1(info);
	} else {
		out("error what=magic magic=%x", magic);
		kout_exit(KOUT_FAILED);
	}
	out("done");
	kout_exit(KOUT_DONE);
}
