// SPDX-License-Identifier: GPL-2.0
/* KSHM_IOC_INFO and KSHM_IOC_SET_SIZE, and what they refuse. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define MAX_SIZE	(64ULL * 1024 * 1024)	/* the groups' max_size */

/* KSHM_BACKING_* of the module's "backing" parameter. */
static uint32_t param_backing(void)
{
	static const char *const names[] = { "pages", "vmalloc", "huge" };
	char buf[32] = "";
	int f = kt_open("/sys/module/kshm/parameters/backing", O_RDONLY);
	uint32_t i;

	ck_assert_int_gt(read(f, buf, sizeof(buf) - 1), 0);
	close(f);
	buf[strcspn(buf, "\n")] = 0;
	for (i = 0; i < 3; i++)
		if (!strcmp(buf, names[i]))
			return i;
	ck_abort_msg("backing parameter \"%s\"", buf);
	return 0;
}

START_TEST(info_reports_the_region)
{
	int fd = kt_open(KT_DEV1, O_RDONLY);
	struct kshm_info info = kt_info(fd);

	ck_assert_uint_eq(info.size, KT_SIZE);
	ck_assert_uint_eq(info.max_size, MAX_SIZE);
	ck_assert_uint_eq(info.index, 1);
	ck_assert_uint_eq(info.page_size, kt_page);
	ck_assert_uint_eq(info.mappings, 0);
	ck_assert_uint_eq(info.backing, param_backing());
	ck_assert_uint_eq(info.__pad, 0);
	ck_assert_uint_eq(info.__reserved[0] | info.__reserved[1] |
			  info.__reserved[2], 0);
	ck_assert_uint_eq(info.argsz, sizeof(info));
	ck_assert_uint_eq(info.flags, 0);
	ck_assert_uint_eq(info.mask, KSHM_INFO_SIZE | KSHM_INFO_MAX_SIZE |
			  KSHM_INFO_RESIDENT_PAGES | KSHM_INFO_FAULTS |
			  KSHM_INFO_MAPPINGS | KSHM_INFO_BACKING |
			  KSHM_INFO_INDEX | KSHM_INFO_PAGE_SIZE |
			  KSHM_INFO_NAME | KSHM_INFO_AROUND_PAGES |
			  KSHM_INFO_PREFAULT_PAGES | KSHM_INFO_HUGE_MAPS |
			  KSHM_INFO_HUGE_FALLBACKS | KSHM_INFO_FAULT_POLICY);
	ck_assert_str_eq(info.name, "kshm1");
}
END_TEST

/* A newer caller (larger argsz) is told how much the kernel filled. */
START_TEST(info_larger_argsz_reports_bytes_filled)
{
	int fd = kt_open(KT_DEV0, O_RDONLY);
	struct {
		struct kshm_info info;
		uint64_t newer[4];
	} big;

	memset(&big, 0xa5, sizeof(big));
	big.info.argsz = sizeof(big);
	big.info.flags = 0;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &big), 0);
	ck_assert_uint_eq(big.info.argsz, sizeof(big.info));
	ck_assert_uint_eq(big.info.size, KT_SIZE);
	ck_assert_uint_eq(big.newer[0], 0xa5a5a5a5a5a5a5a5ULL);
}
END_TEST

START_TEST(info_small_argsz_or_flags_fails_einval)
{
	int fd = kt_open(KT_DEV0, O_RDONLY);
	struct kshm_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = KSHM_INFO_SIZE_VER0 - 1;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &info), -1);
	ck_assert_int_eq(errno, EINVAL);
	info.argsz = 0;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &info), -1);
	ck_assert_int_eq(errno, EINVAL);
	info.argsz = sizeof(info);
	info.flags = 1;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &info), -1);
	ck_assert_int_eq(errno, EINVAL);
	info.flags = 0x80000000;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &info), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(info.size, 0);	/* nothing was written */
}
END_TEST

START_TEST(set_size_unknown_flags_fail_einval)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	struct kshm_resize args = { .size = 2 * KT_SIZE, .flags = 1 };

	ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_SIZE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.flags = 1ULL << 63;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_SIZE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(kt_info(fd).size, KT_SIZE);
}
END_TEST

