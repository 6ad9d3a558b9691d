// SPDX-License-Identifier: GPL-2.0
/* Helpers the suites share: opening, resizing, restoring sizes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib-test.h"

static uint64_t t_saved_size[2];

static void t_save_sizes(void)
{
	for (unsigned int i = 0; i < 2; i++) {
		struct kshm *k = t_open(i, O_RDONLY);

		t_saved_size[i] = t_info(k).size;
		kshm_close(k);
	}
}

static void t_put_back_sizes(void)
{
	for (unsigned int i = 0; i < 2; i++) {
		struct kshm *k = t_open(i, O_RDWR);
		int ret = kshm_resize(k, t_saved_size[i]);

		ck_assert_msg(!ret, "restoring kshm%u to %llu bytes: %s", i,
			      (unsigned long long)t_saved_size[i],
			      strerror(-ret));
		kshm_close(k);
	}
}

/* Unchecked: runs in the runner itself, so a failed test cannot skip it. */
void t_restore_sizes(TCase *tc)
{
	tcase_add_unchecked_fixture(tc, t_save_sizes, t_put_back_sizes);
}

struct kshm *t_open(unsigned int index, int flags)
{
	struct kshm *k = kshm_open_index(index, flags);

	ck_assert_msg(k, "kshm_open_index(%u): %s", index, strerror(errno));
	return k;
}

void t_resize(struct kshm *k, uint64_t size)
{
	int ret = kshm_resize(k, size);

	ck_assert_msg(!ret, "kshm_resize(%llu): %s", (unsigned long long)size,
		      strerror(-ret));
}

struct kshm_info t_info(struct kshm *k)
{
	struct kshm_info info;
	int ret = kshm_info(k, &info);

	ck_assert_msg(!ret, "kshm_info: %s", strerror(-ret));
	return info;
}

size_t t_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

size_t t_unit(struct kshm *k)
{
	return t_info(k).backing == KSHM_BACKING_HUGE ? (size_t)2 << 20 :
							t_page();
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}
