/* SPDX-License-Identifier: BSD-2-Clause */
/* PVH: finding the PHYS32 entry note (and every refusal), the plan, and
 * the hvm_start_info with its module list and memory map, field by field;
 * the probe order against Multiboot 1. */
#include <stdlib.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "include/hvm_start_info.h"
#include "kernel/formats/mb1.h"
#include "include/multiboot1.h"
#include "kernel/formats/pvh.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"


/* Append one note at *pos (name and value padded to pad). */
static void add_note(uint8_t *b, size_t *pos, const char *name, uint32_t namesz, uint32_t type,
		     const uint8_t *desc, uint32_t descsz, uint32_t pad)
{
	uint8_t *n = b + *pos;
	put_le32(n, namesz);
	put_le32(n + 4, descsz);
	put_le32(n + 8, type);
	memcpy(n + 12, name, namesz);
	size_t dat = 12 + ((namesz + pad - 1) & ~(pad - 1));
	memcpy(n + dat, desc, descsz);
	*pos += dat + ((descsz + pad - 1) & ~(pad - 1));
}

/* An ELF with one PT_LOAD (paddr 0x100000, 0x800 bytes, 0x1000 in memory)
 * and one PT_NOTE at 0x2000 holding notes[0..nlen). */
static uint8_t *make_elf(int class, size_t *len, const uint8_t *notes, size_t nlen, uint64_t note_align)
{
	size_t size = 0x3000;
	uint8_t *b = calloc(1, size);
	memcpy(b, ELF_MAGIC, 4);
	b[4] = (uint8_t)class;
	b[5] = ELFDATA2LSB;
	b[6] = 1;
	put_le16(b + 16, 2);
	memcpy(b + 0x2000, notes, nlen);
	if (class == ELFCLASS32) {
		put_le16(b + EH_MACHINE, EM_386);
		put_le32(b + EH32_ENTRY, 0x100000);	/* not the PVH entry */
		put_le32(b + EH32_PHOFF, EH32_SIZE);
		put_le16(b + EH32_PHENTSIZE, PH32_SIZE);
		put_le16(b + EH32_PHNUM, 2);
		uint8_t *p = b + EH32_SIZE;
		put_le32(p, PT_LOAD);
		put_le32(p + 4, 0x1000);
		put_le32(p + 8, 0x100000);
		put_le32(p + 12, 0x100000);
		put_le32(p + 16, 0x800);
		put_le32(p + 20, 0x1000);
		p += PH32_SIZE;
		put_le32(p, PT_NOTE);
		put_le32(p + 4, 0x2000);
		put_le32(p + 16, (uint32_t)nlen);
		put_le32(p + 28, (uint32_t)note_align);
	} else {
		put_le16(b + EH_MACHINE, EM_X86_64);
		put_le64(b + EH64_ENTRY, 0xffffffff81000000ULL);
		put_le64(b + EH64_PHOFF, EH64_SIZE);
		put_le16(b + EH64_PHENTSIZE, PH64_SIZE);
		put_le16(b + EH64_PHNUM, 2);
		uint8_t *p = b + EH64_SIZE;
		put_le32(p, PT_LOAD);
		put_le64(p + 8, 0x1000);
		put_le64(p + 16, 0xffffffff81000000ULL);
		put_le64(p + 24, 0x100000);
		put_le64(p + 32, 0x800);
		put_le64(p + 40, 0x1000);
		p += PH64_SIZE;
		put_le32(p, PT_NOTE);
		put_le64(p + 8, 0x2000);
		put_le64(p + 32, nlen);
		put_le64(p + 48, note_align);
	}
	*len = size;
	return b;
}

static const uint8_t entry_le32[4] = { 0x40, 0x00, 0x10, 0x00 };	/* 0x100040 */

