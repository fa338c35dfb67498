/* SPDX-License-Identifier: BSD-2-Clause */
/* The Multiboot 2 SMBIOS tag (type 13): version and a copy of the structure
 * table the BIOS's entry point (2.x "_SM_" or 3.x "_SM3_") names; no tag
 * without a valid entry point; a required request without one is refused.
 * The entry point and table live below 4 GiB (mmap MAP_32BIT), where the
 * planner reads them as physical memory. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include "lib/byteorder.h"
#include "include/elf_spec.h"
#include "kernel/formats/mb2.h"
#include "include/multiboot2.h"
#include "include/status.h"
#include "test.h"
#include "fixture.h"

static uint8_t *low;	/* 64 KiB below 4 GiB */

/* A flat Multiboot 2 image (address and entry tags), optionally asking for tag 13. */
static uint8_t img[0x2000];

static size_t make_image(int want_smbios)
{
	memset(img, 0, sizeof(img));
	uint8_t *h = img + 0x100;
	uint32_t len = 16 + 24 + 16 + (want_smbios ? 16 : 0) + 8;
	put_le32(h, MB2_HEADER_MAGIC);
	put_le32(h + 8, len);
	put_le32(h + 12, 0u - MB2_HEADER_MAGIC - len);
	uint8_t *t = h + 16;
	put_le16(t, MB2_HTAG_ADDRESS);
	put_le32(t + 4, 24);
	put_le32(t + 8, 0x100100);	/* header_addr */
	put_le32(t + 12, 0x100000);	/* load_addr */
	t += 24;
	put_le16(t, MB2_HTAG_ENTRY);
	put_le32(t + 4, 12);
	put_le32(t + 8, 0x100200);
	t += 16;
	if (want_smbios) {
		put_le16(t, MB2_HTAG_INFO_REQUEST);
		put_le32(t + 4, 12);
		put_le32(t + 8, MB2_TAG_SMBIOS);
		t += 16;
	}
	put_le32(t + 4, 8);	/* end */
	return sizeof(img);
}

static void checksum(uint8_t *p, uint32_t n, uint32_t at)
{
	uint8_t sum = 0;
	p[at] = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* entry point at low, table at low + 0x1000 (len bytes of a pattern) */
static uint64_t make_entry(int v3, uint32_t len)
{
	memset(low, 0, 0x10000);
	uint8_t *ep = low, *tab = low + 0x1000;
	for (uint32_t i = 0; i < len; i++)
		tab[i] = (uint8_t)(i * 5 + 1);
	if (v3) {
		memcpy(ep, "_SM3_", 5);
		ep[6] = 24;
		ep[7] = 3;
		ep[8] = 2;
		put_le32(ep + 12, len);
		put_le64(ep + 16, (uintptr_t)tab);
		checksum(ep, 24, 5);
	} else {
		memcpy(ep, "_SM_", 4);
		ep[5] = 31;
		ep[6] = 2;
		ep[7] = 8;
		memcpy(ep + 16, "_DMI_", 5);
		put_le16(ep + 22, (uint16_t)len);
		put_le32(ep + 24, (uint32_t)(uintptr_t)tab);
		checksum(ep, 31, 4);
	}
	return (uintptr_t)ep;
}

static const uint8_t *plan_tag13(uint64_t smbios, int want, int *rc, struct diag *d)
{
	static struct file kf;
	static struct boot_request req;
	static struct plan p;
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = smbios, .video = 0, .efi_systab = 0, .efi_mmap_cap = 0, .no_bios = 0 };
	size_t len = make_image(want);
	kf = (struct file){ "opt/fwboot/k", 0, 0, len, img };
	req = (struct boot_request){ &kf, "", 0, 0, 0, "fwboot 0.1.0", 0 };
	memset(&p, 0, sizeof(p));
	d->msg[0] = 0;
	reset_mem();
	*rc = mb2_plan(&req, img, len, &env, &p, d);
	if (*rc)
		return 0;
	const uint8_t *info = p.segs[p.nsegs - 1].mem;
	uint32_t total = get_le32(info);
	for (uint32_t off = 8; off + 8 <= total; off = (off + get_le32(info + off + 4) + 7) & ~7u)
		if (get_le32(info + off) == MB2_TAG_SMBIOS)
			return info + off;
	return 0;
}

int main(void)
{
	struct diag d;
	int rc;
	low = mmap(0, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	ok(low != MAP_FAILED);
	if (low == MAP_FAILED)
		return test_done("smbios");

	for (int v3 = 0; v3 < 2; v3++) {
		uint32_t len = v3 ? 777 : 333;
		const uint8_t *t = plan_tag13(make_entry(v3, len), 0, &rc, &d);
		ok_eq(rc, 0);
		ok(t != 0);
		if (!t)
			continue;
		ok_eq(get_le32(t + 4), 16 + len);
		ok_eq(t[8], v3 ? 3 : 2);
		ok_eq(t[9], v3 ? 2 : 8);
		for (int i = 10; i < 16; i++)
			ok_eq(t[i], 0);
		ok(memcmp(t + 16, low + 0x1000, len) == 0);
		/* asked for, and there: given */
		ok(plan_tag13(make_entry(v3, len), 1, &rc, &d) != 0);
		ok_eq(rc, 0);
	}
	/* a damaged entry point, a zero-length table, none at all: no tag */
	make_entry(1, 100);
	low[5] ^= 1;
	ok(plan_tag13((uintptr_t)low, 0, &rc, &d) == 0);
	ok_eq(rc, 0);
	ok(plan_tag13(make_entry(0, 0), 0, &rc, &d) == 0);
	ok_eq(rc, 0);
	ok(plan_tag13(0, 0, &rc, &d) == 0);
	ok_eq(rc, 0);
	/* required and missing: refused */
	ok(plan_tag13(0, 1, &rc, &d) == 0);
	ok_eq(rc, -ST_BAD_IMAGE);
	ok_str(d.msg, "multiboot2: information request for tag 13 (SMBIOS tables) is required, but fwboot found no SMBIOS entry point");
	return test_done("smbios");
}
