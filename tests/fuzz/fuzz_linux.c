/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the Linux bzImage planner (header checks, kernel, window, initrd,
 * boot_params and real-mode placement) over a memory map the input chooses
 * (fuzz_map.h); every accepted plan must pass plan_check. The first
 * byte picks the entry and whether the boot flag and "HdrS" are stamped in,
 * so most inputs get past the probe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "include/bootparam.h"
#include "lib/byteorder.h"
#include "kernel/formats/linux.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	size_t used = fuzz_map(data, size);
	data += used;
	size -= used;
	if (size < 1)
		return 0;
	uint8_t how = data[0];
	data++;
	size--;
	uint8_t *img = malloc(size ? size : 1);
	memcpy(img, data, size);
	if ((how & 1) && size >= LH_HEADER + 4) {
		put_le16(img + LH_BOOT_FLAG, LINUX_BOOT_FLAG);
		put_le32(img + LH_HEADER, LINUX_HDRS_MAGIC);
	}


	static const char *entries[4] = { 0, "32", "16", "x" };
	struct file k = { "opt/k", 0, 0, size, img };
	fuzz_inflated(img, size, (size >> 2) & 1);	/* half: as if inflated from gzip */
	struct file rd1 = { "opt/r1", 0, 0, 12345, fuzz_elsewhere };
	struct file rd2 = { "opt/r2", 0, 0, (uint64_t)(how >> 4) << 22, fuzz_elsewhere };
	struct boot_module mods[2] = { { &rd1, "" }, { &rd2, "" } };
	/* with bit 5, the command line is the input's last 48 bytes (vga=, video=, mem= parsing) */
	char tail[49];
	size_t tn = size < 48 ? size : 48;
	memcpy(tail, data + size - tn, tn);
	tail[tn] = 0;
	for (size_t i = 0; i < tn; i++)
		if (!tail[i])
			tail[i] = ' ';
	const char *args = (how & 32) ? tail : (how & 8) ? "console=ttyS0 vga=0x317 mem=0x4000000" : "";
	struct boot_request req = { &k, args, mods, (how >> 4) & 1 ? 2 : 1, 0, "fwboot fuzz",
				    entries[(how >> 1) & 3] };
	/* and with bit 6, a display to set modes on */
	static const struct video_caps vga = { .kind = VIDEO_BOCHS_PORTS, .name = "fuzz VGA", .vga_text = 1,
					       .fb_base = 0xfd000000, .vram = 16 << 20, .max_width = 16000,
					       .max_height = 12000, .depths = 0xf };
	/* with bit 3 of the size, as under UEFI: efi_info and room for the EFI map */
	int efi = (size & 8) != 0;
	struct boot_env env = { .mem = &mm, .video = (how & 64) ? &vga : 0, .efi_systab = efi ? 0x7f5ec018 : 0,
				.efi_mmap_cap = efi ? 48 * 40 + (size & 7) : 0, .no_bios = (size & 4) != 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (linux_plan(&req, img, n, &env, &p, &d) == 0) {
		/* the map's room exactly under UEFI, for the 32-bit entry (boot_params) */
		static const uint8_t desc[48 * 40];
		if ((p.efi_mmap_linux && (!efi || p.efi_mmap_room != 48 * 40 ||
					  linux_efi_mmap_fill(p.efi_mmap_info, p.efi_mmap_tag, p.efi_mmap_room, desc,
							      48 * (size % 41), 48, 1))) ||
		    (efi && p.mode == ENTRY_FLAT32 && !p.efi_mmap_linux))
			abort();
		plan_check_or_abort(&p, &mm, &req);
		stage_check_or_abort(&p, &mm, FUZZ_TRAMP_CODE, fuzz_phys);
	}
	free(img);
	return 0;
}
