/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot 1 and ELF: header search, every refusal, segment and module
 * placement, and the info block byte by byte. */
#include <stdlib.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "kernel/formats/mb1.h"
#include "include/multiboot1.h"
#include "include/status.h"
#include "test.h"
#include "plan_check.h"
#include "fixture.h"


static void put_mb1(uint8_t *at, uint32_t flags)
{
	put_le32(at, MB1_HEADER_MAGIC);
	put_le32(at + 4, flags);
	put_le32(at + 8, 0u - MB1_HEADER_MAGIC - flags);
}

/* An ELF32 file: header, one PT_LOAD per (paddr, filesz, memsz), data at 0x1000 steps. */
static uint8_t *make_elf32(size_t *len, uint32_t entry, int nseg, const uint32_t *paddr,
			   const uint32_t *filesz, const uint32_t *memsz)
{
	size_t size = 0x1000 * (size_t)(nseg + 1);
	uint8_t *b = calloc(1, size);
	memcpy(b, ELF_MAGIC, 4);
	b[4] = ELFCLASS32;
	b[5] = ELFDATA2LSB;
	b[6] = 1;
	put_le16(b + 16, 2);
	put_le16(b + EH_MACHINE, EM_386);
	put_le32(b + EH32_ENTRY, entry);
	put_le32(b + EH32_PHOFF, EH32_SIZE);
	put_le16(b + EH32_PHENTSIZE, PH32_SIZE);
	put_le16(b + EH32_PHNUM, (uint16_t)nseg);
	for (int i = 0; i < nseg; i++) {
		uint8_t *p = b + EH32_SIZE + i * PH32_SIZE;
		put_le32(p, PT_LOAD);
		put_le32(p + 4, 0x1000 * (uint32_t)(i + 1));
		put_le32(p + 8, paddr[i]);
		put_le32(p + 12, paddr[i]);
		put_le32(p + 16, filesz[i]);
		put_le32(p + 20, memsz[i]);
	}
	put_mb1(b + 0x200, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO);
	*len = size;
	return b;
}

static struct file file_of(const char *name, const uint8_t *buf, size_t len)
{
	struct file f = { name, 0, 0, len, buf };
	return f;
}

static const struct video_caps *video_env;	/* what the planner sees as env->video */

static int plan(struct boot_request *req, struct plan *p, struct diag *d)
{
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = 0, .video = video_env, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };
	memset(p, 0, sizeof(*p));
	d->msg[0] = 0;
	reset_mem();
	const struct file *f = req->kernel;
	size_t n = f->size < IMAGE_HEADER_WINDOW ? f->size : IMAGE_HEADER_WINDOW;
	int r = mb1_plan(req, f->mem, n, &env, p, d);
	if (r == 0)	/* every accepted plan keeps the invariants */
		{
		const char *v_ = plan_check(p, &mm, req);
		if (!ok(v_ == 0))
			printf("     plan_check: %s\n", v_);
	}
	return r;
}

static const char *str_at(const uint8_t *info, uint32_t base, uint32_t addr)
{
	return (const char *)info + (addr - base);
}

