/* SPDX-License-Identifier: BSD-2-Clause */
/* Physical memory bookkeeping, decided before anything is touched: the
 * RAM the loader reported, and who claims which range of it. Pure code. */
#ifndef FWBOOT_MEM_H
#define FWBOOT_MEM_H

#include <stddef.h>
#include <stdint.h>
#include "lib/diag.h"

#define MEM_AVAILABLE 1		/* Multiboot / e820 type 1 */
#define MEM_RESERVED 2

#define MEM_LOW_END 0x100000ULL		/* first MiB: BIOS, real-mode land */
#define MEM_4G 0x100000000ULL

/* One entry of the loader's memory map, end exclusive. */
struct mem_region {
	uint64_t start, end;
	uint32_t type;
};

enum claim_kind {
	CLAIM_FIRMWARE,	/* IVT, BDA, EBDA: never touched */
	CLAIM_SELF,	/* fwboot's image, stack, heap: dead at hand-off */
	CLAIM_TARGET,	/* fixed payload address (may overlap SELF: staged) */
	CLAIM_PLACED,	/* an address fwboot chose (modules, info blocks) */
	CLAIM_KEEPOUT,	/* must stay free for the payload (e.g. Linux decompression) */
	CLAIM_STAGE,	/* staging copy, read by the trampoline */
};

struct mem_claim {
	uint64_t start, end;
	enum claim_kind kind;
	const char *what;
};

struct mem_map {
	struct mem_region *map;	/* as reported, empty entries dropped, in order */
	size_t nmap, mapcap;
	struct mem_region *ram;	/* available ranges: sorted, merged, reserved cut out */
	size_t nram, ramcap;
	struct mem_claim *claims;
	size_t nclaims, claimcap;
};

/* Storage comes from the caller. The map and ram capacities bound their
 * entries; the claim table grows through zalloc when it fills. */
void mem_init(struct mem_map *m, struct mem_region *map, size_t mapcap,
	      struct mem_region *ram, size_t ramcap, struct mem_claim *claims, size_t claimcap);

/* Record one loader map entry (len 0 ignored). Call mem_finish after the last. */
int mem_add(struct mem_map *m, uint64_t start, uint64_t len, uint32_t type);

/* Compute the available ranges: type-1 entries minus every other entry. */
void mem_finish(struct mem_map *m);

/* Bytes of available RAM starting exactly at addr (contiguous), 0 if none. */
uint64_t mem_avail_at(const struct mem_map *m, uint64_t addr);

/* Bytes of available RAM in all (the ranges mem_finish computed). */
uint64_t mem_ram_bytes(const struct mem_map *m);

/*
 * Claim [start, start+len). TARGET and PLACED ranges must be available RAM
 * and must not overlap FIRMWARE, TARGET, PLACED or STAGE claims (PLACED and
 * STAGE also not KEEPOUT). Returns 1 when a TARGET overlaps a SELF claim
 * (the caller stages it), 0 when clean, or -ST_NO_MEMORY / -ST_BAD_IMAGE
 * with the reason in d.
 */
int mem_claim(struct mem_map *m, uint64_t start, uint64_t len, enum claim_kind kind,
	      const char *what, struct diag *d);

/* True when [start, start+len) overlaps a claim of the given kind. */
int mem_overlaps(const struct mem_map *m, uint64_t start, uint64_t len, enum claim_kind kind);

#define MEM_TOP_DOWN 1

/*
 * Find and claim len bytes aligned to align (a power of two) inside
 * [lo, hi) of available RAM, clear of every claim; lowest address first,
 * or highest with MEM_TOP_DOWN. 0 and *out on success, -ST_NO_MEMORY.
 */
int mem_alloc(struct mem_map *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
	      int flags, enum claim_kind kind, const char *what, uint64_t *out, struct diag *d);

/*
 * The largest range of available RAM inside [lo, hi) clear of every claim,
 * its start aligned to align (a power of two): 0 with *start and *len, or
 * -ST_NO_MEMORY when there is none. Nothing is claimed.
 */
int mem_largest_free(const struct mem_map *m, uint64_t lo, uint64_t hi, uint64_t align,
		     uint64_t *start, uint64_t *len);

#endif
