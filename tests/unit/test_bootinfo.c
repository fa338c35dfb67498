/* SPDX-License-Identifier: BSD-2-Clause */
/* mb2_info_read: the Multiboot 2 information GRUB hands fwboot. */
#include "platform/bios/bootinfo.h"
#include "lib/byteorder.h"
#include "include/status.h"
#include "test.h"

static uint8_t buf[512];
static size_t at;

static uint8_t *tag(uint32_t type, uint32_t size)
{
	uint8_t *t = buf + at;
	put_le32(t, type);
	put_le32(t + 4, size);
	at = (at + size + 7) & ~(size_t)7;
	return t;
}

static void finish(void)
{
	tag(0, 8);
	put_le32(buf, (uint32_t)at);
}

int main(void)
{
	static struct mem_region map[8], ram[8];
	static struct mem_claim claims[8];
	struct mem_map m;
	struct loader_info li;
	struct diag d;

	memset(buf, 0, sizeof(buf));
	at = 8;
	strcpy((char *)tag(1, 8 + 12) + 8, "name=opt/xy");
	strcpy((char *)tag(2, 8 + 10) + 8, "GRUB 2.06");
	uint8_t *mi = tag(4, 16);
	put_le32(mi + 8, 639);
	put_le32(mi + 12, 130048);
	uint8_t *mm = tag(6, 16 + 3 * 24);
	put_le32(mm + 8, 24);
	put_le64(mm + 16, 0);
	put_le64(mm + 24, 0x9fc00);
	put_le32(mm + 32, 1);
	put_le64(mm + 40, 0x9fc00);
	put_le64(mm + 48, 0x400);
	put_le32(mm + 56, 2);
	put_le64(mm + 64, 0x100000);
	put_le64(mm + 72, 0x7ee0000);
	put_le32(mm + 80, 1);
	finish();

	mem_init(&m, map, 8, ram, 8, claims, 8);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), 0);
	ok_str(li.cmdline, "name=opt/xy");
	ok_str(li.loader_name, "GRUB 2.06");
	ok_eq(m.nmap, 3);
	ok_eq(m.map[2].start, 0x100000);
	ok_eq(m.map[2].end, 0x7fe0000);
	ok_eq(m.nram, 2);

	/* no map: the basic sizes stand in */
	memset(buf, 0, sizeof(buf));
	at = 8;
	mi = tag(4, 16);
	put_le32(mi + 8, 640);
	put_le32(mi + 12, 1024);
	finish();
	mem_init(&m, map, 8, ram, 8, claims, 8);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), 0);
	ok_str(li.cmdline, "");
	ok(li.loader_name == NULL);
	ok_eq(m.nmap, 2);
	ok_eq(m.map[1].start, 0x100000);
	ok_eq(m.map[1].end, 0x200000);

	/* refusals */
	mem_init(&m, map, 8, ram, 8, claims, 8);
	put_le32(buf, 600);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), -ST_INTERNAL);
	ok_str(d.msg, "multiboot2: boot information total_size 600 is out of range");
	memset(buf, 0, sizeof(buf));
	at = 8;
	tag(1, 200);
	put_le32(buf, 64);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), -ST_INTERNAL);
	ok_str(d.msg, "multiboot2: tag 1 at offset 8 has size 200");
	memset(buf, 0, sizeof(buf));
	at = 8;
	tag(1, 16);	/* no end tag */
	put_le32(buf, (uint32_t)at);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), -ST_INTERNAL);
	ok_str(d.msg, "multiboot2: boot information has no end tag");
	memset(buf, 0, sizeof(buf));
	at = 8;
	finish();
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "multiboot2: no memory map and no memory sizes");
	/* a command line without its NUL inside the tag is ignored */
	memset(buf, 0, sizeof(buf));
	at = 8;
	memset(tag(1, 12) + 8, 'x', 4);
	mi = tag(4, 16);
	finish();
	mem_init(&m, map, 8, ram, 8, claims, 8);
	put_le32(mi + 12, 1024);
	ok_eq(mb2_info_read(buf, sizeof(buf), &li, &m, &d), 0);
	ok_str(li.cmdline, "");
	return test_done("bootinfo");
}
