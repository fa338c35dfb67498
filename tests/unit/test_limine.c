/* SPDX-License-Identifier: BSD-2-Clause */
/* The Limine planner: the probe, the image (PIE relocation), requests
 * answered in place (read back through the page tables' direct map), the
 * memory map, base revisions and delimiters, SMP from a MADT, and every
 * refusal with its reason; each accepted plan passes plan_check. */
#include <stdlib.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "kernel/formats/limine.h"
#include "kernel/handoff.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"
#include "plan_check.h"
#include "host.h"

#define KBASE 0xffffffff80000000ull
#define DATA 0x2000		/* file offset of the data segment: the requests */
#define FSIZE 0x4000

static const uint64_t hhdm_id[4] = { LIMINE_MAGIC0, LIMINE_MAGIC1, 0x48dcf1cb8ad2b852ull, 0x63984e959a98244bull };
static const uint64_t memmap_id[4] = { LIMINE_MAGIC0, LIMINE_MAGIC1, 0x67cf3d9d378a806full, 0xe304acdfc50c3c62ull };
static const uint64_t kaddr_id[4] = { LIMINE_MAGIC0, LIMINE_MAGIC1, 0x71ba76863cc55f63ull, 0xb2644a48c516a487ull };
static const uint64_t smp_id[4] = { LIMINE_MAGIC0, LIMINE_MAGIC1, 0x95a67b819a1b857eull, 0xa0b61b723b6a73e0ull };
static const uint64_t paging_id[4] = { LIMINE_MAGIC0, LIMINE_MAGIC1, 0x95c1a0edab0944cbull, 0xa4e5cb3842f7488aull };

static struct file file_of(const char *name, const uint8_t *buf, size_t len)
{
	struct file f = { name, 0, 0, len, buf };
	return f;
}

/* An ELF64 x86-64 kernel: text (r-x) at base, data (rw-, 0x1000 bytes of
 * file, 0x3000 in memory) at base + 0x1000; type ET_EXEC or ET_DYN. */
static uint8_t *make_kernel(uint64_t base, uint16_t type)
{
	uint8_t *b = calloc(1, FSIZE);
	memcpy(b, ELF_MAGIC, 4);
	b[4] = ELFCLASS64;
	b[5] = ELFDATA2LSB;
	b[6] = 1;
	put_le16(b + EH_TYPE, type);
	put_le16(b + EH_MACHINE, EM_X86_64);
	put_le64(b + EH64_ENTRY, base + 0x10);
	put_le64(b + EH64_PHOFF, EH64_SIZE);
	put_le16(b + EH64_PHENTSIZE, PH64_SIZE);
	put_le16(b + EH64_PHNUM, 2);
	uint8_t *p = b + EH64_SIZE;
	put_le32(p, PT_LOAD);
	put_le32(p + 4, PF_X | 4);
	put_le64(p + 8, 0x1000);
	put_le64(p + 16, base);
	put_le64(p + 32, 0x1000);
	put_le64(p + 40, 0x1000);
	p += PH64_SIZE;
	put_le32(p, PT_LOAD);
	put_le32(p + 4, PF_W | 4);
	put_le64(p + 8, DATA);
	put_le64(p + 16, base + 0x1000);
	put_le64(p + 32, 0x1000);
	put_le64(p + 40, 0x3000);
	return b;
}

static void put_req(uint8_t *b, size_t off, const uint64_t id[4], uint64_t rev)
{
	for (int i = 0; i < 4; i++)
		put_le64(b + off + 8 * i, id[i]);
	put_le64(b + off + 32, rev);
}

static uint8_t madt[64];
static struct plan p;
static struct diag d;

static int plan_it(uint8_t *k, size_t len, const struct boot_env *e)
{
	struct file kf = file_of("opt/k", k, len);
	struct boot_request req = { .kernel = &kf, .args = "a b", .loader_name = "fwboot 1.2" };
	struct boot_env env = *e;
	reset_mem();
	env.mem = &mm;
	memset(&p, 0, sizeof(p));
	int r = limine_probe(&kf, k, len, &d);
	if (r)
		return r;
	r = limine_plan(&req, k, len, &env, &p, &d);
	if (!r) {
		const char *why = plan_check(&p, &mm, &req);
		ok(!why);
		if (why)
			fprintf(stderr, "plan_check: %s\n", why);
	}
	return r;
}

