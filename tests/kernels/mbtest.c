/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbtest: a Multiboot 1 kernel that prints everything its loader handed it
 * on COM1, one parseable line per fact, then exits through isa-debug-exit
 * (0x40, QEMU status 129; 0x41, status 131, on a wrong magic). The boot
 * tests (tests/boot/test_mb1.py) compare the lines with what they gave.
 *
 * Line format: "mbtest: [kind] key=value key=value ...". A line without a
 * kind adds its keys to the top level. Values are decimal, 0x-prefixed hex,
 * or a "quoted" string in which \\, \" and \xNN (any byte outside 0x20-0x7e)
 * are escaped. tests/boot/harness.py (parse_mbtest) reads it.
 *
 * Variant-specific facts come from the linker script: where the image was
 * linked (physical), where its entry must run, where its test data lives.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kramcheck.h"	/* the RAM pattern check, shared with kout.h */
#include "ksyms.h"

#ifndef MBTEST_VARIANT
#error "build with -DMBTEST_VARIANT='\"name\"'"
#endif

/* ---- Multiboot 1 layouts (Multiboot specification 0.6.96, section 3.3) ---- */

#define MB1_BOOTLOADER_MAGIC	0x2BADB002

#define MB1_INFO_MEMORY		(1u << 0)
#define MB1_INFO_CMDLINE	(1u << 2)
#define MB1_INFO_MODS		(1u << 3)
#define MB1_INFO_ELF_SHDR	(1u << 5)
#define MB1_INFO_MMAP		(1u << 6)
#define MB1_INFO_LOADER_NAME	(1u << 9)

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
};
_Static_assert(offsetof(struct mb1_info, cmdline) == 16, "mb1 cmdline offset");
_Static_assert(offsetof(struct mb1_info, mmap_length) == 44, "mb1 mmap offset");
_Static_assert(offsetof(struct mb1_info, boot_loader_name) == 64, "mb1 loader name offset");

struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end;	/* exclusive */
	uint32_t string;
	uint32_t reserved;
};
_Static_assert(sizeof(struct mb1_module) == 16, "mb1 module size");

struct mb1_mmap_entry {
	uint32_t size;		/* of the rest of the entry */
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "mb1 mmap entry size");

#define MB1_MMAP_AVAILABLE 1

/* ---- what entry.S recorded and what the linker script placed ---- */

extern uint32_t boot_eax, boot_ebx, boot_esp, boot_eflags, boot_cr0, boot_entry;
extern uint32_t boot_stack_same, a20_probe;
extern uint16_t boot_cs, boot_ds, boot_es, boot_ss, boot_fs, boot_gs;

/* Linker symbols: only their addresses mean something. */
extern char _kernel_phys_start[], _kernel_phys_end[], _entry_phys[];
extern char _pattern_phys[], _pattern_size[];
extern char _pre_phys[], _pre_size[];
extern char _bss_check_start[], _bss_end[];
#ifdef MBTEST_LOW
extern char _lowdata_start[], _lowbss_start[], _lowbss_end[];
#define LOWDATA_SIZE 6000
#endif

#define PATTERN_SEED 0x05
#define LOWDATA_SEED 0x3b

/* A sizeable bss that the loader must have zeroed (global: kept although
 * nothing else uses it). */
uint8_t mbtest_bss_area[65536];

/* ---- port I/O ---- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- COM1, 115200 8N1 ---- */

#define COM1		0x3F8
#define UART_THR	0	/* transmit holding (DLAB 0) */
#define UART_DLL	0	/* divisor low (DLAB 1) */
#define UART_IER	1
#define UART_DLM	1	/* divisor high (DLAB 1) */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define UART_SPIN_MAX	100000	/* bound on every wait: a stuck UART must not hang us */

static void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);	/* no interrupts */
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + UART_DLL, 0x01);	/* 115200 / 1 */
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xC7);	/* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

static void serial_putc(char c)
{
	for (uint32_t spin = 0; spin < UART_SPIN_MAX; spin++)
		if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/* ---- output: a tiny printf of our own conversions ----
 *   %u  uint32_t, decimal          %x  uint32_t, 0x + minimal hex
 *   %P  uint32_t, 0x + 8 digits    %L  uint64_t, 0x + minimal hex
 *   %s  plain string               %q  uint32_t address of a string, quoted
 */

#define STRING_MAX 4096		/* longest string %q prints */

