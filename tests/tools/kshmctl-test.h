/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of kshmctl's device-free parts (tools/kshmctl.h): sizes,
 * the hexdump, and how a struct kshm_info is shown.
 */
#ifndef KSHMCTL_TEST_H
#define KSHMCTL_TEST_H

#include <check.h>

#include "kshmctl.h"

Suite *sizes_suite(void);
Suite *hexdump_suite(void);
Suite *show_suite(void);

/*
 * Output captured from a FILE *: t_capture_start() gives the stream,
 * t_capture_end() closes it and returns the text (free() it).
 */
struct t_capture {
	FILE *f;
	char *buf;
	size_t len;
};

FILE *t_capture_start(struct t_capture *c);
char *t_capture_end(struct t_capture *c);

#endif /* KSHMCTL_TEST_H */
