// SPDX-License-Identifier: GPL-2.0
/*
 * Runs libkshm's check suites. Device suites run when /dev/kshm0,
 * /dev/kshm1 and the control node /dev/kshm exist;
 * built with KSHM_TEST_NEED_DEVICE (the VM build) a missing device fails.
 * Exits 0 when every test passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib-test.h"

int main(void)
{
	int have_dev = !access("/dev/kshm0", F_OK) && !access("/dev/kshm1", F_OK) &&
		       !access(KSHM_CTL_PATH, F_OK);
	SRunner *sr = srunner_create(args_suite());
	int failed;

	srunner_add_suite(sr, open_errors_suite());
	srunner_add_suite(sr, ring_suite());
#ifdef KSHM_TEST_EXPORTS
	srunner_add_suite(sr, exports_suite());
#endif
#ifdef KSHM_TEST_FAKE_IOCTL
	srunner_add_suite(sr, fault_policy_fake_suite());
#endif
	if (have_dev) {
		srunner_add_suite(sr, args_device_suite());
		srunner_add_suite(sr, open_suite());
		srunner_add_suite(sr, handle_suite());
		srunner_add_suite(sr, info_suite());
		srunner_add_suite(sr, resize_suite());
		srunner_add_suite(sr, map_suite());
		srunner_add_suite(sr, create_suite());
		srunner_add_suite(sr, ring_device_suite());
		srunner_add_suite(sr, fault_policy_suite());
	} else {
#ifdef KSHM_TEST_NEED_DEVICE
		fprintf(stderr, "libkshm-tests: /dev/kshm0, /dev/kshm1 or " KSHM_CTL_PATH " missing\n");
		srunner_free(sr);
		return 1;
#else
		printf("libkshm-tests: no /dev/kshm0, /dev/kshm1 and " KSHM_CTL_PATH ": device suites skipped\n");
#endif
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