static void put_str(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

static void put_hex(uint64_t v, int min_digits)
{
	char buf[16];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v || n < min_digits);
	put_str("0x");
	while (n)
		serial_putc(buf[--n]);
}

static void put_dec(uint32_t v)
{
	char buf[10];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		serial_putc(buf[--n]);
}

static void put_quoted(uint32_t addr)
{
	const uint8_t *s = (const uint8_t *)(uintptr_t)addr;
	uint32_t i;

	serial_putc('"');
	for (i = 0; i < STRING_MAX && s[i]; i++) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\') {
			serial_putc('\\');
			serial_putc((char)c);
		} else if (c < 0x20 || c > 0x7e) {
			serial_putc('\\');
			serial_putc('x');
			serial_putc("0123456789abcdef"[c >> 4]);
			serial_putc("0123456789abcdef"[c & 0xf]);
		} else {
			serial_putc((char)c);
		}
	}
	serial_putc('"');
}

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_str("mbtest: ");
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 'u': put_dec(va_arg(ap, uint32_t)); break;
		case 'x': put_hex(va_arg(ap, uint32_t), 1); break;
		case 'P': put_hex(va_arg(ap, uint32_t), 8); break;
		case 'L': put_hex(va_arg(ap, uint64_t), 1); break;
		case 's': put_str(va_arg(ap, const char *)); break;
		case 'q': put_quoted(va_arg(ap, uint32_t)); break;
		case '%': serial_putc('%'); break;
		default: serial_putc('?'); fmt--; break;	/* a bug in a format: show it */
		}
	}
	serial_putc('\n');
	va_end(ap);
}

/* ---- exit ---- */

#define DEBUG_EXIT_PORT	0xf4
#define EXIT_DONE	0x40	/* QEMU exits with 129 */
#define EXIT_BAD_MAGIC	0x41	/* QEMU exits with 131 */

static __attribute__((noreturn)) void mbtest_exit(uint8_t code)
{
	outb(DEBUG_EXIT_PORT, code);
	for (;;)	/* no isa-debug-exit device: stop here */
		__asm__ volatile("cli; hlt");
}

/* ---- CRC32 as zlib computes it (reflected 0xEDB88320), slicing by 8 ---- */

static uint32_t crc_table[8][256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
				crc_table[0][crc_table[t - 1][i] & 0xff];
}

typedef uint32_t __attribute__((may_alias, aligned(1))) u32_any;

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xffffffffu;

	for (; n && ((uintptr_t)p & 3); n--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t a = *(const u32_any *)p ^ c;
		uint32_t b = *(const u32_any *)(p + 4);
		c = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
			crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
			crc_table[3][b & 0xff] ^ crc_table[2][(b >> 8) & 0xff] ^
			crc_table[1][(b >> 16) & 0xff] ^ crc_table[0][b >> 24];
	}
	for (; n; n--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* ---- small checks ---- */

static int all_zero(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The formula entry.S used for .mbtest_pattern and .lowdata. */
static int pattern_ok(const uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 151 + (i >> 8) * 17 + seed))
			return 0;
	return 1;
}

static int pre_ok(void)
{
	const uint8_t *p = (const uint8_t *)_pre_phys;

	for (uint32_t i = 0; i < (uint32_t)(uintptr_t)_pre_size; i++)
		if (p[i] != (uint8_t)(0xa0 + i))
			return 0;
	return 1;
}

static uint32_t str_len(uint32_t addr)
{
	const char *s = (const char *)(uintptr_t)addr;
	uint32_t n = 0;

	while (n < STRING_MAX && s[n])
		n++;
	return n;
}

/* A20 gate: write our own word and see whether its alias 1 MiB away moves
 * with it. Only our own memory is written. */
static int a20_enabled(void)
{
	volatile uint32_t *mine = &a20_probe;
	volatile uint32_t *alias = (volatile uint32_t *)((uintptr_t)mine ^ 0x100000);
	uint32_t saved = *mine;
	int on = 1;

	for (int i = 0; i < 2; i++) {
		*mine = ~*alias;
		__asm__ volatile("" : : : "memory");
		if (*alias == *mine)
			on = 0;
	}
	*mine = saved;
	return on;
}

/* ---- segment descriptors, read from the GDT the loader left (SGDT at
 * entry). LAR/LSL would be shorter, but software virtualizers trip on them;
 * reading memory works everywhere and also gives the base. ---- */

