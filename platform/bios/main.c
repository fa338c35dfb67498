/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot_main: fwboot.elf and fwboot-pvh.elf on a BIOS machine (SeaBIOS,
 * qboot, GRUB, a PVH loader). Set up the platform (console, what the loader
 * handed over, memory, heap, display, firmware tables), then run the one
 * front end (kernel/frontend.c). */
#include <stdint.h>
#include "kernel/console.h"
#include "kernel/frontend.h"
#include "kernel/steps.h"
#include "include/hvm_start_info.h"	/* XEN_HVM_START_MAGIC_VALUE: boot/pvh.S's EAX */
#include "include/status.h"
#include "platform/bios/bios.h"
#include "platform/bios/start.h"
#include "platform/x86/uart.h"

#define LOADER_NAME "fwboot " FWBOOT_VERSION

extern char _image_start[], _image_end[];

/* "Multiboot 1", "PVH (start info version 1 at 0x...)" for the log. */
static void log_start(const struct loader_info *li, uint32_t info_addr)
{
	const char *by = li->loader_name ? li->loader_name : "an unnamed loader";
	if (li->protocol == START_PVH)
		log_info("boot: started by %s through PVH (start info version %u at 0x%x)", by, li->version,
			 info_addr);
	else
		log_info("boot: started by %s through Multiboot %d", by, li->protocol);
	if (li->nr_modules)
		log_notice("boot: ignoring the %u modules the loader passed (fwboot's files come from fw_cfg)",
			   li->nr_modules);
}

void fwboot_main(uint32_t magic, uint32_t info_addr)
{
	struct loader_info li;
	steps_start();
	uart_init();
	video_probe(&bios_video);
	vga_text_enable(bios_video.vga_text);
	/* what the loader handed over, through the reader of the protocol that
	 * started fwboot (boot/pvh.S puts the PVH magic in EAX) */
	bios_map_init();
	if (magic == XEN_HVM_START_MAGIC_VALUE)
		start_read_pvh(info_addr, &bios_mm, &li);
	else
		start_read_multiboot(magic, info_addr, &bios_mm, &li);
	frontend_console(li.cmdline);
	log_start(&li, info_addr);
	mem_claim(&bios_mm, 0, 0x500, CLAIM_FIRMWARE, "BIOS interrupt table and data area", 0);
	mem_claim(&bios_mm, (uintptr_t)_image_start, (uintptr_t)(_image_end - _image_start), CLAIM_SELF,
		  "fwboot image", 0);
	/* the firmware's map line by line with `verbose`; its size on the heap's line */
	for (size_t i = 0; i < bios_mm.nmap; i++)
		log_verbose("memory: 0x%010llx-0x%010llx type %u", (unsigned long long)bios_mm.map[i].start,
			 (unsigned long long)bios_mm.map[i].end - 1, bios_mm.map[i].type);
	bios_heap_setup();
	{
		char vs[160];
		log_info("video: %s", video_caps_str(&bios_video, vs, sizeof(vs)));
	}
	bios_machine_probe(&li);

	struct frontend_start st = { li.cmdline, cmdline_path_rule(li.loader_name, li.protocol), LOADER_NAME };
	frontend_run(&st);
	panic(ST_INTERNAL, "boot: the payload came back, and a BIOS boot has nowhere to return to");
}

