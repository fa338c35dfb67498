/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot's files: the fw_cfg directory, opening a file or a bundle member
 * ("archive#member", through a cached member index), and the listings a
 * failure prints, bounded: the closest names and a count of the rest. */
#ifndef FWBOOT_FILES_H
#define FWBOOT_FILES_H

#include <stddef.h>
#include "kernel/file.h"
#include "kernel/fw_cfg.h"
#include "lib/diag.h"

/* Listings longer than this show the LIST_CLOSEST names closest to the
 * one asked for, and how many others there are. */
#define LIST_ALL_MAX 32
#define LIST_CLOSEST 10

/* The directory the front end works from (fw_cfg_read_dir's). */
void files_set_directory(struct fw_cfg_entry *dir, size_t n);

/* Open a fw_cfg file by name, or a member of a cpio bundle in one
 * ("archive#member"): *out a zalloc'd file. 0, or a negative status with
 * the reason (what is missing) in d. */
int files_open(const char *name, struct file **out, struct diag *d);

/* Print the whole directory (name, size, key). */
void files_list_directory(void);

/* After files_open failed with -ST_NOT_FOUND for name: print what there
 * is instead (the bundle's members when the archive exists, else the
 * directory), bounded as above. Returns "bundle's members" or "directory"
 * for the message that follows. */
const char *files_list_instead(const char *name);

/* How close candidate is to want, for the bounded listings: larger is
 * closer (the common prefix first, then a similar length). Pure. */
unsigned files_closeness(const char *want, const char *candidate);

#endif
