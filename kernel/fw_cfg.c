/* fw_cfg driver: select/read over ports, or DMA. The transport is chosen
 * once, in fw_cfg_init, from FW_CFG_ID (or forced by the command line). */
#include "memfn.h"	/* memcpy and kin: lib/mem.c, or the host libc */
#include "alloc.h"
#include "byteorder.h"
#include "fw_cfg.h"
#include "io.h"
#include "status.h"

#define DMA_SPINS (1u << 24)	/* QEMU completes DMA synchronously; this is a hang guard */
#define MAX_ITEM 0x100000000ULL	/* fw_cfg items are smaller than 4 GiB */
#define DMA_CHUNK 0x40000000u	/* descriptor length is 32 bits: move at most 1 GiB at a time */

struct fw_cfg_dma {
	uint32_t control;	/* big-endian, as all three fields */
	uint32_t length;
	uint64_t address;
} __attribute__((packed, aligned(16)));

_Static_assert(sizeof(struct fw_cfg_dma) == 16, "fw_cfg DMA descriptor is 16 bytes");

static int use_dma;
static volatile struct fw_cfg_dma dma_desc;

static void fw_cfg_select(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static int dma_run(uint32_t control, uint32_t length, uint32_t address, struct diag *d)
{
	dma_desc.control = bswap32(control);
	dma_desc.length = bswap32(length);
	dma_desc.address = (uint64_t)bswap32(address) << 32;	/* be64 of a 32-bit value */
	barrier();
	outl(FW_CFG_PORT_DMA, 0);
	outl(FW_CFG_PORT_DMA + 4, bswap32((uint32_t)(uintptr_t)&dma_desc));
	for (uint32_t i = 0; i < DMA_SPINS; i++) {
		barrier();
		uint32_t c = bswap32(dma_desc.control);
		if (c & FW_CFG_DMA_CTL_ERROR)
			return diag_fail(d, ST_IO, "fw_cfg: DMA transfer failed (control 0x%x)", control);
		if (c == 0)
			return 0;
	}
	return diag_fail(d, ST_IO, "fw_cfg: DMA transfer did not complete (control 0x%x)", control);
}

int fw_cfg_init(enum fw_cfg_mode mode, struct diag *d)
{
	char sig[4];
	fw_cfg_select(FW_CFG_SIGNATURE);
	insb(FW_CFG_PORT_DATA, sig, 4);
	if (memcmp(sig, "QEMU", 4))
		return diag_fail(d, ST_NO_FW_CFG,
				 "fw_cfg: no device at port 0x%x (signature %02x %02x %02x %02x, want \"QEMU\")",
				 FW_CFG_PORT_SEL, (uint8_t)sig[0], (uint8_t)sig[1], (uint8_t)sig[2],
				 (uint8_t)sig[3]);
	uint8_t id[4];
	fw_cfg_select(FW_CFG_ID);
	insb(FW_CFG_PORT_DATA, id, 4);
	uint32_t features = get_le32(id);
	use_dma = (features & FW_CFG_VERSION_DMA) && mode != FW_CFG_PIO;
	if (mode == FW_CFG_DMA && !use_dma)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: DMA requested but the device lacks it (id 0x%x)",
				 features);
	return 0;
}

int fw_cfg_uses_dma(void)
{
	return use_dma;
}

static void (*progress)(uint64_t done, uint64_t total);

void fw_cfg_set_progress(void (*fn)(uint64_t done, uint64_t total))
{
	progress = fn;
}

static int pio_read(uint16_t key, uint64_t off, uint8_t *dst, uint64_t len)
{
	static uint8_t sink[512];
	uint64_t total = len;
	fw_cfg_select(key);
	while (off) {
		uint32_t n = off < sizeof(sink) ? (uint32_t)off : sizeof(sink);
		insb(FW_CFG_PORT_DATA, sink, n);
		off -= n;
	}
	uint32_t step = progress ? FW_CFG_PROGRESS_STEP : DMA_CHUNK;
	while (len) {
		uint32_t n = len < step ? (uint32_t)len : step;
		insb(FW_CFG_PORT_DATA, dst, n);
		dst += n;
		len -= n;
		if (progress)
			progress(total - len, total);
	}
	return 0;
}

int fw_cfg_read(uint16_t key, uint64_t off, void *dst, uint64_t len, struct diag *d)
{
	if (off >= MAX_ITEM || len > MAX_ITEM - off || (uintptr_t)dst + len < (uintptr_t)dst)
		return diag_fail(d, ST_IO, "fw_cfg: read of item 0x%x out of range", key);
	if (!use_dma)
		return pio_read(key, off, dst, len);

	uint32_t ctl = (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT;
	int r;
	if (off) {
		r = dma_run(ctl | FW_CFG_DMA_CTL_SKIP, (uint32_t)off, 0, d);
		if (r)
			return r;
		ctl = 0;
	}
	uint8_t *p = dst;
	while (len) {
		uint32_t n = len < DMA_CHUNK ? (uint32_t)len : DMA_CHUNK;
		r = dma_run(ctl | FW_CFG_DMA_CTL_READ, n, (uint32_t)(uintptr_t)p, d);
		if (r)
			return r;
		ctl = 0;
		p += n;
		len -= n;
	}
	return 0;
}

int fw_cfg_read_dir(struct fw_cfg_entry **dir, size_t *count, struct diag *d)
{
	uint8_t head[4];
	int r = fw_cfg_read(FW_CFG_FILE_DIR, 0, head, 4, d);
	if (r)
		return r;
	uint32_t n = get_be32(head);
	if (n > 0xffff)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory claims %u files", n);
	size_t len = 4 + (size_t)n * FW_CFG_DIR_ENTRY_SIZE;
	uint8_t *raw = zalloc(len);
	*dir = zalloc((n ? n : 1) * sizeof(**dir));
	if (!raw || !*dir)
		return diag_fail(d, ST_NO_MEMORY, "fw_cfg: no memory for a directory of %u files", n);
	r = fw_cfg_read(FW_CFG_FILE_DIR, 0, raw, len, d);
	if (r)
		return r;
	return fw_cfg_dir_parse(raw, len, *dir, n, count, d);
}
