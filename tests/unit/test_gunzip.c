/* SPDX-License-Identifier: BSD-2-Clause */
/* gunzip_kernel: a gzip kernel becomes a memory-backed file of the same
 * name in free RAM; plain kernels and modules pass untouched; every
 * failure leaves the memory claims as they were. The "RAM" is a host
 * mapping below 4 GiB, so the addresses mem_alloc returns are real. */
#include <stdlib.h>
#include <sys/mman.h>
#include "lib/byteorder.h"
#include "kernel/formats/gunzip.h"
#include "lib/inflate.h"
#include "include/status.h"
#include "lib/str.h"
#include "test.h"

#define RAM_SIZE (8u << 20)

static struct mem_region map[8], ram[8];
static struct mem_claim claims[64];
static struct mem_map mm;
static uint8_t *host_ram;

static void reset_mem(uint64_t size)
{
	mem_init(&mm, map, 8, ram, 8, claims, 64);
	mem_add(&mm, (uintptr_t)host_ram, size, 1);
	mem_finish(&mm);
}

/* A gzip member of stored DEFLATE blocks: what gzip -0 would write. */
static uint8_t *make_gzip(const uint8_t *data, size_t n, size_t *len)
{
	size_t blocks = n / 65535 + 1;
	uint8_t *g = calloc(1, 10 + n + blocks * 5 + 8);
	size_t o = 0;
	g[o++] = 0x1f;
	g[o++] = 0x8b;
	g[o++] = 8;
	o += 7;	/* flags, mtime, xfl 0; os 0 */
	for (size_t at = 0;;) {
		size_t chunk = n - at > 65535 ? 65535 : n - at;
		int last = at + chunk == n;
		g[o++] = (uint8_t)last;	/* BFINAL, BTYPE 00 */
		put_le16(g + o, (uint16_t)chunk);
		put_le16(g + o + 2, (uint16_t)~chunk);
		o += 4;
		memcpy(g + o, data + at, chunk);
		o += chunk;
		at += chunk;
		if (last)
			break;
	}
	put_le32(g + o, gzip_crc32(0, data, n));
	put_le32(g + o + 4, (uint32_t)n);
	*len = o + 8;
	return g;
}

static struct file file_of(const char *name, const uint8_t *buf, size_t len)
{
	struct file f = { name, 0, 0, len, buf };
	return f;
}

