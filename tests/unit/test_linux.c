/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux bzImage loader: header parsing and every refusal, then the
 * placement of kernel, decompression window, initrds, boot_params, command
 * line and the real-mode block over several memory maps and header versions. */
#include <stdlib.h>
#include "include/bootparam.h"
#include "lib/byteorder.h"
#include "kernel/formats/linux.h"
#include "include/status.h"
#include "test.h"
#include "plan_check.h"

#define MiB 0x100000ULL
#define SETUP 2048		/* setup_sects 3: boot sector + 3 sectors */

static struct mem_region map[160], ram[160];
static struct mem_claim claims[256];
static struct mem_map mm;

/* QEMU's pc map for ram bytes, fwboot's own claims, its heap at the top. */
static void map_qemu(uint64_t ramsize)
{
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, 0x9fc00, 0x400, 2);
	mem_add(&mm, 0xf0000, 0x10000, 2);
	mem_add(&mm, MiB, ramsize - MiB - 0x20000, 1);
	mem_add(&mm, ramsize - 0x20000, 0x20000, 2);
	mem_add(&mm, 0xfffc0000, 0x40000, 2);
	mem_finish(&mm);
	mem_claim(&mm, 0, 0x500, CLAIM_FIRMWARE, "BIOS", 0);
	mem_claim(&mm, 0x20000, 0x20000, CLAIM_SELF, "fwboot image", 0);
	uint64_t heap;
	mem_alloc(&mm, 16 * MiB, 4096, MiB, MEM_4G, MEM_TOP_DOWN, CLAIM_SELF, "fwboot heap", &heap, 0);
}

/* A Debian-like bzImage: protocol ver, relocatable, 2 MiB aligned,
 * pref_address 16 MiB, init_size 64 MiB, cmdline_size 2047. */
