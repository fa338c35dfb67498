/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef FWBOOT_STEPS_H
#define FWBOOT_STEPS_H
/* Where fwboot's own time goes, entry to hand-off: each mark charges the
 * cycles since the previous mark to one step. Printed with `verbose`. */
#include <stddef.h>
#include <stdint.h>

enum step {
	STEP_SETUP,	/* console, loader's information, memory map, heap, video, ACPI */
	STEP_FW_CFG,	/* the device and its directory */
	STEP_OPEN,	/* the command line's files */
	STEP_SCRIPT,	/* a boot script, between its boots */
	STEP_PINS,	/* SHA-256 of pinned files */
	STEP_INFLATE,	/* gzip */
	STEP_PLAN,	/* header read, probe and plan */
	STEP_LOAD,	/* bytes to their addresses (fw_cfg reads, copies, zeroing, video mode) */
	STEP_HANDOFF,	/* trampoline and hand-off state */
	STEP_COUNT
};

/* "time: ..." into buf: the total and each step in microseconds, given the
 * cycles per step and the counter's rate in Hz, measured against clock
 * ("the PIT"); in cycles when hz is 0. Returns what fmt_snprintf returns.
 * Pure. */
int steps_format(char *buf, size_t cap, const uint64_t cycles[STEP_COUNT], uint64_t hz, const char *clock);

/* Over the platform's cycle counter (kernel/platform.h). */
void steps_start(void);
void steps_mark(enum step s);
/* Time the counter now, while the platform still can (fwboot.efi: before
 * ExitBootServices); verbose only, and not charged to any step. */
void steps_calibrate(void);
/* Log the line (verbose only). */
void steps_report(void);

#endif
