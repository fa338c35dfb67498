/* SPDX-License-Identifier: BSD-2-Clause */
/* What the pure code needs from its surroundings on the host: zalloc from
 * calloc (with heap_mark and heap_release as the kernel's bump heap has
 * them: blocks allocated after a mark are freed when it is released, so
 * ASan sees any use after a give-back), and the platform seam
 * (kernel/platform.h) over a simulated machine (tests/unit/host.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/alloc.h"
#include "kernel/heap.h"
#include "kernel/keys.h"
#include "kernel/measure.h"
#include "kernel/platform.h"
#include "include/status.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fw_cfg_sim.h"
#pragma GCC diagnostic pop
#include "host.h"

static void **live;
static size_t nlive, caplive;

void *zalloc(size_t n)
{
	if (nlive == caplive) {
		size_t cap = caplive ? caplive * 2 : 1024;
		void **g = realloc(live, cap * sizeof(*g));
		if (!g)
			return NULL;
		live = g;
		caplive = cap;
	}
	void *p = calloc(1, n ? n : 1);
	if (p)
		live[nlive++] = p;
	return p;
}

void *alloc_filled(size_t n)
{
	return zalloc(n);
}

uintptr_t heap_mark(void)
{
	return nlive;
}

void heap_release(uintptr_t mark)
{
	while (nlive > mark)
		free(live[--nlive]);
}

size_t heap_free_bytes(void)
{
	return 16u << 20;
}

size_t heap_size(void)
{
	return 16u << 20;
}

size_t host_live_allocations(void)
{
	return nlive;
}

#ifdef FWBOOT_FUZZ
/* Under the fuzzer every allocation of one input is freed after it, so the
 * bump-heap style of the pure code does not add up over millions of runs.
 * Each harness defines fuzz_one; this is libFuzzer's entry around it. */
int fuzz_one(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size);
	heap_release(0);
	return 0;
}
#else
/* The pure code allocates like the kernel's bump heap: nothing is freed
 * before hand-off, so leaks are by design, not bugs. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

/* The trampoline's size is all the planner asks of it (kernel/stage.c). */
__asm__(".data\n.globl tramp_start\ntramp_start:\n.skip 416\n.globl tramp_end\ntramp_end:\n.text\n");

/* ---- the seam ---- */

char *host_console;
size_t host_console_len;
static size_t host_console_cap;
jmp_buf host_exit;
int host_exit_set, host_exit_status;
struct sim *host_sim;
struct boot_env host_env;
struct plan host_plan;
int host_handoffs, host_firmware_images, host_attempts;
long host_pages_out;
unsigned host_slept;
static uint64_t cycles;

void host_console_reset(void)
{
	host_console_len = 0;
	if (host_console)
		host_console[0] = 0;
}

void platform_console_write(const char *s)
{
	size_t n = strlen(s);
	if (getenv("FWBOOT_HOST_ECHO"))
		fputs(s, stderr);
	if (host_console_len + n + 1 > host_console_cap) {
		size_t cap = (host_console_len + n + 1) * 2;
		char *g = realloc(host_console, cap);
		if (!g)
			abort();
		host_console = g;
		host_console_cap = cap;
	}
	memcpy(host_console + host_console_len, s, n + 1);
	host_console_len += n;
}

void platform_exit(int status)
{
	host_exit_status = status;
	if (!host_exit_set) {
		fprintf(stderr, "host: platform_exit(%d) with no test waiting for it\n", status);
		abort();
	}
	host_exit_set = 0;
	longjmp(host_exit, 1);
}

void platform_text_cursor(uint8_t *at)
{
	(void)at;
}

/* Keys a test scripted (host_keys, host_nkeys), one per call; then none. */
const int *host_keys;
size_t host_nkeys;
const char *host_platform = "pcbios";

int platform_read_key(unsigned timeout_ms)
{
	(void)timeout_ms;
	if (!host_nkeys)
		return KEY_NONE;
	host_nkeys--;
	return *host_keys++;
}

/* CPUID as a test sets it: host_cpuid[0] leaf 0x80000000's EAX, [1] and
 * [2] leaf 1's ECX, EDX, [3] and [4] leaf 0x80000001's, [5] leaf 7's ECX
 * (leaf 0 then says 7 leaves). */
uint32_t host_cpuid[6];

void platform_cpuid(uint32_t leaf, uint32_t regs[4])
{
	regs[0] = leaf == 0x80000000u ? host_cpuid[0] : leaf == 0 ? (host_cpuid[5] ? 7 : 1) : 0;
	regs[1] = 0;
	regs[2] = leaf == 1 ? host_cpuid[1] : leaf == 0x80000001u ? host_cpuid[3] : leaf == 7 ? host_cpuid[5] : 0;
	regs[3] = leaf == 1 ? host_cpuid[2] : leaf == 0x80000001u ? host_cpuid[4] : 0;
}

