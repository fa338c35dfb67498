/* What the files of platform/bios share among themselves (not the seam:
 * that is kernel/platform.h). */
#ifndef FWBOOT_BIOS_H
#define FWBOOT_BIOS_H

/* Also write to the VGA text screen (on: a VGA is there) or stop (off). */
void vga_text_enable(int on);

#endif
