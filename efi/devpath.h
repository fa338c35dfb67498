/* Which file fwboot.efi was loaded from, and whether its load options
 * start with that file's path (the EFI shell puts it first; GRUB's
 * chainloader, OVMF's -kernel and boot entries do not). Pure. */
#ifndef FWBOOT_EFI_DEVPATH_H
#define FWBOOT_EFI_DEVPATH_H

#include <stddef.h>
#include <stdint.h>

/* The text of the last Media File Path node (type 4, subtype 4) of a
 * device path (the Loaded Image protocol's FilePath), in ASCII ('?' for
 * anything else), into buf; 0 when there is none, or the path is
 * malformed (a node shorter than its header, no end node within limit
 * bytes). */
int efi_devpath_file(const void *path, size_t limit, char *buf, size_t cap);

/* Does word (up to the first blank) name the file at image_path? Names
 * compare as FAT does (case-insensitive), without directories, a volume
 * ("fs0:") or a ".efi" suffix: the shell runs "fwboot" as "fwboot.efi".
 * NULL image_path: the image came from no file. */
int efi_names_image(const char *word, const char *image_path);

#endif