const char *platform_name(void)
{
	return host_platform;
}

const char *platform_buildarch(void)
{
	return "i386";
}

void platform_sleep(unsigned seconds)
{
	host_slept += seconds;
}

/* A fixed date, so tests see one: 2024-01-02 03:04:05 UTC. */
int64_t platform_unix_time(void)
{
	return 1704164645;
}

uint64_t platform_cycles(void)
{
	return cycles += 1000;
}

uint64_t platform_cycles_hz(const char **clock)
{
	*clock = "the host";
	return 1000000;
}

static void host_select(void *ctx, uint16_t key)
{
	(void)ctx;
	sim_select(host_sim, key);
}

static void host_data_in(void *ctx, void *dst, uint32_t n)
{
	(void)ctx;
	sim_data_in(host_sim, dst, n);
}

static void host_dma_start(void *ctx, uint64_t desc)
{
	(void)ctx;
	sim_dma_start(host_sim, desc);
}

static const struct fw_cfg_ops host_ops = { host_select, host_data_in, host_dma_start };

const struct fw_cfg_ops *platform_fw_cfg_ops(enum fw_cfg_mode mode)
{
	(void)mode;
	return &host_ops;
}

int platform_boot_env(struct boot_env *env, struct diag *d)
{
	(void)d;
	*env = host_env;
	host_attempts++;
	return 0;
}

/* Inflating works in the attempt's own map, as on a BIOS machine; the
 * tests see how many kernels were inflated. */
int host_inflated;

int platform_inflate_room(const struct file *k, struct boot_env *env, struct mem_map **room, struct diag *d)
{
	if (!env->mem)
		return diag_fail(d, ST_INTERNAL, "host: no memory map to inflate %s in", k->name);
	host_inflated++;
	*room = env->mem;
	return 0;
}

void platform_inflate_done(struct boot_env *env, struct mem_map *room)
{
	if (room != env->mem)
		abort();
}

/* Every attempt "takes" a page from the firmware, so a test can see that
 * a failed one gives it back. */
uintptr_t platform_mark(void)
{
	host_pages_out++;
	return (uintptr_t)host_pages_out - 1;
}

void platform_release(uintptr_t mark)
{
	host_pages_out = (long)mark;
}

int platform_handoff(struct plan *p, const struct stage_plan *sp, struct diag *d)
{
	(void)sp;
	(void)d;
	host_plan = *p;
	host_handoffs++;
	platform_exit(HOST_HANDED_OFF);
}

int platform_run_firmware_image(const struct boot_request *req, struct diag *d)
{
	if (!host_env.firmware_machine)
		return diag_fail(d, ST_PLATFORM, "image: %s is an EFI image, which only UEFI firmware can start",
				 req->kernel->name);
	host_firmware_images++;
	return 0;
}

/* ---- the TPM ---- */

int host_tpm;
uint8_t host_tpm_log[8192];
size_t host_tpm_log_len;
uint8_t host_tpm_pcr[24][32];
uint8_t host_tpm_pcr_sha1[24][20];

void host_tpm_reset(int tpm)
{
	host_tpm = tpm;
	host_tpm_log_len = 0;
	memset(host_tpm_pcr, 0, sizeof(host_tpm_pcr));
	memset(host_tpm_pcr_sha1, 0, sizeof(host_tpm_pcr_sha1));
	measure_reset();
}

int platform_tpm_probe(struct diag *d)
{
	if (!host_tpm)
		diag_fail(d, 0, "the host has none");
	return host_tpm ? 1 : 0;
}

int platform_tpm_measure(const struct measure *m, struct diag *d)
{
	static const struct tcg_algs both = { 2, { TPM_ALG_SHA1, TPM_ALG_SHA256 } };
	struct tcg_digests dg = { 0 };
	if (host_tpm == 2)
		return diag_fail(d, ST_MEASURE, "the TPM stopped answering");
	int r = measure_digests(m, &both, &dg, d);
	if (r)
		return r;
	size_t n = tcg_event2_encode(host_tpm_log + host_tpm_log_len, sizeof(host_tpm_log) - host_tpm_log_len,
				     m->pcr, TCG_EV_IPL, &both, &dg, m->desc);
	if (!n)
		return diag_fail(d, ST_MEASURE, "the log area is full");
	host_tpm_log_len += n;
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, host_tpm_pcr[m->pcr], 32);
	sha256_update(&s, dg.sha256, 32);
	sha256_final(&s, host_tpm_pcr[m->pcr]);
	struct sha1 s1;
	sha1_init(&s1);
	sha1_update(&s1, host_tpm_pcr_sha1[m->pcr], 20);
	sha1_update(&s1, dg.sha1, 20);
	sha1_final(&s1, host_tpm_pcr_sha1[m->pcr]);
	return 0;
}
