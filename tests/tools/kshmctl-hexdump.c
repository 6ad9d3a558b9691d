// SPDX-License-Identifier: GPL-2.0
/*
 * kshmctl dump's hexdump: byte for byte what `hexdump -C` prints, for
 * any offset, length and way the bytes arrive; runs of equal lines as
 * one "*" unless -v.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kshmctl-test.h"
#include "../include/kshm-skip.h"

/* Hexdump @len bytes of @p, labelled from @off, fed in random pieces. */
static char *dump(const unsigned char *p, size_t len, uint64_t off, bool all)
{
	struct kshmctl_hexdump hd;
	struct t_capture c;
	size_t done = 0;

	kshmctl_hexdump_start(&hd, t_capture_start(&c), off, all);
	while (done < len) {
		size_t n = 1 + rand() % 40;

		if (n > len - done)
			n = len - done;
		kshmctl_hexdump_feed(&hd, p + done, n);
		done += n;
	}
	kshmctl_hexdump_end(&hd);
	return t_capture_end(&c);
}

START_TEST(one_line_has_hexdump_C_columns)
{
	char *out = dump((const unsigned char *)"hello, kshmctl!\n\x01\xff", 18,
			 0, false);

	ck_assert_str_eq(out,
		"00000000  68 65 6c 6c 6f 2c 20 6b  73 68 6d 63 74 6c 21 0a  |hello, kshmctl!.|\n"
		"00000010  01 ff                                             |..|\n"
		"00000012\n");
	free(out);
}
END_TEST

START_TEST(equal_lines_collapse_to_one_star)
{
	unsigned char buf[80] = { 0 };
	char *out;

	buf[79] = 'x';
	out = dump(buf, sizeof(buf), 0x1000, false);
	ck_assert_str_eq(out,
		"00001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
		"*\n"
		"00001040  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 78  |...............x|\n"
		"00001050\n");
	free(out);
}
END_TEST

START_TEST(all_prints_every_line)
{
	unsigned char buf[48] = { 0 };
	char *out = dump(buf, sizeof(buf), 0, true);

	ck_assert_ptr_null(strchr(out, '*'));
	ck_assert_ptr_nonnull(strstr(out, "\n00000010  00"));
	ck_assert_ptr_nonnull(strstr(out, "\n00000020  00"));
	ck_assert_ptr_nonnull(strstr(out, "\n00000030\n"));
	free(out);
}
END_TEST

START_TEST(nothing_fed_prints_nothing)
{
	char *out = dump(NULL, 0, 4096, false);

	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(offsets_past_32_bits_widen)
{
	char *out = dump((const unsigned char *)"ab", 2, UINT64_C(0x123456789),
			 false);

	ck_assert_str_eq(out,
		"123456789  61 62                                             |ab|\n"
		"12345678b\n");
	free(out);
}
END_TEST

/* hexdump -C -s @off -n @len of @path: the reference. */
static char *reference(const char *path, size_t off, size_t len)
{
	char cmd[512], *buf = NULL;
	size_t size = 0, n;
	FILE *in, *out;
	char chunk[4096];

	snprintf(cmd, sizeof(cmd), "hexdump -C -s %zu -n %zu %s", off, len, path);
	in = popen(cmd, "r");
	ck_assert_ptr_nonnull(in);
	out = open_memstream(&buf, &size);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, n, out);
	ck_assert_int_eq(pclose(in), 0);
	fclose(out);
	return buf;
}

START_TEST(matches_hexdump_C_for_any_offset_and_length)
{
	static unsigned char data[8192];
	char path[] = "/tmp/kshmctl-hexdump.XXXXXX";
	unsigned int i;
	int fd;

	if (system("hexdump -C </dev/null >/dev/null 2>&1"))
		KSHM_SKIP("no hexdump(1) to compare with");
	/* Text, random bytes and long runs: every kind of line. */
	srand(2);
	for (i = 0; i < sizeof(data); i++)
		data[i] = i < 300 ? "The kshm region. "[i % 17] :
			  i < 2000 ? rand() : i < 5000 ? 0 : i < 6000 ? 0xaa :
			  rand() % 3;
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, sizeof(data)), sizeof(data));
	close(fd);
	for (i = 0; i < 60; i++) {
		size_t off = i < 20 ? i : rand() % sizeof(data);
		size_t len = i % 3 ? rand() % (sizeof(data) - off + 1) :
			     sizeof(data) - off;
		char *want = reference(path, off, len);
		char *got = dump(data + off, len, off, false);

		ck_assert_msg(!strcmp(got, want),
			      "offset %zu length %zu:\n%s\nhexdump -C says:\n%s",
			      off, len, got, want);
		free(want);
		free(got);
	}
	unlink(path);
}
END_TEST

Suite *hexdump_suite(void)
{
	Suite *s = suite_create("kshmctl hexdump");
	TCase *tc = tcase_create("hexdump");

	tcase_add_test(tc, one_line_has_hexdump_C_columns);
	tcase_add_test(tc, equal_lines_collapse_to_one_star);
	tcase_add_test(tc, all_prints_every_line);
	tcase_add_test(tc, nothing_fed_prints_nothing);
	tcase_add_test(tc, offsets_past_32_bits_widen);
	tcase_add_test(tc, matches_hexdump_C_for_any_offset_and_length);
	suite_add_tcase(s, tc);
	return s;
}
