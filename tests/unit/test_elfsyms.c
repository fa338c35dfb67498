/* SPDX-License-Identifier: BSD-2-Clause */
/* ELF section headers in the boot information: Multiboot 1 info bit 5 and
 * Multiboot 2 tag 9, for ELF32 and ELF64 kernels. Every section with
 * sh_addr 0 and a size is placed (aligned, above 1 MiB, below 4 GiB), loaded
 * from its file offset (zeroed for SHT_NOBITS), and its sh_addr rewritten in
 * the copy the kernel gets; the rest of the table is the file's, byte for
 * byte. And the refusals of a broken table. */
#include <stdlib.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/mb2.h"
#include "include/multiboot1.h"
#include "include/multiboot2.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"

#define FILE_SIZE 0x3000
#define SHOFF 0x2400
#define NSEC 7
#define SHSTRNDX 5

/* index: type, addr, offset, size, align */
static const struct {
	uint32_t type;
	uint32_t addr, off, size, align;
} secs[NSEC] = {
	{ 0, 0, 0, 0, 0 },			/* null */
	{ 1, 0x100000, 0x1000, 0x1000, 16 },	/* .text: loaded with the segment */
	{ 2, 0, 0x2000, 100, 4 },		/* .symtab */
	{ 3, 0, 0x2100, 33, 1 },		/* .strtab */
	{ SHT_NOBITS, 0, 0, 64, 0x1000 },	/* bss-like, not loaded by a segment */
	{ 3, 0, 0x2200, 40, 1 },		/* .shstrtab */
	{ 1, 0, 0x2300, 0, 8 },			/* empty: nothing to place */
};

static uint8_t *make_elf(int class, size_t *len)
{
	int is64 = class == ELFCLASS64;
	uint8_t *b = calloc(1, FILE_SIZE);
	memcpy(b, ELF_MAGIC, 4);
	b[4] = (uint8_t)class;
	b[5] = ELFDATA2LSB;
	b[6] = 1;
	put_le16(b + 16, 2);
	put_le16(b + EH_MACHINE, is64 ? EM_X86_64 : EM_386);
	uint32_t phoff = is64 ? EH64_SIZE : EH32_SIZE;
	uint8_t *ph = b + phoff;
	if (is64) {
		put_le64(b + EH64_ENTRY, 0x100000);
		put_le64(b + EH64_PHOFF, phoff);
		put_le16(b + EH64_PHENTSIZE, PH64_SIZE);
		put_le16(b + EH64_PHNUM, 1);
		put_le64(b + EH64_SHOFF, SHOFF);
		put_le16(b + EH64_SHENTSIZE, SH64_SIZE);
		put_le16(b + EH64_SHNUM, NSEC);
		put_le16(b + EH64_SHSTRNDX, SHSTRNDX);
		put_le32(ph, PT_LOAD);
		put_le64(ph + 8, 0x1000);
		put_le64(ph + 16, 0x100000);
		put_le64(ph + 24, 0x100000);
		put_le64(ph + 32, 0x1000);
		put_le64(ph + 40, 0x2000);
	} else {
		put_le32(b + EH32_ENTRY, 0x100000);
		put_le32(b + EH32_PHOFF, phoff);
		put_le16(b + EH32_PHENTSIZE, PH32_SIZE);
		put_le16(b + EH32_PHNUM, 1);
		put_le32(b + EH32_SHOFF, SHOFF);
		put_le16(b + EH32_SHENTSIZE, SH32_SIZE);
		put_le16(b + EH32_SHNUM, NSEC);
		put_le16(b + EH32_SHSTRNDX, SHSTRNDX);
		put_le32(ph, PT_LOAD);
		put_le32(ph + 4, 0x1000);
		put_le32(ph + 8, 0x100000);
		put_le32(ph + 12, 0x100000);
		put_le32(ph + 16, 0x1000);
		put_le32(ph + 20, 0x2000);
	}
	/* a Multiboot 1 header at 0x200, a Multiboot 2 header at 0x400 */
	put_le32(b + 0x200, MB1_HEADER_MAGIC);
	put_le32(b + 0x204, MB1_HF_PAGE_ALIGN);
	put_le32(b + 0x208, 0u - MB1_HEADER_MAGIC - MB1_HF_PAGE_ALIGN);
	put_le32(b + 0x400, MB2_HEADER_MAGIC);
	put_le32(b + 0x408, 24);
	put_le32(b + 0x40c, 0u - MB2_HEADER_MAGIC - 24);
	put_le32(b + 0x414, 8);	/* end tag */
	for (int i = 0; i < 0x300; i++)	/* recognisable section contents */
		b[0x2000 + i] = (uint8_t)(i * 7 + 3);
	for (int i = 0; i < NSEC; i++) {
		uint8_t *sh = b + SHOFF + i * (is64 ? SH64_SIZE : SH32_SIZE);
		put_le32(sh, (uint32_t)i * 3);	/* sh_name: any */
		put_le32(sh + 4, secs[i].type);
		if (is64) {
			put_le64(sh + SH64_ADDR, secs[i].addr);
			put_le64(sh + SH64_OFFSET, secs[i].off);
			put_le64(sh + SH64_SIZE_F, secs[i].size);
			put_le64(sh + SH64_ADDRALIGN, secs[i].align);
		} else {
			put_le32(sh + SH32_ADDR, secs[i].addr);
			put_le32(sh + SH32_OFFSET, secs[i].off);
			put_le32(sh + SH32_SIZE_F, secs[i].size);
			put_le32(sh + SH32_ADDRALIGN, secs[i].align);
		}
	}
	*len = FILE_SIZE;
	return b;
}

