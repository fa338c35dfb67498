/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the fw_cfg driver (kernel/fw_cfg_dev.c) against the simulated device
 * of tests/unit/fw_cfg_sim.h, driven by the input: byte 0 the features,
 * byte 1 the mode and the device's misbehaviour (no device, a wrong
 * signature, DMA error bit, DMA that never completes), the rest the
 * directory item (and the content of the files it names). Whatever the
 * device does, the driver must not crash or hang, and every read it calls
 * good must return the item's bytes (zeros past its end). */
#include <stdint.h>
#include <string.h>
#include "fw_cfg_sim.h"
#include "include/status.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	static struct sim s;
	static struct fw_cfg_dev dev;
	static uint8_t buf[8192];
	if (size < 2)
		return 0;
	uint8_t how = data[1];
	sim_init(&s, &dev, data[0]);
	dev.dma_polls = 64;	/* the bound is what is tested, not its size */
	s.absent = (how & 0x30) == 0x30;
	s.dma = (how >> 2) & 3;
	if (s.dma > SIM_DMA_NEVER)
		s.dma = SIM_DMA_OK;
	if (how & 0x40)
		sim_put(&s, FW_CFG_SIGNATURE, "QEMu", 4);
	const uint8_t *item = data + 2;
	uint32_t len = (uint32_t)(size - 2);
	sim_put(&s, FW_CFG_FILE_DIR, item, len);
	for (uint16_t k = 0; k < 8; k++)	/* the files: the input again, from different offsets */
		sim_put(&s, (uint16_t)(FW_CFG_FILE_FIRST + k), item + (k * 7 < len ? k * 7 : len), len > k * 7u ? len - k * 7u : 0);
	struct diag d;
	enum fw_cfg_mode mode = (enum fw_cfg_mode)(how & 3) > FW_CFG_DMA ? FW_CFG_AUTO : (enum fw_cfg_mode)(how & 3);
	if (fw_cfg_dev_init(&dev, mode, &d))
		return 0;
	struct fw_cfg_entry *dir;
	size_t n;
	if (fw_cfg_dev_read_dir(&dev, &dir, &n, &d))
		return 0;
	for (size_t i = 0; i < n && i < 16; i++) {
		struct sim_item *it = sim_item(&s, dir[i].key);
		uint64_t off = dir[i].size % 97, want = dir[i].size < sizeof(buf) ? dir[i].size : sizeof(buf);
		memset(buf, 0xa5, sizeof(buf));
		if (fw_cfg_dev_read(&dev, dir[i].key, off, buf, want, &d))
			continue;
		for (uint64_t j = 0; j < want; j++) {
			uint8_t expect = it && off + j < it->len ? it->data[off + j] : 0;
			if (buf[j] != expect)
				__builtin_trap();
		}
	}
	return 0;
}
