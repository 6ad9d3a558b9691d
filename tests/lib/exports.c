// SPDX-License-Identifier: GPL-2.0
/*
 * The shared library exports exactly the documented symbols: the globals
 * of libkshm.map, each declared with KSHM_EXPORT in kshm.h, each with a
 * man page, each at the map's version, and nothing else.
 *
 * Built with KSHM_SO, KSHM_MAP, KSHM_HEADER and KSHM_MANDIR set to paths.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib-test.h"

#define MAX_SYMS 64

struct syms {
	int n;
	char name[MAX_SYMS][64];
};

static void add(struct syms *s, const char *name, size_t len)
{
	ck_assert_int_lt(s->n, MAX_SYMS);
	ck_assert_uint_lt(len, sizeof(s->name[0]));
	memcpy(s->name[s->n], name, len);
	s->name[s->n][len] = '\0';
	s->n++;
}

static int has(const struct syms *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return 1;
	return 0;
}

static FILE *open_or_fail(const char *path)
{
	FILE *f = fopen(path, "r");

	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	return f;
}

/* The names between "global:" and "local:" of the newest node. */
static void map_globals(struct syms *s, char *version, size_t vlen)
{
	FILE *f = open_or_fail(KSHM_MAP);
	char line[256];
	int in_global = 0;

	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		if (!strncmp(p, "LIBKSHM_", 8)) {
			snprintf(version, vlen, "%.*s", (int)strcspn(p, " \t{\n"), p);
			s->n = 0;
		} else if (!strncmp(p, "global:", 7)) {
			in_global = 1;
		} else if (!strncmp(p, "local:", 6)) {
			in_global = 0;
		} else if (in_global && isalpha((unsigned char)*p)) {
			add(s, p, strcspn(p, "; \t\n"));
		}
	}
	fclose(f);
}

/* Defined dynamic symbols as "name" and their "@@VERSION". */
static void nm_exports(struct syms *names, struct syms *versions)
{
	FILE *f = popen("nm -D --defined-only " KSHM_SO, "r");
	char line[256], type, sym[128];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *at;

		if (sscanf(line, "%*s %c %127s", &type, sym) != 2)
			continue;
		if (type == 'A')	/* the version node itself */
			continue;
		at = strchr(sym, '@');
		add(names, sym, at ? (size_t)(at - sym) : strlen(sym));
		add(versions, at ? at + strspn(at, "@") : "", at ?
		    strlen(at + strspn(at, "@")) : 0);
	}
	ck_assert_int_eq(pclose(f), 0);
}

START_TEST(library_exports_exactly_the_map_globals)
{
	struct syms map = { 0 }, nm = { 0 }, ver = { 0 };
	char version[32] = "";

	map_globals(&map, version, sizeof(version));
	nm_exports(&nm, &ver);
	ck_assert_int_gt(map.n, 0);
	for (int i = 0; i < nm.n; i++) {
		ck_assert_msg(has(&map, nm.name[i]),
			      "%s is exported but not in libkshm.map", nm.name[i]);
		ck_assert_msg(!strcmp(ver.name[i], version),
			      "%s has version '%s', not %s", nm.name[i],
			      ver.name[i], version);
	}
	for (int i = 0; i < map.n; i++)
		ck_assert_msg(has(&nm, map.name[i]),
			      "%s is in libkshm.map but not exported", map.name[i]);
}
END_TEST

START_TEST(exported_symbols_are_declared_in_the_header)
{
	struct syms map = { 0 }, hdr = { 0 };
	char version[32], line[256];
	FILE *f = open_or_fail(KSHM_HEADER);

	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "kshm_");

		if (strncmp(line, "KSHM_EXPORT ", 12) || !p)
			continue;
		add(&hdr, p, strcspn(p, "("));
	}
	fclose(f);
	map_globals(&map, version, sizeof(version));
	ck_assert_int_eq(hdr.n, map.n);
	for (int i = 0; i < map.n; i++)
		ck_assert_msg(has(&hdr, map.name[i]),
			      "%s is exported but not declared KSHM_EXPORT",
			      map.name[i]);
}
END_TEST

START_TEST(exported_symbols_have_man_pages)
{
	struct syms map = { 0 };
	char version[32], path[512];

	map_globals(&map, version, sizeof(version));
	for (int i = 0; i < map.n; i++) {
		snprintf(path, sizeof(path), "%s/%s.3", KSHM_MANDIR, map.name[i]);
		ck_assert_msg(!access(path, R_OK), "no man page %s", path);
	}
}
END_TEST

Suite *exports_suite(void)
{
	Suite *s = suite_create("exports");
	TCase *tc = tcase_create("shared-library");

	tcase_add_test(tc, library_exports_exactly_the_map_globals);
	tcase_add_test(tc, exported_symbols_are_declared_in_the_header);
	tcase_add_test(tc, exported_symbols_have_man_pages);
	suite_add_tcase(s, tc);
	return s;
}
