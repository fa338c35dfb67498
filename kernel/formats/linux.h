/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux bzImage loader (boot protocol 2.02 and newer), with two entries:
 * the 32-bit boot protocol (fwboot builds boot_params and jumps to the
 * protected-mode kernel) and the real-mode entry (the image's own setup
 * code runs, asks the BIOS, and enters the kernel itself). */
#ifndef FWBOOT_LINUX_H
#define FWBOOT_LINUX_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/formats/image.h"

/* The bzImage facts fwboot plans with; fields the version lacks hold the
 * protocol's stated defaults. */
struct linux_header {
	uint16_t version;		/* 0x020F for 2.15 */
	uint32_t setup_size;		/* boot sector + setup code, bytes */
	uint64_t kernel_off, kernel_size;	/* the protected-mode part within the file */
	uint32_t hdr_end;		/* the setup header is [0x1F1, hdr_end) */
	uint8_t loadflags;
	uint32_t code32_start;
	uint32_t initrd_addr_max;	/* highest byte an initrd may occupy */
	int relocatable;
	uint32_t kernel_alignment;	/* preferred, power of two (1 when not relocatable) */
	uint32_t min_alignment;		/* smallest acceptable, bytes (= kernel_alignment before 2.10) */
	uint32_t cmdline_size;		/* most characters, NUL not counted */
	uint64_t pref_address;		/* 0 before 2.10 */
	uint32_t init_size;		/* bytes needed at the runtime start; 0 before 2.10 */
};

/* The first protocol whose kernels document a boot that skips the
 * real-mode setup code (2.07: the paravirtualised boot protocol,
 * hardware_subarch); older headers, and images that only borrow the Linux
 * header (memdisk, grub.lkrn: 2.03), need their setup code to run. */
#define LINUX_32BIT_PROMISED 0x0207

/* Which way in: "32" (32-bit boot protocol) or "16" (real-mode setup code). */
enum linux_entry {
	LINUX_ENTRY_32,
	LINUX_ENTRY_16,
};

/* The entry used when entry= is not given; docs/linux.md says why. */
#define LINUX_DEFAULT_ENTRY LINUX_ENTRY_32

/*
 * Parse and check a bzImage's setup header. hdr holds the file's first len
 * bytes (at least the header; the caller's window is larger), file_size is
 * the whole file. Refuses, with the reason in d, anything but a bzImage of
 * protocol 2.02+ whose header and protected-mode part are all there.
 */
int linux_parse(const uint8_t *hdr, size_t len, uint64_t file_size, struct linux_header *h,
		struct diag *d);

int linux_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
int linux_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	       struct boot_env *env, struct plan *p, struct diag *d);

/*
 * Under UEFI, at ExitBootServices: copy the size bytes of descriptors at
 * desc (as GetMemoryMap returned them) into buf, the room left after the
 * command line of the boot_params bp (the plan's efi_mmap_tag and
 * efi_mmap_info), and set efi_info's descriptor size, version and map
 * size; efi_info's signature, system table and map address were set by the
 * plan. -1 (nothing written) when they do not fit or are not whole
 * descriptors. Pure.
 */
int linux_efi_mmap_fill(uint8_t *bp, uint8_t *buf, uint32_t room, const void *desc, uint64_t size,
			uint32_t desc_size, uint32_t desc_version);

#endif
