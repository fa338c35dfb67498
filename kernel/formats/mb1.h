/* SPDX-License-Identifier: BSD-2-Clause */
/* The Multiboot 1 loader. */
#ifndef FWBOOT_MB1_H
#define FWBOOT_MB1_H

#include "kernel/formats/elf.h"
#include "kernel/formats/image.h"

struct mb1_header {
	uint32_t offset;	/* file offset of the magic */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	uint32_t skipped;	/* magics before it whose checksum failed */
	uint32_t skip_off, skip_sum;	/* the first of them */
	uint32_t mode_type, width, height, depth;	/* flag bit 2 */
};

/* Find the header in the first 8 KiB of hdr[0..len): the first 4-aligned
 * magic whose flags and checksum sum to zero; magics that fail the sum are
 * skipped and counted in h->skipped (named in the refusal when no header
 * follows). */
int mb1_find_header(const uint8_t *hdr, size_t len, struct mb1_header *h, struct diag *d);
int mb1_probe(const struct file *f, const uint8_t *hdr, size_t len, struct diag *d);
int mb1_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	     struct boot_env *env, struct plan *p, struct diag *d);

/* Shared with other loaders: claim an ELF's PT_LOAD segments below 4 GiB
 * as targets and add their file and zero segments to p. */
int load_elf_segments(const char *sub, const struct file *f, const struct elf_info *e,
		      struct mem_map *m, struct plan *p, struct diag *d);

/* The ELF section header table as a Multiboot loader passes it (Multiboot 1
 * info bit 5, Multiboot 2 tag 9): a copy of the table in which every section
 * with sh_addr 0 and a size (symbol and string tables, .shstrtab, debug
 * info: what no PT_LOAD covers) has been placed in free memory below 4 GiB,
 * aligned to sh_addralign, loaded from the file (zeroed for SHT_NOBITS) and
 * its sh_addr set to where it lies, as GRUB does (above the image's span
 * when there is room, else above 1 MiB, else in conventional memory). num 0: the file has no
 * section headers (nothing to pass). */
struct elf_sections {
	uint32_t num, entsize, shndx;
	uint8_t *table;		/* num * entsize bytes (zalloc) */
	uint32_t placed;	/* sections fwboot loaded */
};

int elf_place_sections(const char *sub, const struct file *f, const uint8_t *hdr, size_t hdr_len,
		       const struct elf_info *e, struct mem_map *m, struct plan *p,
		       struct elf_sections *out, struct diag *d);

/* Place every module page-aligned above 1 MiB, below 4 GiB, in order;
 * *addrs gets a zalloc'd array of their addresses. */
int place_modules(const char *sub, const struct boot_request *req, struct mem_map *m,
		  struct plan *p, uint64_t **addrs, struct diag *d);

/* Where a header's address fields put the file: the Multiboot 1 a.out
 * kludge and the Multiboot 2 address tag. The header sits at file offset
 * offset and is linked at header_addr; load_end_addr 0 means to the end of
 * the file, bss_end_addr 0 no bss. With from_start_ok (Multiboot 2), a
 * load_addr of MB2_LOAD_FROM_START (-1) loads the file from its first byte.
 * Checks every field against the file and 4 GiB; claims nothing. */

struct flat_layout {
	uint64_t file_off, load_addr, load_len, mem_end;	/* mem_end: end of bss, exclusive */
};

int flat_layout(const char *sub, const struct file *f, uint32_t offset, uint32_t header_addr,
		uint32_t load_addr, uint32_t load_end_addr, uint32_t bss_end_addr, int from_start_ok,
		struct flat_layout *out, struct diag *d);

/* The header's entry_addr must lie in the flat image's loaded bytes, not
 * outside it and not in its zero-filled bss. 0 or -ST_BAD_IMAGE. */
int flat_check_entry(const char *sub, const struct flat_layout *fl, uint32_t entry, struct diag *d);

/* Reserve a boot information block of len bytes for the payload: a zeroed
 * buffer (*buf) to build it in, its address (*addr) below 640 KiB when
 * there is room, as GRUB does (kernels that map only their first megabytes
 * still reach it), else above 1 MiB below 4 GiB, and the plan segment that
 * copies it there. what names it in messages ("boot information"). */
int place_info(const char *sub, const char *what, uint64_t len, uint64_t align, struct mem_map *m,
	       struct plan *p, uint8_t **buf, uint64_t *addr, struct diag *d);

#endif
