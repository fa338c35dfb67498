/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the Multiboot 2 planner (header search and tags, ELF and flat
 * layouts, relocatable placement, modules, the information and its RSDP
 * copy) over a memory map the input chooses (fuzz_map.h); every accepted
 * plan must pass plan_check. The input's last 256 bytes double as the
 * machine's RSDP. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/formats/mb2.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	static uint8_t rsdp[256];
	size_t used = fuzz_map(data, size);
	data += used;
	size -= used;
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, data + (size > sizeof(rsdp) ? size - sizeof(rsdp) : 0), size < sizeof(rsdp) ? size : sizeof(rsdp));

	struct file k = { "opt/k", 0, 0, size, data };
	fuzz_inflated(data, size, (size >> 2) & 1);	/* half: as if inflated from gzip */
	struct file mod = { "opt/m", 0, 0, 12345, fuzz_elsewhere };
	struct boot_module mods[1] = { { &mod, "a b" } };
	struct boot_request req = { .kernel = &k, .args = "args", .mods = mods, .nmods = 1,
				    .loader_name = "fwboot fuzz" };
	/* half the inputs plan for QEMU's standard VGA, the rest for no display */
	static const struct video_caps vga = { .kind = VIDEO_BOCHS_PORTS, .name = "fuzz VGA", .vga_text = 1,
					       .fb_base = 0xfd000000, .vram = 16 << 20, .max_width = 16000,
					       .max_height = 12000, .depths = 0xf };
	/* a quarter also as under UEFI: tags 12 and 17, the latter filled as at ExitBootServices */
	int efi = (size & 24) == 24;
	/* and half of those before ExitBootServices, where tags 7 and 9 keep boot services */
	struct boot_env env = { .mem = &mm, .rsdp = size & 1 ? (uintptr_t)rsdp : 0, .video = size & 2 ? &vga : 0,
				.efi_systab = efi ? 0x7f5ec018 : 0, .efi_mmap_cap = efi ? 48 * 40 + (size & 7) : 0,
				.efi_image = efi && (size & 32) ? 0x7e5d3a18 : 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (mb2_plan(&req, data, n, &env, &p, &d) == 0) {
		/* boot services kept: only with the image handle, and then no tag 17 */
		if ((p.efi_keep_bs && !env.efi_image) || efi != (p.efi_mmap_tag != 0 || p.efi_keep_bs) ||
		    (efi && !p.efi_keep_bs && mb2_efi_mmap_fill(p.efi_mmap_info, p.efi_mmap_tag, p.efi_mmap_room, data,
					      size < p.efi_mmap_room ? size : p.efi_mmap_room, 48, 1)))
			abort();	/* the tag is there exactly under UEFI, with the room asked for */
		plan_check_or_abort(&p, &mm, &req);
		stage_check_or_abort(&p, &mm, FUZZ_TRAMP_CODE, fuzz_phys);
	}
	return 0;
}
