/* SPDX-License-Identifier: BSD-2-Clause */
/* The front end (kernel/frontend.c, kernel/files.c, kernel/console.c) on
 * the host, over the simulated fw_cfg device and the host's side of the
 * seam (tests/unit/host.c): what only QEMU boots reached before. Opening
 * files and bundle members, the listings a missing name prints (bounded),
 * pins, scripts, a failed attempt that gives back what it took, repeated
 * lines counted, the command line without a length limit, and EFI images
 * by platform. */
#include <stdlib.h>
#include <string.h>
#include "kernel/console.h"
#include "kernel/frontend.h"
#include "kernel/fw_cfg_dev.h"
#include "kernel/pin.h"
#include "include/status.h"
#include "lib/byteorder.h"
#include "lib/sha256.h"
#include "fixture.h"
#include "fw_cfg_sim.h"
#include "host.h"
#include "test.h"

#define MAX_FILES 64

static struct sim sim;
static struct fw_cfg_dev unused_dev;
static const char *names[MAX_FILES];
static uint32_t sizes[MAX_FILES];
static const uint8_t *datas[MAX_FILES];
static size_t nfiles;
static uint8_t dirbuf[4 + 64 * MAX_FILES];

static void add_file(const char *name, const void *data, size_t len)
{
	names[nfiles] = name;
	sizes[nfiles] = (uint32_t)len;
	datas[nfiles] = data;
	nfiles++;
}

/* The device with the files added so far, DMA offered. */
static void machine(void)
{
	sim_init(&sim, &unused_dev, 3);
	size_t n = sim_dir(dirbuf, (uint32_t)nfiles, nfiles, names, sizes);
	sim_put(&sim, FW_CFG_FILE_DIR, dirbuf, (uint32_t)n);
	for (size_t i = 0; i < nfiles; i++)
		sim_put(&sim, (uint16_t)(0x20 + i), datas[i], sizes[i]);
	host_sim = &sim;
	reset_mem();
	memset(&host_env, 0, sizeof(host_env));
	host_env.mem = &mm;
}

static void no_files(void)
{
	nfiles = 0;
}

/* frontend_run on cmdline: the status it ended with (HOST_HANDED_OFF for a
 * hand-off, 0 when a firmware image came back). */
static int run(const char *cmdline)
{
	static struct frontend_start st;
	host_console_reset();
	pin_reset();
	host_handoffs = host_firmware_images = 0;
	st.cmdline = cmdline;
	st.path_rule = CMDLINE_PATH_NONE;
	st.loader_name = "fwboot test";
	frontend_console(cmdline);
	if (setjmp(host_exit))
		return host_exit_status;
	host_exit_set = 1;
	int r = frontend_run(&st);
	host_exit_set = 0;
	return r;
}

static int said(const char *text)
{
	return host_console && strstr(host_console, text) != 0;
}

static size_t count(const char *text)
{
	size_t n = 0;
	for (const char *p = host_console; p && (p = strstr(p, text)); p += strlen(text))
		n++;
	return n;
}

/* A Multiboot 1 kernel with the address fields: loaded at load, size bytes. */
static uint8_t *mb1_kernel(uint32_t load, size_t size)
{
	uint8_t *k = calloc(1, size);
	put_le32(k, 0x1BADB002);
	put_le32(k + 4, 0x00010000);
	put_le32(k + 8, (uint32_t)-(0x1BADB002u + 0x00010000u));
	put_le32(k + 12, load);
	put_le32(k + 16, load);
	put_le32(k + 20, 0);
	put_le32(k + 24, 0);
	put_le32(k + 28, load + 0x40);
	return k;
}

/* A cpio newc archive of n members "m<i>" (each the bytes of data), or
 * with the given names; *len its size. */
