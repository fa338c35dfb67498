/* SPDX-License-Identifier: BSD-2-Clause */
/* Which file fwboot.efi was loaded from, and whether its load options
 * start with that file's path (the EFI shell puts it first; GRUB's
 * chainloader, OVMF's -kernel and boot entries do not). Pure. */
#ifndef FWBOOT_EFI_DEVPATH_H
#define FWBOOT_EFI_DEVPATH_H

#include <stddef.h>
#include <stdint.h>

/* The file a device path (the Loaded Image protocol's FilePath) names:
 * its last run of Media File Path nodes (type 4, subtype 4), joined with
 * "\\" where a piece lacks one, in ASCII ('?' for anything else), into
 * buf; 0 when there is none, or the path is malformed (a node shorter than
 * its header, no end node within limit bytes). */
int efi_devpath_file(const void *path, size_t limit, char *buf, size_t cap);

/* Does word (up to the first blank) name the file at image_path: is it
 * that path, or its tail from a directory on? Paths compare as FAT does
 * (case-insensitive, "/" as "\\"), without a volume ("fs0:"), and ".efi"
 * may be left out (the shell runs "fwboot" as "fwboot.efi"). NULL
 * image_path: the image came from no file. */
int efi_names_image(const char *word, const char *image_path);

#endif
