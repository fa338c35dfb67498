/* Fuzz the Multiboot 1 planner (header search, ELF parsing, a.out kludge,
 * placement, info building) over a memory map the input chooses
 * (fuzz_map.h); every accepted plan must pass plan_check. */
#include <stdint.h>
#include <string.h>
#include "mb1.h"
#include "fuzz_map.h"

int fuzz_one(const uint8_t *data, size_t size);

int fuzz_one(const uint8_t *data, size_t size)
{
	size_t used = fuzz_map(data, size);
	data += used;
	size -= used;

	struct file k = { "opt/k", 0, 0, size, data };
	struct file mod = { "opt/m", 0, 0, 12345, data };
	struct boot_module mods[1] = { { &mod, "a b" } };
	struct boot_request req = { &k, "args", mods, 1, 0, "fwboot fuzz", 0 };
	struct boot_env env = { &mm, 0 };
	struct plan p;
	struct diag d;
	memset(&p, 0, sizeof(p));
	size_t n = size < IMAGE_HEADER_WINDOW ? size : IMAGE_HEADER_WINDOW;
	if (mb1_plan(&req, data, n, &env, &p, &d) == 0)
		plan_check_or_abort(&p, &mm, &req);
	return 0;
}