static size_t cpio_put(uint8_t *p, const char *name, uint32_t mode, const void *data, size_t len)
{
	size_t at = (size_t)sprintf((char *)p, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1u, mode,
				    0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
	memcpy(p + at, name, strlen(name) + 1);
	at += strlen(name) + 1;
	while (at % 4)
		p[at++] = 0;
	memcpy(p + at, data, len);
	at += len;
	while (at % 4)
		p[at++] = 0;
	return at;
}

static uint8_t *bundle(size_t n, const char *const *member, const uint8_t *const *data, const size_t *dlen,
		       size_t *len)
{
	size_t cap = 1024;
	for (size_t i = 0; i < n; i++)
		cap += 256 + dlen[i];
	uint8_t *b = calloc(1, cap);
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		at += cpio_put(b + at, member[i], 0100644, data[i], dlen[i]);
	at += cpio_put(b + at, "TRAILER!!!", 0, "", 0);
	*len = at;
	return b;
}

static void test_boot_and_missing(void)
{
	uint8_t *k = mb1_kernel(0x200000, 8192);
	no_files();
	add_file("opt/fwboot/k", k, 8192);
	add_file("etc/e820", "x", 1);
	machine();
	ok_eq(run("name=opt/fwboot/k -- hello"), HOST_HANDED_OFF);
	ok(said("fwboot: open: opt/fwboot/k (key 0x0020, 8192 bytes)"));
	ok(said("fw_cfg: DMA, 2 files"));
	ok_eq(host_handoffs, 1);
	ok(host_plan.format && strstr(host_plan.format, "multiboot1") == host_plan.format);
	ok_eq(host_plan.entry, 0x200040);

	/* a missing file: the directory (small) is listed, status 4 */
	machine();
	ok_eq(run("name=opt/fwboot/nope"), ST_NOT_FOUND);
	ok(said("fwboot: fw_cfg directory (2 files):"));
	ok(said("  etc/e820"));
	ok(said("fwboot: open: no fw_cfg file \"opt/fwboot/nope\" (see the directory above) [status 4]"));
	ok_eq(host_handoffs, 0);

	/* list stops with status 16 */
	machine();
	ok_eq(run("list"), ST_LIST);
	ok(said("opt/fwboot/k"));
	free(k);
}

/* A directory of more than LIST_ALL_MAX files: the closest names and a count. */
static void test_listing_bounded(void)
{
	static char many[40][32];
	no_files();
	for (int i = 0; i < 40; i++) {
		snprintf(many[i], sizeof(many[i]), i < 3 ? "opt/fwboot/kern%d" : "opt/other/f%02d", i);
		add_file(many[i], "x", 1);
	}
	machine();
	ok_eq(run("name=opt/fwboot/kernel"), ST_NOT_FOUND);
	ok(said("fwboot: the 10 fw_cfg files closest to \"opt/fwboot/kernel\" (of 40):"));
	ok(said("  ... and 30 more (not listed)"));
	ok(said("  opt/fwboot/kern0"));
	/* the closest first: the three that share "opt/fwboot/kern" */
	const char *a = strstr(host_console, "opt/fwboot/kern0"), *b = strstr(host_console, "opt/other/f");
	ok(a && b && a < b);
	ok_eq(count("  opt/"), 10);
}

static void test_bundles(void)
{
	uint8_t *k = mb1_kernel(0x300000, 4096);
	static char mname[300][16];
	const char *mn[300];
	const uint8_t *md[300];
	size_t ml[300], blen;
	for (int i = 0; i < 300; i++) {
		snprintf(mname[i], sizeof(mname[i]), "m%03d", i);
		mn[i] = mname[i];
		md[i] = (const uint8_t *)"data";
		ml[i] = 4;
	}
	mn[7] = "./boot/kernel";
	md[7] = k;
	ml[7] = 4096;
	uint8_t *b = bundle(300, mn, md, ml, &blen);
	no_files();
	add_file("opt/fwboot/set.cpio", b, blen);
	machine();
	ok_eq(run("name=opt/fwboot/set.cpio#boot/kernel initrd=opt/fwboot/set.cpio#m299"), HOST_HANDED_OFF);
	ok(said("open: opt/fwboot/set.cpio#boot/kernel"));
	ok_eq(host_plan.entry, 0x300040);

	/* a missing member of a big bundle: the closest members, not all 300 */
	machine();
	ok_eq(run("name=opt/fwboot/set.cpio#m2999"), ST_NOT_FOUND);
	ok(said("fwboot: the 10 members of the bundle opt/fwboot/set.cpio closest to \"m2999\" (of 300):"));
	ok(said("  m299 "));
	ok(said("  ... and 290 more (not listed)"));
	ok(said("(see the bundle's members above) [status 4]"));
	ok(count("\n") < 30);

	/* a small bundle is listed whole, in order */
	size_t slen;
	const char *sn[2] = { "a", "b" };
	const uint8_t *sd[2] = { (const uint8_t *)"1", (const uint8_t *)"2" };
	size_t sl[2] = { 1, 1 };
	uint8_t *s = bundle(2, sn, sd, sl, &slen);
	no_files();
	add_file("opt/fwboot/small.cpio", s, slen);
	machine();
	ok_eq(run("name=opt/fwboot/small.cpio#c"), ST_NOT_FOUND);
	ok(said("fwboot: members of the bundle opt/fwboot/small.cpio:\n  a "));
	free(b);
	free(s);
	free(k);
}

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < SHA256_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_pins(void)
{
	uint8_t *k = mb1_kernel(0x200000, 5000);
	uint8_t digest[SHA256_SIZE];
	char h[2 * SHA256_SIZE + 1], cl[300];
	struct sha256 c;
	sha256_init(&c);
	sha256_update(&c, k, 5000);
	sha256_final(&c, digest);
	hex(digest, h);
	no_files();
	add_file("opt/fwboot/k", k, 5000);
	machine();
	snprintf(cl, sizeof(cl), "name=opt/fwboot/k,sha256=%s", h);
	ok_eq(run(cl), HOST_HANDED_OFF);
	ok(said("pin: opt/fwboot/k matches its sha256 pin"));
	h[0] = h[0] == '0' ? '1' : '0';
	snprintf(cl, sizeof(cl), "name=opt/fwboot/k,sha256=%s", h);
	machine();
	ok_eq(run(cl), ST_PIN);
	ok(said("does not match its sha256 pin"));
	ok_eq(host_handoffs, 0);
	free(k);
}

/* An attempt that fails gives back its heap, its claims and the
 * platform's pages: a script may retry without end. */
static void test_failed_attempt_gives_back(void)
{
	uint8_t *k = mb1_kernel(0x7fff0000, 8192);	/* beyond the 128 MiB of RAM */
	no_files();
	add_file("opt/fwboot/far", k, 8192);
	machine();
	struct file f = { "opt/fwboot/far", 0x20, 0, 8192, 0 };
	struct boot_module none[1];
	struct boot_request req = { &f, "", none, 0, 0, "fwboot test", 0 };
	struct diag d;
	ok_eq(run("list"), ST_LIST);	/* the device and directory, as frontend_run sets them up */
	size_t claims = mm.nclaims, live = host_live_allocations();
	long pages = host_pages_out;
	for (int i = 0; i < 50; i++) {
		int r = frontend_boot(&req, &d);
		if (r != -ST_NO_MEMORY) {
			ok_eq(r, -ST_NO_MEMORY);
			break;
		}
	}
	ok(strstr(d.msg, "fwboot holds") != 0);
	ok_eq(mm.nclaims, claims);
	ok_eq(host_live_allocations(), live);
	ok_eq(host_pages_out, pages);
	ok_eq(host_handoffs, 0);
	free(k);
}

/* `boot || goto retry` against a bad image: each failure's line is printed
 * a few times, then counted; the run ends at the script's step bound. */
static void test_script_retry_collapses(void)
{
	static const char script[] = "#!ipxe\n:retry\nkernel fw_cfg:opt/fwboot/junk\nboot || goto retry\n";
	static const uint8_t junk[600] = { 1, 2, 3 };
	no_files();
	add_file("opt/fwboot/boot", script, sizeof(script) - 1);
	add_file("opt/fwboot/junk", junk, sizeof(junk));
	machine();
	size_t live = host_live_allocations();
	ok_eq(run(""), ST_SCRIPT);
	ok(said("is not a bootable image"));
	ok(said("more repeats of the lines above not printed"));
	ok(count("is not a bootable image") <= CONSOLE_REPEATS + 1);
	ok(host_console_len < 16384);
	ok(said("[status 8]"));
	ok(host_live_allocations() - live < 4096);	/* what the run keeps, not what 50000 attempts took */
	ok_eq(host_handoffs, 0);
}

/* A script chooses and boots a kernel with its own arguments and module. */
static void test_script_boots(void)
{
	static const char script[] = "#!ipxe\necho choosing\nkernel fw_cfg:opt/fwboot/k a=1\n"
				     "initrd fw_cfg:opt/fwboot/m\nboot\n";
	uint8_t *k = mb1_kernel(0x200000, 4096);
	no_files();
	add_file("opt/fwboot/boot", script, sizeof(script) - 1);
	add_file("opt/fwboot/k", k, 4096);
	add_file("opt/fwboot/m", "module", 6);
	machine();
	ok_eq(run(""), HOST_HANDED_OFF);
	ok(said("script: running opt/fwboot/boot"));
	ok(said("choosing\n"));
	ok_eq(host_plan.entry, 0x200040);
	free(k);
}

/* No limit on the command line but memory: 300 initrd= words. */
static void test_long_cmdline(void)
{
	uint8_t *k = mb1_kernel(0x200000, 4096);
	no_files();
	add_file("opt/fwboot/k", k, 4096);
	add_file("opt/fwboot/m", "module", 6);
	machine();
	size_t cap = 300 * 24 + 64;
	char *cl = malloc(cap);
	size_t at = (size_t)snprintf(cl, cap, "name=opt/fwboot/k");
	for (int i = 0; i < 300; i++)
		at += (size_t)snprintf(cl + at, cap - at, " initrd=opt/fwboot/m");
	ok(strlen(cl) > 4096);
	ok_eq(run(cl), HOST_HANDED_OFF);
	free(cl);
	free(k);
}

/* An EFI image: started by the firmware where there is one; refused by
 * name (status 10) where there is none; a PE image for another machine is
 * not an EFI image there (Linux then takes it, as GRUB EFI boots it). */
static uint8_t *pe_image(uint16_t machine_field)
{
	uint8_t *p = calloc(1, 1024);
	p[0] = 'M';
	p[1] = 'Z';
	put_le32(p + 0x3c, 0x80);
	memcpy(p + 0x80, "PE\0\0", 4);
	put_le16(p + 0x84, machine_field);
	return p;
}

static void test_efi_images(void)
{
	uint8_t *x64 = pe_image(0x8664), *i386 = pe_image(0x14c);
	no_files();
	add_file("opt/fwboot/app.efi", x64, 1024);
	add_file("opt/fwboot/app32.efi", i386, 1024);
	machine();
	ok_eq(run("name=opt/fwboot/app.efi"), ST_PLATFORM);
	ok(said("is an EFI image, which only UEFI firmware can start"));
	machine();
	host_env.firmware_machine = 0x8664;
	ok_eq(run("name=opt/fwboot/app.efi"), 0);
	ok_eq(host_firmware_images, 1);
	machine();
	host_env.firmware_machine = 0x8664;
	ok_eq(run("name=opt/fwboot/app32.efi"), ST_BAD_IMAGE);
	ok(said("efi: opt/fwboot/app32.efi is a PE image for i386 (machine 0x014c); this firmware runs x86-64"));
	free(x64);
	free(i386);
}

int main(void)
{
	test_boot_and_missing();
	test_listing_bounded();
	test_bundles();
	test_pins();
	test_failed_attempt_gives_back();
	test_script_retry_collapses();
	test_script_boots();
	test_long_cmdline();
	test_efi_images();
	return test_done("frontend");
}
