/* Fuzz the Multiboot 2 planner (header search and tags, ELF and flat
 * layouts, relocatable placement, modules, the information and its RSDP
 * copy) over a fixed memory map. The input's last 256 bytes double as the
 * machine's RSDP. */
#include <stdint.h>
#include <string.h>
#include "mb2.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	static struct mem_region map[8], ram[8];
	static struct mem_claim claims[64];
	static uint8_t rsdp[256];
	struct mem_map m;
	mem_init(&m, map, 8, ram, 8, claims, 64);
	mem_add(&m, 0, 0x9fc00, 1);
	mem_add(&m, 0x100000, 0x7f00000, 1);
	mem_finish(&m);
	mem_claim(&m, 0, 0x500, CLAIM_FIRMWARE, "BIOS", 0);
	mem_claim(&m, 0x20000, 0x70000, CLAIM_SELF, "fwboot", 0);
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, data + (size > sizeof(rsdp) ? size - sizeof(rsdp) : 0), size < sizeof(rsdp) ? size : sizeof(rsdp));

	struct file k = { "opt/k", 0, 0, size, data };
	struct file mod = { "opt/m", 0, 0, 12345, data };
	struct boot_module mods[1] = { { &mod, "a b" } };
	struct boot_request req = { .kernel = &k, .args = "args", .mods = mods, .nmods = 1,
				    .loader_name = "fwboot fuzz" };
	struct boot_env env = { &m, size & 1 ? (uintptr_t)rsdp : 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	mb2_plan(&req, data, n, &env, &p, &d);
	return 0;
}