struct gdtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));
extern struct gdtr boot_gdtr;

#define DESC_PRESENT	0x80	/* access byte */
#define DESC_S		0x10	/* code or data (not system) */
#define DESC_CODE	0x08
#define DESC_RW		0x02	/* readable code / writable data */
#define DESC_DB		0x40	/* flags nibble (byte 6): 32-bit */
#define DESC_G		0x80	/* limit in 4 KiB units */

struct seg {
	int ok;			/* the selector names a GDT entry */
	uint32_t base, limit;	/* limit in bytes, scaled by G */
	uint8_t access, flags;
};

static struct seg seg_read(uint16_t sel)
{
	struct seg sg = { 0, 0, 0, 0, 0 };
	uint32_t off = sel & ~7u;
	const uint8_t *d;

	if ((sel & 4) || off == 0 || off + 7 > boot_gdtr.limit)
		return sg;	/* LDT, null or past the GDT */
	d = (const uint8_t *)(uintptr_t)(boot_gdtr.base + off);
	sg.ok = 1;
	sg.base = d[2] | (uint32_t)d[3] << 8 | (uint32_t)d[4] << 16 | (uint32_t)d[7] << 24;
	sg.limit = d[0] | (uint32_t)d[1] << 8 | (uint32_t)(d[6] & 0x0f) << 16;
	sg.access = d[5];
	sg.flags = d[6] & 0xf0;
	if (sg.flags & DESC_G)
		sg.limit = sg.limit << 12 | 0xfff;
	return sg;
}

/* Base 0, limit 4 GiB, present, 32-bit, readable code or writable data. */
static int seg_flat(struct seg sg, int code)
{
	uint8_t want = DESC_PRESENT | DESC_S | DESC_RW | (code ? DESC_CODE : 0);

	return sg.ok && sg.base == 0 && sg.limit == 0xffffffffu && (sg.flags & DESC_DB) &&
		(sg.access & (DESC_PRESENT | DESC_S | DESC_CODE | DESC_RW)) == want;
}

static void report_state(void)
{
	uint32_t cr0 = boot_cr0, fl = boot_eflags;
	uint32_t pg = cr0 >> 31 & 1, pe = cr0 & 1, intr = fl >> 9 & 1;
	struct seg cs = seg_read(boot_cs), ds = seg_read(boot_ds);
	struct seg es = seg_read(boot_es), ss = seg_read(boot_ss);
	int flat = seg_flat(cs, 1) && seg_flat(ds, 0) && seg_flat(es, 0) && seg_flat(ss, 0) &&
		boot_stack_same == 1;
	int a20 = a20_enabled();

	out("state cr0=%P pg=%u pe=%u eflags=%P if=%u df=%u a20=%u",
	    cr0, pg, pe, fl, intr, fl >> 10 & 1, (uint32_t)a20);
	out("segments cs=%x ds=%x es=%x ss=%x fs=%x gs=%x gdt_base=%P gdt_limit=%x"
	    " cs_base=%x cs_limit=%x cs_access=%x cs_flags=%x"
	    " ds_base=%x ds_limit=%x ds_access=%x ds_flags=%x"
	    " ss_base=%x ss_limit=%x ss_access=%x ss_flags=%x stack_same=%u flat=%u",
	    (uint32_t)boot_cs, (uint32_t)boot_ds, (uint32_t)boot_es, (uint32_t)boot_ss,
	    (uint32_t)boot_fs, (uint32_t)boot_gs, boot_gdtr.base, (uint32_t)boot_gdtr.limit,
	    cs.base, cs.limit, (uint32_t)cs.access, (uint32_t)cs.flags,
	    ds.base, ds.limit, (uint32_t)ds.access, (uint32_t)ds.flags,
	    ss.base, ss.limit, (uint32_t)ss.access, (uint32_t)ss.flags,
	    boot_stack_same, (uint32_t)flat);
	out("machine state_ok=%u", (uint32_t)(!pg && pe && !intr && a20 && flat));
}

/* ---- the memory map ---- */

#define MMAP_MAX_ENTRIES 128

struct region {
	const char *name;
	uint32_t index;		/* for mod/modstr, else ~0 */
	uint64_t start, end;	/* [start, end) */
};

#define REGIONS_MAX 80
static struct region regions[REGIONS_MAX];
static uint32_t nregions;

