/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/sha1.c against Python's hashlib (the oracle, computed apart from
 * ours): every length 0-1000 and some large inputs, hashed in one call and
 * in two pieces cut mid-block; the FIPS 180-2 appendix A examples. */
#include <stdlib.h>
#include "lib/sha1.h"
#include "test.h"

/* p[0..n) hashed in two updates, split at cut (0: whole). */
static void ours(const uint8_t *p, size_t n, size_t cut, char hex[41])
{
	struct sha1 s;
	uint8_t d[SHA1_SIZE];
	sha1_init(&s);
	sha1_update(&s, p, cut);
	sha1_update(&s, p + cut, n - cut);
	sha1_final(&s, d);
	for (int i = 0; i < SHA1_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

static const char oracle[] =
	"import hashlib\n"
	"for n in list(range(1001)) + [65536, 65537, 1 << 20, (3 << 20) + 77]:\n"
	"    b = bytes((i * 131 + n) & 255 for i in range(n))\n"
	"    print(n, hashlib.sha1(b).hexdigest())\n";

int main(void)
{
	char hex[41], line[128], cmd[512];
	uint8_t *buf = malloc((3u << 20) + 77);
	snprintf(cmd, sizeof(cmd), "python3 -c '%s'", oracle);	/* the program has no single quote */
	FILE *p = popen(cmd, "r");
	ok(p != 0);
	size_t checked = 0;
	int all_whole = 1, all_pieces = 1;
	while (p && fgets(line, sizeof(line), p)) {
		char want[41];
		size_t n;
		if (sscanf(line, "%zu %40s", &n, want) != 2)
			continue;
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(i * 131 + n);
		ours(buf, n, 0, hex);
		if (strcmp(hex, want)) {
			all_whole = 0;
			printf("     length %zu: ours %s, hashlib %s\n", n, hex, want);
		}
		ours(buf, n, n * 7 / 13, hex);	/* the cut falls anywhere in a block */
		all_pieces &= !strcmp(hex, want);
		checked++;
	}
	ok(p && pclose(p) == 0);
	ok_eq(checked, 1005);
	ok(all_whole && all_pieces);

	static const char *const fips[][2] = {	/* FIPS 180-2 appendix A, and the empty message */
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	};
	for (size_t i = 0; i < sizeof(fips) / sizeof(fips[0]); i++) {
		size_t n = strlen(fips[i][0]);
		ours((const uint8_t *)fips[i][0], n, n / 2, hex);
		ok_str(hex, fips[i][1]);
	}
	free(buf);
	return test_done("sha1");
}
