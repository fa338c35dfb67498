/* SPDX-License-Identifier: BSD-2-Clause */
/* Started through PVH (boot/pvh.S): the hvm_start_info a PVH loader handed
 * over, read by pvh_info_read in place. The start info and the command line
 * stay claimed until main.c has copied what it needs. */
#include <stdint.h>
#include "platform/bios/bootinfo.h"
#include "kernel/console.h"
#include "include/hvm_start_info.h"
#include "platform/bios/start.h"
#include "include/status.h"
#include "lib/str.h"

/* fwboot runs with paging off: guest-physical memory below 4 GiB is
 * addressed as is; nothing above it is in reach. */
static const uint8_t *phys_window(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	if (addr > MEM_4G || len > MEM_4G - addr)
		return 0;
	return (const uint8_t *)(uintptr_t)addr;
}

void start_read_pvh(uint32_t info_addr, struct mem_map *m, struct loader_info *li)
{
	struct diag d;
	int r = pvh_info_read(phys_window, 0, info_addr, li, m, &d);
	if (r)
		panic_diag(r, &d);
	mem_claim(m, info_addr, sizeof(struct hvm_start_info), CLAIM_SELF, "loader boot information", 0);
	mem_claim(m, (uintptr_t)li->cmdline, str_len(li->cmdline) + 1, CLAIM_SELF, "loader command line", 0);
}
