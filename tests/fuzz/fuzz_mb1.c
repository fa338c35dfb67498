/* Fuzz the Multiboot 1 planner (header search, ELF parsing, a.out kludge,
 * placement, info building) over a fixed memory map. */
#include <stdint.h>
#include <string.h>
#include "mb1.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	static struct mem_region map[8], ram[8];
	static struct mem_claim claims[64];
	struct mem_map m;
	mem_init(&m, map, 8, ram, 8, claims, 64);
	mem_add(&m, 0, 0x9fc00, 1);
	mem_add(&m, 0x100000, 0x7f00000, 1);
	mem_finish(&m);
	mem_claim(&m, 0, 0x500, CLAIM_FIRMWARE, "BIOS", 0);
	mem_claim(&m, 0x20000, 0x70000, CLAIM_SELF, "fwboot", 0);

	struct file k = { "opt/k", 0, 0, size, data };
	struct file mod = { "opt/m", 0, 0, 12345, data };
	struct boot_module mods[1] = { { &mod, "a b" } };
	struct boot_request req = { &k, "args", mods, 1, 0, "fwboot fuzz", 0 };
	struct boot_env env = { &m, 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	mb1_plan(&req, data, n, &env, &p, &d);
	return 0;
}
