// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes on kshmctl's command line: what kshmctl_parse_size() takes and
 * refuses, and kshmctl_format_size()'s short forms, which parse back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kshmctl-test.h"

static uint64_t parsed(const char *s)
{
	uint64_t v = 0xdeadbeef;

	ck_assert_msg(kshmctl_parse_size(s, &v) == 0, "'%s' refused", s);
	return v;
}

/* @s refused with @err, and *out left alone. */
static void refused(const char *s, int err)
{
	uint64_t v = 12345;

	ck_assert_msg(kshmctl_parse_size(s, &v) == -err,
		      "'%s' not refused with %s", s, strerror(err));
	ck_assert_uint_eq(v, 12345);
}

START_TEST(plain_bytes_parse_as_decimal)
{
	ck_assert_uint_eq(parsed("0"), 0);
	ck_assert_uint_eq(parsed("1"), 1);
	ck_assert_uint_eq(parsed("4096"), 4096);
	ck_assert_uint_eq(parsed("007"), 7);
	ck_assert_uint_eq(parsed("18446744073709551615"), UINT64_MAX);
}
END_TEST

START_TEST(suffixes_are_powers_of_1024_in_either_case)
{
	ck_assert_uint_eq(parsed("64K"), 64 << 10);
	ck_assert_uint_eq(parsed("64k"), 64 << 10);
	ck_assert_uint_eq(parsed("16M"), 16 << 20);
	ck_assert_uint_eq(parsed("16m"), 16 << 20);
	ck_assert_uint_eq(parsed("1G"), 1 << 30);
	ck_assert_uint_eq(parsed("3g"), UINT64_C(3) << 30);
	ck_assert_uint_eq(parsed("2T"), UINT64_C(2) << 40);
	ck_assert_uint_eq(parsed("0K"), 0);
}
END_TEST

START_TEST(hex_with_0x_parses_and_takes_suffixes)
{
	ck_assert_uint_eq(parsed("0x1000"), 4096);
	ck_assert_uint_eq(parsed("0XfF"), 255);
	ck_assert_uint_eq(parsed("0x10K"), 16 << 10);
	ck_assert_uint_eq(parsed("0xffffffffffffffff"), UINT64_MAX);
}
END_TEST

START_TEST(malformed_sizes_fail_einval)
{
	static const char *const bad[] = {
		"", "K", "-1", "+1", " 1", "1 ", "1.5M", "12Q", "1KB", "1KK",
		"1KiB", "0x", "0xg", "1e3", "x10", "1_000", "1M ", "--1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i], EINVAL);
	ck_assert_int_eq(kshmctl_parse_size(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(sizes_past_64_bits_fail_erange)
{
	refused("18446744073709551616", ERANGE);
	refused("99999999999999999999999", ERANGE);
	refused("0x10000000000000000", ERANGE);
	refused("16777216T", ERANGE);			/* 2^24 << 40 = 2^64 */
	refused("17179869184G", ERANGE);		/* 2^34 << 30 */
	ck_assert_uint_eq(parsed("16777215T"), UINT64_C(16777215) << 40);
}
END_TEST

static const char *formatted(uint64_t v)
{
	static char buf[KSHMCTL_SIZE_BUF];

	return kshmctl_format_size(v, buf);
}

START_TEST(format_uses_the_largest_exact_unit)
{
	ck_assert_str_eq(formatted(0), "0");
	ck_assert_str_eq(formatted(1), "1");
	ck_assert_str_eq(formatted(1023), "1023");
	ck_assert_str_eq(formatted(1024), "1K");
	ck_assert_str_eq(formatted(1536), "1536");
	ck_assert_str_eq(formatted(5000), "5000");
	ck_assert_str_eq(formatted(8192), "8K");
	ck_assert_str_eq(formatted(1 << 20), "1M");
	ck_assert_str_eq(formatted(3 << 20 | 1 << 10), "3073K");
	ck_assert_str_eq(formatted(UINT64_C(64) << 30), "64G");
	ck_assert_str_eq(formatted(UINT64_C(1) << 40), "1T");
	ck_assert_str_eq(formatted(UINT64_C(1) << 63), "8388608T");
	ck_assert_str_eq(formatted(UINT64_MAX), "18446744073709551615");
}
END_TEST

START_TEST(formatted_sizes_parse_back)
{
	char buf[KSHMCTL_SIZE_BUF];
	unsigned int i, shift;

	srand(1);
	for (i = 0; i < 10000; i++) {
		uint64_t v = ((uint64_t)rand() << 31 | rand()) << (i % 50);

		ck_assert_uint_eq(parsed(kshmctl_format_size(v, buf)), v);
	}
	for (shift = 0; shift < 64; shift++) {
		uint64_t v = UINT64_C(1) << shift;

		ck_assert_uint_eq(parsed(kshmctl_format_size(v, buf)), v);
		ck_assert_uint_eq(parsed(kshmctl_format_size(v - 1, buf)), v - 1);
	}
}
END_TEST

Suite *sizes_suite(void)
{
	Suite *s = suite_create("kshmctl sizes");
	TCase *tc = tcase_create("sizes");

	tcase_add_test(tc, plain_bytes_parse_as_decimal);
	tcase_add_test(tc, suffixes_are_powers_of_1024_in_either_case);
	tcase_add_test(tc, hex_with_0x_parses_and_takes_suffixes);
	tcase_add_test(tc, malformed_sizes_fail_einval);
	tcase_add_test(tc, sizes_past_64_bits_fail_erange);
	tcase_add_test(tc, format_uses_the_largest_exact_unit);
	tcase_add_test(tc, formatted_sizes_parse_back);
	suite_add_tcase(s, tc);
	return s;
}
