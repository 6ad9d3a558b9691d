/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the driver tests that run inside the test VM (as root, with
 * kshm loaded with nr_devs=2). They talk to /dev/kshmN with raw syscalls,
 * so a failure points at the driver, not at libkshm.
 */
#ifndef KSHM_DRIVER_TEST_H
#define KSHM_DRIVER_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kshm.h>

#define KT_DEV0		"/dev/kshm0"
#define KT_DEV1		"/dev/kshm1"
/* The size tests start from: the module's default, 1 MiB. */
#define KT_SIZE		(1024 * 1024)

extern size_t kt_page;

/* Open a node; fails the test when it cannot. */
int kt_open(const char *path, int flags);
struct kshm_info kt_info(int fd);
/* KSHM_IOC_SET_SIZE; returns 0 or -errno. */
int kt_set_size(int fd, uint64_t size);
/* A decimal attribute of /sys/class/misc/<dev>/. */
long long kt_sysfs(const char *dev, const char *attr);
/* mmap(MAP_SHARED) that fails the test when it fails. */
void *kt_map(int fd, size_t len, int prot, off_t off);
/* Page frame number of a mapped, touched address (/proc/self/pagemap). */
uint64_t kt_pfn(const void *addr);
/* True if the pattern of page @pgoff (see kt_fill) is at @p. */
void kt_fill(void *p, size_t len, uint64_t pgoff, uint8_t seed);
bool kt_check(const void *p, size_t len, uint64_t pgoff, uint8_t seed);
/* Wait for a child; true if it exited with status 0. */
bool kt_child_ok(pid_t pid);
bool kt_backing_is_pages(void);

/* Checked fixture: both regions back at KT_SIZE, zeroed, unmapped. */
void kt_setup(void);

/* One TCase per suite, with the fixture, as most suites want. */
TCase *kt_tcase(const char *name);

Suite *mmap_rules_suite(void);
Suite *mmap_sharing_suite(void);
Suite *concurrency_suite(void);
Suite *copy_path_suite(void);
Suite *ioctl_suite(void);
Suite *sysfs_suite(void);
Suite *fault_log_suite(void);
Suite *regions_suite(void);
Suite *security_suite(void);
Suite *process_lifetime_suite(void);
Suite *madvise_suite(void);
Suite *iov_iter_suite(void);
Suite *resize_race_suite(void);
Suite *control_suite(void);
Suite *ring_suite(void);

#endif
