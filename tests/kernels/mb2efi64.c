/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mb2efi64: a 64-bit Multiboot 2 kernel that keeps EFI boot services (tags
 * 7 and 9), entered by fwboot.efi in long mode. It reports the tags it got
 * ("mb2efi64: ..." lines on COM1, kout.h) and proves the firmware still
 * runs: it allocates and frees pool memory through the boot services and
 * prints a line through the firmware's ConOut. Built with the host's
 * x86-64 gcc, position-independent (the image is relocatable).
 */
#include <stddef.h>
#include <stdint.h>
#include "kout.h"

#define MB2_MAGIC_IN 0x36D76289

/* the few UEFI declarations used (UEFI 2.x, 4.3 and 7.2), MS ABI calls */
#define EFIAPI __attribute__((ms_abi))
struct efi_header { uint64_t signature; uint32_t revision, size, crc, reserved; };
struct efi_text_out {
	void *reset;
	uint64_t (EFIAPI *output_string)(struct efi_text_out *self, const uint16_t *s);
};
struct efi_boot_services {
	struct efi_header hdr;
	void *raise_tpl, *restore_tpl, *allocate_pages, *free_pages, *get_memory_map;
	uint64_t (EFIAPI *allocate_pool)(uint32_t type, uint64_t size, void **buf);
	uint64_t (EFIAPI *free_pool)(void *buf);
};
struct efi_system_table {
	struct efi_header hdr;
	void *vendor;
	uint32_t revision;
	void *con_in_handle, *con_in, *con_out_handle;
	struct efi_text_out *con_out;
	void *stderr_handle, *std_err, *runtime;
	struct efi_boot_services *boot;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

void mb2efi64_main(uint32_t magic, uint64_t info)
{
	kout_init("mb2efi64");
	uint64_t rip;
	__asm__ volatile("leaq 0(%%rip), %0" : "=r"(rip));
	out("entry magic=%x info=%L rip=%L", magic, info, rip);
	if (magic != MB2_MAGIC_IN)
		kout_exit(KOUT_FAILED);
	const uint8_t *b = (const uint8_t *)(uintptr_t)info;
	uint32_t total = le32(b), seen = 0;
	struct efi_system_table *st = 0;
	uint64_t ih = 0;
	for (uint32_t at = 8; at + 8 <= total;) {
		uint32_t type = le32(b + at), size = le32(b + at + 4);
		if (type == 0 || size < 8)
			break;
		if (type < 32)
			seen |= 1u << type;
		if (type == 1)
			out("cmdline %q", (const char *)(b + at + 8));
		else if (type == 3)
			out("module start=%x end=%x crc32=%x string=%q", le32(b + at + 8), le32(b + at + 12),
			    kout_crc32((const uint8_t *)(uintptr_t)le32(b + at + 8), le32(b + at + 12) - le32(b + at + 8)),
			    (const char *)(b + at + 16));
		else if (type == 12)
			st = (struct efi_system_table *)(uintptr_t)le64(b + at + 8);
		else if (type == 20)
			ih = le64(b + at + 8);
		else if (type == 21)
			out("load_base %x", le32(b + at + 8));
		at += (size + 7) & ~7u;
	}
	out("tags %x", seen);
	out("image_handle %L", ih);
	if (!st || st->hdr.signature != 0x5453595320494249ULL) {	/* "IBI SYST" */
		out("no EFI system table");
		kout_exit(KOUT_FAILED);
	}
	/* the boot services are alive: a pool allocation and the firmware's console */
	void *p = 0;
	uint64_t s1 = st->boot->allocate_pool(2 /* EfiLoaderData */, 64, &p);
	uint64_t s2 = p ? st->boot->free_pool(p) : 1;
	out("allocate_pool status=%L free_pool status=%L", s1, s2);
	static const uint16_t hello[] = { 'm', 'b', '2', 'e', 'f', 'i', '6', '4', ' ', 'c', 'o', 'n', 'o', 'u', 't',
					  ':', ' ', 'b', 'o', 'o', 't', ' ', 's', 'e', 'r', 'v', 'i', 'c', 'e', 's',
					  ' ', 'k', 'e', 'p', 't', '\r', '\n', 0 };
	uint64_t s3 = st->con_out->output_string(st->con_out, hello);
	out("output_string status=%L", s3);
	out("done");
	kout_exit(KOUT_DONE);
}
