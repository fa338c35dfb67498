/* SPDX-License-Identifier: BSD-2-Clause */
/* fw_cfg's port and DMA access on x86 (selector 0x510, data 0x511, DMA
 * 0x514), for kernel/fw_cfg_dev.c, on both x86 platforms: fwboot.efi runs
 * identity-mapped, so its addresses are physical as fwboot.elf's are. */
#include "kernel/platform.h"
#include "kernel/fw_cfg_dev.h"
#include "platform/x86/io.h"

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
	/* the register's high half is 0 at startup and after every operation
	 * (QEMU's docs/specs/fw_cfg.rst), so a descriptor below 4 GiB takes one
	 * write: one port I/O (a VM exit under KVM) less per transfer */
	if (desc >> 32)
		outl(FW_CFG_PORT_DMA, bswap32((uint32_t)(desc >> 32)));
	outl(FW_CFG_PORT_DMA + 4, bswap32((uint32_t)desc));	/* this write starts the transfer */
}

static const struct fw_cfg_ops port_ops = { port_select, port_data_in, port_dma_start };
static const struct fw_cfg_ops byte_ops = { port_select, port_data_in_bytes, port_dma_start };

const struct fw_cfg_ops *platform_fw_cfg_ops(enum fw_cfg_mode mode)
{
	return mode == FW_CFG_INB ? &byte_ops : &port_ops;
}
