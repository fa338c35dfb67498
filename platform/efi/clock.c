/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's clocks: waiting and timing the TSC by the firmware's Stall. */
#include "kernel/platform.h"
#include "platform/efi/firmware.h"

void platform_sleep(unsigned seconds)
{
	efi_st->boot_services->stall((uint64_t)seconds * 1000000u);
}

/* The TSC's rate over 10 ms of the firmware's Stall: only while boot
 * services are there (steps_calibrate runs before ExitBootServices). */
uint64_t platform_cycles_hz(const char **clock)
{
	static uint64_t hz;
	*clock = "the firmware's Stall";
	if (!hz && efi_boot_services_up()) {
		uint64_t t0 = platform_cycles();
		efi_st->boot_services->stall(10000);
		hz = (platform_cycles() - t0) * 100;
	}
	return hz;
}
