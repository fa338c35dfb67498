/* SPDX-License-Identifier: BSD-2-Clause */
/* A file fwboot can boot from: a whole fw_cfg item, a range of one (a cpio
 * member), or bytes already in memory (an inflated image). Opening a file
 * records where its bytes are; they move once, at load time. */
#ifndef FWBOOT_FILE_H
#define FWBOOT_FILE_H

#include <stdint.h>

struct file {
	const char *name;	/* as the user wrote it: messages, Multiboot strings */
	uint16_t key;		/* fw_cfg selector (0 when mem is set) */
	uint64_t base;		/* offset of byte 0 inside the fw_cfg item */
	uint64_t size;
	const uint8_t *mem;	/* memory-backed content, or NULL */
};

/* Copy [off, off+len) of f to dst; the range must lie inside the file.
 * Kernel: fw_cfg DMA or memcpy. Host tests: memory-backed files only. */
int file_read(const struct file *f, uint64_t off, void *dst, uint64_t len);

#endif