int main(void)
{
	struct diag d;
	struct plan p;
	size_t len;

	/* --- header search --- */
	uint8_t hdr[MB1_SEARCH + 64] = { 0 };
	struct mb1_header h;
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: no header in the first 8 KiB");
	put_mb1(hdr + MB1_SEARCH, 0);	/* just past the window */
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), -ST_BAD_IMAGE);
	put_mb1(hdr + 0x102, 0);	/* not 4-aligned */
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), -ST_BAD_IMAGE);
	put_mb1(hdr + MB1_SEARCH - 12, 3);	/* last slot */
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), 0);
	ok_eq(h.offset, MB1_SEARCH - 12);
	ok_eq(h.flags, 3);
	ok_eq(h.skipped, 0);
	/* a magic whose checksum fails is not a header: the search goes on
	 * (grub.lkrn carries 0x1BADB002 as an operand in its code) */
	put_le32(hdr + 0x100, MB1_HEADER_MAGIC);
	put_le32(hdr + 0x104, 0);
	put_le32(hdr + 0x108, 1);
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), 0);
	ok_eq(h.offset, MB1_SEARCH - 12);
	ok_eq(h.skipped, 1);
	ok_eq(h.skip_off, 0x100);
	ok_eq(h.skip_sum, 0x1badb003);
	put_le32(hdr + 0x204, MB1_HEADER_MAGIC);	/* a second false magic */
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), 0);
	ok_eq(h.skipped, 2);
	ok_eq(h.skip_off, 0x100);
	/* only false magics: refused, the first named */
	memset(hdr + MB1_SEARCH - 12, 0, 12);
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: no header in the first 8 KiB (2 magics with an invalid header checksum, "
		      "the first at offset 0x100, sum 0x1badb003)");
	memset(hdr, 0, sizeof(hdr));
	/* every 4-aligned offset is found, no other offset is */
	for (size_t off = 0; off + 12 <= MB1_SEARCH; off++) {
		memset(hdr, 0, sizeof(hdr));
		put_mb1(hdr + off, 2);
		int r = mb1_find_header(hdr, sizeof(hdr), &h, &d);
		if (off % 4 == 0) {
			ok_eq(r, 0);
			ok_eq(h.offset, off);
		} else {
			ok_eq(r, -ST_BAD_IMAGE);
		}
	}
	/* a valid header after a false magic whose flags word overlaps it */
	memset(hdr, 0, sizeof(hdr));
	put_le32(hdr + 0x40, MB1_HEADER_MAGIC);
	put_mb1(hdr + 0x44, 3);
	ok_eq(mb1_find_header(hdr, sizeof(hdr), &h, &d), 0);
	ok_eq(h.offset, 0x44);
	ok_eq(h.skipped, 1);
	memset(hdr, 0, sizeof(hdr));
	put_le32(hdr + 0x100, MB1_HEADER_MAGIC);
	put_le32(hdr + 0x108, 1);
	/* a header cut short by the end of a tiny file */
	ok_eq(mb1_find_header(hdr + 0x100, 8, &h, &d), -ST_BAD_IMAGE);

	/* --- an ELF32 kernel at 1 MiB with two modules --- */
	uint32_t pa[2] = { 0x100000, 0x200000 }, fs[2] = { 0x800, 0x1000 }, ms[2] = { 0x3000, 0x1000 };
	uint8_t *elf = make_elf32(&len, 0x100010, 2, pa, fs, ms);
	struct file kf = file_of("opt/fwboot/kernel", elf, len);
	uint8_t m1[100] = { 1 }, m2[5000] = { 2 };
	struct file mf1 = file_of("opt/fwboot/mod1", m1, sizeof(m1));
	struct file mf2 = file_of("opt/fwboot/mod2", m2, sizeof(m2));
	struct boot_module mods[2] = { { &mf1, "" }, { &mf2, "x=1 y" } };
	struct boot_request req = { &kf, "arg1 arg2", mods, 2, 0, "fwboot 0.1.0", 0 };

	ok_eq(plan(&req, &p, &d), 0);
	ok_str(p.format, "multiboot1");
	ok_eq(p.mode, ENTRY_FLAT32);
	ok_eq(p.entry, 0x100010);
	ok_eq(p.regs.eax, MB1_BOOTLOADER_MAGIC);
	ok_eq(p.nsegs, 7);	/* 2 x (file, bss), 2 modules, info */
	ok_eq(p.segs[0].dst, 0x100000);
	ok_eq(p.segs[0].len, 0x800);
	ok_eq(p.segs[0].src, SRC_FILE);
	ok_eq(p.segs[0].off, 0x1000);
	ok_eq(p.segs[1].dst, 0x100800);
	ok_eq(p.segs[1].len, 0x2800);
	ok_eq(p.segs[1].src, SRC_ZERO);
	ok_eq(p.segs[2].dst, 0x200000);
	ok_eq(p.segs[2].off, 0x2000);
	ok_eq(p.segs[3].len, 0);
	/* modules page-aligned, above the kernel's first segment, not overlapping */
	ok_eq(p.segs[4].dst, 0x103000);
	ok_eq(p.segs[4].len, 100);
	ok_eq(p.segs[5].dst, 0x104000);
	ok_eq(p.segs[5].len, 5000);
	ok(p.segs[5].file == &mf2);
	/* info in low memory, below fwboot's image */
	const struct plan_seg *is = &p.segs[6];
	ok_eq(is->src, SRC_MEM);
	ok(is->dst < 0x20000 || (is->dst >= 0x90000 && is->dst < 0x9fc00));
	ok_eq(p.regs.ebx, is->dst);
	const uint8_t *info = is->mem;
	uint32_t base = (uint32_t)is->dst;
	ok_eq(get_le32(info + MB1_I_FLAGS), MB1_IF_MEMORY | MB1_IF_CMDLINE | MB1_IF_MODS | MB1_IF_MMAP | MB1_IF_LOADER_NAME);
	ok_eq(get_le32(info + MB1_I_MEM_LOWER), 639);
	ok_eq(get_le32(info + MB1_I_MEM_UPPER), 0x7ee0000 / 1024);
	ok_str(str_at(info, base, get_le32(info + MB1_I_CMDLINE)), "opt/fwboot/kernel arg1 arg2");
	ok_str(str_at(info, base, get_le32(info + MB1_I_LOADER_NAME)), "fwboot 0.1.0");
	ok_eq(get_le32(info + MB1_I_MODS_COUNT), 2);
	const uint8_t *mod = info + (get_le32(info + MB1_I_MODS_ADDR) - base);
	ok_eq(get_le32(mod), 0x103000);
	ok_eq(get_le32(mod + 4), 0x103000 + 100);
	ok_str(str_at(info, base, get_le32(mod + 8)), "opt/fwboot/mod1");
	ok_eq(get_le32(mod + 16), 0x104000);
	ok_eq(get_le32(mod + 20), 0x104000 + 5000);
	ok_str(str_at(info, base, get_le32(mod + 24)), "opt/fwboot/mod2 x=1 y");
	ok_eq(get_le32(info + MB1_I_MMAP_LENGTH), 4 * 24);
	const uint8_t *mmap = info + (get_le32(info + MB1_I_MMAP_ADDR) - base);
	ok_eq(get_le32(mmap), 20);
	ok_eq(get_le64(mmap + 4), 0);
	ok_eq(get_le64(mmap + 12), 0x9fc00);
	ok_eq(get_le32(mmap + 20), 1);
	ok_eq(get_le64(mmap + 3 * 24 + 4), 0x100000);
	ok_eq(get_le32(mmap + 3 * 24 + 20), 1);
	ok(is->len == (uint64_t)(str_at(info, base, get_le32(mod + 24)) - (const char *)info) + 22);

	/* no args: the command line is the name alone */
	req.args = "";
	req.nmods = 0;
	ok_eq(plan(&req, &p, &d), 0);
	info = p.segs[p.nsegs - 1].mem;
	base = (uint32_t)p.segs[p.nsegs - 1].dst;
	ok_str(str_at(info, base, get_le32(info + MB1_I_CMDLINE)), "opt/fwboot/kernel");
	ok_eq(get_le32(info + MB1_I_MODS_COUNT), 0);

	/* a segment inside fwboot's own range is claimed (and later staged) */
	uint32_t pa_low[1] = { 0x30000 }, fs_low[1] = { 0x100 }, ms_low[1] = { 0x100 };
	uint8_t *elf_low = make_elf32(&len, 0x30000, 1, pa_low, fs_low, ms_low);
	kf = file_of("opt/k", elf_low, len);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.segs[0].dst, 0x30000);
	ok(mem_overlaps(&mm, 0x30000, 0x100, CLAIM_SELF));

	/* a segment below 1 MiB at 0x9000 */
	uint32_t pa_9k[1] = { 0x9000 };
	kf = file_of("opt/k", make_elf32(&len, 0x9000, 1, pa_9k, fs_low, ms_low), len);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.segs[0].dst, 0x9000);
	ok(p.segs[2].dst + p.segs[2].len <= 0x9000 || p.segs[2].dst >= 0x9100);

	/* --- refusals --- */
	uint8_t *bad = make_elf32(&len, 0x100010, 2, pa, fs, ms);
	kf = file_of("opt/k", bad, len);
	put_mb1(bad + 0x200, MB1_HF_MEMORY_INFO | 0x8);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: header requires flag bit 3, which fwboot does not support (flags 0xa)");
	/* bit 2 (video) is honoured with the text-mode framebuffer */
	put_mb1(bad + 0x200, MB1_HF_VIDEO_MODE);
	ok_eq(plan(&req, &p, &d), 0);
	info = p.segs[p.nsegs - 1].mem;
	ok(get_le32(info + MB1_I_FLAGS) & MB1_IF_FRAMEBUFFER);
	ok_eq(get_le64(info + MB1_I_FB_ADDR), 0xB8000);
	ok_eq(info[MB1_I_FB_TYPE], MB1_FB_TYPE_EGA_TEXT);
	/* bit 2, linear mode 0, on a display: an RGB framebuffer, colour info where GRUB writes it (112) */
	static const struct video_caps vga = { .kind = VIDEO_BOCHS_PORTS, .name = "Bochs VGA", .vga_text = 1,
					       .fb_base = 0xfd000000, .vram = 16 << 20, .max_width = 16000,
					       .max_height = 12000, .depths = 0xf };
	put_le32(bad + 0x200 + MB1_H_MODE_TYPE, MB1_MODE_LINEAR);
	put_le32(bad + 0x200 + MB1_H_WIDTH, 800);
	put_le32(bad + 0x200 + MB1_H_HEIGHT, 600);
	put_le32(bad + 0x200 + MB1_H_DEPTH, 32);
	video_env = &vga;
	ok_eq(plan(&req, &p, &d), 0);
	info = p.segs[p.nsegs - 1].mem;
	ok(get_le32(info + MB1_I_FLAGS) & MB1_IF_FRAMEBUFFER);
	ok_eq(get_le64(info + MB1_I_FB_ADDR), 0xfd000000);
	ok_eq(get_le32(info + MB1_I_FB_PITCH), 3200);
	ok_eq(get_le32(info + MB1_I_FB_WIDTH), 800);
	ok_eq(get_le32(info + MB1_I_FB_HEIGHT), 600);
	ok_eq(info[MB1_I_FB_BPP], 32);
	ok_eq(info[MB1_I_FB_TYPE], 1);
	ok(info[110] == 0 && info[111] == 0);
	ok(info[112] == 16 && info[113] == 8 && info[114] == 8 && info[115] == 8 && info[116] == 0 && info[117] == 8);
	ok_eq(p.set_video, 1);
	ok_eq(p.video.width, 800);
	/* mode_type 1 (EGA text) stays in text even with a display */
	put_le32(bad + 0x200 + MB1_H_MODE_TYPE, 1);
	ok_eq(plan(&req, &p, &d), 0);
	info = p.segs[p.nsegs - 1].mem;
	ok_eq(info[MB1_I_FB_TYPE], MB1_FB_TYPE_EGA_TEXT);
	ok_eq(p.set_video, 0);
	video_env = 0;
	/* a header with bit 2 cut short of its video fields */
	{
		uint8_t shorth[0x220] = { 0 };
		struct mb1_header hh;
		put_mb1(shorth + 0x200, MB1_HF_VIDEO_MODE);
		ok_eq(mb1_find_header(shorth, sizeof(shorth), &hh, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "multiboot1: header with video mode fields truncated");
	}
	/* segments overlapping each other */
	uint32_t pa_ov[2] = { 0x100000, 0x101000 };
	kf = file_of("opt/k", make_elf32(&len, 0x100000, 2, pa_ov, fs, ms), len);
	ok_eq(plan(&req, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: opt/k at 0x101000-0x101fff overlaps payload opt/k at 0x100000-0x102fff");
	/* a segment past the end of the file */
	uint32_t fs_big[2] = { 0x800, 0x1001 };
	uint32_t ms_big[2] = { 0x3000, 0x2000 };
	kf = file_of("opt/k", make_elf32(&len, 0x100000, 2, pa, fs_big, ms_big), len);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF segment 1 (offset 0x2000, 0x1001 bytes) runs past the file end (12288 bytes)");
	/* filesz > memsz */
	uint32_t ms_small[2] = { 0x3000, 0x800 };
	kf = file_of("opt/k", make_elf32(&len, 0x100000, 2, pa, fs, ms_small), len);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF segment 1 has filesz 0x1000 > memsz 0x800");
	/* a segment outside RAM */
	uint32_t pa_hole[1] = { 0xf0000 };
	kf = file_of("opt/k", make_elf32(&len, 0xf0000, 1, pa_hole, fs_low, ms_low), len);
	ok_eq(plan(&req, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: opt/k at 0xf0000-0xf00ff is not in available RAM");
	/* over the BIOS data area */
	uint32_t pa_ivt[1] = { 0x400 };
	kf = file_of("opt/k", make_elf32(&len, 0x400, 1, pa_ivt, fs_low, ms_low), len);
	ok_eq(plan(&req, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: opt/k at 0x400-0x4ff overlaps firmware area BIOS at 0x0-0x4ff");
	/* wrong machine, wrong class, no segments, bad phentsize */
	uint8_t *e2 = make_elf32(&len, 0x100000, 2, pa, fs, ms);
	kf = file_of("opt/k", e2, len);
	put_le16(e2 + EH_MACHINE, 40);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF32 for machine 40, not i386");
	put_le16(e2 + EH_MACHINE, EM_386);
	put_le16(e2 + EH32_PHENTSIZE, 40);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF program header size 40, expected 32");
	put_le16(e2 + EH32_PHENTSIZE, PH32_SIZE);
	put_le32(e2 + EH32_PHOFF, (uint32_t)len - 40);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF program headers at 0x2fd8 run past the file end (12288 bytes)");
	put_le32(e2 + EH32_PHOFF, EH32_SIZE);
	e2[4] = 3;
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: unknown ELF class 3");
	e2[4] = ELFCLASS32;
	memcpy(e2, "\177ELG", 4);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: not an ELF file");

	/* --- ELF64 below 4 GiB boots; above is refused --- */
	uint8_t *e64 = calloc(1, 0x2000);
	memcpy(e64, ELF_MAGIC, 4);
	e64[4] = ELFCLASS64;
	e64[5] = ELFDATA2LSB;
	put_le16(e64 + EH_MACHINE, EM_X86_64);
	put_le64(e64 + EH64_ENTRY, 0x200000);
	put_le64(e64 + EH64_PHOFF, EH64_SIZE);
	put_le16(e64 + EH64_PHENTSIZE, PH64_SIZE);
	put_le16(e64 + EH64_PHNUM, 1);
	uint8_t *ph = e64 + EH64_SIZE;
	put_le32(ph, PT_LOAD);
	put_le64(ph + 8, 0x1000);
	put_le64(ph + 16, 0x200000);
	put_le64(ph + 24, 0x200000);
	put_le64(ph + 32, 0x1000);
	put_le64(ph + 40, 0x2000);
	put_mb1(e64 + 0x400, 0);
	kf = file_of("opt/k64", e64, 0x2000);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.entry, 0x200000);
	ok_eq(p.segs[0].dst, 0x200000);
	ok_eq(p.segs[1].len, 0x1000);
	put_le64(ph + 24, 0x100000000ULL);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF segment 0 at 0x100000000-0x100001fff lies above 4 GiB");
	put_le64(ph + 24, 0xfffff000ULL);	/* starts below 4 GiB, ends above */
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF segment 0 at 0xfffff000-0x100000fff crosses 4 GiB");

	/* entry translated from a virtual address (p_vaddr != p_paddr) */
	put_le64(ph + 24, 0x200000);
	put_le64(ph + 16, 0xffffffff80200000ULL);
	put_le64(e64 + EH64_ENTRY, 0xffffffff80200040ULL);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.entry, 0x200040);
	/* an entry no segment loads: refused, the segments named */
	put_le64(e64 + EH64_ENTRY, 0x3000000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF entry 0x3000000 lies outside every loaded segment "
		      "(one of these would have to hold it: 0 at 0x200000-0x200fff)");
	/* an entry in the zero-filled tail of a segment */
	put_le64(e64 + EH64_ENTRY, 0xffffffff80201800ULL);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: ELF entry 0x201800 lies in the zero-filled part of ELF segment 0 "
		      "(file bytes 0x200000-0x200fff, zero-fill to 0x201fff): no code is loaded there");
	put_le64(e64 + EH64_ENTRY, 0xffffffff80200040ULL);

	/* --- the a.out kludge --- */
	uint8_t *ao = calloc(1, 0x3000);
	uint32_t aflags = MB1_HF_MEMORY_INFO | MB1_HF_AOUT_KLUDGE;
	put_mb1(ao + 0x40, aflags);
	put_le32(ao + 0x40 + MB1_H_HEADER_ADDR, 0x200040);
	put_le32(ao + 0x40 + MB1_H_LOAD_ADDR, 0x200000);
	put_le32(ao + 0x40 + MB1_H_LOAD_END_ADDR, 0x202000);
	put_le32(ao + 0x40 + MB1_H_BSS_END_ADDR, 0x205000);
	put_le32(ao + 0x40 + MB1_H_ENTRY_ADDR, 0x200100);
	kf = file_of("opt/aout", ao, 0x3000);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.entry, 0x200100);
	ok_eq(p.segs[0].dst, 0x200000);
	ok_eq(p.segs[0].off, 0);
	ok_eq(p.segs[0].len, 0x2000);
	ok_eq(p.segs[1].dst, 0x202000);
	ok_eq(p.segs[1].len, 0x3000);
	/* an entry in the bss: nothing is loaded there (found by fuzz_mb1's plan_check) */
	put_le32(ao + 0x40 + MB1_H_ENTRY_ADDR, 0x203000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: entry_addr 0x203000 lies in the zero-filled bss (0x202000-0x204fff), "
		      "not in the loaded bytes (0x200000-0x201fff)");
	put_le32(ao + 0x40 + MB1_H_ENTRY_ADDR, 0x200100);
	/* load_end_addr 0: to the end of the file */
	put_le32(ao + 0x40 + MB1_H_LOAD_END_ADDR, 0);
	ok_eq(plan(&req, &p, &d), 0);
	ok_eq(p.segs[0].len, 0x3000);
	ok_eq(p.segs[1].dst, 0x203000);
	ok_eq(p.segs[1].len, 0x2000);
	/* refusals */
	put_le32(ao + 0x40 + MB1_H_LOAD_END_ADDR, 0x204000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: load_end_addr 0x204000 needs 16384 bytes, the file has 12288 after offset 0x0");
	put_le32(ao + 0x40 + MB1_H_LOAD_END_ADDR, 0x202000);
	put_le32(ao + 0x40 + MB1_H_HEADER_ADDR, 0x200080);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: header_addr - load_addr (0x80) exceeds the header's file offset (0x40)");
	put_le32(ao + 0x40 + MB1_H_HEADER_ADDR, 0x200040);
	put_le32(ao + 0x40 + MB1_H_ENTRY_ADDR, 0x300000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: entry_addr 0x300000 lies outside the image (0x200000-0x204fff)");
	put_le32(ao + 0x40 + MB1_H_ENTRY_ADDR, 0x200100);
	put_le32(ao + 0x40 + MB1_H_BSS_END_ADDR, 0x201000);
	ok_eq(plan(&req, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot1: bss_end_addr 0x201000 is below the load end 0x202000");

	/* --- modules that do not fit --- */
	put_le32(ao + 0x40 + MB1_H_BSS_END_ADDR, 0);
	struct file huge = { "opt/huge", 0, 0, 0x8000000, m1 };
	struct boot_module hm = { &huge, "" };
	req.mods = &hm;
	req.nmods = 1;
	ok_eq(plan(&req, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "multiboot1: module opt/huge (134217728 bytes) does not fit in memory");
	return test_done("mb1");
}
