/* SPDX-License-Identifier: BSD-2-Clause */
/* The fw_cfg driver against a simulated device: a good one over DMA and
 * port I/O (reads at increasing offsets cost each byte once), and every way
 * the device can misbehave, each with its status and message. */
#include <stdlib.h>
#include "kernel/alloc.h"
#include "fw_cfg_sim.h"
#include "include/status.h"
#include "test.h"

static const char *const names[] = { "bootorder", "etc/e820", "opt/fwboot/kernel" };

static int read_dir(struct fw_cfg_dev *dev, size_t *n, struct diag *d)
{
	struct fw_cfg_entry *dir;
	d->msg[0] = 0;
	return fw_cfg_dev_read_dir(dev, &dir, n, d);
}

int main(void)
{
	struct sim s;
	struct fw_cfg_dev dev;
	struct diag d;
	size_t n;
	uint8_t dirbuf[4 + 8 * 64];
	uint32_t sizes[3] = { 8, 100, 70000 };
	uint8_t *kern = malloc(70000);
	for (size_t i = 0; i < 70000; i++)
		kern[i] = (uint8_t)(i * 13 + (i >> 8));

	/* a good device with DMA: directory, a file, a read at an offset */
	sim_init(&s, &dev, FW_CFG_VERSION_TRADITIONAL | FW_CFG_VERSION_DMA);
	size_t dl = sim_dir(dirbuf, 3, 3, names, sizes);
	sim_put(&s, FW_CFG_FILE_DIR, dirbuf, (uint32_t)dl);
	sim_put(&s, 0x22, kern, 70000);
	/* pio and inb (a byte per inb: the driver's business) keep to port I/O */
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_PIO, &d), 0);
	ok_eq(dev.use_dma, 0);
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_INB, &d), 0);
	ok_eq(dev.use_dma, 0);
	s.port_reads = 0;
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), 0);
	ok_eq(dev.use_dma, 1);
	ok_eq(read_dir(&dev, &n, &d), 0);
	ok_eq(n, 3);
	uint8_t *buf = malloc(70000);
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 0, buf, 70000, &d), 0);
	ok(memcmp(buf, kern, 70000) == 0);
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 60000, buf, 100, &d), 0);
	ok(memcmp(buf, kern + 60000, 100) == 0);
	ok_eq(s.port_reads, 8);	/* only the signature and the features went through the data port */

	/* port I/O: forced, or the device has no DMA */
	sim_init(&s, &dev, FW_CFG_VERSION_TRADITIONAL);
	sim_put(&s, FW_CFG_FILE_DIR, dirbuf, (uint32_t)dl);
	sim_put(&s, 0x22, kern, 70000);
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_DMA, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: DMA requested but the device lacks it (id 0x1)");
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), 0);
	ok_eq(dev.use_dma, 0);
	ok_eq(read_dir(&dev, &n, &d), 0);
	ok_eq(n, 3);
	/* a walk like a cpio bundle's: 110-byte headers every 700 bytes, in
	 * order. Each byte up to the last header crosses the port once (the old
	 * driver rewound and discarded off bytes for every read: ~3.5 million). */
	s.port_reads = 0;
	s.selects = 0;
	uint8_t hdr[110];
	int same = 1;
	for (uint64_t off = 0; off + sizeof(hdr) <= 70000; off += 700) {
		ok_eq(fw_cfg_dev_read(&dev, 0x22, off, hdr, sizeof(hdr), &d), 0);
		same &= memcmp(hdr, kern + off, sizeof(hdr)) == 0;
	}
	ok(same);
	ok_eq(s.selects, 1);
	ok_eq(s.port_reads, 99 * 700 + 110);
	/* going back re-selects (a rewind), then continues from there */
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 10, hdr, 10, &d), 0);
	ok(memcmp(hdr, kern + 10, 10) == 0);
	ok_eq(s.selects, 2);
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 20, hdr, 10, &d), 0);
	ok(memcmp(hdr, kern + 20, 10) == 0);
	ok_eq(s.selects, 2);
	/* another item in between: selected again */
	ok_eq(fw_cfg_dev_read(&dev, FW_CFG_FILE_DIR, 0, hdr, 4, &d), 0);
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 30, hdr, 10, &d), 0);
	ok(memcmp(hdr, kern + 30, 10) == 0);
	ok_eq(s.selects, 4);

	/* no device: the data port reads 0xff */
	sim_init(&s, &dev, 3);
	s.absent = 1;
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: no device at port 0x510 (signature ff ff ff ff, want \"QEMU\")");
	/* a wrong signature */
	sim_init(&s, &dev, 3);
	sim_put(&s, FW_CFG_SIGNATURE, "QEMX", 4);
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: no device at port 0x510 (signature 51 45 4d 58, want \"QEMU\")");

	for (int dma = 0; dma < 2; dma++) {
		/* a directory count larger than the item: zeros past its end */
		sim_init(&s, &dev, dma ? 3 : 1);
		dl = sim_dir(dirbuf, 5, 3, names, sizes);
		sim_put(&s, FW_CFG_FILE_DIR, dirbuf, (uint32_t)dl);
		ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), 0);
		ok_eq(read_dir(&dev, &n, &d), -ST_NO_FW_CFG);
		ok_str(d.msg, "fw_cfg: directory entry 3 of 5 is empty (key 0x0000, name \"\"): "
			      "the count runs past the directory's entries");
		/* an absurd count */
		put_be32(dirbuf, 0x7fffffff);
		ok_eq(read_dir(&dev, &n, &d), -ST_NO_FW_CFG);
		ok_str(d.msg, "fw_cfg: directory claims 2147483647 files (at most 16352)");
		/* a name without its NUL */
		dl = sim_dir(dirbuf, 3, 3, names, sizes);
		memset(dirbuf + 4 + 64 + 8, 'x', 56);
		ok_eq(read_dir(&dev, &n, &d), -ST_NO_FW_CFG);
		ok_str(d.msg, "fw_cfg: directory entry 1 has no NUL in its name");
		/* a name twice */
		const char *dup[3] = { "opt/a", "opt/b", "opt/a" };
		dl = sim_dir(dirbuf, 3, 3, dup, sizes);
		ok_eq(read_dir(&dev, &n, &d), -ST_NO_FW_CFG);
		ok_str(d.msg, "fw_cfg: directory names \"opt/a\" twice (entries 0 and 2)");
		/* a file shorter than its directory size: zeros past its end, as
		 * QEMU's device gives; the payload's own checks (CRC, a sha256= pin)
		 * are what catch it */
		dl = sim_dir(dirbuf, 3, 3, names, sizes);
		sim_put(&s, 0x22, kern, 1000);
		memset(buf, 0xee, 2000);
		ok_eq(fw_cfg_dev_read(&dev, 0x22, 0, buf, 2000, &d), 0);
		ok(memcmp(buf, kern, 1000) == 0);
		ok(buf[1000] == 0 && buf[1999] == 0);
	}

	/* DMA that sets the error bit */
	sim_init(&s, &dev, 3);
	dl = sim_dir(dirbuf, 3, 3, names, sizes);
	sim_put(&s, FW_CFG_FILE_DIR, dirbuf, (uint32_t)dl);
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), 0);
	s.dma = SIM_DMA_ERROR;
	ok_eq(read_dir(&dev, &n, &d), -ST_IO);
	ok_str(d.msg, "fw_cfg: DMA transfer failed (control 0x19000a, the device set the error bit)");
	ok_eq(fw_cfg_dev_read(&dev, 0x22, 5, buf, 10, &d), -ST_IO);
	ok_str(d.msg, "fw_cfg: DMA transfer failed (control 0x22000c, the device set the error bit)");
	/* DMA that never completes: the wait is bounded and says so */
	s.dma = SIM_DMA_NEVER;
	dev.dma_polls = 1000;
	ok_eq(read_dir(&dev, &n, &d), -ST_IO);
	ok_str(d.msg, "fw_cfg: DMA transfer did not complete (control 0x19000a, still busy after 1000 polls)");
	ok_eq(s.dma_runs, 3);
	/* the default bound is the hang guard */
	sim_init(&s, &dev, 3);
	ok_eq(fw_cfg_dev_init(&dev, FW_CFG_AUTO, &d), 0);
	ok_eq(dev.dma_polls, FW_CFG_DMA_POLLS);

	free(buf);
	free(kern);
	return test_done("fw_cfg_dev");
}
