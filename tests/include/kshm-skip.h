/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Skipping a test, for every kshm test program.
 *
 * A skipped test did not run: the device, a kernel feature or a privilege
 * it needs is missing. It is never counted as passed. The runners
 * (tests/results.sh) read two forms:
 *
 *   KSHM-RESULT SKIP <name> <reason>   on stdout: one skipped test
 *   exit status 77 (KSHM_EXIT_SKIP)    the whole program skipped itself
 *
 * Inside a check test, KSHM_SKIP("reason", ...) prints the line with the
 * test's name and returns from the test. check then counts the test as
 * passed; the parser moves it from passed to skipped, because the line
 * comes between check's "Running suite(s):" and its summary.
 */
#ifndef KSHM_TEST_SKIP_H
#define KSHM_TEST_SKIP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The exit status of a program that skipped all its tests. */
#define KSHM_EXIT_SKIP	77

/* Prints "KSHM-RESULT SKIP @name <reason>" on stdout and flushes it. */
static inline __attribute__((format(printf, 2, 3)))
void kshm_skip_print(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("KSHM-RESULT SKIP %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/*
 * KSHM_SKIP(fmt, ...): in a check test (between START_TEST and END_TEST),
 * report the test as skipped, with a reason, and return from it. The
 * name is the one given to START_TEST (tcase_name(), from <check.h>).
 * Call it before the test asserts anything.
 */
#define KSHM_SKIP(...)						\
	do {							\
		kshm_skip_print(tcase_name(), __VA_ARGS__);	\
		return;						\
	} while (0)

/*
 * KSHM_SKIP_PROGRAM(name, fmt, ...): in a program that is not a check
 * program, skip everything it would test: print the line and exit 77.
 */
#define KSHM_SKIP_PROGRAM(name, ...)				\
	do {							\
		kshm_skip_print(name, __VA_ARGS__);		\
		exit(KSHM_EXIT_SKIP);				\
	} while (0)

#endif /* KSHM_TEST_SKIP_H */
