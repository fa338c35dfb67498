/* SPDX-License-Identifier: BSD-2-Clause */
/* Started through Multiboot: the information block QEMU's -kernel (on pc
 * through its option ROM, on microvm through qboot) or GRUB handed over. */
#include <stdint.h>
#include "platform/bios/bootinfo.h"
#include "lib/byteorder.h"
#include "kernel/console.h"
#include "include/multiboot1.h"
#include "platform/bios/start.h"
#include "include/status.h"
#include "lib/str.h"

static const void *phys(uint32_t a)
{
	return (const void *)(uintptr_t)a;
}

/* The memory map from a Multiboot 1 info block: the map when given, else
 * the two sizes. */
static void read_mb1_memory(const uint8_t *info, struct mem_map *m)
{
	uint32_t flags = get_le32(info);
	if (flags & MB1_IF_MMAP) {
		const uint8_t *p = phys(get_le32(info + MB1_I_MMAP_ADDR));
		uint32_t len = get_le32(info + MB1_I_MMAP_LENGTH);
		for (uint32_t off = 0; off + 4 <= len;) {
			uint32_t size = get_le32(p + off);
			if (size < 20 || size > len - off - 4)
				break;
			if (mem_add(m, get_le64(p + off + 4), get_le64(p + off + 12), get_le32(p + off + 20)))
				panic(ST_NO_MEMORY, "memory: loader's map has more than %zu entries", m->mapcap);
			off += size + 4;
		}
	}
	if (m->nmap == 0 && (flags & MB1_IF_MEMORY)) {
		mem_add(m, 0, (uint64_t)get_le32(info + MB1_I_MEM_LOWER) * 1024, MEM_AVAILABLE);
		mem_add(m, MEM_LOW_END, (uint64_t)get_le32(info + MB1_I_MEM_UPPER) * 1024, MEM_AVAILABLE);
	}
	if (m->nmap == 0)
		panic(ST_NO_MEMORY, "memory: the loader gave no memory map and no memory sizes (flags 0x%x)", flags);
	mem_finish(m);
}

void start_read_multiboot(uint32_t magic, uint32_t info_addr, struct mem_map *m, struct loader_info *li)
{
	struct diag d;
	const uint8_t *info = phys(info_addr);

	if (magic == MB2_BOOTLOADER_MAGIC_IN) {
		uint32_t total = get_le32(info);
		int r = mb2_info_read(info, total, li, m, &d);
		if (r)
			panic_diag(r, &d);
		mem_claim(m, info_addr, total, CLAIM_SELF, "loader boot information", 0);
	} else if (magic == MB1_BOOTLOADER_MAGIC) {
		uint32_t flags = get_le32(info);
		li->protocol = START_MULTIBOOT1;
		li->rsdp = 0;
		li->nr_modules = 0;
		li->version = 0;
		li->loader_name = flags & MB1_IF_LOADER_NAME ? phys(get_le32(info + MB1_I_LOADER_NAME)) : 0;
		li->cmdline = flags & MB1_IF_CMDLINE ? phys(get_le32(info + MB1_I_CMDLINE)) : "";
		read_mb1_memory(info, m);
		mem_claim(m, (uintptr_t)li->cmdline, str_len(li->cmdline) + 1, CLAIM_SELF,
			  "loader command line", 0);
	} else {
		panic(ST_INTERNAL, "boot: not started by a Multiboot or PVH loader (eax 0x%x)", magic);
	}
}
