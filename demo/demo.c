/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwboot demo kernel: a small Multiboot 1 kernel that says who booted it,
 * with what command line, modules and memory, on COM1 (115200 8N1), then
 * leaves QEMU through isa-debug-exit (0x40: QEMU exits with 129) or halts
 * when that device is absent. `make run` boots it through fwboot.
 */

#include <stdarg.h>
#include <stdint.h>

#define MB1_BOOTLOADER_MAGIC	0x2BADB002
#define MB1_INFO_MEMORY		(1u << 0)
#define MB1_INFO_CMDLINE	(1u << 2)
#define MB1_INFO_MODS		(1u << 3)
#define MB1_INFO_MMAP		(1u << 6)
#define MB1_INFO_LOADER_NAME	(1u << 9)

/* The parts of the Multiboot 1 information block the demo reads. */
struct mb1_info {
	uint32_t flags;			/* 0 */
	uint32_t mem_lower;		/* 4, KiB */
	uint32_t mem_upper;		/* 8, KiB */
	uint32_t boot_device;		/* 12 */
	uint32_t cmdline;		/* 16 */
	uint32_t mods_count;		/* 20 */
	uint32_t mods_addr;		/* 24 */
	uint32_t syms[4];		/* 28 */
	uint32_t mmap_length;		/* 44 */
	uint32_t mmap_addr;		/* 48 */
	uint32_t drives_length;		/* 52 */
	uint32_t drives_addr;		/* 56 */
	uint32_t config_table;		/* 60 */
	uint32_t boot_loader_name;	/* 64 */
};
_Static_assert(__builtin_offsetof(struct mb1_info, boot_loader_name) == 64, "mb1 info layout");

struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
};

struct mb1_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

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

/* ---- COM1 ---- */

#define COM1 0x3F8

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xC7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

static void con_putc(char c)
{
	if (c == '\n')
		con_putc('\r');
	/* bounded wait for the transmitter: a stuck UART must not hang us */
	for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (uint8_t)c);
}

static void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

static void put_uint(uint32_t v)
{
	char buf[10];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		con_putc(buf[--n]);
}

static void put_hex(uint32_t v)
{
	con_puts("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		con_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* A string the loader gave us, shown safely: at most max characters,
 * anything unprintable as '.'. */
static void put_loader_string(uint32_t addr, uint32_t max)
{
	const char *s = (const char *)(uintptr_t)addr;

	for (uint32_t i = 0; i < max && s[i]; i++)
		con_putc(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '.');
}

/* printf with just what the demo needs: %s %u %x, and %S for a loader
 * string address. */
static void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			con_putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's': con_puts(va_arg(ap, const char *)); break;
		case 'u': put_uint(va_arg(ap, uint32_t)); break;
		case 'x': put_hex(va_arg(ap, uint32_t)); break;
		case 'S': put_loader_string(va_arg(ap, uint32_t), 1024); break;
		default: con_putc('%'); con_putc(*fmt); break;
		}
	}
	va_end(ap);
}

static __attribute__((noreturn)) void leave(uint8_t code)
{
	outb(0xf4, code);	/* isa-debug-exit: QEMU exits with (code << 1) | 1 */
	for (;;)		/* no such device: stop here */
		__asm__ volatile("cli; hlt");
}

/* The first line of a module, when it looks like text. */
static void show_text_preview(const uint8_t *p, uint32_t size)
{
	uint32_t n = 0;

	while (n < size && n < 60 && p[n] != '\n') {
		if (p[n] < 0x20 || p[n] >= 0x7f)
			return;
		n++;
	}
	if (n == 0)
		return;
	con_puts("      \"");
	for (uint32_t i = 0; i < n; i++)
		con_putc((char)p[i]);
	con_puts(n < size && p[n] != '\n' ? "...\"\n" : "\"\n");
}

static void show_memory(const struct mb1_info *mbi)
{
	uint64_t avail = 0;
	uint32_t entries = 0;

	if (mbi->flags & MB1_INFO_MMAP) {
		for (uint32_t off = 0; off + 24 <= mbi->mmap_length && entries < 128; entries++) {
			const struct mb1_mmap_entry *e =
				(const void *)(uintptr_t)(mbi->mmap_addr + off);
			if (e->type == 1)
				avail += e->len;
			off += e->size + 4;
		}
		print("memory: %u MiB available in %u memory map entries\n",
		      (uint32_t)(avail >> 20), entries);
	} else if (mbi->flags & MB1_INFO_MEMORY) {
		print("memory: %u KiB lower, %u KiB upper\n", mbi->mem_lower, mbi->mem_upper);
	} else {
		con_puts("memory: the loader did not say\n");
	}
}

void demo_main(uint32_t magic, const struct mb1_info *mbi);

void demo_main(uint32_t magic, const struct mb1_info *mbi)
{
	serial_init();
	if (magic != MB1_BOOTLOADER_MAGIC) {
		print("fwboot demo kernel: not booted by a Multiboot 1 loader (EAX=%x)\n", magic);
		leave(0x41);
	}

	con_puts("\nfwboot demo kernel: booted by ");
	if (mbi->flags & MB1_INFO_LOADER_NAME)
		print("%S\n", mbi->boot_loader_name);
	else
		con_puts("an unnamed Multiboot loader\n");

	if (mbi->flags & MB1_INFO_CMDLINE)
		print("command line: \"%S\"\n", mbi->cmdline);
	else
		con_puts("command line: (none)\n");

	if ((mbi->flags & MB1_INFO_MODS) && mbi->mods_count) {
		const struct mb1_module *m = (const void *)(uintptr_t)mbi->mods_addr;
		print("modules: %u\n", mbi->mods_count);
		for (uint32_t i = 0; i < mbi->mods_count && i < 16; i++) {
			uint32_t size = m[i].mod_end - m[i].mod_start;
			print("  %u: %S, %u bytes at %x\n", i, m[i].string, size, m[i].mod_start);
			show_text_preview((const uint8_t *)(uintptr_t)m[i].mod_start, size);
		}
	} else {
		con_puts("modules: none\n");
	}

	show_memory(mbi);
	con_puts("fwboot demo kernel: all done, bye\n");
	leave(0x40);
}
