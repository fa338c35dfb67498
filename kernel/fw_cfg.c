/* SPDX-License-Identifier: BSD-2-Clause */
/* fw_cfg for the front end: kernel/fw_cfg_dev.c's driver over the
 * platform's port and DMA access (platform_fw_cfg_ops). The device state,
 * with its DMA descriptor, lives in fwboot's heap (below 4 GiB). */
#include "kernel/fw_cfg.h"
#include "kernel/alloc.h"
#include "kernel/fw_cfg_dev.h"
#include "kernel/platform.h"
#include "include/status.h"

static struct fw_cfg_dev *dev;
static int by_bytes;

int fw_cfg_init(enum fw_cfg_mode mode, struct diag *d)
{
	if (!dev && !(dev = zalloc(sizeof(*dev))))
		return diag_fail(d, ST_NO_MEMORY, "fw_cfg: no memory for the device state");
	dev->ops = platform_fw_cfg_ops(mode);
	by_bytes = mode == FW_CFG_INB;
	return fw_cfg_dev_init(dev, mode == FW_CFG_INB ? FW_CFG_PIO : mode, d);
}

const char *fw_cfg_method(void)
{
	if (dev && dev->use_dma)
		return "DMA";
	return by_bytes ? "port I/O, a byte per inb" : "port I/O";
}

int fw_cfg_uses_dma(void)
{
	return dev && dev->use_dma;
}

void fw_cfg_set_progress(void (*fn)(uint64_t done, uint64_t total))
{
	if (dev)
		dev->progress = fn;
}

int fw_cfg_read(uint16_t key, uint64_t off, void *dst, uint64_t len, struct diag *d)
{
	if (!dev)
		return diag_fail(d, ST_IO, "fw_cfg: read before the device was set up");
	return fw_cfg_dev_read(dev, key, off, dst, len, d);
}

int fw_cfg_read_dir(struct fw_cfg_entry **dir, size_t *count, struct diag *d)
{
	return fw_cfg_dev_read_dir(dev, dir, count, d);
}
