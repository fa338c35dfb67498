/* SPDX-License-Identifier: BSD-2-Clause */
/* Deadlines by the TSC, at the rate each platform timed it against its
 * own clock (platform_cycles_hz), for the bounded waits of keyboard input. */
#ifndef FWBOOT_X86_TSC_H
#define FWBOOT_X86_TSC_H

#include <stdint.h>

/* The TSC value ms milliseconds from now. */
uint64_t tsc_deadline(unsigned ms);
/* Whether the TSC has passed the deadline. */
int tsc_passed(uint64_t deadline);

#endif
