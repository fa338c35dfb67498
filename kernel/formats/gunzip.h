/* SPDX-License-Identifier: BSD-2-Clause */
/* Compressed kernels: a gzip-compressed kernel is inflated before the
 * probe, so every loader sees the plain image. Modules and initrds are
 * passed as they are. */
#ifndef FWBOOT_GUNZIP_H
#define FWBOOT_GUNZIP_H

#include "lib/diag.h"
#include "kernel/physmap.h"
#include "kernel/request.h"

/*
 * *out = *req; then, when the kernel file starts with the gzip magic, read
 * it whole and inflate it, and make out->kernel a memory-backed file of the
 * same name holding the result. Both buffers come from free RAM below
 * 4 GiB through mem_alloc, claimed CLAIM_SELF (dead at hand-off: payload
 * ranges over them are staged); the compressed copy is released once
 * inflated. Every member is inflated, as gzip -d does; bytes after the
 * last member that do not start another are ignored. The output goes into
 * the largest free range (bounded by what DEFLATE can give) and is then
 * moved to its top and claimed exactly. 0 on success (or nothing to do),
 * with d holding a note for the log ("" when there is none: one member,
 * nothing after it); on failure the reason, and m's claims as they were. Pure: memory is reached through
 * the addresses mem_alloc returns.
 */
int gunzip_kernel(const struct boot_request *req, struct mem_map *m, struct boot_request *out,
		  struct diag *d);

#endif