static void add_region(const char *name, uint32_t index, uint64_t start, uint64_t len)
{
	if (nregions < REGIONS_MAX && len)
		regions[nregions++] = (struct region){ name, index, start, start + len };
}

/* Walk the map: fn gets each entry until it returns nonzero or the map ends
 * (bounded by mmap_length and MMAP_MAX_ENTRIES). */
static uint32_t mmap_walk(const struct mb1_info *mbi, uint32_t *size_ok)
{
	uint32_t off = 0, n = 0, ok = 1;

	while (off + 4 <= mbi->mmap_length && n < MMAP_MAX_ENTRIES) {
		const struct mb1_mmap_entry *e =
			(const void *)(uintptr_t)(mbi->mmap_addr + off);
		if (e->size < 20 || off + 4 + e->size > mbi->mmap_length) {
			ok = 0;
			break;
		}
		off += 4 + e->size;
		n++;
	}
	if (off != mbi->mmap_length)
		ok = 0;
	*size_ok = ok;
	return n;
}

static const struct mb1_mmap_entry *mmap_entry(const struct mb1_info *mbi, uint32_t k)
{
	uint32_t off = 0;

	for (uint32_t i = 0; i < k; i++)
		off += 4 + ((const struct mb1_mmap_entry *)(uintptr_t)(mbi->mmap_addr + off))->size;
	return (const void *)(uintptr_t)(mbi->mmap_addr + off);
}

/* Is [start, end) covered by available memory (entries may be adjacent)? */
static int in_ram(const struct mb1_info *mbi, uint32_t nentries, uint64_t start, uint64_t end)
{
	uint64_t pos = start;

	for (uint32_t round = 0; round <= nentries && pos < end; round++) {
		for (uint32_t k = 0; k < nentries; k++) {
			const struct mb1_mmap_entry *e = mmap_entry(mbi, k);
			if (e->type == MB1_MMAP_AVAILABLE && e->addr <= pos && pos < e->addr + e->len) {
				pos = e->addr + e->len;
				break;
			}
		}
	}
	return pos >= end;
}

static uint32_t report_mmap(const struct mb1_info *mbi)
{
	uint32_t size_ok, empty = 0;
	uint32_t n = mmap_walk(mbi, &size_ok);

	for (uint32_t k = 0; k < n; k++) {
		const struct mb1_mmap_entry *e = mmap_entry(mbi, k);
		if (e->len == 0)
			empty++;
		out("mmap_entry index=%u base=%L len=%L type=%u size=%u", k, e->addr, e->len,
		    e->type, e->size);
	}
	out("mmap addr=%P length=%u count=%u size_ok=%u empty=%u", mbi->mmap_addr,
	    mbi->mmap_length, n, size_ok, empty);
	add_region("mmap", ~0u, mbi->mmap_addr, mbi->mmap_length);
	return n;
}

/* ---- modules ---- */

#define MODS_MAX 32

static void report_mods(const struct mb1_info *mbi, uint32_t nmmap)
{
	const struct mb1_module *m = (const void *)(uintptr_t)mbi->mods_addr;
	uint32_t count = mbi->mods_count;

	out("mods count=%u addr=%P", count, mbi->mods_addr);
	add_region("mods", ~0u, mbi->mods_addr, (uint64_t)count * sizeof(*m));
	if (count > MODS_MAX)
		count = MODS_MAX;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t start = m[i].mod_start, end = m[i].mod_end;
		uint32_t size = end >= start ? end - start : 0;
		uint32_t crc = crc32((const uint8_t *)(uintptr_t)start, size);
		uint32_t ram = in_ram(mbi, nmmap, start, (uint64_t)start + size);

		out("mod index=%u start=%P end=%P size=%u crc32=%P aligned=%u ram=%u string=%q",
		    i, start, end, size, crc, (uint32_t)(start % 4096 == 0), ram, m[i].string);
		add_region("mod", i, start, size);
		add_region("modstr", i, m[i].string, str_len(m[i].string) + 1);
	}
}

/* ---- ELF section headers (info bit 5): each section, and a symbol
 * looked up through them against this very function's address ---- */

void mbtest_main(uint32_t magic, uint32_t info_addr);