int main(void)
{
	host_ram = mmap(0, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (host_ram == MAP_FAILED || (uintptr_t)host_ram < MEM_LOW_END ||
	    (uintptr_t)host_ram + RAM_SIZE > MEM_4G) {
		printf("unit gunzip: no host memory below 4 GiB (MAP_32BIT); skipped\n");
		return test_done("gunzip");
	}
	size_t n = 200000, glen;
	uint8_t *data = malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 ^ i >> 9);
	uint8_t *gz = make_gzip(data, n, &glen);
	struct diag d, d2;
	struct boot_request out;

	/* a plain kernel: nothing happens */
	struct file plain = file_of("opt/plain", data, n);
	struct file mod = file_of("opt/mod.gz", gz, glen);
	struct boot_module mods[1] = { { &mod, "x" } };
	struct boot_request req = { .kernel = &plain, .args = "a", .mods = mods, .nmods = 1, .loader_name = "fwboot" };
	reset_mem(RAM_SIZE);
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
	ok(out.kernel == &plain);
	ok(out.mods == mods && out.nmods == 1 && out.args == req.args);
	ok_eq(mm.nclaims, 0);

	/* a gzip kernel: inflated into the top of free memory, the module left alone */
	struct file k = file_of("opt/k.gz", gz, glen);
	req.kernel = &k;
	reset_mem(RAM_SIZE);
	mem_claim(&mm, (uintptr_t)host_ram, 0x1000, CLAIM_PLACED, "earlier", 0);
	d.msg[0] = 0;
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
	ok_str(d.msg, "");
	ok(out.kernel != &k);
	ok_str(out.kernel->name, "opt/k.gz");
	ok_eq(out.kernel->size, n);
	ok(out.kernel->mem && memcmp(out.kernel->mem, data, n) == 0);
	ok_eq(out.kernel->key, 0);
	ok(out.mods == mods && mods[0].file == &mod);	/* modules are never inflated */
	ok_eq(mm.nclaims, 2);	/* "earlier" and the inflated kernel; the compressed copy released */
	ok_eq(mm.claims[1].kind, CLAIM_SELF);
	ok_eq(mm.claims[1].start, (uintptr_t)out.kernel->mem);
	ok_eq(mm.claims[1].end - mm.claims[1].start, n);
	ok_eq(mm.claims[1].start % 4096, 0);
	/* top-down: the compressed copy at the very top, the output just below it */
	uintptr_t in_at = ((uintptr_t)host_ram + RAM_SIZE - glen) & ~(uintptr_t)15;
	ok_eq(mm.claims[1].start, (in_at - n) & ~(uintptr_t)4095);
	/* a payload planned over it is a SELF overlap: staged, not refused */
	ok_eq(mem_claim(&mm, mm.claims[1].start, 16, CLAIM_TARGET, "payload", &d), 1);

	/* corrupt data: the inflater's reason, named; claims as they were */
	uint8_t *bad = malloc(glen);
	memcpy(bad, gz, glen);
	bad[glen - 8] ^= 1;	/* the stored CRC32 */
	struct file kb = file_of("opt/bad.gz", bad, glen);
	req.kernel = &kb;
	reset_mem(RAM_SIZE);
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
	ok(str_starts(d.msg, "gzip: opt/bad.gz: CRC32 mismatch (stored 0x"));
	ok_eq(mm.nclaims, 0);

	/* truncated: the inflater says so (no size is read from the last bytes) */
	struct file kt2 = file_of("opt/cut.gz", gz, 1000);
	req.kernel = &kt2;
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
	ok(str_starts(d.msg, "gzip: opt/cut.gz: truncated"));
	ok_eq(mm.nclaims, 0);

	/* truncated inside the header */
	struct file kt = file_of("opt/short.gz", gz, 15);
	req.kernel = &kt;
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
	ok(str_starts(d.msg, "gzip: opt/short.gz: "));
	ok_eq(mm.nclaims, 0);

	/* an ISIZE that disagrees with the data, smaller or larger */
	memcpy(bad, gz, glen);
	put_le32(bad + glen - 4, 1000);
	req.kernel = &kb;
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: opt/bad.gz: ISIZE mismatch (stored 1000, inflated 200000 bytes)");
	ok_eq(mm.nclaims, 0);
	put_le32(bad + glen - 4, 0xF0000000u);
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
	ok_str(d.msg, "gzip: opt/bad.gz: ISIZE mismatch (stored 4026531840, inflated 200000 bytes)");
	ok_eq(mm.nclaims, 0);

	/* bytes after the member: zero padding, garbage, a second member (as gzip -d: all members) */
	{
		size_t half = n / 2, l1, l2;
		uint8_t *g1 = make_gzip(data, half, &l1), *g2 = make_gzip(data + half, n - half, &l2);
		uint8_t *cat = calloc(1, l1 + l2 + 4096);
		memcpy(cat, g1, l1);
		struct file kc = file_of("opt/pad.gz", cat, l1 + 4096);	/* zero padding */
		req.kernel = &kc;
		reset_mem(RAM_SIZE);
		ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
		ok_str(d.msg, "gzip: opt/pad.gz: 1 member inflated, 4096 trailing bytes ignored");
		ok_eq(out.kernel->size, half);
		ok(memcmp(out.kernel->mem, data, half) == 0);
		ok_eq(mm.nclaims, 1);
		ok_eq(mm.claims[0].end - mm.claims[0].start, half);
		memset(cat + l1, 0xa5, 100);	/* garbage that is not a member */
		reset_mem(RAM_SIZE);
		ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
		ok_eq(out.kernel->size, half);
		memcpy(cat + l1, g2, l2);	/* a second member, then zeros */
		memset(cat + l1 + l2, 0, 4096 - l2 > 0 ? 10 : 0);
		kc.size = l1 + l2 + 10;
		reset_mem(RAM_SIZE);
		ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
		ok_str(d.msg, "gzip: opt/pad.gz: 2 members inflated, 10 trailing bytes ignored");
		ok_eq(out.kernel->size, n);
		ok(memcmp(out.kernel->mem, data, n) == 0);
		ok_eq(mm.claims[0].end - mm.claims[0].start, n);
		ok_eq(mm.claims[0].start % 4096, 0);
		/* exactly two members and nothing after them: no note */
		kc.size = l1 + l2;
		reset_mem(RAM_SIZE);
		ok_eq(gunzip_kernel(&req, &mm, &out, &d), 0);
		ok_str(d.msg, "gzip: opt/pad.gz: 2 members inflated, 0 trailing bytes ignored");
		/* a damaged second member is an error that names it */
		cat[l1 + l2 - 8] ^= 1;
		reset_mem(RAM_SIZE);
		ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_BAD_IMAGE);
		snprintf(d2.msg, sizeof(d2.msg), "gzip: opt/pad.gz: member 2 (at byte %zu): CRC32 mismatch", l1);
		ok(str_starts(d.msg, d2.msg));
		ok_eq(mm.nclaims, 0);
		free(g1);
		free(g2);
		free(cat);
		req.kernel = &kb;
	}

	/* too big for free memory: said so, with the size */
	reset_mem(RAM_SIZE);
	ok_eq(mem_claim(&mm, (uintptr_t)host_ram, RAM_SIZE - glen - 150000, CLAIM_PLACED, "most", &d), 0);
	req.kernel = &k;
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_NO_MEMORY);
	ok(str_starts(d.msg, "gzip: opt/k.gz inflates to more than the "));
	ok_eq(mm.nclaims, 1);
	reset_mem(glen + 100);
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_NO_MEMORY);
	ok(str_starts(d.msg, "gzip: opt/k.gz inflates to more than the 96 bytes of free memory (the largest free range, 0x"));
	reset_mem(1000);
	ok_eq(gunzip_kernel(&req, &mm, &out, &d), -ST_NO_MEMORY);
	char want[128];
	snprintf(want, sizeof(want), "gzip: no free memory to read opt/k.gz (%zu bytes)", glen);
	ok_str(d.msg, want);
	ok_eq(mm.nclaims, 0);

	munmap(host_ram, RAM_SIZE);
	free(data);
	free(gz);
	free(bad);
	return test_done("gunzip");
}