/* The byte at physical address a as the plan writes it. */
static const uint8_t *phys(uint64_t a)
{
	for (size_t i = p.nsegs; i-- > 0;)
		if (p.segs[i].src == SRC_MEM && a >= p.segs[i].dst && a - p.segs[i].dst < p.segs[i].len)
			return (const uint8_t *)p.segs[i].mem + (a - p.segs[i].dst);
	return 0;
}

/* The response of the request at file offset off, through the direct map. */
static const uint8_t *response(uint64_t kphys, size_t off)
{
	const uint8_t *at = phys(kphys + 0x1000 + (off - DATA) + 40);
	uint64_t v = at ? get_le64(at) : 0;
	return v >= LIMINE_HHDM ? phys(v - LIMINE_HHDM) : v >= LIMINE_HHDM_5LVL ? phys(v - LIMINE_HHDM_5LVL) : 0;
}

static void test_requests(void)
{
	struct boot_env env = { 0 };
	uint8_t *k = make_kernel(KBASE, ET_EXEC);
	put_le64(k + DATA, LIMINE_BASE_REV0);
	put_le64(k + DATA + 8, LIMINE_BASE_REV1);
	put_le64(k + DATA + 16, 1);
	put_req(k, DATA + 0x40, hhdm_id, 0);
	put_req(k, DATA + 0x80, memmap_id, 0);
	put_req(k, DATA + 0xc0, kaddr_id, 0);
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok_eq(p.mode, ENTRY_LONG64);
	ok_eq(p.lm_entry, KBASE + 0x10);
	ok_eq(p.lm_ioapic, 0xfec00000);	/* no MADT: the PC's IO APIC */
	uint64_t kphys = p.segs[0].dst;
	ok_eq(get_le64(phys(kphys + 0x1000 + 16)), 0);	/* base revision 1 honoured: 0 */
	const uint8_t *h = response(kphys, DATA + 0x40);
	ok(h && get_le64(h + 8) == LIMINE_HHDM);
	const uint8_t *a = response(kphys, DATA + 0xc0);
	ok(a && get_le64(a + 8) == kphys && get_le64(a + 16) == KBASE);
	const uint8_t *mmr = response(kphys, DATA + 0x80);
	ok(mmr != 0);
	if (mmr) {
		uint64_t n = get_le64(mmr + 8), last = 0, usable = 0, kernel = 0;
		const uint8_t *ptrs = phys(get_le64(mmr + 16) - LIMINE_HHDM);
		for (uint64_t i = 0; ptrs && i < n; i++) {
			const uint8_t *e = phys(get_le64(ptrs + 8 * i) - LIMINE_HHDM);
			uint64_t base = get_le64(e), len = get_le64(e + 8), type = get_le64(e + 16);
			ok(base >= last);
			last = base;
			if (type == LIMINE_MEM_USABLE) {
				ok(base >= 0x1000 && !(base & 0xfff) && !(len & 0xfff));
				ok(base + len <= kphys || base >= kphys + 0x4000);	/* not on the kernel */
				usable += len;
			}
			kernel += type == LIMINE_MEM_KERNEL ? len : 0;
		}
		ok_eq(kernel, 0x4000);
		ok(usable > 0x7000000 && usable < 0x8000000);
	}
	/* a base revision newer than fwboot's: booted, tag left as it was */
	put_le64(k + DATA + 16, 7);
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok_eq(get_le64(phys(p.segs[0].dst + 0x1000 + 16)), 7);
	/* a request before the start marker is not seen */
	put_le64(k + DATA + 0x100, 0xf6b8f4b39de7d1aeull);
	put_le64(k + DATA + 0x108, 0xfab91a6940fcb9cfull);
	put_le64(k + DATA + 0x110, 0x785c6ed015d3e316ull);
	put_le64(k + DATA + 0x118, 0x181e920a7852b9d9ull);
	put_req(k, DATA + 0x140, kaddr_id, 0);	/* a second kaddr request, but only this one counts */
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok(get_le64(phys(p.segs[0].dst + 0x1000 + 0xc0 + 40)) == 0);
	ok(get_le64(phys(p.segs[0].dst + 0x1000 + 0x140 + 40)) != 0);
	free(k);
}

