/* SPDX-License-Identifier: BSD-2-Clause */
/* Physical memory bookkeeping: the loader's map, the RAM it leaves, and who
 * claims what. Every placement decision goes through here before any byte
 * of a payload moves. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "kernel/alloc.h"
#include "kernel/physmap.h"
#include "include/status.h"

static const char *const kind_names[] = {
	[CLAIM_FIRMWARE] = "firmware area", [CLAIM_SELF] = "fwboot",
	[CLAIM_TARGET] = "payload",	    [CLAIM_PLACED] = "boot data",
	[CLAIM_KEEPOUT] = "reserved window", [CLAIM_STAGE] = "staging",
};

void mem_init(struct mem_map *m, struct mem_region *map, size_t mapcap,
	      struct mem_region *ram, size_t ramcap, struct mem_claim *claims, size_t claimcap)
{
	m->map = map;
	m->nmap = 0;
	m->mapcap = mapcap;
	m->ram = ram;
	m->nram = 0;
	m->ramcap = ramcap;
	m->claims = claims;
	m->nclaims = 0;
	m->claimcap = claimcap;
}

int mem_add(struct mem_map *m, uint64_t start, uint64_t len, uint32_t type)
{
	if (len == 0)
		return 0;	/* QEMU ends its Multiboot map with an empty entry */
	if (m->nmap == m->mapcap)
		return -ST_NO_MEMORY;
	uint64_t end = start + len < start ? ~0ULL : start + len;
	m->map[m->nmap++] = (struct mem_region){ start, end, type };
	return 0;
}

static void ram_insert(struct mem_map *m, uint64_t start, uint64_t end)
{
	size_t i = 0;
	while (i < m->nram && m->ram[i].start < start)
		i++;
	if (m->nram == m->ramcap)
		return;	/* more fragments than storage: the rest stays unused */
	for (size_t j = m->nram; j > i; j--)
		m->ram[j] = m->ram[j - 1];
	m->ram[i] = (struct mem_region){ start, end, MEM_AVAILABLE };
	m->nram++;
}

static void ram_cut(struct mem_map *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->nram; i++) {
		struct mem_region *r = &m->ram[i];
		if (end <= r->start || start >= r->end)
			continue;
		uint64_t rs = r->start, re = r->end;
		/* remove r, then put back what lies outside [start, end) */
		for (size_t j = i; j + 1 < m->nram; j++)
			m->ram[j] = m->ram[j + 1];
		m->nram--;
		if (rs < start)
			ram_insert(m, rs, start);
		if (end < re)
			ram_insert(m, end, re);
		i = (size_t)-1;	/* the array changed: rescan */
	}
}

void mem_finish(struct mem_map *m)
{
	m->nram = 0;
	for (size_t i = 0; i < m->nmap; i++)
		if (m->map[i].type == MEM_AVAILABLE)
			ram_insert(m, m->map[i].start, m->map[i].end);
	/* merge touching or overlapping ranges */
	size_t o = 0;
	for (size_t i = 0; i < m->nram; i++) {
		if (o && m->ram[i].start <= m->ram[o - 1].end) {
			if (m->ram[i].end > m->ram[o - 1].end)
				m->ram[o - 1].end = m->ram[i].end;
		} else {
			m->ram[o++] = m->ram[i];
		}
	}
	m->nram = o;
	for (size_t i = 0; i < m->nmap; i++)
		if (m->map[i].type != MEM_AVAILABLE)
			ram_cut(m, m->map[i].start, m->map[i].end);
}

uint64_t mem_avail_at(const struct mem_map *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nram; i++)
		if (m->ram[i].start <= addr && addr < m->ram[i].end)
			return m->ram[i].end - addr;
	return 0;
}

uint64_t mem_ram_bytes(const struct mem_map *m)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < m->nram; i++)
		bytes += m->ram[i].end - m->ram[i].start;
	return bytes;
}

static int in_ram(const struct mem_map *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->nram; i++)
		if (m->ram[i].start <= start && end <= m->ram[i].end)
			return 1;
	return 0;
}

/* May a new claim of kind n overlap an existing claim of kind o? */
static int may_overlap(enum claim_kind n, enum claim_kind o)
{
	if (n == CLAIM_SELF || n == CLAIM_FIRMWARE)
		return 1;	/* recorded as facts, not checked */
	if (n == CLAIM_KEEPOUT)
		return o != CLAIM_PLACED && o != CLAIM_STAGE && o != CLAIM_FIRMWARE;
	if (n == CLAIM_TARGET)
		return o == CLAIM_SELF || o == CLAIM_KEEPOUT;
	return 0;	/* PLACED and STAGE share with nothing */
}

int mem_overlaps(const struct mem_map *m, uint64_t start, uint64_t len, enum claim_kind kind)
{
	uint64_t end = start + len;
	for (size_t i = 0; i < m->nclaims; i++) {
		const struct mem_claim *c = &m->claims[i];
		if (c->kind == kind && start < c->end && c->start < end)
			return 1;
	}
	return 0;
}

