/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the cpio member index: the input is the archive. Every member found
 * must lie inside it; every walk must end. */
#include <stdint.h>
#include <string.h>
#include "kernel/formats/cpio.h"

int fuzz_one(const uint8_t *data, size_t size);

static const uint8_t *fuzz_base;
static size_t fuzz_size;

static void fuzz_check(void *ctx, const struct cpio_entry *e)
{
	(void)ctx;
	if (e->data_offset > fuzz_size || e->size > fuzz_size - e->data_offset)
		__builtin_trap();
	if (strlen(e->name) >= CPIO_NAME_MAX)
		__builtin_trap();
}

int fuzz_one(const uint8_t *data, size_t size)
{
	static const char *const members[] = { "xen.gz", "./boot.ipxe", "a", "TRAILER!!!", "" };
	struct file archive = { "opt/fwboot/set.cpio", 0, 0, size, data };
	struct file m;
	struct diag d;

	fuzz_base = data;
	fuzz_size = size;
	cpio_list(&archive, fuzz_check, 0, &d);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		if (cpio_find(&archive, members[i], &m, &d) == 0) {
			if (m.mem < fuzz_base || m.size > size || (size_t)(m.mem - fuzz_base) > size - m.size)
				__builtin_trap();
		}
	}
	return 0;
}
