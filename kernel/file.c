/* SPDX-License-Identifier: BSD-2-Clause */
/* file_read for the kernel: memory-backed files by copy, the rest by fw_cfg. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/file.h"
#include "kernel/fw_cfg.h"
#include "include/status.h"

int file_read(const struct file *f, uint64_t off, void *dst, uint64_t len)
{
	if (off > f->size || len > f->size - off)
		return -ST_IO;
	if (f->mem) {
		memcpy(dst, f->mem + off, (size_t)len);
		return 0;
	}
	return fw_cfg_read(f->key, f->base + off, dst, len, 0);
}