static int plan_it(int mb2, const uint8_t *img, size_t len, struct plan *p, struct diag *d)
{
	static struct file kf;
	static struct boot_request req;
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = 0, .video = 0, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };
	kf = (struct file){ "opt/fwboot/kernel", 0, 0, len, img };
	req = (struct boot_request){ &kf, "", 0, 0, 0, "fwboot 0.1.0", 0 };
	memset(p, 0, sizeof(*p));
	d->msg[0] = 0;
	reset_mem();
	return mb2 ? mb2_plan(&req, img, len, &env, p, d) : mb1_plan(&req, img, len, &env, p, d);
}

static const struct plan_seg *seg_at(const struct plan *p, uint64_t dst, uint64_t len)
{
	for (size_t i = 0; i < p->nsegs; i++)
		if (p->segs[i].dst == dst && p->segs[i].len == len)
			return &p->segs[i];
	return 0;
}

/* The boot information's bytes and its address, from the plan. */
static const uint8_t *info_seg(const struct plan *p, uint64_t *base)
{
	for (size_t i = 0; i < p->nsegs; i++)
		if (p->segs[i].dst == p->regs.ebx && p->segs[i].src == SRC_MEM) {
			*base = p->segs[i].dst;
			return p->segs[i].mem;
		}
	return 0;
}

/* Check a section header table the kernel got against the file's. */
static void check_table(const struct plan *p, const uint8_t *img, int is64, const uint8_t *tab)
{
	uint32_t es = is64 ? SH64_SIZE : SH32_SIZE;
	uint64_t placed[NSEC][2];
	int np = 0;
	for (int i = 0; i < NSEC; i++) {
		const uint8_t *got = tab + i * es, *want = img + SHOFF + i * es;
		uint64_t addr = is64 ? get_le64(got + SH64_ADDR) : get_le32(got + SH32_ADDR);
		if (secs[i].addr || !secs[i].size) {
			ok(memcmp(got, want, es) == 0);	/* untouched */
			continue;
		}
		/* the same header but for sh_addr */
		uint32_t ao = is64 ? SH64_ADDR : SH32_ADDR, an = is64 ? 8 : 4;
		ok(memcmp(got, want, ao) == 0);
		ok(memcmp(got + ao + an, want + ao + an, es - ao - an) == 0);
		ok(addr >= 0x100000 && addr + secs[i].size <= MEM_4G);
		ok(addr % (secs[i].align ? secs[i].align : 1) == 0);
		const struct plan_seg *s = seg_at(p, addr, secs[i].size);
		ok(s != 0);
		if (s && secs[i].type == SHT_NOBITS) {
			ok_eq(s->src, SRC_ZERO);
		} else if (s) {
			ok_eq(s->src, SRC_FILE);
			ok_eq(s->off, secs[i].off);
		}
		/* clear of the kernel and of each other */
		ok(addr >= 0x102000 || addr + secs[i].size <= 0x100000);
		for (int k = 0; k < np; k++)
			ok(addr + secs[i].size <= placed[k][0] || placed[k][1] <= addr);
		placed[np][0] = addr;
		placed[np][1] = addr + secs[i].size;
		np++;
	}
	ok_eq(np, 4);
}

static void test_mb1(int class)
{
	struct plan p;
	struct diag d;
	size_t len;
	uint8_t *img = make_elf(class, &len);
	ok_eq(plan_it(0, img, len, &p, &d), 0);
	ok_str(d.msg, "");
	uint64_t base = 0;
	const uint8_t *info = info_seg(&p, &base);
	ok(info != 0);
	if (!info)
		return;
	uint32_t flags = get_le32(info + MB1_I_FLAGS);
	ok(flags & MB1_IF_ELF_SHDR);
	ok_eq(get_le32(info + MB1_I_SHDR_NUM), NSEC);
	ok_eq(get_le32(info + MB1_I_SHDR_SIZE), class == ELFCLASS64 ? SH64_SIZE : SH32_SIZE);
	ok_eq(get_le32(info + MB1_I_SHDR_SHNDX), SHSTRNDX);
	uint32_t addr = get_le32(info + MB1_I_SHDR_ADDR);
	ok(addr > base && addr % 4 == 0);
	check_table(&p, img, class == ELFCLASS64, info + (addr - base));
	free(img);
}

