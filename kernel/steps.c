/* SPDX-License-Identifier: BSD-2-Clause */
/* The verbose "time:" line: cycles per step to microseconds. Pure. */
#include "kernel/steps.h"
#include "kernel/console.h"
#include "kernel/platform.h"
#include "lib/fmt.h"

static const char *const step_names[STEP_COUNT] = {
	"setup", "fw_cfg", "open", "script", "pins", "inflate", "plan", "load", "hand-off",
};

/* cycles * 1e6 / hz without overflowing for any count an hour of boot makes */
static uint64_t to_us(uint64_t cycles, uint64_t hz)
{
	return cycles / hz * 1000000u + cycles % hz * 1000000u / hz;
}

int steps_format(char *buf, size_t cap, const uint64_t cycles[STEP_COUNT], uint64_t hz, const char *clock)
{
	uint64_t total = 0;
	for (int i = 0; i < STEP_COUNT; i++)
		total += cycles[i];
	size_t n = 0;
	int r = fmt_snprintf(buf, cap, "time: %llu %s from entry to hand-off:",
			     (unsigned long long)(hz ? to_us(total, hz) : total), hz ? "us" : "TSC cycles");
	for (int i = 0; i < STEP_COUNT && r >= 0; i++) {
		n = (size_t)r < cap ? (size_t)r : cap;
		int k = fmt_snprintf(buf + n, cap - n, "%s %s %llu", i ? "," : "", step_names[i],
				     (unsigned long long)(hz ? to_us(cycles[i], hz) : cycles[i]));
		r = k < 0 ? k : r + k;
	}
	if (r < 0)
		return r;
	n = (size_t)r < cap ? (size_t)r : cap;
	int k;
	if (hz)
		k = fmt_snprintf(buf + n, cap - n, " (TSC %llu.%03llu MHz, timed against %s)",
				 (unsigned long long)(hz / 1000000u), (unsigned long long)(hz / 1000u % 1000u), clock);
	else
		k = fmt_snprintf(buf + n, cap - n, " (%s did not answer: no rate for the TSC)", clock);
	return k < 0 ? k : r + k;
}

/* ---- over the platform's counter ---- */

static uint64_t step_cycles[STEP_COUNT], step_last, hz;
static const char *hz_clock;
static int calibrated;

void steps_start(void)
{
	step_last = platform_cycles();
}

void steps_mark(enum step s)
{
	uint64_t now = platform_cycles();
	step_cycles[s] += now - step_last;
	step_last = now;
}

void steps_calibrate(void)
{
	if (console_get_level() < CONSOLE_VERBOSE || calibrated)
		return;
	uint64_t t0 = platform_cycles();
	hz = platform_cycles_hz(&hz_clock);
	calibrated = 1;
	step_last += platform_cycles() - t0;	/* the timing is nobody's step */
}

void steps_report(void)
{
	if (console_get_level() < CONSOLE_VERBOSE)
		return;
	steps_mark(STEP_HANDOFF);
	steps_calibrate();
	char line[300];
	steps_format(line, sizeof(line), step_cycles, hz, hz_clock ? hz_clock : "no clock");
	log_verbose("%s", line);
}
