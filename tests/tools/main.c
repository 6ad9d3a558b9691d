// SPDX-License-Identifier: GPL-2.0
/*
 * Runs kshmctl's host check suites; exits 0 when every test passed.
 */
#include <stdlib.h>

#include "kshmctl-test.h"

FILE *t_capture_start(struct t_capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->f);
	return c->f;
}

char *t_capture_end(struct t_capture *c)
{
	ck_assert_int_eq(fclose(c->f), 0);
	return c->buf;
}

int main(void)
{
	SRunner *sr = srunner_create(sizes_suite());
	int failed;

	srunner_add_suite(sr, hexdump_suite());
	srunner_add_suite(sr, show_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
