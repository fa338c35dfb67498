/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot.efi's pages: below 4 GiB from AllocatePages, recorded, and given
 * back after a failed attempt (platform_mark, platform_release) and on exit. */
#include "kernel/console.h"
#include "kernel/heap.h"
#include "include/status.h"
#include "platform/efi/firmware.h"
#include "kernel/platform.h"

efi_handle efi_image;
struct efi_system_table *efi_st;

#define HEAP_MAX (16u << 20)
#define HEAP_SMALL (64u << 10)
#define MAX_LOW 32	/* page runs held at once: the heap, the device, images being loaded */
#define BELOW_4G 0xFFFFFFFFull

static struct { uint64_t addr, pages, seq; } low[MAX_LOW];
static uint64_t low_seq = 1;	/* allocation order, for platform_mark */

void *efi_alloc_low(uint64_t bytes)
{
	uint64_t pages = (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, addr = BELOW_4G;
	int slot = -1;
	for (int i = 0; i < MAX_LOW && slot < 0; i++)
		if (!low[i].pages)
			slot = i;
	if (slot < 0 || !pages || pages > (BELOW_4G + 1) / EFI_PAGE_SIZE)
		return 0;
	if (efi_st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, &addr))
		return 0;
	low[slot].addr = addr;
	low[slot].pages = pages;
	low[slot].seq = low_seq++;
	return (void *)(uintptr_t)addr;
}

int efi_pages_adopt(uint64_t addr, uint64_t pages)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (!low[i].pages) {
			low[i].addr = addr;
			low[i].pages = pages;
			low[i].seq = low_seq++;
			return 0;
		}
	return -1;
}

void efi_free_low(void *p)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages && low[i].addr == (uint64_t)(uintptr_t)p) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

void efi_free_all(void)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

uintptr_t platform_mark(void)
{
	return (uintptr_t)low_seq;
}

void platform_release(uintptr_t mark)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages && low[i].seq >= mark) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

/* The heap (kernel/heap.c) in pages below 4 GiB: the largest power of two
 * up to HEAP_MAX the firmware gives. */
void efi_heap_setup(void)
{
	for (uint32_t size = HEAP_MAX; size >= HEAP_SMALL; size /= 2) {
		void *p = efi_alloc_low(size);
		if (p) {
			heap_init((uintptr_t)p, size);
			log_info("memory: heap 0x%llx-0x%llx (%u KiB, AllocatePages below 4 GiB)",
				 (unsigned long long)(uintptr_t)p, (unsigned long long)(uintptr_t)p + size - 1,
				 size / 1024);
			return;
		}
	}
	panic(ST_NO_MEMORY, "memory: the firmware has no %u KiB below 4 GiB for fwboot's heap", HEAP_SMALL / 1024);
}
