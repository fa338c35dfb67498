/* SPDX-License-Identifier: BSD-2-Clause */
/* The CMOS real-time clock (index port 0x70, data 0x71) that every PC QEMU
 * makes has (pc, q35, microvm): its registers, read once an update is not
 * in progress. */
#ifndef FWBOOT_RTC_H
#define FWBOOT_RTC_H

#include <stdint.h>

#define RTC_SECONDS 0x00
#define RTC_SPIN_LIMIT (1u << 26)	/* far more polls than one second takes */

/* Register reg, after the update-in-progress flag clears (bounded). */
uint8_t rtc_read(uint8_t reg);

#endif
