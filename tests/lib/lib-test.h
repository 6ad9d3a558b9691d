/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkshm's check suites. Host suites need no driver; device suites run
 * against /dev/kshm0 and /dev/kshm1 (the VM loads kshm with nr_devs=2)
 * and the control node /dev/kshm.
 */
#ifndef KSHM_LIB_TEST_H
#define KSHM_LIB_TEST_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <kshm.h>

/* Suites that need no kshm device. */
Suite *args_suite(void);
Suite *open_errors_suite(void);
Suite *exports_suite(void);
Suite *ring_suite(void);
/* Host build only: it replaces ioctl(). */
Suite *fault_policy_fake_suite(void);

/* Suites that need /dev/kshm0, /dev/kshm1 and /dev/kshm. */
Suite *open_suite(void);
Suite *handle_suite(void);
Suite *info_suite(void);
Suite *resize_suite(void);
Suite *map_suite(void);
Suite *args_device_suite(void);
Suite *create_suite(void);
Suite *ring_device_suite(void);
Suite *fault_policy_suite(void);

/* Adds the fixture that puts both regions back to their size. */
void t_restore_sizes(TCase *tc);

/* Opens /dev/kshm<index> or fails the test. */
struct kshm *t_open(unsigned int index, int flags);

/* Resizes to @size or fails the test. */
void t_resize(struct kshm *k, uint64_t size);

/* Returns the region's info or fails the test. */
struct kshm_info t_info(struct kshm *k);

size_t t_page(void);
/* What a region's sizes round up to: 2 MiB for backing huge, else a page. */
size_t t_unit(struct kshm *k);

/* The number of open file descriptors of this process. */
int t_count_fds(void);

#endif /* KSHM_LIB_TEST_H */