static uint8_t *make_bzimage(size_t size, uint16_t ver)
{
	uint8_t *b = calloc(1, size);
	b[LH_SETUP_SECTS] = 3;
	put_le32(b + LH_SYSSIZE, (uint32_t)((size - SETUP + 15) / 16));
	put_le16(b + LH_VID_MODE, LINUX_VID_NORMAL);
	put_le16(b + LH_BOOT_FLAG, LINUX_BOOT_FLAG);
	b[LH_JUMP] = 0xEB;
	b[LH_JUMP + 1] = 0x6A;	/* header ends at 0x26C */
	put_le32(b + LH_HEADER, LINUX_HDRS_MAGIC);
	put_le16(b + LH_VERSION, ver);
	b[LH_LOADFLAGS] = LF_LOADED_HIGH;
	put_le32(b + LH_CODE32_START, 0x100000);
	put_le32(b + LH_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(b + LH_KERNEL_ALIGNMENT, 0x200000);
	b[LH_RELOCATABLE] = 1;
	b[LH_MIN_ALIGNMENT] = 21;
	put_le32(b + LH_CMDLINE_SIZE, 2047);
	put_le64(b + LH_PREF_ADDRESS, 0x1000000);
	put_le32(b + LH_INIT_SIZE, 0x4000000);
	b[0x1000] = 0x5A;	/* something recognisable in the setup code */
	return b;
}

static struct file kfile, initrd[3];
static struct boot_module mods[3];

static struct boot_request request(const uint8_t *img, size_t size, const char *args, size_t ninitrd,
				   const char *entry)
{
	static const char *names[3] = { "opt/fwboot/initrd1", "opt/fwboot/initrd2", "opt/fwboot/initrd3" };
	static const uint64_t sizes[3] = { 10001, 5000, 3 };
	struct boot_request r;
	memset(&r, 0, sizeof(r));
	kfile = (struct file){ "opt/fwboot/vmlinuz", 0, 0, size, img };
	for (size_t i = 0; i < 3; i++) {
		initrd[i] = (struct file){ names[i], 0x30 + (uint16_t)i, 0, sizes[i], 0 };
		mods[i] = (struct boot_module){ &initrd[i], "" };
	}
	r.kernel = &kfile;
	r.args = args;
	r.mods = mods;
	r.nmods = ninitrd;
	r.entry = entry;
	r.loader_name = "fwboot test";
	return r;
}

static const struct video_caps *video_env;	/* what the planner sees as env->video */
static int no_bios_env;				/* env->no_bios */
static uint64_t efi_systab_env;			/* env->efi_systab */
static uint32_t efi_cap_env;			/* env->efi_mmap_cap */

static int plan_with(const struct boot_request *r, struct plan *p, struct diag *d, uint64_t rsdp)
{
	struct boot_env env = { .mem = &mm, .rsdp = rsdp, .smbios = 0, .video = video_env, .efi_systab = efi_systab_env, .efi_mmap_cap = efi_cap_env, .no_bios = no_bios_env };
	memset(p, 0, sizeof(*p));
	d->msg[0] = 0;
	size_t n = r->kernel->size < IMAGE_HEADER_WINDOW ? r->kernel->size : IMAGE_HEADER_WINDOW;
	int rc = linux_plan(r, r->kernel->mem, n, &env, p, d);
	if (rc == 0)	/* every accepted plan keeps the invariants */
		{
		const char *v_ = plan_check(p, &mm, r);
		if (!ok(v_ == 0))
			printf("     plan_check: %s\n", v_);
	}
	return rc;
}

static const struct plan_seg *seg_named(const struct plan *p, const char *what)
{
	for (size_t i = 0; i < p->nsegs; i++)
		if (strcmp(p->segs[i].what, what) == 0)
			return &p->segs[i];
	return 0;
}

static int parse(const uint8_t *img, size_t len, uint64_t size, struct linux_header *h, struct diag *d)
{
	d->msg[0] = 0;
	return linux_parse(img, len, size, h, d);
}

static void test_parse(void)
{
	struct linux_header h;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);

	ok_eq(parse(b, size, size, &h, &d), 0);
	ok_eq(h.version, 0x020F);
	ok_eq(h.setup_size, SETUP);
	ok_eq(h.kernel_off, SETUP);
	ok_eq(h.kernel_size, size - SETUP);
	ok_eq(h.hdr_end, 0x26C);
	ok_eq(h.code32_start, 0x100000);
	ok_eq(h.initrd_addr_max, 0x7fffffff);
	ok_eq(h.relocatable, 1);
	ok_eq(h.kernel_alignment, 0x200000);
	ok_eq(h.min_alignment, 0x200000);
	ok_eq(h.cmdline_size, 2047);
	ok_eq(h.pref_address, 0x1000000);
	ok_eq(h.init_size, 0x4000000);

	/* setup_sects 0 means 4 */
	b[LH_SETUP_SECTS] = 0;
	put_le32(b + LH_SYSSIZE, (uint32_t)(size - 5 * 512) / 16);
	ok_eq(parse(b, size, size, &h, &d), 0);
	ok_eq(h.setup_size, 5 * 512);
	b[LH_SETUP_SECTS] = 3;
	put_le32(b + LH_SYSSIZE, (uint32_t)(size - SETUP) / 16);

	/* a smaller min_alignment is taken */
	b[LH_MIN_ALIGNMENT] = 12;
	ok_eq(parse(b, size, size, &h, &d), 0);
	ok_eq(h.min_alignment, 0x1000);
	b[LH_MIN_ALIGNMENT] = 21;

	/* 2.02: the protocol's defaults for the fields it lacks */
	put_le16(b + LH_VERSION, 0x0202);
	ok_eq(parse(b, size, size, &h, &d), 0);
	ok_eq(h.initrd_addr_max, LINUX_OLD_INITRD_MAX);
	ok_eq(h.cmdline_size, 255);
	ok_eq(h.relocatable, 0);
	ok_eq(h.kernel_alignment, 1);
	ok_eq(h.pref_address, 0);
	ok_eq(h.init_size, 0);
	/* 2.05: relocatable, no pref_address or init_size yet */
	put_le16(b + LH_VERSION, 0x0205);
	ok_eq(parse(b, size, size, &h, &d), 0);
	ok_eq(h.relocatable, 1);
	ok_eq(h.cmdline_size, 255);
	ok_eq(h.init_size, 0);
	put_le16(b + LH_VERSION, 0x020F);

	/* probe refusals */
	ok_eq(parse(b, 0x200, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: too short for a setup header (512 bytes)");
	ok_eq(parse(b, 0x208, size, &h, &d), -ST_BAD_IMAGE);	/* magic there, loadflags not */
	ok_str(d.msg, "linux: too short for a setup header (520 bytes)");
	b[LH_BOOT_FLAG] = 0;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: no boot flag 0xAA55 at 0x1FE");
	ok_eq(linux_probe(0, b, size, &d), -ST_BAD_IMAGE);
	b[LH_BOOT_FLAG] = 0x55;
	b[LH_HEADER] = 'h';
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: boot flag but no \"HdrS\" at 0x202 (a boot sector or a pre-2.00 zImage)");
	b[LH_HEADER] = 'H';
	ok_eq(linux_probe(0, b, size, &d), 0);

	/* versions and zImage */
	put_le16(b + LH_VERSION, 0x0201);
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: protocol version 2.01 is too old (need 2.02 or newer)");
	put_le16(b + LH_VERSION, 0x0200);
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: protocol version 2.00 is too old (need 2.02 or newer)");
	put_le16(b + LH_VERSION, 0x0204);
	b[LH_LOADFLAGS] = 0;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: zImage (protocol 2.04, LOADED_HIGH clear) is not supported, only bzImage");
	b[LH_LOADFLAGS] = LF_LOADED_HIGH;
	put_le16(b + LH_VERSION, 0x020F);

	/* the header's own extent */
	b[LH_JUMP] = 0xE9;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: no short jump at 0x200 (0xe9) to tell where the setup header ends");
	b[LH_JUMP] = 0xEB;
	b[LH_JUMP + 1] = 0x90;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: setup header ends at 0x292, past its limit 0x290");
	b[LH_JUMP + 1] = 0x50;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: protocol 2.15 header ends at 0x252, before its last field (0x264)");
	b[LH_JUMP + 1] = 0x6A;

	/* truncation: no kernel at all, or less than syssize says */
	ok_eq(parse(b, size, SETUP, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: truncated: the file has 2048 bytes, its setup code alone 2048");
	ok_eq(parse(b, size, size - 16, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: truncated: syssize says 63488 bytes of kernel, the file has 63472 after the setup code");
	/* syssize rounds up to a paragraph: up to 15 bytes short is whole */
	ok_eq(parse(b, size, size - 15, &h, &d), 0);

	b[LH_KERNEL_ALIGNMENT] = 3;
	ok_eq(parse(b, size, size, &h, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: relocatable, but kernel_alignment 0x200003 is not a power of two");
	free(b);
}

/* Debian-like kernel on QEMU's 512 MiB map, 32-bit entry. */
static void test_plan32(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	const char *args = "console=ttyS0 quiet -- init args";
	struct boot_request r = request(b, size, args, 2, "32");

	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0xf5a40), 0);
	ok_str(d.msg, "");
	ok_eq(p.mode, ENTRY_FLAT32);
	ok_str(p.format, "linux (32-bit entry)");
	/* relocatable: loaded at pref_address, entered there */
	const struct plan_seg *k = seg_named(&p, "linux kernel");
	ok(k != 0);
	ok_eq(k->dst, 0x1000000);
	ok_eq(k->len, size - SETUP);
	ok_eq(k->src, SRC_FILE);
	ok_eq(k->off, SETUP);
	ok_eq(p.entry, 0x1000000);
	/* the decompression window is kept out */
	ok(mem_overlaps(&mm, 0x1000000, 0x4000000, CLAIM_KEEPOUT));
	/* initrds: top-down under the heap (0x1efe0000), page-aligned, 4-aligned inside */
	const struct plan_seg *i1 = seg_named(&p, "opt/fwboot/initrd1");
	const struct plan_seg *pad = seg_named(&p, "initrd padding");
	const struct plan_seg *i2 = seg_named(&p, "opt/fwboot/initrd2");
	ok(i1 && pad && i2);
	uint64_t base = (0x1efe0000 - 15004) & ~0xfffULL;
	ok_eq(i1->dst, base);
	ok_eq(i1->len, 10001);
	ok_eq(i1->file, &initrd[0]);
	ok_eq(pad->dst, base + 10001);
	ok_eq(pad->len, 3);
	ok_eq(pad->src, SRC_ZERO);
	ok_eq(i2->dst, base + 10004);
	ok_eq(i2->len, 5000);
	ok_eq(i2->off, 0);
	/* boot_params and the command line: low memory, after fwboot's BIOS area */
	const struct plan_seg *bp = seg_named(&p, "linux boot_params");
	ok(bp != 0);
	ok_eq(bp->dst, 0x10000);
	ok_eq(bp->len, 4096 + strlen(args) + 1);
	ok_eq(bp->src, SRC_MEM);
	ok_eq(p.regs.esi, 0x10000);
	ok_eq(p.regs.ebp, 0);
	ok_eq(p.regs.edi, 0);
	ok_eq(p.regs.ebx, 0);
	const uint8_t *z = bp->mem;
	/* the header: copied, then written */
	ok_eq(z[LH_SETUP_SECTS], 3);
	ok_eq(get_le16(z + LH_BOOT_FLAG), LINUX_BOOT_FLAG);
	ok_eq(get_le32(z + LH_HEADER), LINUX_HDRS_MAGIC);
	ok_eq(get_le16(z + LH_VERSION), 0x020F);
	ok_eq(get_le32(z + LH_INIT_SIZE), 0x4000000);
	ok_eq(z[LH_TYPE_OF_LOADER], 0xFF);
	ok_eq(get_le32(z + LH_CODE32_START), 0x1000000);
	ok_eq(get_le32(z + LH_RAMDISK_IMAGE), base);
	ok_eq(get_le32(z + LH_RAMDISK_SIZE), 15004);
	ok_eq(get_le32(z + LH_CMD_LINE_PTR), 0x11000);
	ok_eq(get_le32(z + LH_KERNEL_ALIGNMENT), 0x200000);
	ok_str((const char *)z + 4096, args);
	/* nothing of the boot sector: the sentinel at 0x1EF stays zero */
	int zero = 1;
	for (int i = 0; i < BP_E820_ENTRIES; i++)
		zero &= z[i] == 0 || (i >= BP_ACPI_RSDP_ADDR && i < BP_ACPI_RSDP_ADDR + 8);
	for (int i = BP_E820_ENTRIES + 1; i < BP_HDR_START; i++)
		zero &= z[i] == 0;
	for (int i = 0x26C; i < BP_E820_TABLE; i++)
		zero &= z[i] == 0;
	ok(zero);
	ok_eq(get_le64(z + BP_ACPI_RSDP_ADDR), 0xf5a40);
	/* e820: the map as fwboot was given it */
	ok_eq(z[BP_E820_ENTRIES], 6);
	const uint8_t *e = z + BP_E820_TABLE;
	ok_eq(get_le64(e), 0);
	ok_eq(get_le64(e + 8), 0x9fc00);
	ok_eq(get_le32(e + 16), 1);
	e += 3 * BP_E820_ENTRY_SIZE;
	ok_eq(get_le64(e), MiB);
	ok_eq(get_le64(e + 8), 512 * MiB - MiB - 0x20000);
	ok_eq(get_le32(e + 16), 1);
	e += 2 * BP_E820_ENTRY_SIZE;
	ok_eq(get_le64(e), 0xfffc0000);
	ok_eq(get_le32(e + 16), 2);
	/* nothing placed lies in the window */
	for (size_t i = 0; i < p.nsegs; i++)
		if (p.segs[i].src != SRC_FILE || p.segs[i].file != &kfile)
			ok(p.segs[i].dst + p.segs[i].len <= 0x1000000 || p.segs[i].dst >= 0x5000000);

	/* the default entry, and vga= into vid_mode */
	r = request(b, size, "vga=ask console=ttyS0", 1, 0);
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.mode, LINUX_DEFAULT_ENTRY == LINUX_ENTRY_32 ? ENTRY_FLAT32 : ENTRY_REAL16);
	r.entry = "32";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	bp = seg_named(&p, "linux boot_params");
	ok_eq(get_le16((const uint8_t *)bp->mem + LH_VID_MODE), LINUX_VID_ASK);
	ok_eq(get_le64((const uint8_t *)bp->mem + BP_ACPI_RSDP_ADDR), 0);
	ok_eq(get_le32((const uint8_t *)bp->mem + LH_RAMDISK_SIZE), 10001);
	/* vga= after "--" belongs to init */
	r.args = "-- vga=0x317";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(get_le16((const uint8_t *)seg_named(&p, "linux boot_params")->mem + LH_VID_MODE), LINUX_VID_NORMAL);
	r.args = "vga=0x317";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(get_le16((const uint8_t *)seg_named(&p, "linux boot_params")->mem + LH_VID_MODE), 0x317);

	/* no initrd: ramdisk fields stay zero; an empty command line is still a pointer */
	r = request(b, size, "", 0, "32");
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	z = seg_named(&p, "linux boot_params")->mem;
	ok_eq(get_le32(z + LH_RAMDISK_IMAGE), 0);
	ok_eq(get_le32(z + LH_RAMDISK_SIZE), 0);
	ok_eq(get_le32(z + LH_CMD_LINE_PTR), 0x11000);
	ok_eq(z[4096], 0);
	free(b);
}

/* The same kernel through the real-mode entry. */
static void test_plan16(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	const char *args = "console=ttyS0";
	struct boot_request r = request(b, size, args, 3, "16");

	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_str(d.msg, "");
	ok_eq(p.mode, ENTRY_REAL16);
	ok_str(p.format, "linux (16-bit entry)");
	ok_eq(p.rm_cs, 0x1020);
	ok_eq(p.rm_ip, 0);
	ok_eq(p.rm_ds, 0x1000);
	ok_eq(p.rm_ss, 0x1000);
	ok_eq(p.rm_sp, 0xE000);
	ok_eq(seg_named(&p, "linux kernel")->dst, 0x1000000);
	ok_eq(seg_named(&p, "linux boot_params"), 0);
	/* the setup code straight from the file, the written header over it */
	const struct plan_seg *code = seg_named(&p, "linux setup code");
	const struct plan_seg *hs = seg_named(&p, "linux setup header");
	const struct plan_seg *cs = seg_named(&p, "linux command line");
	ok(code && hs && cs);
	ok(code < hs);
	ok_eq(code->dst, 0x10000);
	ok_eq(code->len, SETUP);
	ok_eq(code->src, SRC_FILE);
	ok_eq(code->off, 0);
	ok_eq(code->file, &kfile);
	ok_eq(hs->dst, 0x10000 + 0x1F1);
	ok_eq(hs->len, 0x26C - 0x1F1);
	const uint8_t *h = (const uint8_t *)hs->mem - 0x1F1;
	ok_eq(h[LH_TYPE_OF_LOADER], 0xFF);
	ok_eq(h[LH_LOADFLAGS], LF_LOADED_HIGH | LF_CAN_USE_HEAP);
	ok_eq(get_le16(h + LH_HEAP_END_PTR), 0xDE00);
	ok_eq(get_le32(h + LH_CMD_LINE_PTR), 0x1E000);
	ok_eq(get_le32(h + LH_CODE32_START), 0x1000000);
	ok_eq(get_le32(h + LH_RAMDISK_SIZE), 10001 + 3 + 5000 + 3);
	ok_eq(get_le32(h + LH_RAMDISK_IMAGE), seg_named(&p, "opt/fwboot/initrd1")->dst);
	ok_eq(seg_named(&p, "opt/fwboot/initrd3")->dst, seg_named(&p, "opt/fwboot/initrd1")->dst + 15004);
	ok_eq(cs->dst, 0x1E000);
	ok_eq(cs->len, strlen(args) + 1);
	ok_str(cs->mem, args);
	ok(mem_overlaps(&mm, 0x10000, 0xE000 + strlen(args) + 1, CLAIM_PLACED));

	/* low memory taken below fwboot: the block goes above it, still below 640 KiB */
	map_qemu(512 * MiB);
	mem_claim(&mm, 0x10000, 0x10000, CLAIM_SELF, "loader data", 0);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.rm_ss, 0x4000);
	ok_eq(p.rm_cs, 0x4020);
	/* and none at all */
	map_qemu(512 * MiB);
	mem_claim(&mm, 0x10000, 0x90000, CLAIM_SELF, "loader data", 0);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: no room below 640 KiB for the real-mode setup code, its stack and the command line (57358 bytes)");

	/* setup code too big for a 64 KiB segment's layout */
	b[LH_SETUP_SECTS] = 64;
	put_le32(b + LH_SYSSIZE, 0);
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: setup code is 33280 bytes, more than the 32768 the 16-bit entry can run (use entry=32)");
	free(b);
}

/* iPXE's ipxe.lkrn: protocol 2.07, not relocatable, code32_start 0. */
static void test_ipxe_like(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x8000;
	uint8_t *b = make_bzimage(size, 0x0207);
	b[LH_JUMP + 1] = 0x65;
	put_le32(b + LH_CODE32_START, 0);
	b[LH_RELOCATABLE] = 0;
	put_le32(b + LH_INITRD_ADDR_MAX, 0xffffffff);
	struct boot_request r = request(b, size, "", 1, 0);

	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.mode, ENTRY_REAL16);
	ok_eq(seg_named(&p, "linux kernel")->dst, 0x100000);
	ok_eq(p.rm_cs, 0x1020);
	const uint8_t *h = (const uint8_t *)seg_named(&p, "linux setup header")->mem - 0x1F1;
	ok_eq(get_le32(h + LH_CODE32_START), 0);
	ok_eq(seg_named(&p, "linux setup header")->len, 0x267 - 0x1F1);
	/* initrd_addr_max 0xffffffff: up to 4 GiB, still under the heap */
	ok_eq(get_le32(h + LH_RAMDISK_IMAGE), (0x1efe0000 - 10001) & ~0xfffULL);

	r.entry = "32";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: no 32-bit entry: code32_start 0x0 lies outside the protected-mode kernel 0x100000-0x1077ff (use entry=16)");
	r.entry = "real";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_CMDLINE);
	ok_str(d.msg, "linux: entry=real: expected entry=32 (32-bit boot protocol) or entry=16 (real-mode setup code)");
	free(b);
}

/* Old, non-relocatable: 1 MiB, no window known, initrd under 0x38000000. */
static void test_old_protocol(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x0202);
	struct boot_request r = request(b, size, "root=/dev/ram0", 1, "32");

	map_qemu(2048 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(seg_named(&p, "linux kernel")->dst, 0x100000);
	ok_eq(p.entry, 0x100000);
	ok_eq(seg_named(&p, "opt/fwboot/initrd1")->dst, (0x38000000 - 10001) & ~0xfffULL);
	ok(!mem_overlaps(&mm, 0, MEM_4G, CLAIM_KEEPOUT));
	const uint8_t *z = seg_named(&p, "linux boot_params")->mem;
	ok_eq(get_le32(z + LH_CODE32_START), 0x100000);
	ok_eq(get_le32(z + LH_KERNEL_ALIGNMENT), 0x200000);	/* copied, not a 2.02 field to write */

	/* 255 characters before 2.06 */
	char line[300];
	memset(line, 'x', 256);
	line[256] = 0;
	r.args = line;
	map_qemu(2048 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_CMDLINE);
	ok_str(d.msg, "linux: command line is 256 bytes, the kernel takes at most 255 (cmdline_size)");
	line[255] = 0;
	map_qemu(2048 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	free(b);
}

/* Placement over maps where the preferred answers do not fit. */
static void test_placement(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	struct boot_request r = request(b, size, "", 2, "32");

	/* 128 MiB: the heap sits at 16 MiB, so the kernel goes to 2 MiB; the window stays at 16 MiB */
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 127 * MiB, 1);
	mem_finish(&mm);
	mem_claim(&mm, 0x20000, 0x20000, CLAIM_SELF, "fwboot image", 0);
	mem_claim(&mm, 16 * MiB, 16 * MiB, CLAIM_SELF, "fwboot heap", 0);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(seg_named(&p, "linux kernel")->dst, 2 * MiB);
	ok_eq(p.entry, 2 * MiB);
	ok(mem_overlaps(&mm, 16 * MiB, 64 * MiB, CLAIM_KEEPOUT));
	ok_eq(seg_named(&p, "opt/fwboot/initrd1")->dst, (128 * MiB - 15004) & ~0xfffULL);

	/* RAM for the window ends early: a clear refusal */
	map_qemu(64 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: the kernel decompresses into 0x1000000-0x4ffffff (init_size 0x4000000: it needs 65536 KiB of RAM there), but RAM there ends sooner");
	/* ...or is missing altogether */
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 8 * MiB, 1);
	mem_add(&mm, 32 * MiB, 96 * MiB, 1);
	mem_finish(&mm);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: the kernel decompresses into 0x1000000-0x4ffffff (init_size 0x4000000: it needs 65536 KiB of RAM there), but RAM there is missing");

	/* no 2 MiB-aligned room: min_alignment allows 1 MiB, and kernel_alignment says so */
	put_le64(b + LH_PREF_ADDRESS, 0);
	put_le32(b + LH_INIT_SIZE, 0x100000);
	b[LH_MIN_ALIGNMENT] = 20;
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 3 * MiB, 1);
	mem_add(&mm, 2 * MiB, 0x1000, 2);
	mem_finish(&mm);
	r.nmods = 0;
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(seg_named(&p, "linux kernel")->dst, MiB);
	ok_eq(get_le32((const uint8_t *)seg_named(&p, "linux boot_params")->mem + LH_KERNEL_ALIGNMENT), MiB);
	ok(mem_overlaps(&mm, MiB, MiB, CLAIM_KEEPOUT));
	/* with min_alignment 2 MiB there is nowhere */
	b[LH_MIN_ALIGNMENT] = 21;
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 3 * MiB, 1);
	mem_add(&mm, 2 * MiB, 0x1000, 2);
	mem_finish(&mm);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: no room for the kernel (63488 bytes) below 4 GiB, aligned to 0x200000 or at least 0x200000; "
		      "it needs 1024 KiB of RAM there to run (init_size 0x100000)");
	free(b);

	/* a fixed-address kernel whose place is taken */
	b = make_bzimage(size, 0x0204);
	map_qemu(512 * MiB);
	mem_claim(&mm, MiB, 0x1000, CLAIM_PLACED, "something", 0);
	r = request(b, size, "", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: the kernel must load at 0x100000: memory: linux kernel at 0x100000-0x10f7ff overlaps boot data something at 0x100000-0x100fff");
	free(b);
}