static void test_mb2(int class)
{
	struct plan p;
	struct diag d;
	size_t len;
	uint8_t *img = make_elf(class, &len);
	ok_eq(plan_it(1, img, len, &p, &d), 0);
	ok_str(d.msg, "");
	uint64_t base = 0;
	const uint8_t *info = info_seg(&p, &base);
	ok(info != 0);
	if (!info)
		return;
	const uint8_t *tag = 0;
	uint32_t total = get_le32(info);
	for (uint32_t off = 8; off + 8 <= total; off = (off + get_le32(info + off + 4) + 7) & ~7u) {
		if (get_le32(info + off) == MB2_TAG_ELF_SECTIONS)
			tag = info + off;
		if (get_le32(info + off) == MB2_TAG_END)
			break;
	}
	ok(tag != 0);
	if (!tag)
		return;
	uint32_t es = class == ELFCLASS64 ? SH64_SIZE : SH32_SIZE;
	ok_eq(get_le32(tag + 4), 20 + NSEC * es);
	ok_eq(get_le32(tag + 8), NSEC);
	ok_eq(get_le32(tag + 12), es);
	ok_eq(get_le32(tag + 16), SHSTRNDX);
	check_table(&p, img, class == ELFCLASS64, tag + 20);
	free(img);
}

/* No section headers: no Multiboot 1 flag, an empty Multiboot 2 tag. */
static void test_none(void)
{
	struct plan p;
	struct diag d;
	size_t len;
	uint8_t *img = make_elf(ELFCLASS32, &len);
	put_le16(img + EH32_SHNUM, 0);
	ok_eq(plan_it(0, img, len, &p, &d), 0);
	uint64_t base;
	const uint8_t *info = info_seg(&p, &base);
	ok(info && !(get_le32(info + MB1_I_FLAGS) & MB1_IF_ELF_SHDR));
	ok_eq(plan_it(1, img, len, &p, &d), 0);
	info = info_seg(&p, &base);
	/* Multiboot 2: an empty tag, as GRUB gives */
	const uint8_t *tag = 0;
	uint32_t total = info ? get_le32(info) : 0;
	for (uint32_t off = 8; off + 8 <= total; off = (off + get_le32(info + off + 4) + 7) & ~7u)
		if (get_le32(info + off) == MB2_TAG_ELF_SECTIONS)
			tag = info + off;
	ok(tag != 0);
	if (tag) {
		ok_eq(get_le32(tag + 4), 20);
		ok_eq(get_le32(tag + 8), 0);
		ok_eq(get_le32(tag + 12), 0);
		ok_eq(get_le32(tag + 16), 0);
	}
	free(img);
}

static void test_refusals(void)
{
	struct plan p;
	struct diag d;
	size_t len;
	uint8_t *img = make_elf(ELFCLASS32, &len);
	put_le16(img + EH32_SHENTSIZE, 20);
	ok_eq(plan_it(0, img, len, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF section header size 20, expected at least 40");
	put_le16(img + EH32_SHENTSIZE, SH32_SIZE);
	put_le32(img + EH32_SHOFF, FILE_SIZE - 100);
	ok_eq(plan_it(1, img, len, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: ELF section headers at 0x2f9c (7 of 40 bytes) run past the file end (12288 bytes)");
	put_le32(img + EH32_SHOFF, SHOFF);
	put_le16(img + EH32_SHSTRNDX, 7);
	ok_eq(plan_it(0, img, len, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF section name table index 7, but there are 7 sections");
	put_le16(img + EH32_SHSTRNDX, SHSTRNDX);
	put_le32(img + SHOFF + 2 * SH32_SIZE + SH32_SIZE_F, 0x2000);	/* .symtab past the end */
	ok_eq(plan_it(0, img, len, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF section 2 (offset 0x2000, 8192 bytes) runs past the file end (12288 bytes)");
	/* more than memory holds */
	put_le32(img + SHOFF + 4 * SH32_SIZE + SH32_SIZE_F, 0xF0000000);
	put_le32(img + SHOFF + 2 * SH32_SIZE + SH32_SIZE_F, 100);
	ok_eq(plan_it(1, img, len, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "multiboot2: ELF section 4 (4026531840 bytes) does not fit in free memory below 4 GiB");
	free(img);
}

int main(void)
{
	test_mb1(ELFCLASS32);
	test_mb1(ELFCLASS64);
	test_mb2(ELFCLASS32);
	test_mb2(ELFCLASS64);
	test_none();
	test_refusals();
	return test_done("elfsyms");
}
