/* SPDX-License-Identifier: BSD-2-Clause */
/* Integrity pins: pin_check over memory-backed files (a match, a mismatch
 * with both digests, a file larger than one chunk, unpinned files), the
 * command line's pin syntax, and file_digest over the simulated fw_cfg
 * device: each algorithm read and hashed once per file. */
#include <stdlib.h>
#include "kernel/cmdline.h"
#include "kernel/fw_cfg.h"
#include "kernel/pin.h"
#include "lib/sha1.h"
#include "lib/sha256.h"
#include "include/status.h"
#pragma GCC diagnostic ignored "-Wunused-function"	/* fw_cfg_sim.h's sim_dir, not needed here */
#include "fw_cfg_sim.h"
#include "host.h"
#include "test.h"

static void digest_of(const uint8_t *p, size_t n, uint8_t out[SHA256_SIZE])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, out);
}

static int parse(const char *text, struct cmdline *c, struct diag *d)
{
	char *s = strdup(text);
	d->msg[0] = 0;
	return cmdline_parse(s, c, d);
}

/* A file in fw_cfg: its SHA-1 and its SHA-256 each read from the device
 * once, whichever comes first, and the SHA-256 shared with a pin. */
static void test_digest_once_per_algorithm(const uint8_t *data, size_t n)
{
	static struct sim sim;
	struct fw_cfg_dev unused;
	struct diag d;
	uint8_t got[SHA256_SIZE], want1[SHA1_SIZE], want256[SHA256_SIZE];
	struct sha1 s1;
	sha1_init(&s1);
	sha1_update(&s1, data, n);
	sha1_final(&s1, want1);
	digest_of(data, n, want256);
	sim_init(&sim, &unused, 3);
	sim_put(&sim, 0x20, data, (uint32_t)n);
	host_sim = &sim;
	ok_eq(fw_cfg_init(FW_CFG_AUTO, &d), 0);
	pin_reset();
	struct file f = { "opt/fwboot/k", 0x20, 0, n, 0 };
	uint64_t runs = sim.dma_runs;
	ok_eq(file_digest(&f, 1, got, &d), 0);
	ok(memcmp(got, want1, SHA1_SIZE) == 0);
	ok(sim.dma_runs > runs);
	runs = sim.dma_runs;
	ok_eq(file_digest(&f, 1, got, &d), 0);	/* again: from the cache */
	ok(memcmp(got, want1, SHA1_SIZE) == 0);
	ok_eq(sim.dma_runs, runs);
	ok_eq(file_sha256(&f, got, &d), 0);	/* the other algorithm: read once more */
	ok(memcmp(got, want256, SHA256_SIZE) == 0);
	ok(sim.dma_runs > runs);
	runs = sim.dma_runs;
	ok_eq(pin_set(&f, want256), 0);
	ok_eq(pin_check(&f, &d), 0);	/* the pin takes the cached SHA-256 */
	ok_eq(file_digest(&f, 1, got, &d), 0);
	ok(memcmp(got, want1, SHA1_SIZE) == 0);
	ok_eq(sim.dma_runs, runs);
	pin_reset();
}

int main(void)
{
	struct diag d;
	size_t n = 3 * PIN_CHUNK + 123;
	uint8_t *data = malloc(n), want[SHA256_SIZE], other[SHA256_SIZE];
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i ^ i >> 7);
	digest_of(data, n, want);
	struct file f = { "opt/k", 0, 0, n, data };

	ok_eq(pin_check(&f, &d), 0);	/* no pin */
	ok_eq(pin_set(&f, want), 0);
	ok(pin_of(&f) && memcmp(pin_of(&f), want, SHA256_SIZE) == 0);
	ok_eq(pin_check(&f, &d), 0);
	data[n - 1] ^= 1;	/* the last byte of the last chunk */
	char hw[65], hg[65], msg[300];
	digest_of(data, n, other);
	sha256_to_hex(want, hw);
	sha256_to_hex(other, hg);
	ok_eq(pin_check(&f, &d), -ST_PIN);
	snprintf(msg, sizeof(msg), "pin: opt/k does not match its sha256 pin (pinned %s, the file's is %s)", hw, hg);
	ok_str(d.msg, msg);
	data[n - 1] ^= 1;
	/* an empty file has a digest too */
	struct file e = { "opt/empty", 0, 0, 0, data };
	uint8_t empty[SHA256_SIZE];
	ok_eq(sha256_from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 64, empty), 0);
	ok_eq(pin_set(&e, empty), 0);
	ok_eq(pin_check(&e, &d), 0);
	ok_eq(pin_set(&e, want), 0);	/* pinning again replaces */
	ok_eq(pin_check(&e, &d), -ST_PIN);
	ok_eq(pin_set(&e, 0), 0);	/* unpinned */
	ok(pin_of(&e) == 0);
	ok_eq(pin_check(&e, &d), 0);
	ok(pin_of(&f) != 0);	/* others keep theirs */
	pin_reset();
	ok(pin_of(&f) == 0);

	/* the command line */
	struct cmdline c;
	const char *hx = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	char line[400];
	snprintf(line, sizeof(line), "name=opt/k sha256=%s initrd=opt/a,sha256=%s initrd=opt/b", hx, hw);
	ok_eq(parse(line, &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok(c.sha256 && memcmp(c.sha256, empty, SHA256_SIZE) == 0);
	ok_eq(c.ninitrds, 2);
	ok_str(c.initrds[0], "opt/a");
	ok(c.initrd_sha256[0] && memcmp(c.initrd_sha256[0], want, SHA256_SIZE) == 0);
	ok(c.initrd_sha256[1] == 0);
	snprintf(line, sizeof(line), "name=opt/k,sha256=%s", hx);
	ok_eq(parse(line, &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok(c.sha256 && memcmp(c.sha256, empty, SHA256_SIZE) == 0);
	snprintf(line, sizeof(line), "name=opt/set.cpio#k,sha256=%s", hx);	/* a bundle member */
	ok_eq(parse(line, &c, &d), 0);
	ok_str(c.name, "opt/set.cpio#k");
	ok(c.sha256 != 0);
	/* refusals */
	ok_eq(parse("name=opt/k sha256=1234", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: sha256=1234: a pin is 64 hex digits (this is 4 characters)");
	snprintf(line, sizeof(line), "sha256=%.63sx", hx);
	ok_eq(parse(line, &c, &d), -ST_CMDLINE);
	ok(strstr(d.msg, "(this is 64 characters, not all hex digits)") != 0);
	ok_eq(parse("initrd=opt/a,sha256=zz", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: initrd=...,sha256=zz: a pin is 64 hex digits (this is 2 characters)");
	snprintf(line, sizeof(line), "sha256=%s sha256=%s", hx, hx);
	ok_eq(parse(line, &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: the kernel is pinned twice (a second sha256=)");
	snprintf(line, sizeof(line), "sha256=%s name=opt/k,sha256=%s", hx, hx);
	ok_eq(parse(line, &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: the kernel is pinned twice (sha256= and name=...,sha256=)");
	test_digest_once_per_algorithm(data, n);
	free(data);
	return test_done("pin");
}
