#ifndef FWBOOT_TIMER_H
#define FWBOOT_TIMER_H

/* Wait about n seconds by the RTC; returns early if the RTC does not tick. */
void sleep_seconds(unsigned n);

#endif
