/* SPDX-License-Identifier: BSD-2-Clause */
/* Host unit tests: ok() records a result with file and line; each test
 * program ends with test_done(), which prints its tally for tests/run-all.sh. */
#ifndef FWBOOT_TEST_H
#define FWBOOT_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

static inline int test_ok(int cond, const char *expr, const char *file, int line)
{
	if (cond) {
		test_passed++;
	} else {
		test_failed++;
		printf("FAIL %s:%d: %s\n", file, line, expr);
	}
	return cond;
}

#define ok(cond) test_ok(!!(cond), #cond, __FILE__, __LINE__)

/* String equality with both values shown on failure. */
#define ok_str(a, b)                                                            \
	do {                                                                    \
		const char *a_ = (a), *b_ = (b);                                \
		if (!test_ok(a_ && b_ && strcmp(a_, b_) == 0, #a " == " #b, __FILE__, __LINE__)) \
			printf("     got \"%s\"\n     want \"%s\"\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#define ok_eq(a, b)                                                             \
	do {                                                                    \
		long long a_ = (long long)(a), b_ = (long long)(b);             \
		if (!test_ok(a_ == b_, #a " == " #b, __FILE__, __LINE__))       \
			printf("     got %lld (0x%llx), want %lld (0x%llx)\n", a_, (unsigned long long)a_, b_, (unsigned long long)b_); \
	} while (0)

static inline int test_done(const char *name)
{
	printf("unit %s: %d passed, %d failed\n", name, test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
