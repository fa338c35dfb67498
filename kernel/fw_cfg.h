/* SPDX-License-Identifier: BSD-2-Clause */
/* QEMU's fw_cfg device: layout facts (pure) and the driver (hardware). */
#ifndef FWBOOT_FW_CFG_H
#define FWBOOT_FW_CFG_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_FILE_FIRST 0x0020

#define FW_CFG_VERSION_TRADITIONAL 0x01
#define FW_CFG_VERSION_DMA 0x02

#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08

#define FW_CFG_DIR_ENTRY_SIZE 64
#define FW_CFG_MAX_NAME 55	/* 56 bytes with the NUL */
#define FW_CFG_MAX_FILES 0x3fe0	/* keys 0x0020-0x3fff: every selector a file could have */

/* One directory entry as fwboot keeps it (host byte order). */
struct fw_cfg_entry {
	uint32_t size;
	uint16_t key;
	uint32_t hash;	/* FNV-1a of name (fw_cfg_dir.c): the duplicate check and lookups
			 * compare names only where it matches (names share long prefixes) */
	char name[FW_CFG_MAX_NAME + 1];
};

/*
 * Parse the raw directory (be32 count, then 64-byte entries) in buf[0..len).
 * Fills up to cap entries in out and *count. Rejects a count the buffer
 * cannot hold, names without a NUL, empty entries (name "" or a key below
 * FW_CFG_FILE_FIRST: what a count past the directory's end reads as) and
 * a name given twice. All ST_NO_FW_CFG. Pure.
 */
int fw_cfg_dir_parse(const uint8_t *buf, size_t len, struct fw_cfg_entry *out, size_t cap,
		     size_t *count, struct diag *d);

/* Index of name in the parsed directory, or -1. */
int fw_cfg_dir_lookup(const struct fw_cfg_entry *dir, size_t count, const char *name);

enum fw_cfg_mode {
	FW_CFG_AUTO,	/* DMA when the device offers it */
	FW_CFG_PIO,
	FW_CFG_DMA,	/* insist on DMA */
	FW_CFG_INB,	/* port I/O one inb per byte (the 2010 gPXE patch's way): for benchmarks */
};

/* The device as the front end reads it (kernel/fw_cfg.c, over the platform's ports). */
int fw_cfg_init(enum fw_cfg_mode mode, struct diag *d);
int fw_cfg_uses_dma(void);
/* "DMA", "port I/O" or "port I/O, a byte per inb": for the log. */
const char *fw_cfg_method(void);
/* Copy [off, off+len) of item key to dst; sizes are the caller's to check. */
int fw_cfg_read(uint16_t key, uint64_t off, void *dst, uint64_t len, struct diag *d);
/* Called while a port I/O read runs, every FW_CFG_PROGRESS_STEP bytes and at
 * its end, with the bytes moved and the total; 0 for none. DMA needs none. */
#define FW_CFG_PROGRESS_STEP (1u << 20)
void fw_cfg_set_progress(void (*fn)(uint64_t done, uint64_t total));
/* Read and parse the directory into zalloc'd storage. */
int fw_cfg_read_dir(struct fw_cfg_entry **dir, size_t *count, struct diag *d);

#endif