static void report_elfsyms(const struct mb1_info *mbi)
{
	uint32_t num = mbi->syms[0], entsize = mbi->syms[1], addr = mbi->syms[2], shndx = mbi->syms[3];
	const uint8_t *tab = (const uint8_t *)(uintptr_t)addr;
	struct ksec names;

	out("elfsyms num=%u entsize=%u addr=%P shndx=%u", num, entsize, addr, shndx);
	if (num > 256 || (entsize != 40 && entsize != 64))
		return;
	add_region("shdr", ~0u, addr, (uint64_t)num * entsize);
	ksyms_section(tab, entsize, shndx < num ? shndx : 0, &names);
	for (uint32_t i = 0; i < num; i++) {
		struct ksec s;
		uint32_t crc = 0;
		ksyms_section(tab, entsize, i, &s);
		if (s.addr && s.size && s.type != KSYMS_SHT_NOBITS && s.addr + s.size <= 0x100000000ull)
			crc = crc32((const uint8_t *)(uintptr_t)s.addr, (uint32_t)s.size);
		out("shdr index=%u name=%q type=%u flags=%L addr=%L size=%L crc32=%P", i,
		    names.addr && s.name < names.size ? (uint32_t)(names.addr + s.name) : (uint32_t)(uintptr_t)"",
		    s.type, s.flags, s.addr, s.size, crc);
		/* a section the loader placed (not in the kernel image) */
		if (s.addr && s.size && !(s.flags & 2))
			add_region("section", i, s.addr, s.size);
	}
	uint64_t value = 0;
	int found = ksyms_lookup(tab, num, entsize, "mbtest_main", &value);
	out("elfsyms_check found=%u value=%L want=%P symbol_ok=%u", (uint32_t)found, value,
	    (uint32_t)(uintptr_t)mbtest_main, (uint32_t)(found && value == (uint32_t)(uintptr_t)mbtest_main));
}

/* ---- layout: nothing the loader placed may overlap anything else ---- */

static void report_layout(const struct mb1_info *mbi, uint32_t nmmap)
{
	uint32_t overlaps = 0, outside = 0;

	for (uint32_t i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];
		uint32_t ram = in_ram(mbi, nmmap, r->start, r->end);
		if (!ram)
			outside++;
		out("region name=\"%s\" index=%u start=%L end=%L ram=%u", r->name,
		    r->index == ~0u ? 0 : r->index, r->start, r->end, ram);
	}
	for (uint32_t i = 0; i < nregions; i++)
		for (uint32_t j = i + 1; j < nregions; j++) {
			const struct region *a = &regions[i], *b = &regions[j];
			if (a->start < b->end && b->start < a->end) {
				out("overlap a=\"%s\" a_index=%u b=\"%s\" b_index=%u", a->name,
				    a->index == ~0u ? 0 : a->index, b->name,
				    b->index == ~0u ? 0 : b->index);
				overlaps++;
			}
		}
	out("layout regions=%u overlaps=%u outside_ram=%u", nregions, overlaps, outside);
}

/* ---- nothing outside the plan was written ---- */

/* With "ramcheck" among its arguments: the test filled [KRAM_LO,
 * KRAM_HI) with each word's own address before the machine started
 * (QEMU's -device loader); every word there outside the regions this
 * kernel was given (its image, the info, strings, modules) must still hold
 * it. Reports the words checked and the first that differs. */

static int has_word(uint32_t addr, const char *w)
{
	const char *s = (const char *)(uintptr_t)addr;
	for (uint32_t i = 0; s[i]; i++) {
		if (i && s[i - 1] != ' ')
			continue;
		uint32_t k = 0;
		while (w[k] && s[i + k] == w[k])
			k++;
		if (!w[k] && (s[i + k] == ' ' || !s[i + k]))
			return 1;
	}
	return 0;
}

static void ram_check(void)
{
	_Static_assert(offsetof(struct region, end) == offsetof(struct region, start) + 8, "start, end adjacent");
	struct kram_result r = kram_check_table(&regions[0].start, nregions, sizeof(regions[0]));
	out("ramcheck lo=%P hi=%P checked=%u differ=%u first=%P", KRAM_LO, KRAM_HI, r.checked, r.differ, r.first);
}

/* ---- main ---- */

/* The end of what the loader filled in, for the overlap check. */
static uint32_t info_size(uint32_t flags)
{
	if (flags & MB1_INFO_LOADER_NAME)
		return 68;
	if (flags & MB1_INFO_MMAP)
		return 52;
	return 28;
}

