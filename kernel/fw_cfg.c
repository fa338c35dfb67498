/* fw_cfg on the machine: the device interface of kernel/fw_cfg_dev.c over
 * QEMU's ports (selector 0x510, data 0x511, DMA 0x514). */
#include "fw_cfg.h"
#include "fw_cfg_dev.h"
#include "io.h"

static void port_select(void *ctx, uint16_t key)
{
	(void)ctx;
	outw(FW_CFG_PORT_SEL, key);
}

static void port_data_in(void *ctx, void *dst, uint32_t n)
{
	(void)ctx;
	insb(FW_CFG_PORT_DATA, dst, n);
}

/* fw_cfg=inb: what a loader without string I/O does, kept to measure what
 * `rep insb` and DMA save (bench/report.py). */
static void port_data_in_bytes(void *ctx, void *dst, uint32_t n)
{
	uint8_t *p = dst;
	(void)ctx;
	while (n--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static void port_dma_start(void *ctx, uint64_t desc)
{
	(void)ctx;
	outl(FW_CFG_PORT_DMA, bswap32((uint32_t)(desc >> 32)));
	outl(FW_CFG_PORT_DMA + 4, bswap32((uint32_t)desc));	/* this write starts the transfer */
}

static const struct fw_cfg_ops port_ops = { port_select, port_data_in, port_dma_start };
static const struct fw_cfg_ops byte_ops = { port_select, port_data_in_bytes, port_dma_start };
static struct fw_cfg_dev dev = { .ops = &port_ops };

int fw_cfg_init(enum fw_cfg_mode mode, struct diag *d)
{
	dev.ops = mode == FW_CFG_INB ? &byte_ops : &port_ops;
	return fw_cfg_dev_init(&dev, mode == FW_CFG_INB ? FW_CFG_PIO : mode, d);
}

const char *fw_cfg_method(void)
{
	if (dev.use_dma)
		return "DMA";
	return dev.ops == &byte_ops ? "port I/O, a byte per inb" : "port I/O";
}

int fw_cfg_uses_dma(void)
{
	return dev.use_dma;
}

void fw_cfg_set_progress(void (*fn)(uint64_t done, uint64_t total))
{
	dev.progress = fn;
}

int fw_cfg_read(uint16_t key, uint64_t off, void *dst, uint64_t len, struct diag *d)
{
	return fw_cfg_dev_read(&dev, key, off, dst, len, d);
}

int fw_cfg_read_dir(struct fw_cfg_entry **dir, size_t *count, struct diag *d)
{
	return fw_cfg_dev_read_dir(&dev, dir, count, d);
}