static void test_refusals(void)
{
	struct boot_env env = { 0 };
	uint8_t *k = make_kernel(0x200000, ET_EXEC);
	put_req(k, DATA, hhdm_id, 0);
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok_str(d.msg, "limine: a lower-half kernel (linked at 0x200000): the protocol loads kernels at or above "
		      "0xffffffff80000000");
	free(k);
	k = make_kernel(KBASE, ET_EXEC);
	put_req(k, DATA, hhdm_id, 0);
	put_req(k, DATA + 0x100, hhdm_id, 0);
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "appears twice (offsets 0x1000 and 0x1100)") != 0);
	free(k);
	k = make_kernel(KBASE, ET_EXEC);	/* the paging mode request's fields run past the image */
	put_le64(k + EH64_SIZE + PH64_SIZE + 40, 0x1000);	/* no bss: the image ends with the file */
	put_req(k, DATA + 0x1000 - 48, paging_id, 1);
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "paging mode request at offset 0x1fd0 runs past the end of the image") != 0);
	free(k);
	k = make_kernel(KBASE, ET_EXEC);	/* segments overlapping */
	put_le64(k + EH64_SIZE + PH64_SIZE + 16, KBASE + 0x800);
	put_req(k, DATA, hhdm_id, 0);
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok_str(d.msg, "limine: segments 0 and 1 overlap (0xffffffff80000000 and 0xffffffff80000800)");
	free(k);
	k = make_kernel(KBASE, ET_EXEC);	/* 5-level paging required */
	put_req(k, DATA, paging_id, 1);
	put_le64(k + DATA + 48, 1);
	put_le64(k + DATA + 56, 1);
	put_le64(k + DATA + 64, 1);
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "needs 5-level paging (paging mode request, min_mode 1), which this CPU does not have") != 0);
	host_cpuid[5] = 1u << 16;	/* with LA57: 5-level paging, its direct map, the response's mode 1 */
	host_cpuid[0] = 0x80000001u;
	host_cpuid[4] = 1u << 20;	/* and NX */
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok_eq(p.lm_cr4, 0x1000);
	ok(p.lm_rsp >= LIMINE_HHDM_5LVL && p.lm_rsp < LIMINE_HHDM);
	const uint8_t *pm = response(p.segs[0].dst, DATA);
	ok(pm && get_le64(pm + 8) == 1);
	put_le64(k + DATA + 48, 0);	/* 4-level preferred, 5 allowed: 4 */
	put_le64(k + DATA + 64, 0);
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok_eq(p.lm_cr4, 0);
	memset(host_cpuid, 0, sizeof(host_cpuid));
	free(k);
	k = make_kernel(KBASE, ET_EXEC);	/* no request, no tag: not a Limine kernel */
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok_str(d.msg, "limine: ELF64 without Limine requests or base revision tag");
	free(k);
}

