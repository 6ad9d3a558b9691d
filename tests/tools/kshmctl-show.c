// SPDX-License-Identifier: GPL-2.0
/*
 * How kshmctl shows a region (info, info --json, list, watch): every
 * field the mask says is valid, no field it does not, the fault-around
 * counters only from a driver that reports them, rates from two samples.
 */
#include <stdlib.h>
#include <string.h>

#include "kshmctl-test.h"

#define ALL_FIELDS	((KSHM_INFO_FAULT_POLICY << 1) - 1)

static struct kshm_info full_info(void)
{
	struct kshm_info info = {
		.argsz = sizeof(info),
		.mask = ALL_FIELDS,
		.size = 1 << 20,
		.max_size = 64 << 20,
		.resident_pages = 3,
		.faults = 2,
		.mappings = 1,
		.backing = KSHM_BACKING_PAGES,
		.index = 0,
		.page_size = 4096,
		.name = "kshm0",
		.around_pages = 30,
		.prefault_pages = 7,
		.huge_maps = 5,
		.huge_fallbacks = 4,
		.fault_around = 16,
		.fault_flags = KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT,
	};

	return info;
}

static char *text(const struct kshm_info *info, const char *path)
{
	struct t_capture c;

	kshmctl_info_text(t_capture_start(&c), info, path);
	return t_capture_end(&c);
}

static char *json(const struct kshm_info *info, const char *path)
{
	struct t_capture c;

	kshmctl_info_json(t_capture_start(&c), info, path);
	return t_capture_end(&c);
}

START_TEST(info_text_shows_every_field_with_its_value)
{
	struct kshm_info info = full_info();
	char *out = text(&info, "/dev/kshm0");

	ck_assert_str_eq(out,
		"name:           kshm0\n"
		"path:           /dev/kshm0\n"
		"index:          0\n"
		"backing:        pages\n"
		"size:           1048576 (1M)\n"
		"max_size:       67108864 (64M)\n"
		"page_size:      4096\n"
		"resident_pages: 3 (12K)\n"
		"faults:         2\n"
		"mappings:       1\n"
		"around_pages:   30\n"
		"prefault_pages: 7\n"
		"huge_maps:      5\n"
		"huge_fallbacks: 4\n"
		"fault_around:   16\n"
		"fault_flags:    0x3 (prefault,resident)\n");
	free(out);
}
END_TEST

START_TEST(info_shows_no_field_outside_the_mask)
{
	struct kshm_info info = full_info();
	char *out;

	/* A driver from before the fault-around counters. */
	info.mask = KSHM_INFO_NAME | KSHM_INFO_SIZE | KSHM_INFO_FAULTS;
	out = text(&info, NULL);
	ck_assert_str_eq(out,
		"name:           kshm0\n"
		"path:           /dev/kshm0\n"
		"size:           1048576 (1M)\n"
		"faults:         2\n");
	free(out);
	out = json(&info, NULL);
	ck_assert_str_eq(out,
		"{\"name\": \"kshm0\", \"path\": \"/dev/kshm0\", \"size\": 1048576, \"faults\": 2}");
	free(out);
}
END_TEST

START_TEST(fault_counters_follow_their_own_mask_bits)
{
	static const struct {
		uint64_t bit;
		const char *field;
	} counters[] = {
		{ KSHM_INFO_AROUND_PAGES, "around_pages" },
		{ KSHM_INFO_PREFAULT_PAGES, "prefault_pages" },
		{ KSHM_INFO_HUGE_MAPS, "huge_maps" },
		{ KSHM_INFO_HUGE_FALLBACKS, "huge_fallbacks" },
		{ KSHM_INFO_FAULT_POLICY, "fault_around" },
		{ KSHM_INFO_FAULT_POLICY, "fault_flags" },
	};
	struct kshm_info info = full_info();
	size_t i, j;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		char *t, *j_out;

		info.mask = KSHM_INFO_NAME | counters[i].bit;
		t = text(&info, NULL);
		j_out = json(&info, NULL);
		for (j = 0; j < sizeof(counters) / sizeof(counters[0]); j++) {
			char key[40];
			bool want = counters[j].bit == counters[i].bit;

			snprintf(key, sizeof(key), "\n%s:", counters[j].field);
			ck_assert_msg(!!strstr(t, key) == want, "%s in:\n%s",
				      counters[j].field, t);
			snprintf(key, sizeof(key), "\"%s\": ", counters[j].field);
			ck_assert_msg(!!strstr(j_out, key) == want, "%s in %s",
				      counters[j].field, j_out);
		}
		free(t);
		free(j_out);
	}
}
END_TEST

START_TEST(info_json_has_every_field_as_a_number)
{
	struct kshm_info info = full_info();
	char *out;

	info.backing = KSHM_BACKING_HUGE;
	info.fault_flags = KSHM_FAULT_PREFAULT;
	out = json(&info, "/dev/kshm0");
	ck_assert_str_eq(out,
		"{\"name\": \"kshm0\", \"path\": \"/dev/kshm0\", \"index\": 0, "
		"\"backing\": \"huge\", \"size\": 1048576, \"max_size\": 67108864, "
		"\"page_size\": 4096, \"resident_pages\": 3, \"faults\": 2, "
		"\"mappings\": 1, \"around_pages\": 30, \"prefault_pages\": 7, "
		"\"huge_maps\": 5, \"huge_fallbacks\": 4, \"fault_around\": 16, "
		"\"fault_flags\": 1}");
	free(out);
}
END_TEST

