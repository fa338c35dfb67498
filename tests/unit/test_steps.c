/* SPDX-License-Identifier: BSD-2-Clause */
/* steps_format: the verbose "time:" line, cycles to microseconds. */
#include <string.h>
#include "kernel/steps.h"
#include "test.h"

int main(void)
{
	char buf[256];
	uint64_t c[STEP_COUNT] = { 0 };

	/* 2 GHz: 2000 cycles per microsecond */
	c[STEP_SETUP] = 2000u * 150;
	c[STEP_FW_CFG] = 2000u * 20;
	c[STEP_LOAD] = 2000ull * 1000000;	/* one second */
	c[STEP_HANDOFF] = 1999;			/* rounds down to 0 us */
	int n = steps_format(buf, sizeof(buf), c, 2000000000ull, "the PIT");
	ok_str(buf, "time: 1000170 us from entry to hand-off: setup 150, fw_cfg 20, open 0, script 0, pins 0, "
		    "inflate 0, plan 0, load 1000000, hand-off 0 (TSC 2000.000 MHz, timed against the PIT)");
	ok_eq(n, (int)strlen(buf));

	/* an odd rate and an hour of cycles: exact, no 64-bit overflow */
	memset(c, 0, sizeof(c));
	c[STEP_INFLATE] = 2445434000ull * 3600;	/* an hour at 2445.434 MHz */
	c[STEP_PINS] = 2445434;			/* a millisecond */
	steps_format(buf, sizeof(buf), c, 2445434000ull, "the PIT");
	ok_str(buf, "time: 3600001000 us from entry to hand-off: setup 0, fw_cfg 0, open 0, script 0, pins 1000, "
		    "inflate 3600000000, plan 0, load 0, hand-off 0 (TSC 2445.434 MHz, timed against the PIT)");

	/* no rate: cycles, and why */
	memset(c, 0, sizeof(c));
	c[STEP_OPEN] = 12345;
	steps_format(buf, sizeof(buf), c, 0, "the PIT");
	ok_str(buf, "time: 12345 TSC cycles from entry to hand-off: setup 0, fw_cfg 0, open 12345, script 0, pins 0, "
		    "inflate 0, plan 0, load 0, hand-off 0 (the PIT did not answer: no rate for the TSC)");

	/* a short buffer: cut, terminated, the full length returned */
	char small[24];
	memset(small, 'x', sizeof(small));
	n = steps_format(small, sizeof(small), c, 0, "the PIT");
	ok_str(small, "time: 12345 TSC cycles ");
	ok_eq(n, (int)strlen(buf));
	return test_done("steps");
}
