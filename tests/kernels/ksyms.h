/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF section headers as a Multiboot loader passes them (Multiboot 1 info
 * bit 5, Multiboot 2 tag 9), read by the test kernels mbtest and mb2test:
 * one section's fields, and a symbol's value looked up through the symbol
 * table and string table the loader placed, so a kernel can check what it
 * got against itself (its own function's address). ELF32 and ELF64 tables
 * alike (entsize 40 or 64). No pointers in initialised data (mb2test is
 * position-independent).
 */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdint.h>

#define KSYMS_SHT_SYMTAB 2
#define KSYMS_SHT_NOBITS 8

struct ksec {
	uint32_t name, type, link;
	uint64_t flags, addr, offset, size;
};

static uint32_t ksyms_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t ksyms_rd64(const uint8_t *p)
{
	return ksyms_rd32(p) | (uint64_t)ksyms_rd32(p + 4) << 32;
}

/* Section i of a table at tab with entries of entsize bytes. */
static void ksyms_section(const uint8_t *tab, uint32_t entsize, uint32_t i, struct ksec *s)
{
	const uint8_t *h = tab + (uint64_t)i * entsize;
	s->name = ksyms_rd32(h);
	s->type = ksyms_rd32(h + 4);
	if (entsize >= 64) {
		s->flags = ksyms_rd64(h + 8);
		s->addr = ksyms_rd64(h + 16);
		s->offset = ksyms_rd64(h + 24);
		s->size = ksyms_rd64(h + 32);
		s->link = ksyms_rd32(h + 40);
	} else {
		s->flags = ksyms_rd32(h + 8);
		s->addr = ksyms_rd32(h + 12);
		s->offset = ksyms_rd32(h + 16);
		s->size = ksyms_rd32(h + 20);
		s->link = ksyms_rd32(h + 24);
	}
}

static int ksyms_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The value of symbol want in any SHT_SYMTAB whose string table is loaded;
 * 1 when found. Bounded by the sections' sizes. */
static int ksyms_lookup(const uint8_t *tab, uint32_t num, uint32_t entsize, const char *want, uint64_t *value)
{
	for (uint32_t i = 0; i < num; i++) {
		struct ksec st, str;
		ksyms_section(tab, entsize, i, &st);
		if (st.type != KSYMS_SHT_SYMTAB || !st.addr || st.link >= num)
			continue;
		ksyms_section(tab, entsize, st.link, &str);
		if (!str.addr)
			continue;
		uint32_t symsize = entsize >= 64 ? 24 : 16;
		const uint8_t *syms = (const uint8_t *)(uintptr_t)st.addr;
		const char *names = (const char *)(uintptr_t)str.addr;
		for (uint64_t k = 0; (k + 1) * symsize <= st.size; k++) {
			const uint8_t *sym = syms + k * symsize;
			uint32_t n = ksyms_rd32(sym);
			if (n >= str.size)
				continue;
			if (ksyms_streq(names + n, want)) {
				*value = symsize == 24 ? ksyms_rd64(sym + 8) : ksyms_rd32(sym + 4);
				return 1;
			}
		}
	}
	return 0;
}

#endif