/* Double the claim table (from the heap, once there is one). */
static int claims_grow(struct mem_map *m)
{
	size_t cap = m->claimcap ? m->claimcap * 2 : 16;
	struct mem_claim *c = zalloc(cap * sizeof(*c));
	if (!c)
		return -1;
	memcpy(c, m->claims, m->nclaims * sizeof(*c));
	m->claims = c;
	m->claimcap = cap;
	return 0;
}

int mem_claim(struct mem_map *m, uint64_t start, uint64_t len, enum claim_kind kind,
	      const char *what, struct diag *d)
{
	if (len == 0)
		return 0;
	uint64_t end = start + len;
	if (end < start)
		return diag_fail(d, ST_NO_MEMORY, "memory: %s at 0x%llx wraps around (%llu bytes)",
				 what, (unsigned long long)start, (unsigned long long)len);
	int needs_ram = kind == CLAIM_TARGET || kind == CLAIM_PLACED || kind == CLAIM_STAGE;
	if (needs_ram && !in_ram(m, start, end))
		return diag_fail(d, ST_NO_MEMORY, "memory: %s at 0x%llx-0x%llx is not in available RAM",
				 what, (unsigned long long)start, (unsigned long long)end - 1);
	int staged = 0;
	for (size_t i = 0; i < m->nclaims; i++) {
		const struct mem_claim *c = &m->claims[i];
		if (end <= c->start || start >= c->end)
			continue;
		if (!may_overlap(kind, c->kind))
			return diag_fail(d, ST_NO_MEMORY,
					 "memory: %s at 0x%llx-0x%llx overlaps %s %s at 0x%llx-0x%llx", what,
					 (unsigned long long)start, (unsigned long long)end - 1,
					 kind_names[c->kind], c->what, (unsigned long long)c->start,
					 (unsigned long long)c->end - 1);
		if (kind == CLAIM_TARGET && c->kind == CLAIM_SELF)
			staged = 1;
	}
	if (m->nclaims == m->claimcap && claims_grow(m))
		return diag_fail(d, ST_NO_MEMORY, "memory: no room for more than %zu claims", m->claimcap);
	m->claims[m->nclaims++] = (struct mem_claim){ start, end, kind, what };
	return staged;
}

static int range_free(const struct mem_map *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->nclaims; i++)
		if (start < m->claims[i].end && m->claims[i].start < end)
			return 0;
	return 1;
}

#define SORT_MAX 2048	/* claims sorted on the stack (4 KiB); beyond, the scan below */

/* Where a scan of every candidate would put it: the range's edge and the
 * edges of every claim, each checked against every claim. Quadratic in the
 * claims, so only for tables too large to sort on the stack. */
static int alloc_scan(const struct mem_map *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
		      int top, uint64_t *out)
{
	int found = 0;
	uint64_t best = 0;
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t rs = m->ram[i].start > lo ? m->ram[i].start : lo;
		uint64_t re = m->ram[i].end < hi ? m->ram[i].end : hi;
		if (rs >= re || re - rs < len)
			continue;
		for (size_t j = 0; j <= m->nclaims; j++) {
			uint64_t c;
			if (top) {
				uint64_t e = j == m->nclaims ? re : m->claims[j].start;
				if (e > re || e < rs + len)
					continue;
				c = (e - len) & ~(align - 1);
				if (c < rs)
					continue;
				if (range_free(m, c, c + len) && (!found || c > best))
					best = c, found = 1;
			} else {
				uint64_t s = j == m->nclaims ? rs : m->claims[j].end;
				if (s < rs || s > re)
					continue;
				c = (s + align - 1) & ~(align - 1);
				if (c < s || c > re || re - c < len)
					continue;
				if (range_free(m, c, c + len) && (!found || c < best))
					best = c, found = 1;
			}
		}
	}
	*out = best;
	return found;
}

static int claim_before(const struct mem_map *m, uint16_t a, uint16_t b)
{
	return m->claims[a].start < m->claims[b].start;
}

/* Move ix[i] down the heap ix[0..end) until neither child starts later. */
static void sift_down(const struct mem_map *m, uint16_t *ix, size_t i, size_t end)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= end)
			return;
		if (c + 1 < end && claim_before(m, ix[c], ix[c + 1]))
			c++;
		if (!claim_before(m, ix[i], ix[c]))
			return;
		uint16_t t = ix[i]; ix[i] = ix[c]; ix[c] = t;
		i = c;
	}
}

/* Claim indices by start address: insertion sort for the few claims of
 * an ordinary boot (a tenth of a heapsort's work there), heapsort (n log
 * n, no recursion) for many. */
