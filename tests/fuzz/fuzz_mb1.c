/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the Multiboot 1 planner (header search, ELF parsing, a.out kludge,
 * placement, info building) over a memory map the input chooses
 * (fuzz_map.h); every accepted plan must pass plan_check, and what plan_stage
 * decides for it stage_check. */
#include <stdint.h>
#include <string.h>
#include "kernel/formats/mb1.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	size_t used = fuzz_map(data, size);
	data += used;
	size -= used;

	struct file k = { "opt/k", 0, 0, size, data };
	fuzz_inflated(data, size, (size >> 2) & 1);	/* half: as if inflated from gzip */
	struct file mod = { "opt/m", 0, 0, 12345, fuzz_elsewhere };
	struct boot_module mods[1] = { { &mod, "a b" } };
	struct boot_request req = { &k, "args", mods, 1, 0, "fwboot fuzz", 0 };
	/* half the inputs plan for QEMU's standard VGA, the rest for no display */
	static const struct video_caps vga = { .kind = VIDEO_BOCHS_PORTS, .name = "fuzz VGA", .vga_text = 1,
					       .fb_base = 0xfd000000, .vram = 16 << 20, .max_width = 16000,
					       .max_height = 12000, .depths = 0xf };
	struct boot_env env = { .mem = &mm, .rsdp = 0, .smbios = 0, .video = size & 2 ? &vga : 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (mb1_plan(&req, data, n, &env, &p, &d) == 0) {
		plan_check_or_abort(&p, &mm, &req);
		stage_check_or_abort(&p, &mm, FUZZ_TRAMP_CODE, fuzz_phys);
	}
	return 0;
}
