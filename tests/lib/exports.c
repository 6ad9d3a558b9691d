// SPDX-License-Identifier: GPL-2.0
/*
 * The shared library exports exactly the documented symbols: the globals
 * of libkshm.map, each at the version of the node that lists it (the
 * newest node that lists a name is its default version), each declared
 * with KSHM_EXPORT in kshm.h, each with a man page, and nothing else.
 *
 * Built with KSHM_SO, KSHM_MAP, KSHM_HEADER and KSHM_MANDIR set to paths.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib-test.h"

#define MAX_SYMS 64

/* Symbols with their version node: "kshm_info" at "LIBKSHM_0.2". */
struct syms {
	int n;
	char name[MAX_SYMS][64];
	char version[MAX_SYMS][32];
	int is_default[MAX_SYMS];	/* nm: name@@VERSION, not name@VERSION */
};

static void add(struct syms *s, const char *name, size_t len,
		const char *version, size_t vlen, int is_default)
{
	ck_assert_int_lt(s->n, MAX_SYMS);
	ck_assert_uint_lt(len, sizeof(s->name[0]));
	ck_assert_uint_lt(vlen, sizeof(s->version[0]));
	memcpy(s->name[s->n], name, len);
	s->name[s->n][len] = '\0';
	memcpy(s->version[s->n], version, vlen);
	s->version[s->n][vlen] = '\0';
	s->is_default[s->n] = is_default;
	s->n++;
}

/* The index of @name at @version (any version for NULL), or -1. */
static int find(const struct syms *s, const char *name, const char *version)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name) &&
		    (!version || !strcmp(s->version[i], version)))
			return i;
	return -1;
}

static FILE *open_or_fail(const char *path)
{
	FILE *f = fopen(path, "r");

	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	return f;
}

/*
 * The names between "global:" and "local:" or "}" of every node, with
 * the node's version; @newest gets the last node's. In the map a name
 * listed in a later node is that node's default version.
 */
static void map_globals(struct syms *s, char *newest, size_t len)
{
	FILE *f = open_or_fail(KSHM_MAP);
	char line[256], node[32] = "";
	int in_global = 0;

	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		if (!strncmp(p, "LIBKSHM_", 8)) {
			snprintf(node, sizeof(node), "%.*s",
				 (int)strcspn(p, " \t{\n"), p);
		} else if (!strncmp(p, "global:", 7)) {
			in_global = 1;
		} else if (!strncmp(p, "local:", 6) || *p == '}') {
			in_global = 0;
		} else if (in_global && isalpha((unsigned char)*p)) {
			add(s, p, strcspn(p, "; \t\n"), node, strlen(node), 0);
		}
	}
	fclose(f);
	ck_assert_str_ne(node, "");
	snprintf(newest, len, "%s", node);
	/* The last node listing a name holds its default version. */
	for (int i = 0; i < s->n; i++) {
		s->is_default[i] = 1;
		for (int j = i + 1; j < s->n; j++)
			if (!strcmp(s->name[i], s->name[j]))
				s->is_default[i] = 0;
	}
}

/* Defined dynamic symbols of the shared library, each with its version. */
static void nm_exports(struct syms *s)
{
	FILE *f = popen("nm -D --defined-only " KSHM_SO, "r");
	char line[256], type, sym[128];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *at, *ver;

		if (sscanf(line, "%*s %c %127s", &type, sym) != 2)
			continue;
		if (type == 'A')	/* the version node itself */
			continue;
		at = strchr(sym, '@');
		ck_assert_msg(at, "%s is exported without a version", sym);
		ver = at + strspn(at, "@");
		add(s, sym, (size_t)(at - sym), ver, strlen(ver), ver - at == 2);
	}
	ck_assert_int_eq(pclose(f), 0);
}

