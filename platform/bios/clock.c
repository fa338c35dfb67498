/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.elf's clocks: whole seconds for the script command `sleep` by the
 * RTC's seconds register, and the TSC's rate by the PIT. Every wait is
 * bounded, so a stopped or absent clock ends early instead of hanging. */
#include <stdint.h>
#include "platform/x86/io.h"
#include "platform/x86/rtc.h"
#include "kernel/platform.h"

#define SPIN_LIMIT RTC_SPIN_LIMIT

static uint8_t rtc_seconds(void)
{
	return rtc_read(RTC_SECONDS);
}

void platform_sleep(unsigned n)
{
	uint8_t last = rtc_seconds();
	while (n--) {
		uint32_t spins = 0;
		uint8_t now;
		while ((now = rtc_seconds()) == last)
			if (++spins == SPIN_LIMIT)
				return;
		last = now;
	}
}

/* ---- the TSC's rate, for the verbose "time:" line ---- */


#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61		/* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define PIT_HZ 1193182u
#define PIT_COUNT 2386u	/* 2 ms */
#define PIT_ROUNDS 8		/* the shortest of these many is the rate */
#define PIT_POLLS (1u << 22)	/* far more than 2 ms of port reads take */

/* TSC cycles in 2 ms of PIT channel 2 (mode 0: its output rises when the
 * count runs out), or 0 when the output never rises. */
static uint64_t pit_round(void)
{
	outb(PIT_CMD, 0xB0);				/* channel 2, low then high byte, mode 0 */
	outb(PIT_CH2, PIT_COUNT & 0xff);
	uint64_t t0 = platform_cycles();
	outb(PIT_CH2, PIT_COUNT >> 8);			/* counting starts */
	uint32_t i = 0;
	while (!(inb(PORT_B) & 0x20) && ++i < PIT_POLLS)
		;
	uint64_t t1 = platform_cycles();
	return i == PIT_POLLS ? 0 : t1 - t0;
}

/* The TSC's rate in Hz, 0 when the PIT does not answer. A round can only
 * come out long (the CPU taken away while it polls: a virtual CPU on a
 * busy host), never short, so the shortest of several is the estimate. */
static uint64_t tsc_hz_by_pit(void)
{
	uint8_t b = inb(PORT_B);
	outb(PORT_B, (uint8_t)((b & ~0x02u) | 0x01u));	/* gate on, speaker off */
	uint64_t best = 0;
	for (int k = 0; k < PIT_ROUNDS; k++) {
		uint64_t c = pit_round();
		if (!c)
			break;
		if (!best || c < best)
			best = c;
	}
	outb(PORT_B, b);
	return best * PIT_HZ / PIT_COUNT;
}

uint64_t platform_cycles_hz(const char **clock)
{
	static uint64_t hz;
	static int timed;	/* once: keyboard waits ask on every poll */
	*clock = "the PIT";
	if (!timed) {
		hz = tsc_hz_by_pit();
		timed = 1;
	}
	return hz;
}
