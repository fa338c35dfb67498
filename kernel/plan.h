/* SPDX-License-Identifier: BSD-2-Clause */
/* A boot plan: everything a loader decided, as data. Planners fill it in
 * (pure code, host-tested); kernel/load.c carries it out. */
#ifndef FWBOOT_PLAN_H
#define FWBOOT_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/file.h"
#include "kernel/video.h"

enum seg_src {
	SRC_FILE,	/* bytes [off, off+len) of file */
	SRC_MEM,	/* len bytes at mem (built by fwboot, e.g. an info block) */
	SRC_ZERO,	/* len zero bytes */
};

struct plan_seg {
	uint64_t dst, len;
	enum seg_src src;
	const struct file *file;
	uint64_t off;
	const void *mem;
	const char *what;
	int staged;	/* dst overlaps fwboot: load elsewhere, trampoline moves it */
};

enum entry_mode {
	ENTRY_FLAT32,	/* 32-bit protected mode, CS 0x10, data 0x18, flat */
	ENTRY_REAL16,	/* back to real mode, far jump to rm_cs:rm_ip */
	ENTRY_LONG64,	/* long mode on the plan's page tables (lm_*), as the Limine protocol enters */
};

struct plan_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
};

struct plan {
	struct plan_seg *segs;
	size_t nsegs, segcap;
	enum entry_mode mode;
	uint32_t entry;			/* ENTRY_FLAT32 */
	uint16_t rm_cs, rm_ip, rm_ss, rm_sp, rm_ds;	/* ENTRY_REAL16 */
	struct plan_regs regs;
	const char *format;		/* "multiboot1", ... for the log */
	char note[192];			/* what the planner wants logged ("" for nothing) */
	int set_video;			/* set video (on video_caps) at the hand-off */
	struct video_mode video;
	const struct video_caps *video_caps;
	char video_note[200];		/* what the payload's video request got, for the log */
	uint8_t *efi_mmap_tag;		/* Multiboot 2 tag 17 in its info block, for the platform to fill
					 * at ExitBootServices (mb2_efi_mmap_fill); NULL none */
	uint8_t *efi_mmap_info;		/* that info block */
	uint32_t efi_mmap_room;		/* bytes of descriptors the tag has room for */
	int efi_mmap_linux;		/* efi_mmap_tag is instead Linux's EFI memory map buffer, and
					 * efi_mmap_info its boot_params (linux_efi_mmap_fill) */
	int (*efi_mmap_fill)(uint8_t *info, uint8_t *buf, uint32_t room, const void *desc, uint64_t size,
			     uint32_t desc_size, uint32_t desc_version);
					/* a format's own filler for efi_mmap_tag (Limine), over the two above */
	int efi_keep_bs;		/* Multiboot 2 tags 7 and 9 under UEFI: boot services stay, and
					 * entry is the EFI amd64 entry, reached in long mode (fwboot.efi) */
	int firmware_image;		/* the firmware loads and starts it (an EFI image): no segments */
	uint64_t lm_cr3, lm_entry, lm_rsp;	/* ENTRY_LONG64: PML4, 64-bit entry and stack (virtual) */
	uint64_t lm_gdt, lm_gdt_virt;	/* its GDT (7 entries): physical, and where the kernel sees it */
	int lm_nx;			/* set EFER.NXE (the page tables use bit 63) */
	uint32_t lm_cr4;		/* more CR4 bits than PAE: LA57 for 5-level paging */
	int lm_pat;			/* program the PAT as the protocol lays it out (WC in entry 5) */
	uint64_t lm_ioapic;		/* the IO APIC whose entries to mask (the MADT's first), 0 none */
	uint64_t smp_page;		/* ENTRY_LONG64: the APs' start page (below 1 MiB), 0: start none */
	uint64_t smp_lapic;		/* the local APIC's registers */
	uint32_t smp_aps;		/* how many APs should park there */
	uint64_t text_cursor;		/* where to store the text cursor's column, row (u8 each) after
					 * fwboot's last line: Linux's screen_info.orig_x/y; 0 none */
};

/* Append a segment; grows with zalloc. Returns the segment or NULL. */
struct plan_seg *plan_add(struct plan *p, uint64_t dst, uint64_t len, enum seg_src src,
			  const char *what);

#endif
