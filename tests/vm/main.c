// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-driver-tests: the driver's integration tests. Runs inside the test
 * VM as root with kshm loaded (nr_devs=2), once per group of module
 * parameters (tests/vm/guest/groups).
 */
#include <stdlib.h>

#include "driver-test.h"

int main(void)
{
	SRunner *sr = srunner_create(mmap_rules_suite());
	int failed;

	srunner_add_suite(sr, mmap_sharing_suite());
	srunner_add_suite(sr, concurrency_suite());
	srunner_add_suite(sr, copy_path_suite());
	srunner_add_suite(sr, ioctl_suite());
	srunner_add_suite(sr, sysfs_suite());
	srunner_add_suite(sr, fault_log_suite());
	srunner_add_suite(sr, regions_suite());
	srunner_add_suite(sr, security_suite());
	srunner_add_suite(sr, process_lifetime_suite());
	srunner_add_suite(sr, madvise_suite());
	srunner_add_suite(sr, iov_iter_suite());
	srunner_add_suite(sr, resize_race_suite());
	srunner_add_suite(sr, control_suite());
	srunner_add_suite(sr, ring_suite());
	srunner_add_suite(sr, fault_around_suite());
	srunner_add_suite(sr, prefault_suite());
	srunner_add_suite(sr, gup_suite());
	srunner_add_suite(sr, huge_suite());
	srunner_add_suite(sr, fault_around_races_suite());
	srunner_add_suite(sr, sparse_address_suite());
	srunner_add_suite(sr, huge_races_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
