/* SPDX-License-Identifier: BSD-2-Clause */
/* fw_cfg driver logic: signature, features, reads by port I/O or DMA, the
 * directory. The device is reached only through dev->ops. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "lib/byteorder.h"
#include "kernel/fw_cfg_dev.h"
#include "include/status.h"

#define MAX_ITEM 0x100000000ULL	/* fw_cfg items are smaller than 4 GiB */
#define DMA_CHUNK 0x40000000u	/* descriptor length is 32 bits: move at most 1 GiB at a time */
#define PIO_SINK 512

static void compiler_barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

static void select_key(struct fw_cfg_dev *dev, uint16_t key)
{
	dev->ops->select(dev->ctx, key);
	dev->have_key = 1;
	dev->key = key;
	dev->pos = 0;
}

static int dma_run(struct fw_cfg_dev *dev, uint32_t control, uint32_t length, uint64_t address,
		   struct diag *d)
{
	volatile uint8_t *desc = dev->desc;
	put_be32(dev->desc, control);
	put_be32(dev->desc + 4, length);
	put_be64(dev->desc + 8, address);
	compiler_barrier();
	dev->ops->dma_start(dev->ctx, (uint64_t)(uintptr_t)dev->desc);
	for (uint32_t i = 0; i < dev->dma_polls; i++) {
		compiler_barrier();
		uint32_t c = (uint32_t)desc[0] << 24 | (uint32_t)desc[1] << 16 | (uint32_t)desc[2] << 8 | desc[3];
		if (c & FW_CFG_DMA_CTL_ERROR)
			return diag_fail(d, ST_IO, "fw_cfg: DMA transfer failed (control 0x%x, the device set the error bit)",
					 control);
		if (c == 0)
			return 0;
	}
	return diag_fail(d, ST_IO, "fw_cfg: DMA transfer did not complete (control 0x%x, still busy after %u polls)",
			 control, dev->dma_polls);
}

int fw_cfg_dev_init(struct fw_cfg_dev *dev, enum fw_cfg_mode mode, struct diag *d)
{
	uint8_t sig[4], id[4];
	if (!dev->dma_polls)
		dev->dma_polls = FW_CFG_DMA_POLLS;
	dev->use_dma = 0;
	select_key(dev, FW_CFG_SIGNATURE);
	dev->ops->data_in(dev->ctx, sig, 4);
	dev->pos = 4;
	if (memcmp(sig, "QEMU", 4))
		return diag_fail(d, ST_NO_FW_CFG,
				 "fw_cfg: no device at port 0x%x (signature %02x %02x %02x %02x, want \"QEMU\")",
				 FW_CFG_PORT_SEL, sig[0], sig[1], sig[2], sig[3]);
	select_key(dev, FW_CFG_ID);
	dev->ops->data_in(dev->ctx, id, 4);
	dev->pos = 4;
	uint32_t features = get_le32(id);
	dev->use_dma = (features & FW_CFG_VERSION_DMA) && mode != FW_CFG_PIO && mode != FW_CFG_INB;
	if (mode == FW_CFG_DMA && !dev->use_dma)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: DMA requested but the device lacks it (id 0x%x)",
				 features);
	return 0;
}

static int pio_read(struct fw_cfg_dev *dev, uint16_t key, uint64_t off, uint8_t *dst, uint64_t len)
{
	uint8_t sink[PIO_SINK];
	if (!dev->have_key || dev->key != key || off < dev->pos)
		select_key(dev, key);	/* selecting rewinds the item to offset 0 */
	while (dev->pos < off) {
		uint64_t gap = off - dev->pos;
		uint32_t n = gap < sizeof(sink) ? (uint32_t)gap : sizeof(sink);
		dev->ops->data_in(dev->ctx, sink, n);
		dev->pos += n;
	}
	uint64_t total = len;
	uint32_t step = dev->progress ? FW_CFG_PROGRESS_STEP : DMA_CHUNK;
	while (len) {
		uint32_t n = len < step ? (uint32_t)len : step;
		dev->ops->data_in(dev->ctx, dst, n);
		dev->pos += n;
		dst += n;
		len -= n;
		if (dev->progress)
			dev->progress(total - len, total);
	}
	return 0;
}

int fw_cfg_dev_read(struct fw_cfg_dev *dev, uint16_t key, uint64_t off, void *dst, uint64_t len,
		    struct diag *d)
{
	if (off >= MAX_ITEM || len > MAX_ITEM - off || (uintptr_t)dst + len < (uintptr_t)dst)
		return diag_fail(d, ST_IO, "fw_cfg: read of item 0x%x out of range", key);
	if (!dev->use_dma)
		return pio_read(dev, key, off, dst, len);

	dev->have_key = 0;	/* DMA moves the item's position: port I/O selects again */
	uint32_t ctl = (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT;
	int r;
	if (off) {
		r = dma_run(dev, ctl | FW_CFG_DMA_CTL_SKIP, (uint32_t)off, 0, d);
		if (r)
			return r;
		ctl = 0;
	}
	uint8_t *p = dst;
	while (len) {
		uint32_t n = len < DMA_CHUNK ? (uint32_t)len : DMA_CHUNK;
		r = dma_run(dev, ctl | FW_CFG_DMA_CTL_READ, n, (uint64_t)(uintptr_t)p, d);
		if (r)
			return r;
		ctl = 0;
		p += n;
		len -= n;
	}
	return 0;
}

int fw_cfg_dev_read_dir(struct fw_cfg_dev *dev, struct fw_cfg_entry **dir, size_t *count, struct diag *d)
{
	uint8_t head[4];
	int r = fw_cfg_dev_read(dev, FW_CFG_FILE_DIR, 0, head, 4, d);
	if (r)
		return r;
	uint32_t n = get_be32(head);
	if (n > FW_CFG_MAX_FILES)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory claims %u files (at most %u)", n,
				 FW_CFG_MAX_FILES);
	size_t len = 4 + (size_t)n * FW_CFG_DIR_ENTRY_SIZE;
	uint8_t *raw = alloc_filled(len);
	*dir = zalloc((n ? n : 1) * sizeof(**dir));
	if (!raw || !*dir)
		return diag_fail(d, ST_NO_MEMORY, "fw_cfg: no memory for a directory of %u files", n);
	r = fw_cfg_dev_read(dev, FW_CFG_FILE_DIR, 0, raw, len, d);
	if (r)
		return r;
	return fw_cfg_dir_parse(raw, len, *dir, n, count, d);
}