/* initrds that do not fit, mem= and initrd_addr_max limits. */
static void test_initrd_limits(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	struct boot_request r = request(b, size, "console=ttyS0 mem=256M", 1, "32");

	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(seg_named(&p, "opt/fwboot/initrd1")->dst, (256 * MiB - 10001) & ~0xfffULL);

	/* initrd_addr_max is the highest byte: the initrd may end exactly there */
	put_le32(b + LH_INITRD_ADDR_MAX, 0x0FFFFFFF);
	r.args = "";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(seg_named(&p, "opt/fwboot/initrd1")->dst, (256 * MiB - 10001) & ~0xfffULL);

	/* too large: 450 MiB into 512 MiB with a 64 MiB window and a 16 MiB heap */
	put_le32(b + LH_INITRD_ADDR_MAX, 0x7fffffff);
	initrd[0].size = 450 * MiB;
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: initrd (471859200 bytes in 1 file) does not fit in RAM below 0x80000000 outside the decompression window 0x1000000-0x4ffffff");
	/* two files, and the window is what is in the way: 420 MiB fits without it, not with it */
	r = request(b, size, "", 2, "32");
	initrd[0].size = 410 * MiB;
	initrd[1].size = 10 * MiB;
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: initrd (440401920 bytes in 2 files) does not fit in RAM below 0x80000000 outside the decompression window 0x1000000-0x4ffffff");
	initrd[0].size = 100 * MiB;
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	uint64_t a = seg_named(&p, "opt/fwboot/initrd1")->dst;
	ok(a >= 0x5000000);
	ok_eq(a % 4096, 0);
	ok_eq(seg_named(&p, "opt/fwboot/initrd2")->dst, a + 100 * MiB);
	ok_eq(seg_named(&p, "initrd padding"), 0);	/* 100 MiB is 4-aligned already */
	free(b);
}

