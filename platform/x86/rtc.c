/* SPDX-License-Identifier: BSD-2-Clause */
/* The RTC's registers and the time of day as UNIX time (the seam's
 * platform_unix_time: the Limine date-at-boot request). */
#include <stdint.h>
#include "platform/x86/io.h"
#include "platform/x86/rtc.h"
#include "kernel/platform.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define RTC_UIP 0x80		/* update in progress: the registers are changing */
#define RTC_BINARY 0x04		/* status B: binary, not BCD */
#define RTC_24H 0x02		/* status B: 24-hour clock */
#define RTC_CENTURY 0x32	/* the ACPI FADT's usual century register */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

uint8_t rtc_read(uint8_t reg)
{
	for (uint32_t i = 0; i < RTC_SPIN_LIMIT && (cmos_read(RTC_STATUS_A) & RTC_UIP); i++)
		;
	return cmos_read(reg);
}

static unsigned field(uint8_t v, int binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 15u);
}

int64_t platform_unix_time(void)
{
	uint8_t b = rtc_read(RTC_STATUS_B), raw[7];
	static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, RTC_CENTURY };
	for (int i = 0; i < 7; i++)
		raw[i] = rtc_read(regs[i]);
	int bin = b & RTC_BINARY;
	unsigned sec = field(raw[0], bin), min = field(raw[1], bin), hour = field(raw[2] & 0x7f, bin);
	unsigned day = field(raw[3], bin), mon = field(raw[4], bin), year = field(raw[5], bin);
	unsigned century = field(raw[6], bin);
	if (!(b & RTC_24H) && (raw[2] & 0x80))
		hour = (hour % 12) + 12;
	else if (!(b & RTC_24H) && hour == 12)
		hour = 0;
	year += century >= 19 && century <= 21 ? century * 100 : 2000;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60 || year < 1970)
		return 0;	/* no clock, or one that makes no sense */
	/* days since 1970-01-01 of a proleptic Gregorian date (March-based years) */
	int y = (int)year - (mon <= 2), m = (int)mon;
	int era = y / 400, yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + (int)day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	return days * 86400 + hour * 3600 + min * 60 + sec;
}
