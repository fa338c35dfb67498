/* Waiting whole seconds, for the script command `sleep`: count changes of
 * the RTC's seconds register. Each wait is bounded, so a stopped or absent
 * RTC ends the sleep early instead of hanging. */
#include <stdint.h>
#include "io.h"
#include "timer.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_STATUS_A 0x0A
#define RTC_UIP 0x80		/* update in progress: the registers are changing */
#define SPIN_LIMIT (1u << 26)	/* far more polls than one second takes */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static uint8_t rtc_seconds(void)
{
	for (uint32_t i = 0; i < SPIN_LIMIT && (cmos_read(RTC_STATUS_A) & RTC_UIP); i++)
		;
	return cmos_read(RTC_SECONDS);
}

void sleep_seconds(unsigned n)
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