static void test_pie(void)
{
	struct boot_env env = { 0 };
	uint8_t *k = make_kernel(0, ET_DYN);
	put_req(k, DATA, kaddr_id, 0);
	/* a dynamic segment at 0x1800 (file DATA + 0x800) with one RELATIVE relocation at 0x1900 */
	uint8_t *ph = k + EH64_SIZE + 2 * PH64_SIZE;
	put_le16(k + EH64_PHNUM, 3);
	put_le32(ph, PT_DYNAMIC);
	put_le64(ph + 8, DATA + 0x800);
	put_le64(ph + 16, 0x1800);
	put_le64(ph + 32, 0x40);
	put_le64(ph + 40, 0x40);
	uint8_t *dyn = k + DATA + 0x800;
	put_le64(dyn, 7);		/* DT_RELA */
	put_le64(dyn + 8, 0x1a00);
	put_le64(dyn + 16, 8);		/* DT_RELASZ */
	put_le64(dyn + 24, 24);
	uint8_t *rela = k + DATA + 0xa00;
	put_le64(rela, 0x1900);
	put_le64(rela + 8, 8);		/* R_X86_64_RELATIVE */
	put_le64(rela + 16, 0x10);
	put_le64(dyn + 32, 36);		/* DT_RELR: 0x1c00 itself, then a bitmap for 0x1c08 and 0x1c18 */
	put_le64(dyn + 40, 0x1b00);
	put_le64(dyn + 48, 35);		/* DT_RELRSZ */
	put_le64(dyn + 56, 16);
	put_le64(k + DATA + 0xb00, 0x1c00);
	put_le64(k + DATA + 0xb08, 0xb);
	for (int i = 0; i < 4; i++)
		put_le64(k + DATA + 0xc00 + 8 * i, 0x20 + 0x10 * (uint64_t)i);
	ok_eq(plan_it(k, FSIZE, &env), 0);
	uint64_t kphys = p.segs[0].dst;
	ok_eq(get_le64(phys(kphys + 0x1900)), KBASE + 0x10);
	ok_eq(get_le64(phys(kphys + 0x1c00)), KBASE + 0x20);
	ok_eq(get_le64(phys(kphys + 0x1c08)), KBASE + 0x30);
	ok_eq(get_le64(phys(kphys + 0x1c10)), 0x40);	/* its bit is clear */
	ok_eq(get_le64(phys(kphys + 0x1c18)), KBASE + 0x50);
	ok_eq(p.lm_entry, KBASE + 0x10);
	const uint8_t *a = response(kphys, DATA);
	ok(a && get_le64(a + 16) == KBASE);
	put_le64(rela + 8, 1);		/* R_X86_64_64: not applied */
	ok_eq(plan_it(k, FSIZE, &env), -ST_BAD_IMAGE);
	ok(strstr(d.msg, "relocation of type 1") != 0);
	free(k);
}

static void test_smp(void)
{
	struct boot_env env = { 0 };
	memcpy(madt, "APIC", 4);
	put_le32(madt + 4, 64);
	put_le32(madt + 36, 0xfee00000);
	for (int i = 0; i < 2; i++) {	/* two enabled local APICs, IDs 0 (this CPU) and 1 */
		uint8_t *e = madt + 44 + 8 * i;
		e[0] = 0;
		e[1] = 8;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)i;
		put_le32(e + 4, 1);
	}
	env.madt = madt;
	env.madt_len = 60;
	uint8_t *k = make_kernel(KBASE, ET_EXEC);
	put_req(k, DATA, smp_id, 0);
	ok_eq(plan_it(k, FSIZE, &env), 0);
	ok(p.smp_page && p.smp_page < 0xA0000 && !(p.smp_page & 0xfff));
	ok_eq(p.smp_aps, 1);
	ok_eq(p.smp_lapic, 0xfee00000);
	ok_eq(p.lm_ioapic, 0);	/* this MADT lists no IO APIC: none masked */
	const uint8_t *s = response(p.segs[0].dst, DATA), *pg = phys(p.smp_page);
	ok(s && get_le64(s + 16) == 2);
	ok(pg && get_le32(pg + AP_COUNT) == 1 && get_le32(pg + AP_TABLE) == 1);
	free(k);
}

/* format=limine: only this loader looks, and its refusal is final */
static void test_forced(void)
{
	struct boot_env env = { 0 };
	uint8_t *k = make_kernel(KBASE, ET_EXEC);
	struct file kf = file_of("opt/k", k, FSIZE);
	struct boot_request req = { .kernel = &kf, .args = "", .loader_name = "fwboot", .format = "limine" };
	reset_mem();
	env.mem = &mm;
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, FSIZE, &env, &p, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "limine: ELF64 without Limine requests or base revision tag");
	put_req(k, DATA, hhdm_id, 0);
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, FSIZE, &env, &p, &d), 0);
	ok_str(p.format, "limine");
	req.format = 0;	/* and by the probe order, after the formats with headers */
	reset_mem();
	memset(&p, 0, sizeof(p));
	ok_eq(image_plan(&req, k, FSIZE, &env, &p, &d), 0);
	ok_str(p.format, "limine");
	free(k);
}

int main(void)
{
	test_forced();
	test_requests();
	test_refusals();
	test_pie();
	test_smp();
	return test_done("limine");
}