START_TEST(library_exports_exactly_the_map_globals)
{
	struct syms map = { 0 }, nm = { 0 };
	char newest[32];

	map_globals(&map, newest, sizeof(newest));
	nm_exports(&nm);
	ck_assert_int_gt(map.n, 0);
	for (int i = 0; i < nm.n; i++) {
		int m = find(&map, nm.name[i], nm.version[i]);

		ck_assert_msg(m >= 0, "%s@%s is exported but not in libkshm.map",
			      nm.name[i], nm.version[i]);
		ck_assert_msg(nm.is_default[i] == map.is_default[m],
			      "%s@%s: default version in nm %d, in the map %d",
			      nm.name[i], nm.version[i], nm.is_default[i],
			      map.is_default[m]);
	}
	for (int i = 0; i < map.n; i++)
		ck_assert_msg(find(&nm, map.name[i], map.version[i]) >= 0,
			      "%s@%s is in libkshm.map but not exported",
			      map.name[i], map.version[i]);
}
END_TEST

/* Each name once: the header declares names, not versions. */
static int distinct(const struct syms *s, int i)
{
	return find(s, s->name[i], NULL) == i;
}

START_TEST(exported_symbols_are_declared_in_the_header)
{
	struct syms map = { 0 }, hdr = { 0 };
	char newest[32], line[256];
	FILE *f = open_or_fail(KSHM_HEADER);
	int names = 0;

	while (fgets(line, sizeof(line), f)) {
		/* The declared name is the identifier just before "(". */
		char *paren = strchr(line, '('), *p = paren;

		if (strncmp(line, "KSHM_EXPORT ", 12) || !p)
			continue;
		while (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			p--;
		ck_assert_msg(!strncmp(p, "kshm_", 5), "KSHM_EXPORT of %s", line);
		add(&hdr, p, (size_t)(paren - p), "", 0, 1);
	}
	fclose(f);
	map_globals(&map, newest, sizeof(newest));
	for (int i = 0; i < map.n; i++) {
		if (!distinct(&map, i))
			continue;
		names++;
		ck_assert_msg(find(&hdr, map.name[i], NULL) >= 0,
			      "%s is exported but not declared KSHM_EXPORT",
			      map.name[i]);
	}
	ck_assert_int_eq(hdr.n, names);
}
END_TEST

START_TEST(exported_symbols_have_man_pages)
{
	struct syms map = { 0 };
	char newest[32], path[512];

	map_globals(&map, newest, sizeof(newest));
	for (int i = 0; i < map.n; i++) {
		snprintf(path, sizeof(path), "%s/%s.3", KSHM_MANDIR, map.name[i]);
		ck_assert_msg(!access(path, R_OK), "no man page %s", path);
	}
}
END_TEST

/*
 * A program linked against libkshm 0.1 binds kshm_info@LIBKSHM_0.1, whose
 * struct kshm_info was 88 bytes: that symbol must stay, apart from 0.2's.
 */
START_TEST(programs_built_against_0_1_keep_their_kshm_info)
{
	void *so = dlopen(KSHM_SO, RTLD_NOW | RTLD_LOCAL);
	int (*v0_1)(struct kshm *, void *), (*v0_2)(struct kshm *, void *);
	int (*dflt)(struct kshm *, void *);
	char old[88];

	ck_assert_msg(so, "dlopen: %s", dlerror());
	v0_1 = (int (*)(struct kshm *, void *))dlvsym(so, "kshm_info", "LIBKSHM_0.1");
	v0_2 = (int (*)(struct kshm *, void *))dlvsym(so, "kshm_info", "LIBKSHM_0.2");
	dflt = (int (*)(struct kshm *, void *))dlsym(so, "kshm_info");
	ck_assert_ptr_nonnull(v0_1);
	ck_assert_ptr_nonnull(v0_2);
	ck_assert_ptr_ne(v0_1, v0_2);
	ck_assert_ptr_eq(dflt, v0_2);
	errno = 0;
	ck_assert_int_eq(v0_1(NULL, old), -EINVAL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(v0_1((struct kshm *)old, NULL), -EINVAL);
	dlclose(so);
}
END_TEST

Suite *exports_suite(void)
{
	Suite *s = suite_create("exports");
	TCase *tc = tcase_create("shared-library");

	tcase_add_test(tc, library_exports_exactly_the_map_globals);
	tcase_add_test(tc, exported_symbols_are_declared_in_the_header);
	tcase_add_test(tc, exported_symbols_have_man_pages);
	tcase_add_test(tc, programs_built_against_0_1_keep_their_kshm_info);
	suite_add_tcase(s, tc);
	return s;
}
