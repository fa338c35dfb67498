/* The verbose "time:" line: cycles per step to microseconds. Pure. */
#include "steps.h"
#include "fmt.h"

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
