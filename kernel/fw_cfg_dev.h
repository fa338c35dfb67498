/* SPDX-License-Identifier: BSD-2-Clause */
/* The fw_cfg driver's logic over a small device interface, so the same
 * code runs on the target (ports, DMA) and on the host against a simulated,
 * possibly misbehaving device (tests/unit/fw_cfg_sim.h). Pure code. */
#ifndef FWBOOT_FW_CFG_DEV_H
#define FWBOOT_FW_CFG_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/fw_cfg.h"

/* What the driver needs from the device. */
struct fw_cfg_ops {
	void (*select)(void *ctx, uint16_t key);		/* write the selector port */
	void (*data_in)(void *ctx, void *dst, uint32_t n);	/* n reads of the data port */
	void (*dma_start)(void *ctx, uint64_t desc);		/* the descriptor's address to the DMA port */
};

#define FW_CFG_DMA_POLLS (1u << 24)	/* QEMU completes DMA synchronously: a hang guard */

struct fw_cfg_dev {
	const struct fw_cfg_ops *ops;
	void *ctx;
	uint32_t dma_polls;	/* how long to wait for a DMA to complete */
	int use_dma;
	int have_key;		/* port I/O position: item key, offset pos */
	uint16_t key;
	uint64_t pos;
	/* port I/O only: called every FW_CFG_PROGRESS_STEP bytes of a read (NULL: none) */
	void (*progress)(uint64_t done, uint64_t total);
	uint8_t desc[16] __attribute__((aligned(16)));	/* the DMA descriptor, big-endian fields */
};

/* Check the signature, read the features, choose the transport (mode). */
int fw_cfg_dev_init(struct fw_cfg_dev *dev, enum fw_cfg_mode mode, struct diag *d);

/* Copy [off, off+len) of item key to dst. Port I/O keeps its position, so
 * reads at increasing offsets of one item cost the bytes between them, not
 * a rewind; DMA selects and skips in one descriptor. */
int fw_cfg_dev_read(struct fw_cfg_dev *dev, uint16_t key, uint64_t off, void *dst, uint64_t len,
		    struct diag *d);

/* Read and parse the directory into zalloc'd storage; refuses a broken one
 * (count past the item, names without NUL, empty or duplicate entries). */
int fw_cfg_dev_read_dir(struct fw_cfg_dev *dev, struct fw_cfg_entry **dir, size_t *count, struct diag *d);

#endif
