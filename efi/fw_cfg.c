/* fw_cfg under UEFI: kernel/fw_cfg_dev.c over QEMU's ports, as in
 * fwboot.elf. UEFI runs identity mapped, so the DMA descriptor's address
 * and every destination are physical addresses; the device state (with the
 * descriptor) lives in a page below 4 GiB, as do the buffers fwboot.efi
 * reads into (efi_alloc_low). */
#include "memfn.h"
#include "fw_cfg.h"
#include "fw_cfg_dev.h"
#include "io.h"
#include "platform.h"
#include "status.h"

static void port_select(void *ctx, uint16_t key)
{
	(void)ctx;
	outw(FW_CFG_PORT_SEL, key);
}

/* rep insb with a 64-bit count: io.h's insb takes 32 bits, which x86-64's
 * rep reads from all of RCX. */
static void port_data_in(void *ctx, void *dst, uint32_t n)
{
	uint64_t count = n;
	(void)ctx;
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(count) : "d"((uint16_t)FW_CFG_PORT_DATA) : "memory");
}

static void port_dma_start(void *ctx, uint64_t desc)
{
	(void)ctx;
	outl(FW_CFG_PORT_DMA, bswap32((uint32_t)(desc >> 32)));
	outl(FW_CFG_PORT_DMA + 4, bswap32((uint32_t)desc));	/* this write starts the transfer */
}

static const struct fw_cfg_ops port_ops = { port_select, port_data_in, port_dma_start };
static struct fw_cfg_dev *dev;

int fw_cfg_init(enum fw_cfg_mode mode, struct diag *d)
{
	if (!dev) {
		dev = efi_alloc_low(sizeof(*dev));
		if (!dev)
			return diag_fail(d, ST_NO_MEMORY, "fw_cfg: no page below 4 GiB for the DMA descriptor");
		memset(dev, 0, sizeof(*dev));
	}
	dev->ops = &port_ops;
	return fw_cfg_dev_init(dev, mode == FW_CFG_INB ? FW_CFG_PIO : mode, d);
}

const char *fw_cfg_method(void)
{
	return dev && dev->use_dma ? "DMA" : "port I/O";
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
	return fw_cfg_dev_read(dev, key, off, dst, len, d);
}

int fw_cfg_read_dir(struct fw_cfg_entry **dir, size_t *count, struct diag *d)
{
	return fw_cfg_dev_read_dir(dev, dir, count, d);
}
