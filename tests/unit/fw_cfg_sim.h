/* SPDX-License-Identifier: BSD-2-Clause */
/* A simulated fw_cfg device for the host: the driver's port and DMA
 * interface (kernel/fw_cfg_dev.h) over items in memory, with switches for
 * the ways a device can misbehave, and a count of every port access. DMA
 * addresses are host pointers. Reads past an item's end give zeros, as
 * QEMU's device does. One copy per test program (static). */
#ifndef FWBOOT_FW_CFG_SIM_H
#define FWBOOT_FW_CFG_SIM_H

#include <stdint.h>
#include <string.h>
#include "lib/byteorder.h"
#include "kernel/fw_cfg_dev.h"

#define SIM_MAX_ITEMS 64

enum sim_dma {
	SIM_DMA_OK,
	SIM_DMA_ERROR,		/* sets the error bit */
	SIM_DMA_NEVER,		/* never completes */
};

struct sim_item {
	uint16_t key;
	const uint8_t *data;
	uint32_t len;
};

struct sim {
	int absent;		/* no device: every data read gives 0xff */
	enum sim_dma dma;
	struct sim_item items[SIM_MAX_ITEMS];
	size_t nitems;
	int cur;		/* index into items, -1 for an unknown key */
	uint64_t off;
	uint64_t selects, port_reads, dma_runs;
};

static struct sim_item *sim_item(struct sim *s, uint16_t key)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (s->items[i].key == key)
			return &s->items[i];
	return 0;
}

static void sim_put(struct sim *s, uint16_t key, const void *data, uint32_t len)
{
	struct sim_item *it = sim_item(s, key);
	if (!it && s->nitems < SIM_MAX_ITEMS)
		it = &s->items[s->nitems++];
	if (!it)
		return;
	it->key = key;
	it->data = data;
	it->len = len;
}

static void sim_select(void *ctx, uint16_t key)
{
	struct sim *s = ctx;
	struct sim_item *it = sim_item(s, key);
	s->cur = it ? (int)(it - s->items) : -1;
	s->off = 0;
	s->selects++;
}

/* n bytes from the current offset: the item's, then zeros (0xff without a device). */
static void sim_copy(struct sim *s, uint8_t *p, uint64_t n)
{
	uint64_t have = 0;
	if (!s->absent && s->cur >= 0 && s->off < s->items[s->cur].len)
		have = s->items[s->cur].len - s->off;
	if (have > n)
		have = n;
	if (have)
		memcpy(p, s->items[s->cur].data + s->off, (size_t)have);
	memset(p + have, s->absent ? 0xff : 0, (size_t)(n - have));
	s->off += n;
}

static void sim_data_in(void *ctx, void *dst, uint32_t n)
{
	struct sim *s = ctx;
	sim_copy(s, dst, n);
	s->port_reads += n;
}

static void sim_dma_start(void *ctx, uint64_t desc_addr)
{
	struct sim *s = ctx;
	uint8_t *desc = (uint8_t *)(uintptr_t)desc_addr;
	uint32_t ctl = get_be32(desc), len = get_be32(desc + 4);
	uint8_t *dst = (uint8_t *)(uintptr_t)get_be64(desc + 8);
	s->dma_runs++;
	if (s->absent || s->dma == SIM_DMA_NEVER)
		return;
	if (s->dma == SIM_DMA_ERROR) {
		put_be32(desc, ctl | FW_CFG_DMA_CTL_ERROR);
		return;
	}
	if (ctl & FW_CFG_DMA_CTL_SELECT)
		sim_select(s, (uint16_t)(ctl >> 16));
	if (ctl & FW_CFG_DMA_CTL_SKIP)
		s->off += len;
	if (ctl & FW_CFG_DMA_CTL_READ)
		sim_copy(s, dst, len);
	put_be32(desc, 0);
}

static const struct fw_cfg_ops sim_ops = { sim_select, sim_data_in, sim_dma_start };

/* A well-behaved device: signature, the given features, no files yet. */
static void sim_init(struct sim *s, struct fw_cfg_dev *dev, uint32_t features)
{
	static uint8_t id[4];
	memset(s, 0, sizeof(*s));
	s->cur = -1;
	put_le32(id, features);
	sim_put(s, FW_CFG_SIGNATURE, "QEMU", 4);
	sim_put(s, FW_CFG_ID, id, 4);
	memset(dev, 0, sizeof(*dev));
	dev->ops = &sim_ops;
	dev->ctx = s;
}

/* Build a directory of n files into buf (4 + 64 n bytes): names[i] with
 * key 0x20 + i and size sizes[i]; the count field says count. */
static size_t sim_dir(uint8_t *buf, uint32_t count, size_t n, const char *const *names, const uint32_t *sizes)
{
	memset(buf, 0, 4 + n * 64);
	put_be32(buf, count);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = buf + 4 + i * 64;
		put_be32(e, sizes[i]);
		e[4] = (uint8_t)((0x20 + i) >> 8);
		e[5] = (uint8_t)(0x20 + i);
		memcpy(e + 8, names[i], strlen(names[i]) < 56 ? strlen(names[i]) : 56);
	}
	return 4 + n * 64;
}

#endif