void mbtest_main(uint32_t magic, uint32_t info_addr)
{
	const struct mb1_info *mbi = (const void *)(uintptr_t)info_addr;
	uint32_t bss_ok, nmmap = 0;

	/* First, before any bss variable is written: was the bss zeroed? */
	bss_ok = all_zero((const uint8_t *)_bss_check_start,
			  (uint32_t)(_bss_end - _bss_check_start));

	serial_init();
	out("variant=%s magic=%P load=%P entry=%P entry_ok=%u", MBTEST_VARIANT, magic,
	    (uint32_t)(uintptr_t)_kernel_phys_start, boot_entry,
	    (uint32_t)(boot_entry == (uint32_t)(uintptr_t)_entry_phys));
	if (magic != MB1_BOOTLOADER_MAGIC) {
		out("error reason=\"bad magic\" magic=%P want=%P", magic, MB1_BOOTLOADER_MAGIC);
		mbtest_exit(EXIT_BAD_MAGIC);
	}
	crc32_init();
	report_state();

	out("info addr=%P flags=%P esp=%P", info_addr, mbi->flags, boot_esp);
	add_region("kernel", ~0u, (uintptr_t)_kernel_phys_start,
		   (uint32_t)(_kernel_phys_end - _kernel_phys_start));
	add_region("info", ~0u, info_addr, info_size(mbi->flags));

	if (mbi->flags & MB1_INFO_CMDLINE) {
		out("cmdline=%q", mbi->cmdline);
		add_region("cmdline", ~0u, mbi->cmdline, str_len(mbi->cmdline) + 1);
	} else {
		out("cmdline=none");
	}
	if (mbi->flags & MB1_INFO_LOADER_NAME) {
		out("loader=%q", mbi->boot_loader_name);
		add_region("loader", ~0u, mbi->boot_loader_name,
			   str_len(mbi->boot_loader_name) + 1);
	} else {
		out("loader=none");
	}
	if (mbi->flags & MB1_INFO_MEMORY)
		out("mem_lower=%u mem_upper=%u", mbi->mem_lower, mbi->mem_upper);
	if (mbi->flags & MB1_INFO_MMAP)
		nmmap = report_mmap(mbi);
	if (mbi->flags & MB1_INFO_MODS)
		report_mods(mbi, nmmap);
	else
		out("mods count=0 absent=1");
	if (mbi->flags & MB1_INFO_ELF_SHDR)
		report_elfsyms(mbi);
	else
		out("elfsyms absent=1");

#ifdef MBTEST_LOW
	{
		uint32_t lowbss_size = (uint32_t)(_lowbss_end - _lowbss_start);
		out("lowdata addr=%P size=%u crc32=%P ok=%u bss_zero=%u bss_size=%u",
		    (uint32_t)(uintptr_t)_lowdata_start, LOWDATA_SIZE,
		    crc32((const uint8_t *)_lowdata_start, LOWDATA_SIZE),
		    (uint32_t)pattern_ok((const uint8_t *)_lowdata_start, LOWDATA_SIZE, LOWDATA_SEED),
		    (uint32_t)all_zero((const uint8_t *)_lowbss_start, lowbss_size), lowbss_size);
		add_region("lowseg", ~0u, (uintptr_t)_lowdata_start,
			   (uint32_t)(_lowbss_end - _lowdata_start));
	}
#endif

	{
		uint32_t psize = (uint32_t)(uintptr_t)_pattern_size;
		out("image pattern_addr=%P pattern_size=%u pattern_crc32=%P pattern_ok=%u pre_ok=%u"
		    " bss_zero=%u bss_size=%u",
		    (uint32_t)(uintptr_t)_pattern_phys, psize,
		    crc32((const uint8_t *)_pattern_phys, psize),
		    (uint32_t)pattern_ok((const uint8_t *)_pattern_phys, psize, PATTERN_SEED),
		    (uint32_t)pre_ok(), bss_ok, (uint32_t)(_bss_end - _bss_check_start));
	}

	if ((mbi->flags & MB1_INFO_CMDLINE) && has_word(mbi->cmdline, "ramcheck"))
		ram_check();
	if (nmmap)
		report_layout(mbi, nmmap);
	else
		out("layout regions=%u overlaps=0 outside_ram=0 unchecked=1", nregions);

	out("done");
	mbtest_exit(EXIT_DONE);
}