START_TEST(set_size_grow_keeps_contents)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *buf = malloc(kt_page);

	kt_fill(buf, kt_page, 0, 21);
	ck_assert_int_eq(pwrite(fd, buf, kt_page, KT_SIZE - kt_page), kt_page);
	ck_assert_int_eq(kt_set_size(fd, 4 * KT_SIZE), 0);
	ck_assert_uint_eq(kt_info(fd).size, 4 * KT_SIZE);
	ck_assert_int_eq(kt_sysfs("kshm0", "size"), 4 * KT_SIZE);
	memset(buf, 0, kt_page);
	ck_assert_int_eq(pread(fd, buf, kt_page, KT_SIZE - kt_page), kt_page);
	ck_assert(kt_check(buf, kt_page, 0, 21));
	free(buf);
}
END_TEST

/* Kept: 2 pages, or the first 2 MiB block of backing "huge". */
START_TEST(set_size_shrink_then_grow_reads_zeros)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t size = 2 * KT_SIZE, keep = kt_round(2 * kt_page), i;
	char *buf = malloc(kt_page);
	char *map;

	ck_assert_int_eq(kt_set_size(fd, size), 0);
	map = kt_map(fd, size, PROT_READ | PROT_WRITE, 0);
	memset(map, 0x5a, size);
	munmap(map, size);
	ck_assert_int_eq(kt_set_size(fd, 2 * kt_page), 0);
	ck_assert_uint_eq(kt_info(fd).size, keep);
	if (kt_backing() != KSHM_BACKING_VMALLOC)
		ck_assert_int_eq(kt_info(fd).resident_pages, keep / kt_page);
	ck_assert_int_eq(kt_set_size(fd, size), 0);
	map = kt_map(fd, size, PROT_READ, 0);
	/* One assertion, not one per byte (each is a write to check's pipe). */
	for (i = 0; i < size; i++)
		if ((uint8_t)map[i] != (i < keep ? 0x5a : 0))
			break;
	ck_assert_msg(i == size, "byte %zu is %#x", i,
		      i < size ? (uint8_t)map[i] : 0);
	ck_assert_int_eq(pread(fd, buf, kt_page, keep + 5 * kt_page), kt_page);
	ck_assert_int_eq(buf[0] | buf[kt_page - 1], 0);
	munmap(map, size);
	free(buf);
}
END_TEST

START_TEST(set_size_while_mapped_fails_ebusy)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *map = kt_map(fd, kt_page, PROT_READ, 0);

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), -EBUSY);
	ck_assert_uint_eq(kt_info(fd).size, KT_SIZE);
	munmap(map, kt_page);
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
}
END_TEST

START_TEST(set_size_while_another_process_maps_fails_ebusy)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	int go[2], ready[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int cfd = open(KT_DEV0, O_RDONLY);
		void *p = mmap(NULL, kt_page, PROT_READ, MAP_SHARED, cfd, 0);

		close(cfd);
		if (p == MAP_FAILED)
			_exit(2);
		c = 'r';
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), -EBUSY);
	ck_assert_int_eq(write(go[1], &c, 1), 1);
	ck_assert(kt_child_ok(pid));
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
}
END_TEST

START_TEST(set_size_out_of_range_fails_einval)
{
	int fd = kt_open(KT_DEV0, O_RDWR);

	ck_assert_int_eq(kt_set_size(fd, 0), -EINVAL);
	ck_assert_int_eq(kt_set_size(fd, MAX_SIZE + 1), -EINVAL);
	/* Sizes whose page count or rounding cannot be represented. */
	ck_assert_int_eq(kt_set_size(fd, UINT64_MAX), -EINVAL);
	ck_assert_int_eq(kt_set_size(fd, UINT64_MAX - kt_page + 2), -EINVAL);
	ck_assert_int_eq(kt_set_size(fd, 1ULL << 63), -EINVAL);
	ck_assert_int_eq(kt_set_size(fd, 1ULL << 44), -EINVAL);
	ck_assert_uint_eq(kt_info(fd).size, KT_SIZE);
	ck_assert_int_eq(kt_set_size(fd, MAX_SIZE), 0);
	ck_assert_uint_eq(kt_info(fd).size, MAX_SIZE);
}
END_TEST