/* The memory map must fit boot_params' e820 table. */
static void test_e820_limit(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	struct boot_request r = request(b, size, "", 0, "32");
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 511 * MiB, 1);
	for (int i = 0; i < 128; i++)
		mem_add(&mm, 0x100000000ULL + (uint64_t)i * 0x2000, 0x1000, 2);
	mem_finish(&mm);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_NO_MEMORY);
	ok_str(d.msg, "linux: the memory map has 130 entries, boot_params holds 128");
	/* the same map through the 16-bit entry: the BIOS tells the setup code */
	r.entry = "16";
	mem_init(&mm, map, 160, ram, 160, claims, 256);
	mem_add(&mm, 0, 0x9fc00, 1);
	mem_add(&mm, MiB, 511 * MiB, 1);
	for (int i = 0; i < 128; i++)
		mem_add(&mm, 0x100000000ULL + (uint64_t)i * 0x2000, 0x1000, 2);
	mem_finish(&mm);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	free(b);
}

/* The default entry follows what the header promises: 32-bit from
 * protocol 2.07 on, the setup code before (memdisk, grub.lkrn: 2.03). */
static void test_default_entry(void)
{
	static const struct { uint16_t ver; uint8_t jump; int mode; } cases[] = {
		{ 0x0202, 0x2e, ENTRY_REAL16 }, { 0x0203, 0x32, ENTRY_REAL16 }, { 0x0204, 0x32, ENTRY_REAL16 },
		{ 0x0205, 0x35, ENTRY_REAL16 }, { 0x0206, 0x3a, ENTRY_REAL16 }, { 0x0207, 0x65, ENTRY_FLAT32 },
		{ 0x020A, 0x6a, ENTRY_FLAT32 }, { 0x020F, 0x6a, ENTRY_FLAT32 },
	};
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *b = make_bzimage(size, cases[i].ver);
		b[LH_JUMP + 1] = cases[i].jump;
		struct boot_request r = request(b, size, "", 1, 0);
		map_qemu(512 * MiB);
		ok_eq(plan_with(&r, &p, &d, 0), 0);
		ok_eq(p.mode, cases[i].mode);
		/* asked for, the other entry is still given */
		r.entry = cases[i].mode == ENTRY_FLAT32 ? "16" : "32";
		map_qemu(512 * MiB);
		ok_eq(plan_with(&r, &p, &d, 0), 0);
		ok_eq(p.mode, cases[i].mode == ENTRY_FLAT32 ? ENTRY_REAL16 : ENTRY_FLAT32);
		free(b);
	}
	/* 2.03 with a setup too large for the real-mode layout: the 32-bit entry */
	uint8_t *b = make_bzimage(size, 0x0203);
	b[LH_JUMP + 1] = 0x32;
	b[LH_SETUP_SECTS] = 64;
	put_le32(b + LH_SYSSIZE, 0);
	struct boot_request r = request(b, size, "", 0, 0);
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.mode, ENTRY_FLAT32);
	free(b);
}

