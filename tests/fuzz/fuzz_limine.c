/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the Limine loader: ELF64 parsing, the request scan (delimiters,
 * base revision tag, duplicates), PIE relocation, page tables, responses
 * and the memory map, over a memory map the input chooses (fuzz_map.h);
 * half the inputs also carry a MADT (their last 64 bytes) for SMP. Every
 * accepted plan must pass plan_check, which walks its page tables. */
#include <stdint.h>
#include <string.h>
#include "kernel/formats/limine.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	struct fuzz_boot b;
	fuzz_boot_of(&b, &data, &size);
	struct boot_env env = { .mem = &mm, .rsdp = 0xf5a40, .smbios = 0xf5a00, .smbios3 = (int)(size & 1),
				.efi_systab = (size & 2) ? 0x7f000000 : 0 };
	if ((size & 8) && size >= 64) {
		env.madt = data + size - 64;
		env.madt_len = 64;
	}
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (limine_probe(&b.k, data, n, &d) == 0 && limine_plan(&b.req, data, n, &env, &p, &d) == 0) {
		plan_check_or_abort(&p, &mm, &b.req);
		stage_check_or_abort(&p, &mm, FUZZ_TRAMP_CODE, fuzz_phys);
	}
	return 0;
}