/* To pages, or to 2 MiB blocks for backing "huge" (kt_unit). */
START_TEST(set_size_rounds_up_to_pages)
{
	int fd = kt_open(KT_DEV0, O_RDWR);

	ck_assert_int_eq(kt_set_size(fd, 1), 0);
	ck_assert_uint_eq(kt_info(fd).size, kt_unit);
	ck_assert_int_eq(kt_set_size(fd, 3 * kt_page + 1), 0);
	ck_assert_uint_eq(kt_info(fd).size, kt_round(4 * kt_page));
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE + 1), 0);
	ck_assert_uint_eq(kt_info(fd).size, kt_round(KT_SIZE + kt_page));
}
END_TEST

START_TEST(set_size_on_readonly_fd_fails_ebadf)
{
	int fd = kt_open(KT_DEV0, O_RDONLY);

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), -EBADF);
	ck_assert_uint_eq(kt_info(fd).size, KT_SIZE);
}
END_TEST

START_TEST(unknown_ioctl_fails_enotty)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	struct kshm_info info;
	char big[sizeof(info) + 8];

	struct kshm_list list = { .argsz = sizeof(list),
				  .entry_size = sizeof(info) };

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	ck_assert_int_eq(ioctl(fd, _IO(KSHM_IOC_MAGIC, 0x7f)), -1);
	ck_assert_int_eq(errno, ENOTTY);
	/* A struct of another size is another command. */
	ck_assert_int_eq(ioctl(fd, _IOWR(KSHM_IOC_MAGIC, 0x10, big), big), -1);
	ck_assert_int_eq(errno, ENOTTY);
	/* The commands of 0.1 (INFO 0x00, SET_SIZE 0x01) are gone. */
	ck_assert_int_eq(ioctl(fd, _IOR(KSHM_IOC_MAGIC, 0x00, char[88]), big),
			 -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(ioctl(fd, _IOW(KSHM_IOC_MAGIC, 0x01, __u64), &info),
			 -1);
	ck_assert_int_eq(errno, ENOTTY);
	/* The control node's commands are not a region's. */
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_LIST, &list), -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(ioctl(fd, TCGETS, &info), -1);
	ck_assert_int_eq(errno, ENOTTY);
}
END_TEST

START_TEST(ioctl_bad_pointer_fails_efault)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	struct kshm_info *ro = mmap(NULL, kt_page, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *gone = mmap(NULL, kt_page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert(ro != MAP_FAILED && gone != MAP_FAILED);
	/* A valid request the kernel can read but not answer into. */
	ro->argsz = sizeof(*ro);
	ck_assert_int_eq(mprotect(ro, kt_page, PROT_READ), 0);
	munmap(gone, kt_page);		/* an address that is no longer mapped */
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, gone), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_SIZE, gone), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, ro), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_SIZE, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	munmap(ro, kt_page);
	ck_assert_uint_eq(kt_info(fd).size, KT_SIZE);
}
END_TEST

Suite *ioctl_suite(void)
{
	Suite *s = suite_create("ioctl");
	TCase *tc = kt_tcase("ioctl");

	tcase_add_test(tc, info_reports_the_region);
	tcase_add_test(tc, info_larger_argsz_reports_bytes_filled);
	tcase_add_test(tc, info_small_argsz_or_flags_fails_einval);
	tcase_add_test(tc, set_size_unknown_flags_fail_einval);
	tcase_add_test(tc, set_size_grow_keeps_contents);
	tcase_add_test(tc, set_size_shrink_then_grow_reads_zeros);
	tcase_add_test(tc, set_size_while_mapped_fails_ebusy);
	tcase_add_test(tc, set_size_while_another_process_maps_fails_ebusy);
	tcase_add_test(tc, set_size_out_of_range_fails_einval);
	tcase_add_test(tc, set_size_rounds_up_to_pages);
	tcase_add_test(tc, set_size_on_readonly_fd_fails_ebadf);
	tcase_add_test(tc, unknown_ioctl_fails_enotty);
	tcase_add_test(tc, ioctl_bad_pointer_fails_efault);
	suite_add_tcase(s, tc);
	return s;
}
