/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz pvh_info_read, fwboot's reader of the hvm_start_info a PVH loader
 * hands it: the input is guest memory from address 0, its first four bytes
 * name where the start info lies. Every accepted read must give a command
 * line that ends inside memory and a non-empty, sorted memory map. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "platform/bios/bootinfo.h"
#include "lib/byteorder.h"

int fuzz_one(const uint8_t *data, size_t size);

struct window {
	const uint8_t *mem;
	size_t size;
};

static const uint8_t *window(void *ctx, uint64_t addr, uint64_t len)
{
	const struct window *w = ctx;
	if (addr > w->size || len > w->size - addr)
		return 0;
	return w->mem + addr;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	static struct mem_region map[16], ram[16];
	static struct mem_claim claims[4];
	struct mem_map m;
	struct loader_info li;
	struct diag d;
	if (size < 4)
		return 0;
	struct window w = { data, size };
	mem_init(&m, map, 16, ram, 16, claims, 4);
	if (pvh_info_read(window, &w, get_le32(data), &li, &m, &d) == 0) {
		const uint8_t *c = (const uint8_t *)li.cmdline;
		if (*li.cmdline && (c < data || c >= data + size || !memchr(c, 0, data + size - c)))
			abort();	/* a command line that does not end inside memory */
		if (m.nmap == 0)
			abort();
	}
	return 0;
}