START_TEST(region_made_at_run_time_has_no_index)
{
	struct kshm_info info = full_info();
	char *out;

	info.index = KSHM_INDEX_NONE;
	strcpy(info.name, "kshm-frames");
	info.mask = KSHM_INFO_NAME | KSHM_INFO_INDEX;
	out = text(&info, NULL);
	ck_assert_str_eq(out, "name:           kshm-frames\n"
			      "path:           /dev/kshm-frames\n"
			      "index:          none\n");
	free(out);
	out = json(&info, NULL);
	ck_assert_str_eq(out, "{\"name\": \"kshm-frames\", \"path\": \"/dev/kshm-frames\", \"index\": null}");
	free(out);
}
END_TEST

START_TEST(json_escapes_what_a_name_could_hold)
{
	struct kshm_info info = full_info();
	char *out;

	info.mask = KSHM_INFO_NAME;
	strcpy(info.name, "a\"b\\c\n\x7f");
	out = json(&info, "/dev/x");
	ck_assert_str_eq(out, "{\"name\": \"a\\\"b\\\\c\\u000a\\u007f\", \"path\": \"/dev/x\"}");
	free(out);
	/* A name the kernel did not terminate stops at KSHM_NAME_MAX - 1. */
	memset(info.name, 'n', sizeof(info.name));
	out = text(&info, "/dev/x");
	ck_assert_ptr_nonnull(strstr(out, "name:           nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n"));
	free(out);
}
END_TEST

START_TEST(unknown_backing_is_named_with_its_number)
{
	struct kshm_info info = full_info();
	char *out;

	info.mask = KSHM_INFO_BACKING;
	info.backing = 7;
	out = text(&info, "/dev/x");
	ck_assert_str_eq(out, "path:           /dev/x\nbacking:        unknown (7)\n");
	free(out);
	ck_assert_str_eq(kshmctl_backing_name(KSHM_BACKING_VMALLOC), "vmalloc");
}
END_TEST

START_TEST(list_row_marks_missing_fields)
{
	struct kshm_info info = full_info();
	struct t_capture c;
	FILE *f = t_capture_start(&c);
	char *out;

	kshmctl_list_header(f);
	kshmctl_list_row(f, &info);
	info.mask &= ~(KSHM_INFO_FAULTS | KSHM_INFO_BACKING);
	info.mask &= ~KSHM_INFO_NAME;
	info.index = 3;
	kshmctl_list_row(f, &info);
	out = t_capture_end(&c);
	ck_assert_str_eq(out,
		"NAME                     SIZE   RESIDENT     FAULTS MAPPINGS BACKING\n"
		"kshm0                      1M          3          2        1 pages\n"
		"kshm3                      1M          3          -        1 -\n");
	free(out);
}
END_TEST

START_TEST(watch_rates_are_per_second_between_samples)
{
	struct kshm_info a = full_info(), b = full_info();
	struct t_capture c;
	FILE *f = t_capture_start(&c);
	char *out;

	a.mask = b.mask = KSHM_INFO_SIZE | KSHM_INFO_MAPPINGS |
			  KSHM_INFO_RESIDENT_PAGES | KSHM_INFO_FAULTS;
	b.faults = a.faults + 30;
	b.resident_pages = 0;	/* a shrink: a negative rate */
	kshmctl_watch_header(f, &a);
	kshmctl_watch_line(f, NULL, &a, 0, 0);
	kshmctl_watch_line(f, &a, &b, 2.0, 2.0);
	out = t_capture_end(&c);
	ck_assert_str_eq(out,
		"    TIME     SIZE MAPPINGS   RESIDENT RESIDENT/s     FAULTS   FAULTS/s\n"
		"     0.0       1M        1          3          -          2          -\n"
		"     2.0       1M        1          0       -1.5         32       15.0\n");
	free(out);
}
END_TEST

START_TEST(watch_shows_fault_around_columns_when_reported)
{
	struct kshm_info a = full_info(), b = full_info();
	struct t_capture c;
	FILE *f = t_capture_start(&c);
	char *out;

	b.around_pages += 150;
	kshmctl_watch_header(f, &a);
	kshmctl_watch_line(f, &a, &b, 1.0, 0.5);
	out = t_capture_end(&c);
	ck_assert_str_eq(out,
		"    TIME     SIZE MAPPINGS   RESIDENT RESIDENT/s     FAULTS   FAULTS/s     AROUND   AROUND/s   PREFAULT PREFAULT/s       HUGE     HUGE/s\n"
		"     1.0       1M        1          3        0.0          2        0.0        180      300.0          7        0.0          5        0.0\n");
	free(out);
}
END_TEST

Suite *show_suite(void)
{
	Suite *s = suite_create("kshmctl show");
	TCase *tc = tcase_create("show");

	tcase_add_test(tc, info_text_shows_every_field_with_its_value);
	tcase_add_test(tc, info_shows_no_field_outside_the_mask);
	tcase_add_test(tc, fault_counters_follow_their_own_mask_bits);
	tcase_add_test(tc, info_json_has_every_field_as_a_number);
	tcase_add_test(tc, region_made_at_run_time_has_no_index);
	tcase_add_test(tc, json_escapes_what_a_name_could_hold);
	tcase_add_test(tc, unknown_backing_is_named_with_its_number);
	tcase_add_test(tc, list_row_marks_missing_fields);
	tcase_add_test(tc, watch_rates_are_per_second_between_samples);
	tcase_add_test(tc, watch_shows_fault_around_columns_when_reported);
	suite_add_tcase(s, tc);
	return s;
}
