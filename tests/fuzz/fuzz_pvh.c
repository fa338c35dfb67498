/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the PVH loader: ELF parsing, the note walk, the plan and the start
 * info, over a memory map the input chooses (fuzz_map.h); every accepted
 * plan must pass plan_check. */
#include <stdint.h>
#include <string.h>
#include "kernel/formats/pvh.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	size_t used = fuzz_map(data, size);
	data += used;
	size -= used;

	struct file k = { "opt/k", 0, 0, size, data };
	fuzz_inflated(data, size, (size >> 2) & 1);	/* half: as if inflated from gzip */
	struct file mod = { "opt/m", 0, 0, 777, fuzz_elsewhere };
	struct boot_module mods[2] = { { &mod, "" }, { &mod, "x y" } };
	struct boot_request req = { .kernel = &k, .args = "args", .mods = mods, .nmods = 2,
				    .loader_name = "fwboot fuzz" };
	struct boot_env env = { .mem = &mm, .rsdp = 0xf5a40, .smbios = 0, .video = 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (pvh_probe(&k, data, n, &d) == 0 && pvh_plan(&req, data, n, &env, &p, &d) == 0) {
		plan_check_or_abort(&p, &mm, &req);
		stage_check_or_abort(&p, &mm, FUZZ_TRAMP_CODE, fuzz_phys);
	}
	return 0;
}