#define INSERTION_MAX 24
static void sort_claims(const struct mem_map *m, uint16_t *ix, size_t n)
{
	if (n <= INSERTION_MAX) {
		for (size_t i = 1; i < n; i++) {
			uint16_t t = ix[i];
			size_t j = i;
			for (; j && claim_before(m, t, ix[j - 1]); j--)
				ix[j] = ix[j - 1];
			ix[j] = t;
		}
		return;
	}
	for (size_t k = n; k-- > 0;)
		sift_down(m, ix, k, n);		/* build the heap */
	for (size_t end = n; end > 1;) {
		end--;
		uint16_t t = ix[0]; ix[0] = ix[end]; ix[end] = t;
		sift_down(m, ix, 0, end);
	}
}

/* The same answer as alloc_scan in one sweep over the claims in address
 * order: the free gaps of each RAM range, lowest fit (or highest with top). */
static int alloc_sweep(const struct mem_map *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
		       int top, uint64_t *out)
{
	uint16_t ix[SORT_MAX];
	size_t n = m->nclaims;
	for (size_t i = 0; i < n; i++)
		ix[i] = (uint16_t)i;
	sort_claims(m, ix, n);
	int found = 0;
	uint64_t best = 0;
	for (size_t r = 0; r < m->nram; r++) {
		uint64_t rs = m->ram[r].start > lo ? m->ram[r].start : lo;
		uint64_t re = m->ram[r].end < hi ? m->ram[r].end : hi;
		if (rs >= re || re - rs < len)
			continue;
		uint64_t cur = rs;	/* where the current gap starts */
		for (size_t k = 0; k <= n && cur < re; k++) {
			const struct mem_claim *c = k < n ? &m->claims[ix[k]] : 0;
			if (c && c->end <= cur)
				continue;		/* wholly before the gap */
			if (c && c->start <= cur) {	/* covers the gap's start */
				cur = c->end;
				continue;
			}
			uint64_t ge = c && c->start < re ? c->start : re;	/* the gap: [cur, ge) */
			uint64_t at;
			if (top) {
				if (ge - cur >= len) {
					at = (ge - len) & ~(align - 1);
					if (at >= cur && (!found || at > best))
						best = at, found = 1;
				}
			} else {
				at = (cur + align - 1) & ~(align - 1);
				if (at >= cur && at <= ge && ge - at >= len && (!found || at < best))
					best = at, found = 1;
			}
			if (!c)
				break;
			cur = c->end;
		}
	}
	*out = best;
	return found;
}

int mem_alloc(struct mem_map *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
	      int flags, enum claim_kind kind, const char *what, uint64_t *out, struct diag *d)
{
	int top = flags & MEM_TOP_DOWN;
	uint64_t best;

	if (len == 0)
		len = 1;
	if (align == 0)
		align = 1;
	int found = m->nclaims <= SORT_MAX ? alloc_sweep(m, len, align, lo, hi, top, &best)
					   : alloc_scan(m, len, align, lo, hi, top, &best);
	if (!found)
		return diag_fail(d, ST_NO_MEMORY,
				 "memory: no room for %s (%llu bytes, aligned to 0x%llx, within 0x%llx-0x%llx)",
				 what, (unsigned long long)len, (unsigned long long)align,
				 (unsigned long long)lo, (unsigned long long)hi - 1);
	int r = mem_claim(m, best, len, kind, what, d);
	if (r < 0)
		return r;
	*out = best;
	return 0;
}

/* The free range that starts at s (aligned up) and runs to the next claim
 * or re; 0 when s lies inside a claim. */
static uint64_t free_run(const struct mem_map *m, uint64_t s, uint64_t re, uint64_t *at)
{
	for (size_t i = 0; i < m->nclaims; i++)
		if (m->claims[i].start <= s && s < m->claims[i].end)
			return 0;
	uint64_t e = re;
	for (size_t i = 0; i < m->nclaims; i++)
		if (m->claims[i].start >= s && m->claims[i].start < e)
			e = m->claims[i].start;
	*at = s;
	return e - s;
}

int mem_largest_free(const struct mem_map *m, uint64_t lo, uint64_t hi, uint64_t align,
		     uint64_t *start, uint64_t *len)
{
	uint64_t best = 0, best_at = 0;
	if (align == 0)
		align = 1;
	for (size_t i = 0; i < m->nram; i++) {
		uint64_t rs = m->ram[i].start > lo ? m->ram[i].start : lo;
		uint64_t re = m->ram[i].end < hi ? m->ram[i].end : hi;
		if (rs >= re)
			continue;
		for (size_t j = 0; j <= m->nclaims; j++) {
			uint64_t s = j == m->nclaims ? rs : m->claims[j].end;
			if (s < rs || s >= re)
				continue;
			s = (s + align - 1) & ~(align - 1);
			if (s < rs || s >= re)
				continue;
			uint64_t at, n = free_run(m, s, re, &at);
			if (n > best)
				best = n, best_at = at;
		}
	}
	if (!best)
		return -ST_NO_MEMORY;
	*start = best_at;
	*len = best;
	return 0;
}
