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
/*
 * The size tests start from: 2 MiB, one block of backing "huge" (which
 * rounds sizes up to 2 MiB), so the regions have this size in every group.
 */
#define KT_SIZE		(2 * 1024 * 1024)
/* A block of backing "huge": its sizes and faults go by this much. */
#define KT_HUGE		(2 * 1024 * 1024)
#define KT_THP		"/sys/kernel/mm/transparent_hugepage/enabled"

extern size_t kt_page;
/* What sizes of kshm0 and kshm1 round up to: a page, or KT_HUGE. */
extern size_t kt_unit;

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
/* KSHM_BACKING_* of kshm0 and kshm1 (the group's backing). */
uint32_t kt_backing(void);
/* @size rounded up to what the group's regions hold (kt_unit). */
uint64_t kt_round(uint64_t size);
/* KSHM_IOC_SET_FAULT_POLICY; returns 0 or -errno. */
int kt_set_fault_policy(int fd, uint32_t flags, uint32_t window);
/*
 * Make every fault of the region map one page (window 1, no prefault),
 * for the tests that count faults per page. Returns the pages a fault
 * maps after that: 1, or the 512 of a 2 MiB block for backing "huge",
 * which ignores the window.
 */
size_t kt_one_page_faults(int fd);
/*
 * Make a region through the control node /dev/kshm (node
 * /dev/kshm-@name), first destroying one a failed test left behind.
 * Returns 0 or -errno.
 */
int kt_create(const char *name, uint64_t size, uint64_t max_size,
	      uint32_t backing);
/* KSHM_IOC_DESTROY; returns 0 or -errno. */
int kt_destroy(const char *name);
/* True if the page at @addr is mapped in this process (pagemap). */
bool kt_present(const void *addr);
/*
 * mmap(MAP_SHARED) at an address @shift bytes past a multiple of @align,
 * so that fault-around windows and 2 MiB blocks fall where a test wants.
 */
void *kt_map_at(int fd, size_t len, int prot, off_t off, size_t align,
		size_t shift);
/* The running kernel's major * 1000 + minor (6012 for 6.12). */
int kt_kernel_version(void);
/*
 * Does a fault of an aligned, whole 2 MiB block of @p, a mapping of
 * backing "huge", get a PMD? 6.12 and later (7.3 is tested) ask the
 * driver (.huge_fault) when transparent huge pages are not "never"
 * ("madvise": for a mapping given MADV_HUGEPAGE, which this gives @p);
 * 6.1 never does, nor does a kernel without THP (the rt flavour).
 * 1: yes, 0: no, -1: a kernel the tests do not know (6.2 to 6.11).
 */
int kt_pmds_offered(void *p, size_t len);

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
Suite *fault_around_suite(void);
Suite *prefault_suite(void);
Suite *gup_suite(void);
Suite *huge_suite(void);
Suite *fault_around_races_suite(void);
Suite *sparse_address_suite(void);
Suite *huge_races_suite(void);

#endif
