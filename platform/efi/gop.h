/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's display: the firmware's Graphics Output Protocol, offered
 * to the planners as a fixed list of modes (VIDEO_MODE_LIST), and the
 * chosen mode set before ExitBootServices. */
#ifndef FWBOOT_EFI_GOP_H
#define FWBOOT_EFI_GOP_H

#include "lib/diag.h"
#include "kernel/video.h"

/* Fill c from GOP (modes with a framebuffer only); VIDEO_NONE without. */
void efi_gop_probe(struct video_caps *c);
/* Set the listed mode m (before ExitBootServices); 0, or the reason. */
int efi_gop_set(const struct video_mode *m, struct diag *d);
/* The mode efi_gop_set set is m. */
int efi_gop_is_set(const struct video_mode *m);

#endif
