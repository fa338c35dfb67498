/* SPDX-License-Identifier: BSD-2-Clause */
/* The PVH loader: an ELF kernel with Xen's PHYS32_ENTRY note. */
#ifndef FWBOOT_PVH_KERNEL_H
#define FWBOOT_PVH_KERNEL_H

#include "kernel/formats/elf.h"
#include "kernel/formats/image.h"

/*
 * The XEN_ELFNOTE_PHYS32_ENTRY value among f's PT_NOTE segments (read
 * through file_read, each bounded). 0 and *entry when found; the reason
 * otherwise (no note, a malformed note, an entry above 4 GiB).
 */
int pvh_find_entry(const struct file *f, const struct elf_info *e, uint32_t *entry, struct diag *d);

int pvh_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
int pvh_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d);

#endif
