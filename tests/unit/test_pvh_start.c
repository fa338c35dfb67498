/* SPDX-License-Identifier: BSD-2-Clause */
/* pvh_info_read: the hvm_start_info a PVH loader (QEMU's pvh.bin, qboot)
 * hands fwboot-pvh.elf, read through a window onto a simulated memory. */
#include "platform/bios/bootinfo.h"
#include "lib/byteorder.h"
#include "include/hvm_start_info.h"
#include "include/status.h"
#include "test.h"

#define MEM_SIZE 0x10000
static uint8_t mem[MEM_SIZE];

/* Guest memory is mem[] at address 0; nothing else is in reach. */
static const uint8_t *window(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return 0;
	return mem + addr;
}

#define SI 0x8000
#define CL 0x9000
#define MAP 0xa000

static void entry(unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = mem + MAP + i * 24;
	put_le64(e, addr);
	put_le64(e + 8, size);
	put_le32(e + 16, type);
	put_le32(e + 20, 0);
}

/* What qboot passes on microvm: version 1, a command line, an RSDP, six
 * map entries of which the last is empty (type 0). */
static void qboot_like(void)
{
	memset(mem, 0, sizeof(mem));
	put_le32(mem + SI + HSI_MAGIC, XEN_HVM_START_MAGIC_VALUE);
	put_le32(mem + SI + HSI_VERSION, 1);
	put_le64(mem + SI + HSI_CMDLINE_PADDR, CL);
	put_le64(mem + SI + HSI_RSDP_PADDR, 0xf3550);
	put_le64(mem + SI + HSI_MEMMAP_PADDR, MAP);
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 6);
	strcpy((char *)mem + CL, "name=opt/fwboot/k -- a  b");
	entry(0, 0, 0x9fc00, 1);
	entry(1, 0x9fc00, 0x400, 2);
	entry(2, 0xd0000, 0x20000, 4);
	entry(3, 0xf0000, 0x10000, 2);
	entry(4, 0x100000, 0x7f00000, 1);
	entry(5, 0, 0, 0);
}

static struct mem_region map[8], ram[8];
static struct mem_claim claims[8];
static struct mem_map m;
static struct loader_info li;
static struct diag d;

static int read_at(uint64_t si)
{
	mem_init(&m, map, 8, ram, 8, claims, 8);
	d.msg[0] = 0;
	return pvh_info_read(window, 0, si, &li, &m, &d);
}

static void refused(uint64_t si, int status, const char *why)
{
	ok_eq(read_at(si), -status);
	ok(strstr(d.msg, why) != NULL);
	if (!strstr(d.msg, why))
		printf("  reason: %s\n", d.msg);
}

int main(void)
{
	qboot_like();
	ok_eq(read_at(SI), 0);
	ok_eq(li.protocol, START_PVH);
	ok_eq(li.version, 1);
	ok_str(li.cmdline, "name=opt/fwboot/k -- a  b");
	ok((const uint8_t *)li.cmdline == mem + CL);	/* in place: main.c copies it */
	ok(li.loader_name == NULL);
	ok_eq(li.rsdp, 0xf3550);
	ok_eq(li.nr_modules, 0);
	ok_eq(m.nmap, 5);	/* the empty sixth entry is dropped */
	ok_eq(m.map[2].type, 4);
	ok_eq(m.map[4].start, 0x100000);
	ok_eq(m.map[4].end, 0x8000000);
	ok_eq(m.nram, 2);

	/* no command line: empty; modules are counted (main.c says it ignores them) */
	qboot_like();
	put_le64(mem + SI + HSI_CMDLINE_PADDR, 0);
	put_le32(mem + SI + HSI_NR_MODULES, 2);
	ok_eq(read_at(SI), 0);
	ok_str(li.cmdline, "");
	ok_eq(li.nr_modules, 2);

	/* a later version is read as version 1 (its fields are appended) */
	qboot_like();
	put_le32(mem + SI + HSI_VERSION, 2);
	ok_eq(read_at(SI), 0);
	ok_eq(m.nmap, 5);

	/* refusals, each named */
	qboot_like();
	refused(MEM_SIZE - 8, ST_INTERNAL, "pvh: start info at 0xfff8 is out of reach");
	put_le32(mem + SI + HSI_MAGIC, 0x2badb002);
	refused(SI, ST_INTERNAL, "has magic 0x2badb002 (want 0x336ec578)");

	qboot_like();
	put_le32(mem + SI + HSI_VERSION, 0);
	refused(SI, ST_NO_MEMORY, "start info version 0 has no memory map");

	qboot_like();
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 0);
	refused(SI, ST_NO_MEMORY, "start info has no memory map (0 entries at 0xa000)");

	qboot_like();
	put_le64(mem + SI + HSI_MEMMAP_PADDR, 0);
	refused(SI, ST_NO_MEMORY, "start info has no memory map");

	qboot_like();
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 0x10000);	/* runs past the window */
	refused(SI, ST_NO_MEMORY, "memory map (65536 entries at 0xa000) is out of reach");

	qboot_like();
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 0xffffffff);	/* count * 24 overflows 32 bits */
	refused(SI, ST_NO_MEMORY, "is out of reach");

	qboot_like();
	for (unsigned i = 0; i < 9; i++)
		entry(i, 0x100000 * (i + 1), 0x1000, 1);
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 9);
	refused(SI, ST_NO_MEMORY, "memory map has more than 8 entries");

	qboot_like();
	entry(0, 0x1000, 0, 1);
	entry(1, 0x2000, 0, 1);
	put_le32(mem + SI + HSI_MEMMAP_ENTRIES, 2);
	refused(SI, ST_NO_MEMORY, "memory map has only empty entries (2)");

	qboot_like();	/* a command line that never ends inside memory */
	memset(mem + MEM_SIZE - 16, 'x', 16);
	put_le64(mem + SI + HSI_CMDLINE_PADDR, MEM_SIZE - 16);
	refused(SI, ST_CMDLINE, "pvh: command line at 0xfff0 runs out of reach after 16 bytes");

	return test_done("pvh_start");
}