/* The notes Linux carries: GNU build id, another Xen note, then the entry. */
static size_t linux_like_notes(uint8_t *n, uint32_t pad, const uint8_t *entry, uint32_t entry_size)
{
	size_t pos = 0;
	static const uint8_t id[20] = { 1, 2, 3 };
	static const uint8_t guest[] = "linux";
	add_note(n, &pos, "GNU", 4, 3, id, sizeof(id), pad);
	add_note(n, &pos, "Xen", 4, 6, guest, sizeof(guest), pad);
	add_note(n, &pos, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, entry, entry_size, pad);
	return pos;
}

static struct file file_of(const char *name, const uint8_t *buf, size_t len)
{
	struct file f = { name, 0, 0, len, buf };
	return f;
}

static int probe(const uint8_t *b, size_t len, struct diag *d)
{
	struct file f = file_of("opt/pvh", b, len);
	d->msg[0] = 0;
	return pvh_probe(&f, b, len, d);
}

static void test_notes(void)
{
	struct diag d;
	uint8_t notes[512];
	size_t len, nlen;
	uint8_t *b;

	nlen = linux_like_notes(notes, 4, entry_le32, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), 0);
	free(b);

	/* ELF64 with 8-byte values and 8-byte padding */
	uint8_t e8[8] = { 0x40, 0x00, 0x10, 0x00, 0, 0, 0, 0 };
	nlen = linux_like_notes(notes, 8, e8, 8);
	b = make_elf(ELFCLASS64, &len, notes, nlen, 8);
	ok_eq(probe(b, len, &d), 0);
	free(b);
	nlen = linux_like_notes(notes, 4, entry_le32, 4);
	b = make_elf(ELFCLASS64, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), 0);
	free(b);

	/* refusals */
	uint8_t text[64] = "not an ELF";
	ok_eq(probe(text, sizeof(text), &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: not an ELF file");
	nlen = 0;
	add_note(notes, &nlen, "GNU", 4, 3, entry_le32, 4, 4);
	add_note(notes, &nlen, "Xen", 4, 1, entry_le32, 4, 4);	/* XEN_ELFNOTE_ENTRY: a PV entry, not PVH */
	add_note(notes, &nlen, "Xe", 3, XEN_ELFNOTE_PHYS32_ENTRY, entry_le32, 4, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: ELF has no XEN_ELFNOTE_PHYS32_ENTRY note");
	free(b);
	nlen = 0;
	add_note(notes, &nlen, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, entry_le32, 2, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: XEN_ELFNOTE_PHYS32_ENTRY note has a 2-byte value (4 or 8 expected)");
	free(b);
	uint8_t high[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };
	nlen = 0;
	add_note(notes, &nlen, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, high, 8, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: PHYS32 entry 0x100000000 lies above 4 GiB");
	free(b);
	/* a note whose value runs past its segment */
	nlen = 0;
	add_note(notes, &nlen, "GNU", 4, 3, entry_le32, 4, 4);
	put_le32(notes + 4, 4000);
	add_note(notes, &nlen, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, entry_le32, 4, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: ELF has no XEN_ELFNOTE_PHYS32_ENTRY note (a PT_NOTE segment is malformed)");
	free(b);
	/* a note segment past the end of the file is not read */
	nlen = linux_like_notes(notes, 4, entry_le32, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	put_le32(b + EH32_SIZE + PH32_SIZE + 4, 0x2f00);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: ELF has no XEN_ELFNOTE_PHYS32_ENTRY note");
	free(b);
	/* a note segment the ELF parser already refuses: its reason */
	nlen = linux_like_notes(notes, 4, entry_le32, 4);
	b = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	put_le16(b + EH32_PHENTSIZE, 40);
	ok_eq(probe(b, len, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: ELF program header size 40, expected 32");
	free(b);
}

static const uint8_t *block_of(const struct plan *p, uint64_t *base)
{
	const struct plan_seg *s = &p->segs[p->nsegs - 1];
	*base = s->dst;
	return s->mem;
}

static void test_plan(void)
{
	struct plan p;
	struct diag d;
	uint8_t notes[512];
	size_t len, nlen = linux_like_notes(notes, 4, entry_le32, 4);
	uint8_t *k = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	struct file kf = file_of("opt/vmlinux", k, len);
	uint8_t *m0 = calloc(1, 5000), *m1 = calloc(1, 100);
	struct file mf[2] = { file_of("opt/initrd", m0, 5000), file_of("opt/mod1", m1, 100) };
	struct boot_module mods[2] = { { &mf[0], "" }, { &mf[1], "mod args" } };
	struct boot_request req = { .kernel = &kf, .args = "console=ttyS0 root=/dev/vda", .mods = mods, .nmods = 2,
				    .loader_name = "fwboot" };
	struct boot_env env = { .mem = &mm, .rsdp = 0xf5a40, .smbios = 0, .video = 0, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };

	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(pvh_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "pvh");
	ok_eq(p.mode, ENTRY_FLAT32);
	ok_eq(p.entry, 0x100040);	/* the note's entry, not e_entry */
	{	/* a PHYS32 entry no segment holds: refused, the segment named */
		static const uint8_t far_le32[4] = { 0x00, 0x00, 0x00, 0x03 };	/* 0x3000000 */
		uint8_t fn[512];
		size_t fl, fnl = linux_like_notes(fn, 4, far_le32, 4);
		uint8_t *fk = make_elf(ELFCLASS32, &fl, fn, fnl, 4);
		struct file ff = file_of("opt/far", fk, fl);
		struct boot_request fr = req;
		struct plan fp;
		fr.kernel = &ff;
		reset_mem();
		memset(&fp, 0, sizeof(fp));
		ok_eq(pvh_plan(&fr, fk, fl, &env, &fp, &d), -ST_BAD_IMAGE);
		ok_str(d.msg, "pvh: PHYS32 entry 0x3000000 lies outside every loaded segment "
			      "(one of these would have to hold it: 0 at 0x100000-0x1007ff)");
		free(fk);
	}
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(pvh_plan(&req, k, len, &env, &p, &d), 0);
	ok_eq(p.nsegs, 5);
	ok_eq(p.segs[0].dst, 0x100000);
	ok_eq(p.segs[0].len, 0x800);
	ok_eq(p.segs[0].off, 0x1000);
	ok_eq(p.segs[1].src, SRC_ZERO);
	ok_eq(p.segs[1].len, 0x800);
	ok_eq(p.segs[2].dst, 0x101000);
	ok_eq(p.segs[3].dst, 0x103000);

	uint64_t base;
	const uint8_t *b = block_of(&p, &base);
	uint64_t total = p.segs[4].len;
	ok_eq(total, 56 + 2 * 32 + 4 * 24 + 28 + 9);
	ok_eq(base, (0x9fc00 - total) & ~7ull);
	ok_eq(p.regs.ebx, base);
	ok_eq(get_le32(b + HSI_MAGIC), XEN_HVM_START_MAGIC_VALUE);
	ok_eq(get_le32(b + HSI_VERSION), 1);
	ok_eq(get_le32(b + HSI_FLAGS), 0);
	ok_eq(get_le32(b + HSI_NR_MODULES), 2);
	ok_eq(get_le64(b + HSI_MODLIST_PADDR), base + 56);
	ok_eq(get_le64(b + HSI_RSDP_PADDR), 0xf5a40);
	ok_eq(get_le64(b + HSI_MEMMAP_PADDR), base + 56 + 64);
	ok_eq(get_le32(b + HSI_MEMMAP_ENTRIES), 4);
	ok_eq(get_le32(b + 52), 0);
	uint64_t cl = get_le64(b + HSI_CMDLINE_PADDR);
	ok(cl >= base && cl < base + total);
	ok_str((const char *)b + (cl - base), "console=ttyS0 root=/dev/vda");	/* no image name */
	const uint8_t *me = b + 56;
	ok_eq(get_le64(me), 0x101000);
	ok_eq(get_le64(me + 8), 5000);
	ok_eq(get_le64(me + 16), 0);	/* no arguments: no string */
	ok_eq(get_le64(me + 24), 0);
	me += 32;
	ok_eq(get_le64(me), 0x103000);
	ok_eq(get_le64(me + 8), 100);
	ok_str((const char *)b + (get_le64(me + 16) - base), "mod args");
	const uint8_t *mm0 = b + 56 + 64;
	ok_eq(get_le64(mm0), 0);
	ok_eq(get_le64(mm0 + 8), 0x9fc00);
	ok_eq(get_le32(mm0 + 16), XEN_HVM_MEMMAP_TYPE_RAM);
	ok_eq(get_le32(mm0 + 20), 0);
	ok_eq(get_le64(mm0 + 24), 0x9fc00);
	ok_eq(get_le32(mm0 + 24 + 16), XEN_HVM_MEMMAP_TYPE_RESERVED);
	ok_eq(get_le64(mm0 + 72), 0x100000);
	ok_eq(get_le64(mm0 + 80), 0x7ee0000);

	/* no modules, no arguments, no RSDP: zero addresses, an empty command line */
	req.nmods = 0;
	req.args = "";
	env.rsdp = 0;
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(pvh_plan(&req, k, len, &env, &p, &d), 0);
	b = block_of(&p, &base);
	ok_eq(get_le32(b + HSI_NR_MODULES), 0);
	ok_eq(get_le64(b + HSI_MODLIST_PADDR), 0);
	ok_eq(get_le64(b + HSI_RSDP_PADDR), 0);
	ok_str((const char *)b + (get_le64(b + HSI_CMDLINE_PADDR) - base), "");

	/* a segment on top of another claim */
	reset_mem();
	mem_claim(&mm, 0x100800, 0x10, CLAIM_PLACED, "something", 0);
	memset(&p, 0, sizeof(p));
	ok_eq(pvh_plan(&req, k, len, &env, &p, &d), -ST_NO_MEMORY);
	ok_str(d.msg, "memory: opt/vmlinux at 0x100000-0x100fff overlaps boot data something at 0x100800-0x10080f");
	free(k);
	free(m0);
	free(m1);
}

static void test_probe_order(void)
{
	struct plan p;
	struct diag d;
	uint8_t notes[512];
	size_t len, nlen = linux_like_notes(notes, 4, entry_le32, 4);
	uint8_t *k = make_elf(ELFCLASS32, &len, notes, nlen, 4);
	struct file kf = file_of("opt/k", k, len);
	struct boot_request req = { .kernel = &kf, .args = "", .loader_name = "fwboot" };
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = 0, .video = 0, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };

	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "pvh");

	/* with a Multiboot 1 header as well, Multiboot 1 comes first */
	put_le32(k + 0x800, MB1_HEADER_MAGIC);
	put_le32(k + 0x804, 0);
	put_le32(k + 0x808, 0u - MB1_HEADER_MAGIC);
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "multiboot1");
	req.format = "pvh";
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, len, &env, &p, &d), 0);
	ok_str(p.format, "pvh");
	ok_eq(p.entry, 0x100040);
	free(k);

	/* a file that is nothing: every loader's reason */
	uint8_t junk[600];
	memset(junk, 0x5a, sizeof(junk));
	struct file jf = file_of("opt/junk", junk, sizeof(junk));
	req.kernel = &jf;
	req.format = 0;
	reset_mem();
	ok_eq(image_plan(&req, junk, sizeof(junk), &env, &p, &d), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "image: opt/junk is not a bootable image (multiboot2: no header in the first 32 KiB; "
			 "multiboot1: no header in the first 8 KiB; ") == d.msg);
	ok(strstr(d.msg, "; pvh: not an ELF file; limine: not an ELF64 file; efi: no MZ signature)") != 0);
	req.format = "pvh";
	ok_eq(image_plan(&req, junk, sizeof(junk), &env, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "pvh: not an ELF file");
}

int main(void)
{
	test_notes();
	test_plan();
	test_probe_order();
	return test_done("pvh");
}
