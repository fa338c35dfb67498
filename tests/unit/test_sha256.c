/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/sha256.c against coreutils' sha256sum (the oracle): every length
 * 0-1000 and some large inputs, hashed in one call and in uneven pieces;
 * the FIPS 180-2 examples; hex parsing. */
#include <stdlib.h>
#include <unistd.h>
#include "lib/sha256.h"
#include "test.h"

static uint8_t byte_at(size_t len, size_t i)
{
	return (uint8_t)(i * 31 + len * 7 + (i >> 8) * 13);
}

static void ours(const uint8_t *p, size_t n, int pieces, char hex[65])
{
	struct sha256 s;
	uint8_t d[SHA256_SIZE];
	sha256_init(&s);
	if (!pieces) {
		sha256_update(&s, p, n);
	} else {	/* 1, 2, 3 ... byte pieces, then the rest */
		size_t at = 0;
		for (size_t step = 1; at < n; step = step % 67 + 1) {
			size_t take = n - at < step ? n - at : step;
			sha256_update(&s, p + at, take);
			at += take;
		}
	}
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
}

int main(void)
{
	char hex[65], dir[] = "/tmp/fwboot-sha256-XXXXXX";
	static const size_t large[] = { 65536, 65537, 1u << 20, (5u << 20) + 77 };
	size_t nlarge = sizeof(large) / sizeof(large[0]), total = 1001 + nlarge;
	if (!mkdtemp(dir)) {
		ok(!"mkdtemp");
		return test_done("sha256");
	}
	uint8_t *buf = malloc(large[nlarge - 1]);
	for (size_t f = 0; f < total; f++) {
		size_t n = f <= 1000 ? f : large[f - 1001];
		for (size_t i = 0; i < n; i++)
			buf[i] = byte_at(n, i);
		char path[64];
		snprintf(path, sizeof(path), "%s/%05zu", dir, f);
		FILE *o = fopen(path, "wb");
		ok(o && fwrite(buf, 1, n, o) == n);
		fclose(o);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "cd %s && sha256sum -- * && rm -f -- * && cd / && rmdir %s", dir, dir);
	FILE *p = popen(cmd, "r");
	ok(p != 0);
	size_t checked = 0;
	int all_whole = 1, all_pieces = 1;
	char line[256];
	while (p && fgets(line, sizeof(line), p)) {
		size_t f = (size_t)atoi(line + 66);
		if (f >= total || strlen(line) < 64)
			continue;
		size_t n = f <= 1000 ? f : large[f - 1001];
		for (size_t i = 0; i < n; i++)
			buf[i] = byte_at(n, i);
		line[64] = 0;
		ours(buf, n, 0, hex);
		if (strcmp(hex, line)) {
			all_whole = 0;
			printf("     length %zu: ours %s, sha256sum %s\n", n, hex, line);
		}
		ours(buf, n, 1, hex);
		if (strcmp(hex, line))
			all_pieces = 0;
		checked++;
	}
	ok(p && pclose(p) == 0);
	ok_eq(checked, total);
	ok(all_whole);
	ok(all_pieces);

	/* FIPS 180-2 appendix B */
	ours((const uint8_t *)"abc", 3, 0, hex);
	ok_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ours((const uint8_t *)two, strlen(two), 0, hex);
	ok_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* hex: 64 digits of either case, nothing else */
	uint8_t d[SHA256_SIZE];
	ok_eq(sha256_from_hex("BA7816BF8F01CFEA414140DE5DAE2223b00361a396177a9cb410ff61f20015ad", 64, d), 0);
	sha256_to_hex(d, hex);
	ok_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ok_eq(sha256_from_hex("ba7816bf", 8, d), -1);
	ok_eq(sha256_from_hex("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, d), -1);
	ok_eq(sha256_from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a ", 64, d), -1);
	free(buf);
	return test_done("sha256");
}