/* screen_info: the VGA text console, or a linear framebuffer for vga=/video= */
static void test_screen_info(void)
{
	static const struct video_caps vga = { .kind = VIDEO_BOCHS_PORTS, .name = "Bochs VGA", .vga_text = 1,
					       .fb_base = 0xfd000000, .vram = 16 << 20, .max_width = 16000,
					       .max_height = 12000, .depths = 0xf, .cursor_x = 0, .cursor_y = 17 };
	static const struct video_caps text = { .kind = VIDEO_NONE, .name = "none", .vga_text = 1, .cursor_y = 3 };
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	const uint8_t *si;
	map_qemu(512 * MiB);

	/* no display: screen_info stays zero, as before */
	struct boot_request r = request(b, size, "console=tty0", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	for (int i = 0; i < SI_SIZE; i++)
		ok_eq(si[i], 0);
	/* a VGA: 80x25 colour text, the cursor where fwboot left it */
	video_env = &vga;
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok_eq(si[SI_ORIG_X], 0);
	ok_eq(si[SI_ORIG_Y], 17);
	ok_eq(si[SI_ORIG_VIDEO_MODE], 3);
	ok_eq(si[SI_ORIG_VIDEO_COLS], 80);
	ok_eq(si[SI_ORIG_VIDEO_LINES], 25);
	ok_eq(si[SI_ORIG_VIDEO_ISVGA], VIDEO_TYPE_VGA_TEXT);
	ok_eq(get_le16(si + SI_ORIG_VIDEO_EGA_BX), 3);
	ok_eq(get_le16(si + SI_ORIG_VIDEO_POINTS), 16);
	ok_eq(p.set_video, 0);
	ok_eq(p.text_cursor, seg_named(&p, "linux boot_params")->dst + SI_ORIG_X);	/* updated at the hand-off */
	/* vga=0x315 (VESA 0x115): 800x600x24 as a VESA linear framebuffer */
	r = request(b, size, "vga=0x315 console=tty0", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok_eq(p.set_video, 1);
	ok_eq(p.text_cursor, 0);
	ok_eq(si[SI_ORIG_VIDEO_ISVGA], VIDEO_TYPE_VLFB);
	ok_eq(get_le16(si + SI_LFB_WIDTH), 800);
	ok_eq(get_le16(si + SI_LFB_HEIGHT), 600);
	ok_eq(get_le16(si + SI_LFB_DEPTH), 24);
	ok_eq(get_le32(si + SI_LFB_BASE), 0xfd000000);
	ok_eq(get_le16(si + SI_LFB_LINELENGTH), 2400);
	ok_eq(get_le32(si + SI_LFB_SIZE), (2400 * 600 + 0xffff) >> 16);
	ok(si[SI_RED_SIZE] == 8 && si[SI_RED_SIZE + 1] == 16 && si[SI_RED_SIZE + 2] == 8 && si[SI_RED_SIZE + 3] == 8 &&
	   si[SI_RED_SIZE + 4] == 8 && si[SI_RED_SIZE + 5] == 0 && si[SI_RED_SIZE + 6] == 0);
	ok_eq(get_le16(si + SI_PAGES), 1);
	ok_str(p.video_note, "linux vga=0x315 asks for 800x600x24: setting 800x600x24 on Bochs VGA, framebuffer at "
			     "0xfd000000, pitch 2400");
	/* vga=0x317: 1024x768x16, 5:6:5 */
	r = request(b, size, "vga=0x317", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok(p.video.width == 1024 && p.video.bpp == 16 && si[SI_RED_SIZE] == 5 && si[SI_RED_SIZE + 1] == 11);
	/* video=[name:]WxH[-bpp]; the last of several wins; 32 bits name the unused byte */
	r = request(b, size, "video=800x600 video=Virtual-1:1280x1024-32@60", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok(p.video.width == 1280 && p.video.height == 1024 && p.video.bpp == 32);
	ok(si[SI_RED_SIZE + 6] == 8 && si[SI_RED_SIZE + 7] == 24);
	r = request(b, size, "video=640x480", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok(p.video.width == 640 && p.video.height == 480 && p.video.bpp == 32);
	/* not a size, not a VESA graphics mode: text */
	r = request(b, size, "video=vesafb:mtrr:3 vga=normal", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok_eq(p.set_video, 0);
	ok_eq(si[SI_ORIG_VIDEO_ISVGA], VIDEO_TYPE_VGA_TEXT);
	r = request(b, size, "vga=0x30A", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.set_video, 0);
	/* asked, but only text there: text, and the log says so */
	video_env = &text;
	r = request(b, size, "vga=0x315", 0, "32");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	si = seg_named(&p, "linux boot_params")->mem;
	ok_eq(p.set_video, 0);
	ok_eq(si[SI_ORIG_VIDEO_ISVGA], VIDEO_TYPE_VGA_TEXT);
	ok_eq(si[SI_ORIG_Y], 3);
	ok_str(p.video_note, "linux vga=0x315 asks for 800x600x24: no display (no Bochs-compatible VGA on PCI); "
			     "staying in VGA text mode");
	/* the 16-bit entry: the setup code does its own video (vid_mode), fwboot sets none */
	video_env = &vga;
	r = request(b, size, "vga=0x315", 0, "16");
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.set_video, 0);
	video_env = 0;
	free(b);
}

/* No BIOS services (microvm's qboot leaves the interrupt vectors empty):
 * the setup code cannot run. A kernel whose protocol (before 2.07) does not
 * promise a 32-bit entry is refused by name (memdisk hung there) unless
 * entry=32 asks for it; entry=16, or an image whose setup code is its only
 * way in (ipxe.lkrn), is refused by name. */
static void test_no_bios(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	no_bios_env = 1;
	uint8_t *b = make_bzimage(size, 0x0203);
	b[LH_JUMP + 1] = 0x32;
	struct boot_request r = request(b, size, "", 1, 0);
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: before protocol 2.07 (no promised 32-bit entry; entry=32 tries it) its way in is the "
	       "image's real-mode setup code, which calls the BIOS (INT 10h, 15h, 16h), and this machine has no BIOS "
	       "services (no interrupt vector points into a BIOS ROM, as under microvm's qboot)");
	r.entry = "32";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	ok_eq(p.mode, ENTRY_FLAT32);
	r.entry = "16";
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: entry=16 runs the image's real-mode setup code, which calls the BIOS (INT 10h, 15h, "
	       "16h), and this machine has no BIOS services (no interrupt vector points into a BIOS ROM, as under "
	       "microvm's qboot): use entry=32");
	free(b);
	b = make_bzimage(0x8000, 0x0207);
	b[LH_JUMP + 1] = 0x65;
	put_le32(b + LH_CODE32_START, 0);
	r = request(b, 0x8000, "", 0, 0);
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), -ST_BAD_IMAGE);
	ok_str(d.msg, "linux: its only way in is the image's real-mode setup code, which calls the BIOS (INT 10h, "
	       "15h, 16h), and this machine has no BIOS services (no interrupt vector points into a BIOS ROM, as "
	       "under microvm's qboot)");
	free(b);
	no_bios_env = 0;
}

/* Under UEFI: efi_info in boot_params (signature, system table, the map's
 * address after the command line), the map filled at ExitBootServices. */
static void test_efi_info(void)
{
	struct plan p;
	struct diag d;
	size_t size = 0x10000;
	uint8_t *b = make_bzimage(size, 0x020F);
	struct boot_request r = request(b, size, "console=ttyS0", 0, "32");
	efi_systab_env = 0x17f5ec018ULL;
	efi_cap_env = 1003;
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	const struct plan_seg *s = seg_named(&p, "linux boot_params");
	ok(s != 0);
	if (!s)
		return;
	const uint8_t *bp = s->mem;
	ok(memcmp(bp + 0x1C0, "EL64", 4) == 0);
	ok_eq(get_le32(bp + 0x1C4), 0x7f5ec018);
	ok_eq(get_le32(bp + 0x1D8), 1);
	uint32_t mo = (4096 + 14 + 7) & ~7u;	/* after "console=ttyS0" and its NUL */
	ok_eq(get_le32(bp + 0x1D0), (uint32_t)s->dst + mo);
	ok_eq(get_le32(bp + 0x1DC), 0);
	ok_eq(s->len, mo + 1000);
	ok(p.efi_mmap_linux);
	ok(p.efi_mmap_info == bp && p.efi_mmap_tag == bp + mo);
	ok_eq(p.efi_mmap_room, 1000);
	uint8_t desc[1200];
	for (size_t i = 0; i < sizeof(desc); i++)
		desc[i] = (uint8_t)(i * 5 + 3);
	ok_eq(linux_efi_mmap_fill(p.efi_mmap_info, p.efi_mmap_tag, p.efi_mmap_room, desc, 960, 48, 1), 0);
	ok(memcmp(bp + mo, desc, 960) == 0);
	ok_eq(get_le32(bp + 0x1C8), 48);
	ok_eq(get_le32(bp + 0x1CC), 1);
	ok_eq(get_le32(bp + 0x1D4), 960);
	/* too big, or not whole descriptors: refused, nothing written */
	ok_eq(linux_efi_mmap_fill(p.efi_mmap_info, p.efi_mmap_tag, p.efi_mmap_room, desc, 1008, 48, 1), -1);
	ok_eq(linux_efi_mmap_fill(p.efi_mmap_info, p.efi_mmap_tag, p.efi_mmap_room, desc, 100, 48, 1), -1);
	ok_eq(get_le32(bp + 0x1D4), 960);
	/* under a BIOS: no efi_info, no room */
	efi_systab_env = 0;
	efi_cap_env = 0;
	map_qemu(512 * MiB);
	ok_eq(plan_with(&r, &p, &d, 0), 0);
	s = seg_named(&p, "linux boot_params");
	ok(s && get_le32((const uint8_t *)s->mem + 0x1C0) == 0 && s->len == 4096 + 14);
	ok(!p.efi_mmap_linux && !p.efi_mmap_tag);
	free(b);
}

int main(void)
{
	test_parse();
	test_plan32();
	test_plan16();
	test_ipxe_like();
	test_old_protocol();
	test_placement();
	test_initrd_limits();
	test_e820_limit();
	test_default_entry();
	test_screen_info();
	test_no_bios();
	test_efi_info();
	return test_done("linux");
}
