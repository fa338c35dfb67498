/* SPDX-License-Identifier: BSD-2-Clause */
/* The host's side of the seam (kernel/platform.h) for the unit tests and
 * fuzzers: a simulated machine whose console, exit, fw_cfg device, memory
 * and hand-off a test sets up and reads back. */
#ifndef FWBOOT_HOST_H
#define FWBOOT_HOST_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/formats/image.h"
#include "kernel/plan.h"

struct sim;

/* What the front end printed (NUL-terminated; host_console_reset empties it). */
extern char *host_console;
extern size_t host_console_len;
void host_console_reset(void);

/* platform_exit and a successful hand-off longjmp here when it is set
 * (host_exit_set), with the status (HOST_HANDED_OFF for a hand-off);
 * unset, they abort the test. */
#define HOST_HANDED_OFF 1000
extern jmp_buf host_exit;
extern int host_exit_set;
extern int host_exit_status;

/* The fw_cfg device the platform's ports reach (tests/unit/fw_cfg_sim.h). */
extern struct sim *host_sim;

/* The machine each attempt sees (platform_boot_env copies it); its mem
 * is the test's map. firmware_machine set: EFI images "run" and return. */
extern struct boot_env host_env;

/* What the last hand-off was given, and counters the tests check. */
extern struct plan host_plan;
extern int host_handoffs, host_firmware_images, host_attempts;
extern long host_pages_out;	/* taken by platform_mark's side and not given back */
extern unsigned host_slept;
/* platform_read_key's keys, one per call, then KEY_NONE; platform_name's answer. */
extern const int *host_keys;
extern size_t host_nkeys;
extern const char *host_platform;
extern uint32_t host_cpuid[6];	/* platform_cpuid's answers (host.c) */
extern int host_inflated;	/* gzip-compressed kernels inflated */

/* The simulated TPM: host_tpm 0 none, 1 present, 2 present but every
 * extend fails; what was measured, as TCG_PCR_EVENT2s in host_tpm_log
 * (a SHA-1 and a SHA-256 digest each), and the PCRs 0-23 of its SHA-256
 * and SHA-1 banks. measure_reset forgets the probe. */
extern int host_tpm;
extern uint8_t host_tpm_log[8192];
extern size_t host_tpm_log_len;
extern uint8_t host_tpm_pcr[24][32];
extern uint8_t host_tpm_pcr_sha1[24][20];
void host_tpm_reset(int tpm);

/* The heap as the host keeps it: zalloc'd blocks since heap_mark that
 * heap_release has not freed. */
size_t host_live_allocations(void);

#endif
