/* SPDX-License-Identifier: BSD-2-Clause */
/* The Limine boot protocol, x86-64 (PROTOCOL.md of the Limine project,
 * base revisions 0-2): an ELF64 higher-half kernel whose requests (or base
 * revision tag) fwboot finds in its loaded image, answers in place, and
 * enters in long mode on page tables fwboot builds. The facts used are
 * written out here, not taken from limine.h. */
#ifndef FWBOOT_LIMINE_H
#define FWBOOT_LIMINE_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/formats/image.h"

#define LIMINE_MAGIC0 0xc7b1dd30df4c8b88ull	/* every request ID starts with these two */
#define LIMINE_MAGIC1 0x0a82e883a194f07bull
#define LIMINE_BASE_REV0 0xf9562b2d5c95a6c8ull	/* base revision tag: these, then N */
#define LIMINE_BASE_REV1 0x6a7b384944536bdcull
#define LIMINE_BASE_REVISION_MAX 2	/* the newest fwboot honours */
#define LIMINE_KERNEL_MIN 0xffffffff80000000ull	/* kernels load at or above; PIE slide target */
#define LIMINE_HHDM 0xffff800000000000ull	/* 4-level paging's direct map */
#define LIMINE_HHDM_5LVL 0xff00000000000000ull	/* 5-level paging's */
#define LIMINE_STACK_DEFAULT 65536
#define LIMINE_STACK_MAX (16u << 20)
#define LIMINE_SPAN_MAX (1ull << 30)	/* a kernel image larger than this is refused */

/* Memory map entry types (the kernel's view). */
#define LIMINE_MEM_USABLE 0
#define LIMINE_MEM_RESERVED 1
#define LIMINE_MEM_ACPI_RECLAIM 2
#define LIMINE_MEM_ACPI_NVS 3
#define LIMINE_MEM_BAD 4
#define LIMINE_MEM_RECLAIMABLE 5	/* fwboot's page tables, GDT, stack, responses */
#define LIMINE_MEM_KERNEL 6	/* the kernel image, its file copy, modules */
#define LIMINE_MEM_FRAMEBUFFER 7

/* Firmware types. */
#define LIMINE_FW_BIOS 0
#define LIMINE_FW_UEFI64 2

/* 0 when f is an ELF64 x86-64 executable whose loadable bytes hold a
 * Limine request or base revision tag (8-byte aligned); else the reason. */
int limine_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);

/* Load the image contiguously (PIE: relocated to at least
 * LIMINE_KERNEL_MIN), answer its requests in place, build page tables
 * (4-level, or 5-level where asked and the CPU has LA57: identity and
 * direct map of max(4 GiB, RAM), the kernel at its virtual
 * addresses with its segments' permissions), the GDT and the stack, and
 * plan an ENTRY_LONG64 hand-off. Refuses lower-half kernels, duplicate
 * request IDs, requests that run past the image, overlapping or
 * oversized segments, non-relative relocations, a need for 5-level paging
 * the CPU lacks. p->note names the
 * requests fwboot leaves unanswered. */
int limine_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
		struct boot_env *env, struct plan *p, struct diag *d);

/* Plan's efi_mmap_fill for the EFI memory map request: the descriptors
 * (size bytes) into buf, sizes and version into the response resp; -1
 * (nothing written) when they exceed room. Pure. */
int limine_efi_mmap_fill(uint8_t *resp, uint8_t *buf, uint32_t room, const void *desc, uint64_t size,
			 uint32_t desc_size, uint32_t desc_version);

#endif
