/* SPDX-License-Identifier: BSD-2-Clause */
/* ELF program headers as loaders need them. */
#ifndef FWBOOT_ELFINFO_H
#define FWBOOT_ELFINFO_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"
#include "kernel/file.h"

struct elf_phdr {
	uint32_t type, flags;	/* p_flags: PF_X 1, PF_W 2, PF_R 4 */
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_info {
	int class;		/* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;
	uint64_t entry;
	struct elf_phdr *ph;	/* all program headers (zalloc) */
	size_t nph;
	uint64_t shoff;		/* section header table, as the ELF header says (unchecked) */
	uint16_t shentsize, shnum, shstrndx;
};

/* True when hdr starts like an ELF file. */
int elf_is_elf(const uint8_t *hdr, size_t len);

/*
 * Parse f's ELF header (from hdr, the file's first hdr_len bytes) and its
 * program headers (read through file_read). Checks class, byte order,
 * machine (EM_386 or EM_X86_64), table bounds, and that every PT_LOAD's
 * file range lies inside the file with filesz <= memsz. sub names the
 * caller in messages ("multiboot1").
 */
int elf_parse(const char *sub, const struct file *f, const uint8_t *hdr, size_t hdr_len,
	      struct elf_info *out, struct diag *d);

/* Physical entry: e_entry, translated through the PT_LOAD that holds it
 * when p_vaddr != p_paddr (what GRUB does). */
uint64_t elf_phys_entry(const struct elf_info *e);

/*
 * Refuse a physical entry point that no PT_LOAD's file bytes hold (jumping
 * there runs empty RAM or zero-fill). The reason names the entry and every
 * loadable segment, one of which would have had to hold it. what: "ELF
 * entry", "entry tag address", "PHYS32 entry".
 */
int elf_check_entry(const char *sub, const struct elf_info *e, uint64_t entry, const char *what,
		    struct diag *d);

/* "crosses 4 GiB" or "lies above 4 GiB" for a range that does not fit below it. */
const char *elf_4g_words(uint64_t start);

#endif
