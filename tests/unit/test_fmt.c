/* SPDX-License-Identifier: BSD-2-Clause */
/* fmt_vsnprintf and the str_ helpers: exact output, truncation. */
#include "lib/fmt.h"
#include "lib/str.h"
#include "test.h"

int main(void)
{
	char b[64];
	ok_eq(fmt_snprintf(b, sizeof(b), "%s|%5s|%-5s|%.3s", "ab", "cd", "ef", "ghijk"), 18);
	ok_str(b, "ab|   cd|ef   |ghi");
	fmt_snprintf(b, sizeof(b), "%d %i %u %x %X", -42, 7, 4000000000u, 0xbeef, 0xbeef);
	ok_str(b, "-42 7 4000000000 beef BEEF");
	fmt_snprintf(b, sizeof(b), "%08x|%-6d|%06d|%3c", 0x1f, 12, -12, 'z');
	ok_str(b, "0000001f|12    |-00012|  z");
	fmt_snprintf(b, sizeof(b), "%llx %lld %zu %lu", 0x123456789abcULL, -9000000000LL, (size_t)17, 99ul);
	ok_str(b, "123456789abc -9000000000 17 99");
	fmt_snprintf(b, sizeof(b), "%p %s %%", (void *)0x1000, (const char *)0);
	ok_str(b, "0x1000 (null) %");
	fmt_snprintf(b, sizeof(b), "%*d|%.*s", 4, 5, 2, "xyz");
	ok_str(b, "   5|xy");
	/* truncation: NUL-terminated, full length returned */
	ok_eq(fmt_snprintf(b, 5, "%s", "abcdefgh"), 8);
	ok_str(b, "abcd");
	ok_eq(fmt_snprintf(b, 1, "x"), 1);
	ok_str(b, "");

	unsigned long long v;
	ok_eq(str_to_u64("0x1F", &v), 0);
	ok_eq(v, 31);
	ok_eq(str_to_u64("18446744073709551615", &v), 0);
	ok_eq(v, ~0ULL);
	ok_eq(str_to_u64("18446744073709551616", &v), -1);
	ok_eq(str_to_u64("12a", &v), -1);
	ok_eq(str_to_u64("", &v), -1);
	ok_eq(str_to_u64("0x", &v), -1);
	ok_eq(str_len("abc"), 3);
	ok(str_eq("a", "a") && !str_eq("a", "ab"));
	ok(str_starts("name=x", "name=") && !str_starts("nam", "name="));
	ok(str_chr("abc", 'c') && !str_chr("abc", 'd'));
	ok(str_ncmp("abcd", "abce", 3) == 0 && str_ncmp("abcd", "abce", 4) < 0);
	return test_done("fmt");
}
