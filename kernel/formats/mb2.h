/* SPDX-License-Identifier: BSD-2-Clause */
/* The Multiboot 2 loader. */
#ifndef FWBOOT_MB2_H
#define FWBOOT_MB2_H

#include "kernel/formats/image.h"

/* A checked header: what its tags ask for, all of it honourable. */
struct mb2_header {
	uint32_t offset;	/* file offset of the magic */
	uint32_t length;	/* header_length */
	int has_address, has_entry, has_reloc;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;	/* address tag */
	uint32_t entry_addr;	/* entry address tag */
	uint32_t min_addr, max_addr, align, preference;	/* relocatable tag */
	int ega_console;	/* console required, EGA text accepted: report it */
	uint32_t fb_console;	/* console required, no EGA text: its console_flags (a framebuffer must be set) */
	int module_align;	/* module alignment tag seen (fwboot page-aligns always) */
	int fb_tag, fb_required;	/* framebuffer tag seen; without the optional flag */
	uint32_t fb_width, fb_height, fb_depth;	/* what it asks (0: no preference) */
	uint32_t requested;	/* bit t: information tag type t asked for (types below 32) */
	uint32_t required;	/* bit t: asked for without the optional flag */
	uint32_t skipped;	/* magics before it whose checksum failed */
	uint32_t skip_off, skip_sum;	/* the first of them */
	int efi_bs, efi_bs_required;	/* tag 7: keep boot services (optional or not) */
	int has_efi64;			/* tag 9: the EFI amd64 entry */
	uint32_t efi64_entry;
};

/*
 * Find the header in the first 32 KiB of hdr[0..len): the first 8-aligned
 * magic whose checksum holds (magics that fail it are skipped and counted)
 * and check it: architecture, every tag's size and bounds, the end tag.
 * Every tag is honoured or, unless marked optional, refused by name, as is
 * every required information request fwboot cannot meet. Pure.
 */
int mb2_parse_header(const uint8_t *hdr, size_t len, struct mb2_header *h, struct diag *d);

/*
 * Fill the EFI memory map tag (17) that mb2_plan left as the last tag of
 * the info block at info: descriptor size and version, then the size
 * bytes of descriptors at desc (as GetMemoryMap returned them); the tag
 * shrinks to fit, the end tag and total_size follow it. -1 (nothing
 * written) when size exceeds room (the plan's efi_mmap_room: a refill
 * after a stale map key has the whole room again). Pure.
 */
int mb2_efi_mmap_fill(uint8_t *info, uint8_t *tag, uint32_t room, const void *desc, uint64_t size,
		      uint32_t desc_size, uint32_t desc_version);

int mb2_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
int mb2_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d);

/* Names for messages: header tag types and information tag types. */
const char *mb2_header_tag_name(uint32_t type);
const char *mb2_info_tag_name(uint32_t type);

#endif
