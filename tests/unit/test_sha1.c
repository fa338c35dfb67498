/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/sha1.c against Python's hashlib (the oracle, computed apart from
 * ours): every length 0-1000 and some large inputs, hashed in one call and
 * in uneven pieces; the FIPS 180-2 appendix A examples. */
#include <stdlib.h>
#include "lib/sha1.h"
#include "test.h"

static uint8_t byte_at(size_t len, size_t i)
{
	return (uint8_t)(i * 31 + len * 7 + (i >> 8) * 13);
}

static void ours(const uint8_t *p, size_t n, int pieces, char hex[41])
{
	struct sha1 s;
	uint8_t d[SHA1_SIZE];
	sha1_init(&s);
	size_t at = 0, step = 1;
	do {	/* whole, or in 1, 2, 3 ... byte pieces */
		size_t take = !pieces || n - at < step ? n - at : step;
		sha1_update(&s, p + at, take);
		at += take;
		step = step % 67 + 1;
	} while (at < n);
	sha1_final(&s, d);
	for (int i = 0; i < SHA1_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

static const char oracle[] =
	"import hashlib\n"
	"for n in list(range(1001)) + [65536, 65537, 1 << 20, (3 << 20) + 77]:\n"
	"    b = bytes((i * 31 + n * 7 + (i >> 8) * 13) & 255 for i in range(n))\n"
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
			buf[i] = byte_at(n, i);
		ours(buf, n, 0, hex);
		if (strcmp(hex, want)) {
			all_whole = 0;
			printf("     length %zu: ours %s, hashlib %s\n", n, hex, want);
		}
		ours(buf, n, 1, hex);
		all_pieces &= !strcmp(hex, want);
		checked++;
	}
	ok(p && pclose(p) == 0);
	ok_eq(checked, 1005);
	ok(all_whole);
	ok(all_pieces);

	/* FIPS 180-2 appendix A */
	ours((const uint8_t *)"abc", 3, 0, hex);
	ok_str(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ours((const uint8_t *)two, strlen(two), 1, hex);
	ok_str(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	ours((const uint8_t *)"", 0, 0, hex);
	ok_str(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	free(buf);
	return test_done("sha1");
}
